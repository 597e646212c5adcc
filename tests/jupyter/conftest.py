"""Fixtures for the grading engine and its sandbox. No Django database here.

- ``sandbox``: the SandboxConfig of this machine, provisioned on first use
  (slot users, /opt/lms-lab/python); skips unless run as root with ``unshare``.
- ``released_course``: a course with problem set ``ps1`` generated from
  ``fixtures/source`` (gradebook included), made once per session in a root-only
  directory (0700), as the LMS keeps its course directories.
- ``course_factory``: ``course_factory()`` copies the released course into a new
  directory with a gradebook of its own.
- ``submission``: ``submission(answers=..., before=[...], after=[...])`` returns
  the bytes of a learner's ``ps1.ipynb``: the released notebook with the answer
  cells filled in (the correct answers unless replaced in ``answers``) and extra
  code cells before the first or after the last cell.
- ``correct_answers``: grade_id -> the instructor's solution source.
- ``SAWARNING``: a filterwarnings mark for nbgrader's harmless SQLAlchemy warning.
- ``leftovers(sandbox)``: processes and job directories of slots nobody holds
  (another test run may be grading at the same time in the slots it holds).
- ``page_text(path)``: the text a person reads on an HTML page (tags removed:
  syntax highlighting splits code into many spans).
"""

import html
import os
import pwd
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from courses.jupyter import Course, SandboxConfig, generate_assignment
from courses.jupyter.slots import owned, try_lock

FIXTURES = Path(__file__).parent / "fixtures"
COURSES_ROOT = Path("/var/lib/lms-test-courses")
SAWARNING = pytest.mark.filterwarnings("ignore:Object of type <Submitted")


def leftovers(sandbox: SandboxConfig) -> list[str]:
    found = []
    for name in sandbox.slot_users:
        fd = try_lock(sandbox.jobs_root / f".{name}.lock")
        if fd is None:
            continue  # in use right now
        try:
            uid = pwd.getpwnam(name).pw_uid
            found += [f"process {pid}" for pid in os.listdir("/proc") if
                      pid.isdigit() and owned(pid, uid)]  # fmt: skip
            found += [str(p) for p in sandbox.jobs_root.glob(f"{name}-*")]
        finally:
            os.close(fd)
    return found


def page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.fixture(scope="session")
def sandbox() -> SandboxConfig:
    if os.geteuid() != 0 or not Path("/usr/bin/unshare").exists():
        pytest.skip(reason="The grading sandbox needs root and util-linux's unshare.")
    from courses.jupyter.provision import provision

    provision()
    return SandboxConfig()


@pytest.fixture(scope="session")
def courses_root():
    COURSES_ROOT.mkdir(mode=0o700, exist_ok=True)
    root = Path(tempfile.mkdtemp(dir=COURSES_ROOT))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def released_course(courses_root) -> Course:
    course = Course(root=courses_root / "released", course_id="ml-basics-2026")
    shutil.copytree(FIXTURES / "source", course.root / "source")
    generate_assignment(course=course, assignment="ps1")
    return course


@pytest.fixture(scope="session")
def course_factory(released_course, courses_root):
    def make() -> Course:
        root = Path(tempfile.mkdtemp(dir=courses_root, prefix="course-"))
        shutil.copytree(released_course.root, root, dirs_exist_ok=True)
        return Course(root=root, course_id=released_course.course_id)

    return make


@pytest.fixture(scope="session")
def correct_answers() -> dict[str, str]:
    source = nbformat.read(FIXTURES / "source" / "ps1" / "ps1.ipynb", as_version=4)
    return {cell.metadata.nbgrader.grade_id: cell.source for cell in source.cells}


@pytest.fixture(scope="session")
def submission(released_course, correct_answers):
    release = released_course.root / "release" / "ps1" / "ps1.ipynb"

    def make(answers=None, before=(), after=()) -> bytes:
        nb = nbformat.read(release, as_version=4)
        chosen = {**correct_answers, **(answers or {})}
        for cell in nb.cells:
            if cell.metadata.nbgrader.get("solution"):
                cell.source = chosen[cell.metadata.nbgrader.grade_id]
        nb.cells[:0] = [new_code_cell(code) for code in before]
        nb.cells += [new_code_cell(code) for code in after]
        return nbformat.writes(nb).encode()

    return make
