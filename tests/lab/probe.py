"""What a learner's lab can see: this file runs INSIDE the lab, in a kernel of
learner A (tests/lab/test_isolation.py sends its source), with the standard
library only, and prints one JSON report.

The secrets it looks for arrive encoded (``needles``: reversed, then hex), so
their plain values never appear in anything the lab could keep. The test sends
tests/hub_config/unix_sockets.py's source first (the socket attempts).
"""

import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

try:
    from tests.hub_config.unix_sockets import attempts, listed_sockets, own_sockets
except ImportError:  # in the lab: defined by the source sent before this file
    pass

READ_AT_MOST = 8 << 20  # bytes of each file searched for the secrets


def attempt(path: str) -> str:
    """What this account can do with ``path``: listed, read, denied or absent."""
    try:
        os.listdir(path)
        return "listed"
    except NotADirectoryError:
        pass
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "absent"
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        return "read"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "absent"
    except OSError as error:
        return f"error {error.errno}"


def decoded(needles: dict[str, str]) -> dict[str, bytes]:
    return {k: bytes.fromhex(v).decode()[::-1].encode() for k, v in needles.items()}


def found_in(data: bytes, needles: dict[str, bytes]) -> list[str]:
    return sorted(label for label, needle in needles.items() if needle in data)


def scan_files(params: dict, needles: dict) -> dict:
    """Every regular file this account can read: which hold a secret? Under
    ``everything`` all files, elsewhere those changed since ``since`` (the
    secrets of this run did not exist before)."""
    hits, files = [], 0
    for root in params["everything"] + params["recent"]:
        since = 0 if root in params["everything"] else params["since"]
        for path in readable_files(root, params["skip"], since):
            try:
                with open(path, "rb") as handle:
                    data = handle.read(READ_AT_MOST)
            except OSError:
                continue
            files += 1
            hits += [[label, path] for label in found_in(data, needles)]
    return {"files_read": files, "hits": hits}


def readable_files(root: str, skip: list[str], since: float):
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [
            d for d in subdirectories if os.path.join(directory, d) not in skip
        ]
        for name in names:
            path = os.path.join(directory, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(status.st_mode) and status.st_mtime >= since:
                yield path


def scan_processes(needles: dict) -> dict:
    """The environment and command line of every process this account can read."""
    hits, readable_environ = [], []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            if part == "environ":
                readable_environ.append([int(pid), os.stat(f"/proc/{pid}").st_uid])
            where = f"/proc/{pid}/{part}"
            hits += [[label, where] for label in found_in(data, needles)]
    return {"hits": hits, "readable_environ": readable_environ}


def joined(env: dict[str, str] | str) -> bytes:
    items = env.items() if isinstance(env, dict) else []
    return "\0".join(f"{k}={v}" for k, v in items).encode()


def environ_of(pid: int) -> dict[str, str] | str:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            data = handle.read()
    except OSError as error:
        return f"unreadable: {error.strerror}"
    pairs = (item.split(b"=", 1) for item in data.split(b"\0") if b"=" in item)
    return {k.decode(): v.decode(errors="replace") for k, v in pairs}


def status_of(pid: int | str) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as handle:
        lines = [line.rstrip("\n") for line in handle if ":\t" in line]
    return dict(line.split(":\t", 1) for line in lines)


def identity() -> dict:
    me, server = status_of("self"), os.getppid()
    with open(f"/proc/{server}/cmdline", "rb") as handle:
        server_command = handle.read().replace(b"\0", b" ").decode()
    return {
        "uid": os.getuid(),
        "euid": os.geteuid(),
        "gid": os.getgid(),
        "groups": os.getgroups(),
        "capabilities": me["CapEff"],
        "server_pid": server,
        "server_command": server_command,
        "server_uid": int(status_of(server)["Uid"].split()[0]),
    }


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to a sign-in page) is an answer, not a way in


OPENER = urllib.request.build_opener(NoRedirects)


def http_status(url: str, token: str) -> int | str:
    """The status of GET ``url`` with ``token``; "listing" if it answered with
    a Jupyter directory listing (the other learner's files)."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with OPENER.open(request, timeout=1.5) as response:
            body = response.read(1 << 20)
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, http.client.HTTPException) as error:
        return f"no answer: {error!r}"
    try:
        return "listing" if "content" in json.loads(body) else response.status
    except (ValueError, TypeError):
        return response.status


def listening_ports() -> list[int]:
    """TCP ports listening on this machine's loopback or every address."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            if state == "0A":  # LISTEN
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return sorted(ports)


def other_lab(params: dict) -> dict:
    """With this lab's own hub token: reach learner B's lab or B's hub record?"""
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    path = f"/user/{params['other']}/api/contents/"
    ports = listening_ports()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = pool.map(
            lambda port: http_status(f"http://127.0.0.1:{port}{path}", token), ports
        )
    answered = zip(ports, answers, strict=True)
    listing = [port for port, status in answered if status == "listing"]
    own = f"{params['hub_url']}/user/{os.environ['JUPYTERHUB_USER']}/api/contents/"
    return {
        "own_lab": http_status(own, token),  # the control: a listing
        "through_proxy": http_status(f"{params['hub_url']}{path}", token),
        "ports_listing_its_files": listing,
        "hub_list_users": http_status(f"{params['hub_api']}/users", token),
        "hub_other_user": http_status(
            f"{params['hub_api']}/users/{params['other']}", token
        ),
    }


