"""A lab's first process set up as the spawner does (hub_config/lms_hub.py's
``lab_preexec_fn``: own mount namespace, learner's account, Landlock) reaches no
Unix socket of the machine, only those it makes in its home and private /tmp.

The child runs the lab's Python as a throwaway account ``lab-t<pid>-sockets``
(deleted after the module), the way a lab's server is started.
"""

import json
import os
import pwd
import secrets
import subprocess
from pathlib import Path

import pytest

from hub_config import mountns
from hub_config.accounts import ensure_system_user
from hub_config.landlock import NET_ABI, SCOPE_ABI, abi_version
from tests.hub_config import unix_sockets
from tests.labs import RUN, delete_account, system_user

LAB_PYTHON = Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin")) / "python3"
SERVICES = ("/var/run/postgresql/.s.PGSQL.5432", "/run/mysqld/mysqld.sock")
REFUSED = {"ENOENT", "EACCES", "EPERM", "ECONNREFUSED"}
CHILD = f"""{Path(unix_sockets.__file__).read_text()}
import json, socket, sys
params = json.loads(sys.argv[1])
home = os.environ["HOME"]
tcp = {{}}
for port in (5432, 3306, 6379):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        tcp[port] = "connected"
    except OSError as error:
        tcp[port] = type(error).__name__
print(json.dumps({{
    "uid": os.getuid(),
    "cwd": os.getcwd(),
    "targets": attempts(params["targets"] + listed_sockets(), skip_under=home),
    "own": own_sockets([home, "/tmp", "/dev/shm", "abstract"]),
    "tcp": tcp,
    "tmp": sorted(os.listdir("/tmp")),
    "run": sorted(os.listdir("/run")),
    "resolv_conf": open("/etc/resolv.conf").read(),
    "carried": [open(p).read() for p in params["carried"]],
}}))
"""

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="a lab's setup needs root"),
    pytest.mark.skipif(not LAB_PYTHON.exists(), reason="no lab env at /opt/lms-lab"),
    pytest.mark.skipif(abi_version() < NET_ABI, reason="no Landlock network rules"),
]


@pytest.fixture(scope="module")
def account():
    name = system_user(f"{RUN}-sockets")
    try:
        yield ensure_system_user(name, "tests/hub_config/test_unix_sockets.py")
    finally:
        delete_account(name)


@pytest.fixture(scope="module")
def planted():
    """Listening sockets root leaves where a lab might look: /run, /tmp, abstract."""
    with unix_sockets.planted_sockets(secrets.token_hex(4)) as addresses:
        yield addresses


def run_as_lab(account, params: dict, preexec) -> dict:
    done = subprocess.run(
        [str(LAB_PYTHON), "-I", "-c", CHILD, json.dumps(params)],
        preexec_fn=preexec,
        env={"HOME": account.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def report(account, planted):
    from hub_config.lms_hub import lab_preexec_fn

    preexec = lab_preexec_fn(account.pw_name, ports=[9])
    targets = planted + [path for path in SERVICES if os.path.exists(path)]
    return run_as_lab(account, {"targets": targets, "carried": []}, preexec)


def test_the_child_runs_as_the_lab_account_in_its_home(report, account):
    assert (report["uid"], report["cwd"]) == (account.pw_uid, account.pw_dir)


def test_no_socket_of_the_machine_or_the_test_is_reachable(report, planted):
    targets = report["targets"]

    assert set(planted) <= set(targets)
    assert {a: seen for a, seen in targets.items() if seen not in REFUSED} == {}


def test_without_the_lab_setup_the_same_child_reaches_them(account, planted):
    # The control: the attempts above would have connected.
    plain = run_as_lab(account, {"targets": planted, "carried": []},
                       _become(account.pw_uid, account.pw_gid))  # fmt: skip

    assert {plain["targets"][a] for a in planted} == {"connected"}


def test_the_database_sockets_are_out_of_sight(report):
    for path in SERVICES:
        if os.path.exists(path):
            assert report["targets"][path] == "ENOENT"


def test_an_abstract_socket_outside_the_lab_is_refused(report, planted):
    expected = "EPERM" if abi_version() >= SCOPE_ABI else "connected"
    assert report["targets"][planted[2]] == expected


def test_tcp_to_the_database_and_cache_ports_is_refused(report):
    assert set(report["tcp"].values()) == {"PermissionError"}


def test_the_lab_makes_and_reaches_its_own_sockets(report, account):
    assert report["own"] == dict.fromkeys(
        [account.pw_dir, "/tmp", "/dev/shm", "abstract"], "connected"
    )


def test_tmp_and_run_are_empty_and_dns_still_resolves(report):
    assert report["tmp"] == [] and report["run"] == []
    assert report["resolv_conf"] == Path("/etc/resolv.conf").read_text()


def test_a_file_needed_from_a_hidden_directory_is_carried_over(account, tmp_path):
    # As with systemd-resolved, where /etc/resolv.conf points into /run.
    directory = Path(f"/run/lms-test-{secrets.token_hex(4)}")
    (directory / "resolve").mkdir(parents=True)
    carried = directory / "resolve" / "stub-resolv.conf"
    carried.write_text("nameserver 192.0.2.53\n")
    to_lab = _become(account.pw_uid, account.pw_gid)

    def preexec():
        mountns.isolate(carried=(str(carried),))
        to_lab()

    try:
        report = run_as_lab(account, {"targets": [], "carried": [str(carried)]},
                            preexec)  # fmt: skip
    finally:
        carried.unlink()
        (directory / "resolve").rmdir()
        directory.rmdir()
    assert report["carried"] == ["nameserver 192.0.2.53\n"]
    assert report["run"] == [directory.name]


def _become(uid: int, gid: int):
    home = pwd.getpwuid(uid).pw_dir

    def become():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        os.chdir(home)

    return become
