"""Trying Unix sockets as a learner's code would (standard library only).

Its source is also sent into a real lab (tests/lab/probe.py) and a graded
notebook (tests/jupyter/test_hostile.py), so the same attempts run everywhere.
An address starting with NUL is an abstract socket.
"""

import contextlib
import errno
import os
import socket

LISTENING = 0x10000  # __SO_ACCEPTCON in /proc/net/unix's Flags


def connect_unix(address: str) -> str:
    """ "connected", or the name of the error that refused the connection."""
    for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_UNIX, kind) as sock:
            sock.settimeout(3)
            try:
                sock.connect(address)
                return "connected"
            except OSError as error:
                if error.errno != errno.EPROTOTYPE:  # reached, but another type
                    return errno.errorcode.get(error.errno, repr(error))
    return "connected"  # a socket of no type we tried, but reached


def listed_sockets() -> list[str]:
    """Every listening Unix socket of this network namespace (/proc/net/unix)."""
    found = []
    with open("/proc/net/unix") as table:
        for row in table.read().splitlines()[1:]:
            fields = row.split(None, 7)
            if len(fields) == 8 and int(fields[3], 16) & LISTENING:
                path = fields[7]
                found.append("\0" + path[1:] if path.startswith("@") else path)
    return sorted(set(found))


def serve(address: str) -> socket.socket:
    """A listening socket at ``address`` that anyone could connect to."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    if not address.startswith("\0"):
        os.chmod(address, 0o777)
    server.listen()
    return server


def own_sockets(places: list[str]) -> dict[str, str]:
    """Listen in each place (a directory, or "abstract") and connect there."""
    outcome = {}
    for place in places:
        name = f"own-{os.getpid()}.sock"
        address = f"\0{name}" if place == "abstract" else os.path.join(place, name)
        try:
            with serve(address):
                outcome[place] = connect_unix(address)
        except OSError as error:
            outcome[place] = f"cannot listen: {error}"
        finally:
            if place != "abstract" and os.path.exists(address):
                os.unlink(address)
    return outcome


def attempts(addresses: list[str], *, skip_under: str) -> dict[str, str]:
    """``connect_unix`` for every address except those under ``skip_under``."""
    mine = skip_under.rstrip("/") + "/"
    return {a: connect_unix(a) for a in addresses if not a.startswith(mine)}


@contextlib.contextmanager
def planted_sockets(token: str):
    """As root: listening sockets open to all in /run, in /tmp and abstract."""
    addresses = [f"/run/lms-test-{token}.sock", f"/tmp/lms-test-{token}.sock",
                 f"\0lms-test-{token}"]  # fmt: skip
    servers = [serve(address) for address in addresses]
    try:
        yield addresses
    finally:
        for server, address in zip(servers, addresses, strict=True):
            server.close()
            if not address.startswith("\0"):
                os.unlink(address)
