"""lms_exchange.gradebook_io on its own (in this process, a temporary home): what
it writes stays in the course directory; what it answers is what it holds. With
the real grader account and grading: tests/grading/test_formgrader.py."""

import base64
import json

import pytest

from hub_config.lms_exchange import gradebook_io as io

pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted")
NOTEBOOK = base64.b64encode(b'{"cells": []}').decode()
ASSIGNMENT = {
    "name": "ps1",
    "duedate": None,
    "notebooks": [
        {
            "name": "ps1",
            "grade_cells": [{"name": "q1", "max_score": 2.0, "cell_type": "markdown"}],
            "task_cells": [],
            "solution_cells": [{"name": "q1"}],
            "source_cells": [],
        }
    ],
}
STAMP = "2026-11-24 10:00:00.000000 UTC"


def request(**submission) -> dict:
    return {
        "course_id": "c1",
        "assignments": [ASSIGNMENT],
        "students": [{"id": "learner-1", "first_name": "Ada"}],
        "submissions": [
            {
                "assignment": "ps1",
                "student": "learner-1",
                "timestamp": STAMP,
                "files": {"ps1.ipynb": NOTEBOOK},
                "grades": [
                    {
                        "notebook": "ps1",
                        "cell": "q1",
                        "auto_score": None,
                        "manual_score": None,
                        "needs_manual_grade": True,
                    }
                ],
                **submission,
            }
        ],
    }


def test_an_empty_home_is_not_prepared(tmp_path):
    assert io.dump(tmp_path) == {"prepared": False, "submissions": []}


def test_what_is_loaded_is_dumped(tmp_path):
    io.load(tmp_path, request())

    assert json.loads((tmp_path / io.STATE_FILE).read_text()) == {"course_id": "c1"}
    notebook = tmp_path / "course" / "autograded" / "learner-1" / "ps1" / "ps1.ipynb"
    assert notebook.read_bytes() == b'{"cells": []}'
    dumped = io.dump(tmp_path)
    assert dumped["prepared"] is True
    (held,) = dumped["submissions"]
    assert (held["student"], held["timestamp"]) == ("learner-1", STAMP)
    assert held["grades"][0]["needs_manual_grade"] is True


@pytest.mark.parametrize(
    "bad",
    [
        {"student": "../../etc"},
        {"student": ".hidden"},
        {"assignment": "a/b"},
        {"files": {"../escape.ipynb": NOTEBOOK}},
        {"files": {"sub/../../x": NOTEBOOK}},
    ],
)
def test_names_that_leave_the_course_are_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="not a plain name"):
        io.load(tmp_path, request(**bad))
    assert not (tmp_path / "etc").exists() and not (tmp_path / "escape.ipynb").exists()


def test_a_symlink_planted_in_the_course_is_replaced_not_followed(tmp_path):
    io.load(tmp_path, request())
    target = tmp_path / "outside.txt"
    target.write_text("keep")
    folder = tmp_path / "course" / "source" / "ps1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.txt").symlink_to(target)

    spec = {**ASSIGNMENT, "sources": {"data.txt": NOTEBOOK}}
    io.load(tmp_path, {**request(), "assignments": [spec]})
    assert target.read_text() == "keep"
    assert not (folder / "data.txt").is_symlink()
