"""The LMS in a real gunicorn, for tests that need a separate server process
(concurrency, memory of a worker, access logs)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gunicorn_start(port: int, *args: str, env: dict, **popen) -> subprocess.Popen:
    """Start ``gunicorn lms.wsgi`` on 127.0.0.1:``port`` with ``args`` and
    ``env``; return once it accepts connections."""
    command = [
        sys.executable, "-m", "gunicorn", "lms.wsgi",
        f"--bind=127.0.0.1:{port}", "--no-control-socket", *args,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, **popen)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")
