"""Sandbox slots: one unprivileged uid each, held by one kernel at a time.

A slot is leased with ``flock`` on a root-only file, so several worker processes
share the pool without talking to each other, and a worker that dies releases
its slots with its file descriptors. Two kernels never share a uid: RLIMIT_NPROC
counts per uid, and a learner's code could otherwise signal, trace or plant
files for the next learner's kernel.
"""

import fcntl
import os
import pwd
import secrets
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from courses.jupyter.config import SandboxConfig

SLOT_WAIT_SECONDS = 120


class NoFreeSlot(RuntimeError):
    pass


@dataclass
class SlotLease:
    """A leased slot uid and its job directory (mode 0700, owned by the uid)."""

    name: str
    uid: int
    gid: int
    lock_fd: int
    job_dir: Path

    @property
    def home(self) -> Path:
        return self.job_dir / "home"

    @property
    def work(self) -> Path:
        return self.job_dir / "work"

    def release(self) -> None:
        """Kill what is left of the job, delete its files, free the uid."""
        if self.lock_fd < 0:
            return
        kill_processes_of(self.uid)
        shutil.rmtree(self.job_dir, ignore_errors=True)
        os.close(self.lock_fd)
        self.lock_fd = -1


def lease_slot(config: SandboxConfig, wait: float = SLOT_WAIT_SECONDS) -> SlotLease:
    """Take a free slot, waiting for one up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        for name in config.slot_users:
            fd = try_lock(config.jobs_root / f".{name}.lock")
            if fd is not None:
                return open_lease(config, name, fd)
        if time.monotonic() > deadline:
            raise NoFreeSlot(f"All {len(config.slot_users)} sandbox slots are busy.")
        time.sleep(0.05)


def try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def open_lease(config: SandboxConfig, name: str, fd: int) -> SlotLease:
    user = pwd.getpwnam(name)
    # A worker killed mid-job may have left processes or files behind.
    kill_processes_of(user.pw_uid)
    for stale in config.jobs_root.glob(f"{name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    job_dir = config.jobs_root / f"{name}-{secrets.token_hex(4)}"
    lease = SlotLease(name, user.pw_uid, user.pw_gid, fd, job_dir)
    for path in (job_dir, lease.home, lease.work):
        path.mkdir(mode=0o700)
        os.chown(path, user.pw_uid, user.pw_gid)
    return lease


def kill_processes_of(uid: int) -> None:
    """SIGKILL every process of ``uid``; the PID namespace should have done it
    already, this is the second line of defence."""
    for _ in range(20):
        pids = [pid for pid in os.listdir("/proc") if pid.isdigit() and owned(pid, uid)]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def owned(pid: str, uid: int) -> bool:
    try:
        return os.stat(f"/proc/{pid}").st_uid == uid
    except FileNotFoundError:
        return False
