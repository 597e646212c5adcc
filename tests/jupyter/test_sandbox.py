"""The sandbox's parts: kernel environment, slots, lanes, a kernel that cannot start."""

import os
import time
from pathlib import Path

import pytest

from courses.jupyter import (
    COULD_NOT_GRADE,
    GradingPool,
    KernelLane,
    SandboxConfig,
    SandboxLimits,
    grade_submission,
)
from courses.jupyter.nbgrader_app import TransientGradingError
from courses.jupyter.slots import NoFreeSlot, lease_slot
from tests.jupyter.conftest import SAWARNING, leftovers


def test_the_kernel_environment_is_an_allow_list(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cret")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")

    env = SandboxConfig(extra_env={"COURSE": "ml"}).kernel_env(Path("/job/home"))

    assert "s3cret" not in env.values()
    assert env["HOME"] == "/job/home" and env["COURSE"] == "ml"
    assert env["OPENBLAS_CORETYPE"] == "Haswell"  # no secret, changes results


def test_two_leases_never_share_a_uid_and_release_frees_it(sandbox):
    first, second = lease_slot(sandbox), lease_slot(sandbox)
    both = SandboxConfig(slot_users=(first.name, second.name))
    try:
        assert first.uid != second.uid
        assert oct(first.job_dir.stat().st_mode)[-3:] == "700"
        with pytest.raises(NoFreeSlot):
            lease_slot(both, wait=0.2)
    finally:
        second.release()
    assert not second.job_dir.exists()
    third = lease_slot(both)
    assert third.uid == second.uid
    third.release()
    first.release()


def test_a_lane_hands_each_kernel_out_once(sandbox):
    lane = KernelLane(sandbox, keep_warm=True)
    limits = SandboxLimits()
    try:
        first = lane.take(limits)
        second = lane.take(limits)
        assert first is not second and first.lease.uid != second.lease.uid
        first.dispose()
        second.dispose()
    finally:
        lane.close()
    assert leftovers(sandbox) == []


@SAWARNING
def test_a_warm_kernel_that_died_while_waiting_is_replaced(
    sandbox, course_factory, submission
):
    lane = KernelLane(sandbox, keep_warm=True)
    limits = SandboxLimits()
    try:
        lane.prime(limits)
        lane._next.kill()  # dies before any notebook needs it
        result = grade_submission(
            course=course_factory(),
            assignment="ps1",
            student="olga",
            notebooks={"ps1": submission()},
            limits=limits,
            sandbox=sandbox,
            lane=lane,
        )
    finally:
        lane.close()
    assert result.notebooks[0].status != COULD_NOT_GRADE, result.errors
    assert result.score == result.max_score


@SAWARNING
def test_a_kernel_that_cannot_start_fails_fast_and_is_not_the_learners(
    sandbox, course_factory, submission
):
    broken = SandboxConfig(python=Path("/nonexistent/python3"))
    started = time.monotonic()

    # Tried again later (tests/jupyter/test_transient.py), never "could not grade".
    with pytest.raises(TransientGradingError):
        grade_submission(
            course=course_factory(),
            assignment="ps1",
            student="ivan",
            notebooks={"ps1": submission()},
            sandbox=broken,
            limits=SandboxLimits(timeout_per_notebook=20),
        )

    assert time.monotonic() - started < 30
    assert os.path.exists(sandbox.python)  # the real one is untouched


@SAWARNING
def test_a_pool_of_worker_processes_grades_each_submission(
    sandbox, course_factory, submission
):
    course = course_factory()
    jobs = [
        {"course": course, "assignment": "ps1", "student": f"p{i}",
         "notebooks": {"ps1": submission()}, "feedback": False}
        for i in range(3)
    ]  # fmt: skip

    with GradingPool(concurrency=2, processes=True) as pool:
        results = pool.map(grade_submission, jobs)

    assert [(r.student, r.score) for r in results] == [("p0", 4), ("p1", 4), ("p2", 4)]
    assert leftovers(sandbox) == []
