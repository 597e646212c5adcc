"""gunicorn, as production runs it, started and stopped around a measurement."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.http_load import fetch

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, workers: int, threads: int, ready_path: str, log: Path):
    """Serve ``lms.wsgi`` (settings from the environment); yield (base URL, pgid)."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "lms.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--worker-class=gthread",
                "--keep-alive=30",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + ready_path, process, log)
        yield base, process.pid
    finally:
        _stop(process)


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {log}")
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within 60 s; see {log}")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
