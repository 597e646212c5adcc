"""A cohort's formgrader course directory, in its grader account's home.

The account (``lab-grader_<course id>``) is the one the hub runs the cohort's
formgrader server as. Everything in its home is read and written by a process
running as that account (``lms_exchange.gradebook_io`` in the lab environment),
never as root: the LMS trusts no file there, only the JSON that process answers,
and checks it. The process may open no TCP connection (Landlock) and gets no
environment of the LMS.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import resource
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import requests

from courses.jupyter.config import LAB_PYTHON, GiB
from courses.jupyter.names import (
    FORMGRADER_COURSE_DIR,
    FORMGRADER_STATE_FILE,
    grader_user,
    system_user,
)
from hub_config.accounts import ensure_system_user

if TYPE_CHECKING:  # the web process opening a formgrader never imports nbgrader
    from courses.jupyter.nbgrader_app import Course
from hub_config.landlock import NET_ABI, abi_version, restrict_tcp_connect

IO_TIMEOUT_S = 300
IO_MEMORY = 2 * GiB


class FormgraderError(RuntimeError):
    """The formgrader's course directory could not be read or written."""


def grader_account(course_id: str) -> pwd.struct_passwd:
    """The system account of the cohort's formgrader, created on first use."""
    hub_user = grader_user(course_id)
    return ensure_system_user(system_user(hub_user), f"LMS formgrader {course_id}")


def _become(account: pwd.struct_passwd):
    def preexec() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (IO_MEMORY, IO_MEMORY))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)
        if abi_version() >= NET_ABI:
            restrict_tcp_connect([])  # it needs no network at all

    return preexec


def _run(account: pwd.struct_passwd, command: str, request: dict) -> dict:
    if os.geteuid() != 0:
        raise FormgraderError(
            "The formgrader needs the LMS's worker to run as root (it writes the "
            "course as the cohort's grader account): see docs/grading.md."
        )
    env = {
        "HOME": account.pw_dir,
        "USER": account.pw_name,
        "PATH": f"{LAB_PYTHON.parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    argv = [str(LAB_PYTHON), "-I", "-m", "lms_exchange.gradebook_io", command]
    try:
        done = subprocess.run(
            argv,
            input=json.dumps(request).encode(),
            capture_output=True,
            env=env,
            cwd=account.pw_dir,
            preexec_fn=_become(account),
            timeout=IO_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        message = f"gradebook_io {command}: no answer in {IO_TIMEOUT_S} s"
        raise FormgraderError(message) from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise FormgraderError(f"gradebook_io {command} failed: {' / '.join(tail)}")
    try:
        answer = json.loads(done.stdout)
    except ValueError as error:
        raise FormgraderError(f"gradebook_io {command}: not JSON ({error})") from None
    if not isinstance(answer, dict):
        raise FormgraderError(f"gradebook_io {command}: not a JSON object")
    return answer


def formgrader_prepared(course_id: str) -> bool:
    """Whether the grader account, its home and the course the LMS put there
    (its state file and gradebook) are all present: looked at, not read. Any
    of them may be gone (an account deleted, a home cleaned); then the course
    is prepared again before the server starts."""
    try:
        home = Path(pwd.getpwnam(system_user(grader_user(course_id))).pw_dir)
        os.lstat(home / FORMGRADER_STATE_FILE)
        os.lstat(home / FORMGRADER_COURSE_DIR / "gradebook.db")
    except (KeyError, OSError):
        return False
    return True


PROXY_DOWN = (502, 503, 504)  # the proxy (or the hub's error page) found no server


def formgrader_down(*, hub_url: str, token: str, hub_user: str) -> bool:
    """Whether the server the hub reports ready is in fact gone: the hub
    notices a server that died only at its next poll (30 s). False when the
    hub itself cannot be reached from here (nothing is known then)."""
    try:
        response = requests.get(
            f"{hub_url}/user/{quote(hub_user)}/api/status",
            headers={"Authorization": f"token {token}"},
            allow_redirects=False,
            timeout=10,
        )
    except requests.RequestException:
        return False
    return response.status_code in PROXY_DOWN


def formgrader_dump(course_id: str) -> dict:
    """Whether the course is there (``prepared``), and every submission the
    formgrader's gradebook holds, with its grades (``submissions``)."""
    answer = _run(grader_account(course_id), "dump", {})
    submissions = answer.get("submissions")
    if not isinstance(submissions, list):
        raise FormgraderError("gradebook_io dump: no list of submissions")
    return {
        "prepared": answer.get("prepared") is True,
        "submissions": [s for s in submissions if isinstance(s, dict)],
    }


def formgrader_load(course_id: str, request: dict) -> None:
    """Put assignments, learners and graded attempts into the formgrader."""
    _run(grader_account(course_id), "load", {**request, "course_id": course_id})


def autograded_files(course: Course, assignment: str, student: str) -> dict:
    """The autograded notebooks of ``student`` in the worker's course (base64,
    by name): of the attempt ``submission_timestamp`` names."""
    folder = course.root / "autograded" / student / assignment
    return {
        path.name: base64.b64encode(path.read_bytes()).decode()
        for path in sorted(folder.glob("*.ipynb"))
        if path.is_file() and not path.is_symlink()
    }


def encoded_files(files: dict[str, bytes]) -> dict[str, str]:
    return {name: base64.b64encode(data).decode() for name, data in files.items()}


def gradebook_mark(course_id: str) -> str:
    """When and how the formgrader's gradebook file last changed (not followed
    if it is a link): unchanged, nobody graded there since."""
    home = Path(grader_account(course_id).pw_dir)
    path = home / FORMGRADER_COURSE_DIR / "gradebook.db"
    try:
        found = os.lstat(path)
    except OSError:
        return ""
    return f"{found.st_mtime_ns}:{found.st_size}:{found.st_ino}"
