"""What the grading sandbox may use, and where its pieces live on the machine.

Plain data: the Django side builds these from its settings and passes them in.
The defaults match what ``courses.jupyter.provision`` installs.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

# The learners' Python: labs run from it and graded notebooks run in it, so a
# notebook behaves the same in both. Readable and executable by every account.
LAB_ENV_HOME = Path("/opt/lms-lab")
LAB_PYTHON = LAB_ENV_HOME / "python" / "bin" / "python3"
SANDBOX_PYTHON = LAB_PYTHON
JOBS_ROOT = Path("/var/lib/lms-grader")
SLOT_USER_PREFIX = "lmsgrader"
# Two uids per lane (the kernel grading, the next one booting): 16 serve 8 lanes,
# say two worker processes of 4, with no wait for a slot.
DEFAULT_SLOT_COUNT = 16

MiB = 1024 * 1024
GiB = 1024 * MiB

# Paths the learner's code must not see at all, even where files are world-readable
# (the LMS code in /work or /srv, other people's homes, unix sockets under /run
# such as PostgreSQL's: a named socket is reachable from any network namespace).
# Each directory is replaced by an empty read-only tmpfs in the kernel's mount
# namespace, a socket file by /dev/null; links (/var/run -> /run) are skipped.
DEFAULT_HIDDEN_PATHS = (
    *("/work", "/home", "/root", "/srv", "/mnt", "/media", "/run"),
    *("/var/run", "/var/lock", "/var/lib/mysql", "/dev/log"),
)
# World-writable places get a private, size-limited tmpfs per job, so nothing a
# learner writes there reaches another job.
DEFAULT_PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")
# Parent variables that are no secret and change numeric results on some CPUs
# (see NOTES.md): passed through when set, everything else is dropped.
DEFAULT_PASSTHROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits for one learner's notebook run."""

    timeout_per_cell: int = 30
    timeout_per_notebook: int = 300
    memory_bytes: int = 2 * GiB  # RLIMIT_AS: address space, not resident memory
    max_processes: int = 256  # RLIMIT_NPROC, per slot uid; counts threads too
    file_size_bytes: int = 100 * MiB  # RLIMIT_FSIZE: largest file it may write
    open_files: int = 1024  # RLIMIT_NOFILE
    tmp_bytes: int = 64 * MiB  # size of each private tmpfs (/tmp, /dev/shm ...)
    output_bytes: int = 2 * MiB  # kept output per notebook; the rest is dropped
    notebook_bytes: int = 20 * MiB  # larger submitted notebooks are not graded
    max_cells: int = 1000  # nor notebooks with more cells


@dataclass(frozen=True)
class SandboxConfig:
    """Where the sandbox's interpreter, job directories and slot users are."""

    python: Path = SANDBOX_PYTHON
    jobs_root: Path = JOBS_ROOT
    slot_users: tuple[str, ...] = tuple(
        f"{SLOT_USER_PREFIX}{i}" for i in range(DEFAULT_SLOT_COUNT)
    )
    hidden_paths: tuple[str, ...] = DEFAULT_HIDDEN_PATHS
    private_tmp: tuple[str, ...] = DEFAULT_PRIVATE_TMP
    passthrough_env: tuple[str, ...] = DEFAULT_PASSTHROUGH_ENV
    extra_env: dict[str, str] = field(default_factory=dict)
    unshare: str = "/usr/bin/unshare"

    def kernel_env(self, home: Path) -> dict[str, str]:
        """The whole environment of a sandboxed kernel: an allow-list, never
        a copy of ``os.environ`` (which holds the LMS's secrets)."""
        env = {
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "IPYTHONDIR": str(home / ".ipython"),
            "MPLCONFIGDIR": str(home / ".matplotlib"),
            "MPLBACKEND": "Agg",
            "LANG": "C.UTF-8",
            "TMPDIR": "/tmp",
            "PYTHONDONTWRITEBYTECODE": "1",
            "NBGRADER_EXECUTION": "autograde",
            # Thread pools count against RLIMIT_NPROC: keep them at one.
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        env.update({k: os.environ[k] for k in self.passthrough_env if k in os.environ})
        env.update(self.extra_env)
        return env
