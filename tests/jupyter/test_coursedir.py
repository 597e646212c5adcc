"""The cohort's course directory and each learner's own (courses/jupyter/coursedir.py):
sources built once per version, staged then renamed; a learner's gradebook
copied from the shared one and taken again when the sources change; one job
per learner at a time."""

import pytest
from nbgrader.api import Gradebook

from courses.jupyter import course_prepare, learner_course
from tests.jupyter.conftest import FIXTURES, SAWARNING

pytestmark = [SAWARNING]
SOURCE = FIXTURES / "source" / "ps1"


def sources(extra: bytes = b"") -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    files["numbers.txt"] += extra
    return files


def prepare(root, version="v1", extra=b""):
    return course_prepare(
        root=root,
        course_id="c1",
        assignment="ps1",
        sources=lambda: sources(extra),
        version=version,
    )


def test_a_learner_gets_a_gradebook_of_their_own_that_knows_the_assignment(tmp_path):
    course = prepare(tmp_path / "course")
    with learner_course(course, "alice") as mine:
        assert mine.root == course.root / "learners" / "alice"
        with Gradebook(mine.gradebook_url, course_id="c1") as gb:
            assert [a.name for a in gb.assignments] == ["ps1"]
            gb.update_or_create_student("alice")  # written there only
        assert (mine.root / "source" / "ps1" / "numbers.txt").exists()
    with Gradebook(course.gradebook_url, course_id="c1") as gb:
        assert gb.students == []


def test_new_sources_replace_the_learners_gradebook_and_files(tmp_path):
    course = prepare(tmp_path / "course")
    with learner_course(course, "alice") as mine:
        with Gradebook(mine.gradebook_url, course_id="c1") as gb:
            gb.update_or_create_student("alice")
    prepare(tmp_path / "course", version="v2", extra=b"\n99\n")
    assert not list((tmp_path / "course" / "source").glob(".ps1*"))  # no leftovers
    with learner_course(course, "alice") as mine:
        assert (
            (mine.root / "source" / "ps1" / "numbers.txt")
            .read_bytes()
            .endswith(b"\n99\n")
        )
        with Gradebook(mine.gradebook_url, course_id="c1") as gb:
            assert gb.students == []  # a fresh copy; the LMS keeps the results


def test_one_job_per_learner_at_a_time_others_side_by_side(tmp_path):
    course = prepare(tmp_path / "course")
    with learner_course(course, "alice"):
        with pytest.raises(BlockingIOError):
            with learner_course(course, "alice", wait=False):
                pass
        with learner_course(course, "bob", wait=False) as bobs:
            assert bobs.root.name == "bob"


@pytest.mark.parametrize("name", ["../bob", ".hidden", "a/b", ""])
def test_a_name_that_is_not_a_plain_id_is_refused(tmp_path, name):
    course = prepare(tmp_path / "course")
    with pytest.raises(ValueError):
        with learner_course(course, name):
            pass
