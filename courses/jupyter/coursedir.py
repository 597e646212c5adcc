"""The LMS's nbgrader course directory of a cohort, built from what it stores.

One directory per cohort: ``source/<assignment>/`` from the instructor's files
and the gradebook (``gradebook.db``) that knows the assignments. Several worker
threads and processes share it: a file lock serializes the (rare) rebuilds of
an assignment, and a marker file names the sources it was built from, so a
fixed test (new sources) is picked up by the next grading job.

Nothing grades in that shared gradebook: nbgrader's autograde writes the
learner's submission rows with read-then-insert (two attempts of one learner at
once end in ``UNIQUE constraint failed``) and SQLite takes one writer at a time.
Each learner gets a course directory of their own, ``learners/<student>/``,
with a copy of the shared gradebook and a link to the shared sources, held
under a per-learner lock: one learner's attempts are graded one after another,
different learners' side by side, and no two jobs ever write one gradebook.
"""

import fcntl
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path

from courses.jupyter.grading import SAFE_NAME
from courses.jupyter.nbgrader_app import Course, generate_assignment
from courses.jupyter.releases import safe_relative


@contextmanager
def file_lock(path: Path, *, wait: bool = True):
    """Hold an exclusive lock on ``path`` (made with its folder, 0700) across
    threads and processes of this machine; without ``wait``, BlockingIOError
    if someone holds it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def course_prepare(
    *,
    root: Path,
    course_id: str,
    assignment: str,
    sources: Callable[[], Mapping[str, bytes]],
    version: str,
) -> Course:
    """The course with ``assignment`` generated from its sources at ``version``;
    ``sources()`` is called only when the directory holds another version."""
    course = Course(root, course_id)
    marker = root / f".source-{assignment}"
    if marker.exists() and marker.read_text() == version:
        return course
    with file_lock(root / ".lock"):
        if marker.exists() and marker.read_text() == version:
            return course  # another worker built it while we waited
        folder = root / "source" / assignment
        # Staged, then renamed: a learner's job copying the sources meanwhile
        # sees the old set or the new one, never half of it.
        staged = root / "source" / f".{assignment}.{uuid.uuid4().hex}"
        for path, data in sources().items():
            relative = safe_relative(path)
            if relative is None:
                shutil.rmtree(staged, ignore_errors=True)
                raise ValueError(f"Not a plain relative path: {path!r}")
            target = staged / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staged.mkdir(parents=True, exist_ok=True)  # an assignment with no files
        retired = root / "source" / f".{assignment}.old-{uuid.uuid4().hex}"
        if folder.exists():
            folder.rename(retired)
        staged.rename(folder)
        shutil.rmtree(retired, ignore_errors=True)
        generate_assignment(course=course, assignment=assignment)
        marker.write_text(version)
        (root / GENERATION).write_text(uuid.uuid4().hex)
    return course


GENERATION = ".generation"  # changes whenever the shared gradebook does


@contextmanager
def learner_course(course: Course, student: str, *, wait: bool = True):
    """The learner's own course directory, its gradebook in step with the
    shared one; held (per learner, across processes) until the block ends.
    Without ``wait``, BlockingIOError while another job holds it."""
    if not SAFE_NAME.fullmatch(student):  # it becomes a directory name
        raise ValueError(f"Not a safe nbgrader id: {student!r}")
    root = course.root / "learners" / student
    with file_lock(course.root / "learners" / f".{student}.lock", wait=wait):
        root.mkdir(parents=True, exist_ok=True)
        source = root / "source"
        if not source.is_symlink():
            shutil.rmtree(source, ignore_errors=True)
            source.symlink_to(Path("..") / ".." / "source")
        with file_lock(course.root / ".lock"):
            generation = course.root / GENERATION
            if not generation.exists():  # a directory from before learners had theirs
                generation.write_text(uuid.uuid4().hex)
            shared = generation.read_text()
            mine = root / GENERATION
            if not mine.exists() or mine.read_text() != shared:
                # A new assignment or new sources: start from the shared
                # gradebook. Earlier results here are dropped; the LMS holds
                # them, and feedback grades an attempt again when its
                # gradebook lacks it.
                _copy_gradebook(course.root / "gradebook.db", root / "gradebook.db")
                mine.write_text(shared)
        yield Course(root, course.course_id)


def _copy_gradebook(source: Path, target: Path) -> None:
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    with sqlite3.connect(source) as origin, sqlite3.connect(staged) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    staged.rename(target)
