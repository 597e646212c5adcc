"""Each learner's nbgrader course on the worker, and the pool of kernels."""

import hashlib
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from courses.grading.models.assignments import Assignment, AssignmentFile
from courses.grading.selectors.assignments import source_files
from courses.jupyter import GradingPool, SandboxLimits, course_prepare, learner_course

TIMESTAMP_FILE = "timestamp.txt"  # nbgrader's record of when it was submitted


# Grading ---------------------------------------------------------------------

_pool_lock = threading.Lock()


_pool: GradingPool | None = None


def grading_pool() -> GradingPool:
    """This process's pool: its lanes keep the next kernels booting."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = GradingPool(concurrency=settings.GRADING_CONCURRENCY)
        return _pool


@contextmanager
def grading_learner_course(assignment: Assignment, student: str, *, wait: bool = True):
    """The learner's own nbgrader course for this assignment, held for the
    block (BlockingIOError without ``wait`` while a job holds it)."""
    shared = grading_course(assignment)
    with learner_course(shared, student, wait=wait) as course:
        yield course


def course_root(assignment: Assignment) -> Path:
    return Path(settings.GRADING_DIR) / assignment.cohort.lab_course_id


def _sources_version(assignment: Assignment) -> str:
    rows = assignment.files.filter(kind=AssignmentFile.Kind.SOURCE).values_list(
        "path", "sha256"
    )
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def grading_course(assignment: Assignment):
    """The cohort's nbgrader course, with this assignment at its current sources."""
    return course_prepare(
        root=course_root(assignment),
        course_id=assignment.cohort.lab_course_id,
        assignment=assignment.name,
        sources=lambda: source_files(assignment=assignment),
        version=_sources_version(assignment),
    )


def limits_for(assignment: Assignment) -> SandboxLimits:
    return SandboxLimits(timeout_per_cell=assignment.timeout_per_cell)
