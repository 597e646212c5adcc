"""The LMS's nbgrader course directory of a cohort, built from what it stores.

One directory per cohort: ``source/<assignment>/`` from the instructor's files,
the gradebook (``gradebook.db``) and nbgrader's working folders. Several worker
threads and processes share it: a file lock serializes the (rare) rebuilds of
an assignment, and a marker file names the sources it was built from, so a
fixed test (new sources) is picked up by the next grading job.
"""

import fcntl
import shutil
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path

from courses.jupyter.nbgrader_app import Course, generate_assignment
from courses.jupyter.releases import safe_relative


@contextmanager
def file_lock(path: Path):
    """Hold an exclusive lock on ``path`` (made with its folder, 0700) across
    threads and processes of this machine."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
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
        shutil.rmtree(folder, ignore_errors=True)
        for path, data in sources().items():
            relative = safe_relative(path)
            if relative is None:
                raise ValueError(f"Not a plain relative path: {path!r}")
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        generate_assignment(course=course, assignment=assignment)
        marker.write_text(version)
    return course
