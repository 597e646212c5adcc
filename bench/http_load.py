"""Load generators: wrk when installed, else keep-alive threads in this process.

Also the CPU time a group of processes used: on a shared machine other work
changes requests per second, much less the CPU each request costs.
"""

import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Load:
    rps: float
    requests: int
    errors: int  # non-2xx answers and socket errors


def wrk_path() -> str | None:
    return shutil.which("wrk")


def measure(url: str, *, seconds: float, connections: int) -> Load:
    """Requests per second on ``url`` with ``connections`` keep-alive clients."""
    if wrk_path():
        return _wrk(url, seconds=seconds, connections=connections)
    return _threads(url, seconds=seconds, connections=connections)


def _wrk(url: str, *, seconds: float, connections: int) -> Load:
    # One wrk thread saturates a Django server many times over and leaves the
    # second core to the server.
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(
        int(n)
        for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
    )
    return Load(rps=rps, requests=requests, errors=errors)


def _threads(url: str, *, seconds: float, connections: int) -> Load:
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = []

    def client() -> None:
        ok = bad = 0
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", parts.path)
                response = conn.getresponse()
                response.read()
                ok, bad = (ok + 1, bad) if response.status < 300 else (ok, bad + 1)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port)
        conn.close()
        counts.append((ok, bad))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ok = sum(c[0] for c in counts)
    return Load(rps=ok / elapsed, requests=ok, errors=sum(c[1] for c in counts))


def fetch(url: str) -> tuple[int, str]:
    """One GET: status and body text."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of the live processes in process group ``pgid``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick
