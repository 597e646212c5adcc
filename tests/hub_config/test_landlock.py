"""hub_config/landlock.py in a child process: only allowed ports connect."""

import json
import socket
import subprocess
import sys

import pytest

from hub_config.landlock import NET_ABI, abi_version

pytestmark = pytest.mark.skipif(
    abi_version() < NET_ABI, reason="this kernel has no Landlock network rules"
)

CHILD = """
import json, socket, sys
from hub_config.landlock import restrict_tcp_connect
allowed, denied = int(sys.argv[1]), int(sys.argv[2])
restrict_tcp_connect([allowed])
out = {}
for port in (allowed, denied):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        out[port] = "connected"
    except OSError as error:
        out[port] = error.__class__.__name__
print(json.dumps(out))
"""


def listening() -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server


def test_a_restricted_process_reaches_only_the_allowed_ports():
    allowed, denied = listening(), listening()
    try:
        ports = [str(s.getsockname()[1]) for s in (allowed, denied)]
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *ports],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        allowed.close()
        denied.close()
    result = json.loads(done.stdout)
    assert result == {ports[0]: "connected", ports[1]: "PermissionError"}