def postgres_trusts(host: str, port: int) -> str:
    """Does PostgreSQL let anyone in as "postgres" without a password?"""
    body = struct.pack("!I", 196608) + b"user\0postgres\0database\0postgres\0\0"
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(struct.pack("!I", len(body) + 4) + body)
        kind, length = connection.recv(1), struct.unpack("!I", connection.recv(4))[0]
        payload = connection.recv(length - 4)
    if kind == b"R" and struct.unpack("!I", payload[:4])[0] == 0:
        return "open: signed in as postgres without a password"
    return "asks for a password"


def redis_open(host: str, port: int) -> str:
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(b"PING\r\n")
        answer = connection.recv(64)
    return "open: PING answered" if answer.startswith(b"+PONG") else "asks for auth"


def services(params: dict) -> dict:
    checks = {"postgresql": postgres_trusts, "redis": redis_open}
    outcome = {}
    for kind, host, port in params["services"]:
        try:
            outcome[f"{kind} {host}:{port}"] = checks[kind](host, port)
        except OSError as error:
            outcome[f"{kind} {host}:{port}"] = f"unreachable: {error}"
    return outcome


def unix_sockets(params: dict) -> dict:
    """Every listening Unix socket of the machine and those the test planted;
    and, as the control, sockets of the lab's own."""
    home = os.path.expanduser("~")
    return {
        "targets": attempts(params["unix_sockets"] + listed_sockets(), skip_under=home),
        "own": own_sockets([home, "/tmp", "/dev/shm", "abstract"]),
        "tmp": sorted(os.listdir("/tmp")),
        "run": sorted(os.listdir("/run")),
    }


def tcp_ports(ports: list[int]) -> dict[int, str]:
    outcome = {}
    for port in ports:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=3).close()
            outcome[port] = "connected"
        except OSError as error:
            outcome[port] = type(error).__name__
    return outcome


def tiny_wheel(directory: str) -> str:
    """A pure-Python wheel built here, so pip needs no index to install it."""
    files = {
        "lmsprobe.py": b"VALUE = 42\n",
        "lmsprobe-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\n"
        b"Name: lmsprobe\nVersion: 1.0\n",
        "lmsprobe-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: probe\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [
        f"{name},sha256="
        f"{base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip('=')}"
        f",{len(data)}"
        for name, data in files.items()
    ]
    files["lmsprobe-1.0.dist-info/RECORD"] = (
        "\n".join([*record, "lmsprobe-1.0.dist-info/RECORD,,"]) + "\n"
    ).encode()
    path = os.path.join(directory, "lmsprobe-1.0-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
    return path


def command(*argv: str) -> dict:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    return {"returncode": done.returncode, "output": (done.stdout + done.stderr)[-800:]}


def learner_tools() -> dict:
    """What a learner does in a lab: files in home, pip install --user, nbgrader."""
    notes = os.path.join(os.path.expanduser("~"), "probe-notes.txt")
    with open(notes, "w") as handle:
        handle.write("my answers\n")
    with open(notes) as handle:
        written = handle.read() == "my answers\n"
    wheel = tiny_wheel(tempfile.mkdtemp())
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    return {
        "home_file": written,
        "pip_in_env": command(*pip, "--version"),
        "pip_install": command(*pip, "install", "--user", "--no-index", wheel),
        "pip_import": command(
            sys.executable, "-c", "import lmsprobe; print(lmsprobe.VALUE)"
        ),
        "nbgrader_version": command("nbgrader", "--version"),
        "nbgrader_list": command("nbgrader", "list"),
    }


def probe(params: dict) -> dict:
    needles = decoded(params["needles"])
    kernel_env = dict(os.environ)
    server_env = environ_of(os.getppid())
    timings = {}

    def timed(name, function, *args):
        start = time.monotonic()
        result = function(*args)
        timings[name] = round(time.monotonic() - start, 2)
        return result

    return {
        "identity": identity(),
        "paths": {path: attempt(path) for path in params["paths"]},
        "kernel_env_keys": sorted(kernel_env),
        "kernel_env_hits": found_in(joined(kernel_env), needles),
        "server_env_keys": sorted(server_env) if isinstance(server_env, dict) else [],
        "server_env_hits": found_in(joined(server_env), needles),
        "environ_of": {
            name: environ_of(pid) for name, pid in params["foreign_pids"].items()
        },
        "files": timed("files", scan_files, params, needles),
        "processes": timed("processes", scan_processes, needles),
        "other_lab": timed("other_lab", other_lab, params),
        "services": services(params),
        "unix_sockets": unix_sockets(params),
        "tcp": tcp_ports(params["tcp_ports"]),
        "learner_tools": timed("learner_tools", learner_tools),
        "timings": timings,
    }


def run(params: dict) -> None:
    report = probe(params)
    # Only the fact and place of a find leave the lab, never a value.
    for name, env in report["environ_of"].items():
        if isinstance(env, dict):
            report["environ_of"][name] = f"READABLE: {sorted(env)}"
    print(json.dumps(report))  # noqa: T201 - the kernel's output is the report
