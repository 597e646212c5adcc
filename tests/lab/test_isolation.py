"""Labs on one machine: from INSIDE learner A's real lab, code run in A's kernel
(tests/lab/probe.py) reads nothing of learner B, of the LMS or of the hub, runs
as A's own account, and reaches no database, cache or service by TCP or by Unix
socket, while A's own files, pip and nbgrader work.

Learners A and B sign in to the hub in their own browsers (through the LMS) and
both labs run; A makes an API token on the hub, as any learner can, and runs
the probe in a new kernel of A's lab.
The probe runs once for the module (two spawns cost ~10 s); each test reads one
part of its report. The LMS here is ``live_server`` in this pytest process.
"""

import contextlib
import json
import os
import pwd
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from courses.enrollment.services import enrollment_create
from hub_config.landlock import SCOPE_ABI, abi_version
from tests.hub_config import unix_sockets
from tests.lab.kernel import open_labs, run_in_lab
from tests.labs import ROOT, system_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]

PROBE = Path(__file__).with_name("probe.py")
SOCKETS = Path(unix_sockets.__file__)
DATABASE_SOCKETS = ("/var/run/postgresql/.s.PGSQL.5432", "/run/mysqld/mysqld.sock")
REFUSED = {"ENOENT", "EACCES", "EPERM", "ECONNREFUSED"}
B_NOTES = "private-notes.txt"
# Variables of the hub's or the LMS's environment: none may reach a lab.
FOREIGN_VARIABLES = (
    "HUB_API",
    "HUB_OIDC",
    "HUB_SECRETS",
    "HUB_STATE",
    "SECRET",
    "DATABASE",
    "REDIS",
    "SMTP",
    "DJANGO",
    "DATA_DIR",
    "MEDIA_ROOT",
    "CONFIGPROXY",
    "JUPYTERHUB_CRYPT_KEY",
    "IDP_",
    "PYTEST",
    "PYTHONPATH",
    "VIRTUAL_ENV",
)


@pytest.fixture(scope="module")
def _reports():
    return {}


@pytest.fixture
def report(_reports, browser, live_server, lab, lab_person, cohort_factory):
    """The probe's report from A's lab, with ``a``, ``b`` and the ``params``."""
    if "failed" in _reports:
        pytest.fail(f"the probe could not run: {_reports['failed']}")
    if not _reports:
        a, b = lab_person("a"), lab_person("b")
        cohort = cohort_factory()
        for learner in (a, b):
            enrollment_create(user=learner, cohort=cohort)
        try:
            _reports.update(probe_from_a_lab(browser, live_server.url, lab, a, b))
        except BaseException as error:
            _reports["failed"] = repr(error)[:500]  # the other tests fail at once
            raise
    return _reports


def probe_from_a_lab(browser, lms_url: str, lab, a, b) -> dict:
    tokens = open_labs(browser, lab, lms_url, [a, b])
    a, b = a.username, b.username
    plant_private_file(b)
    params = probe_params(lab, a, b)
    planted = unix_sockets.planted_sockets(secrets.token_hex(4))
    with canary() as (secret, file, process), planted as addresses:
        params["needles"]["canary"] = encoded(secret)
        params["unix_sockets"] = addresses + [
            path for path in DATABASE_SOCKETS if os.path.exists(path)
        ]
        code = (
            f"{SOCKETS.read_text()}\n{PROBE.read_text()}\n"
            f"run(json.loads({json.dumps(params)!r}))\n"
        )
        output = run_in_lab(f"{lab.url}/user/{a}/", tokens[a], code)
    return {
        "a": a,
        "b": b,
        "params": params,
        "canary": {"file": str(file), "process": process},
        **json.loads(output.strip().splitlines()[-1]),
    }


@contextlib.contextmanager
def canary():
    """A made-up secret left where any account can read it: in a file under
    /var/lib (a lab's /tmp is its own) and in a process's command line. The
    probe must find it there (and only there): proof that its search works."""
    secret = f"canary-{secrets.token_hex(16)}"
    file = Path(
        tempfile.mkstemp(prefix="lms-lab-canary-", suffix=".txt", dir="/var/lib")[1]
    )
    file.write_text(f"token={secret}\n")
    file.chmod(0o644)
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)", secret]
    )
    try:
        yield secret, file, process.pid
    finally:
        process.kill()
        process.wait()
        file.unlink()


def plant_private_file(handle: str) -> None:
    """A file B keeps in their home, readable by all as a default umask makes it:
    only the home's own mode keeps it from other learners."""
    account = pwd.getpwnam(system_user(handle))
    notes = Path(account.pw_dir) / B_NOTES
    notes.write_text("B's answers to homework 1\n")
    os.chown(notes, account.pw_uid, account.pw_gid)
    notes.chmod(0o644)


def secrets_to_find(lab) -> dict[str, str]:
    """Every secret the lab must not find, by name: the test hub's and LMS's,
    and those of the LMS's data directory on this machine."""
    data = Path(settings.DATA_DIR)
    found = {
        "lms_api_token": lab.token,
        "oidc_client_secret": lab.client_secret,
        "hub_cookie_secret": (lab.state_dir / "jupyterhub_cookie_secret").read_text(),
        "hub_crypt_key": (lab.state_dir / "crypt_key").read_text(),
        # One line from the middle of the PEM: enough to recognise the key.
        "oidc_signing_key": settings.IDP_OIDC_PRIVATE_KEY.splitlines()[5],
    }
    for path in [
        *data.glob("hub-secrets/*"),
        data / "hub" / "crypt_key",
        data / "hub" / "jupyterhub_cookie_secret",
        data / "secret_key",
    ]:
        if path.is_file() and path.read_text().strip():
            found[f"data/{path.relative_to(data)}"] = path.read_text()
    return {name: value.strip() for name, value in found.items()}


def encoded(value: str) -> str:
    return value[::-1].encode().hex()


def protected_paths(lab, b: str) -> dict[str, list[str]]:
    data = Path(settings.DATA_DIR)
    home_b = Path(pwd.getpwnam(system_user(b)).pw_dir)
    return {
        "b": [str(home_b), str(home_b / B_NOTES)],
        "lms": [
            str(data),
            str(connection.settings_dict["NAME"]),
            str(settings.MEDIA_ROOT),
            str(data / "oidc-private-key.pem"),
            str(data / "secret_key"),
            str(data / "db.sqlite3"),
            str(data / "hub-secrets" / "lms-api-token"),
            str(data / "hub" / "crypt_key"),
            str(ROOT / ".env"),
            "/root",
        ],
        "hub": [
            str(lab.secrets_dir),
            str(lab.secrets_dir / "lms-api-token"),
            str(lab.secrets_dir / "oidc-client-secret"),
            str(lab.state_dir),
            str(lab.state_dir / "crypt_key"),
            str(lab.state_dir / "jupyterhub_cookie_secret"),
            str(lab.state_dir / "jupyterhub.sqlite"),
            str(lab.log),
        ],
    }


def lms_services() -> list[tuple[str, str, int]]:
    """The LMS's database and cache servers, if it uses any (not SQLite)."""
    from urllib.parse import urlparse

    found = []
    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"]:
        found.append(
            (
                "postgresql",
                database["HOST"] or "127.0.0.1",
                int(database["PORT"] or 5432),
            )
        )
    if getattr(settings, "REDIS_URL", ""):
        redis = urlparse(settings.REDIS_URL)
        found.append(("redis", redis.hostname, redis.port or 6379))
    return found


def probe_params(lab, a: str, b: str) -> dict:
    paths = protected_paths(lab, b)
    return {
        "needles": {k: encoded(v) for k, v in secrets_to_find(lab).items()},
        "paths": [p for group in paths.values() for p in group],
        "groups": paths,
        "foreign_pids": {
            "lms": os.getpid(),
            "hub": lab.process.pid,
            "proxy": lab.proxy_pid(),
            "idle_culler": lab.service_pid("jupyterhub_idle_culler"),
            "b_lab": lab.server_pid(b),
        },
        # The repository in full; elsewhere what changed since the hub started.
        "everything": [str(ROOT)],
        "recent": [
            "/tmp",
            "/var/tmp",
            "/dev/shm",
            "/home",
            "/root",
            "/etc",
            "/run",
            "/var",
            "/opt",
            "/srv",
        ],
        "since": lab.started - 60,
        "skip": [str(ROOT / d) for d in (".venv", "node_modules", ".git")],
        "hub_url": lab.url,
        "hub_api": f"{lab.url}/hub/api",
        "other": b,
        "services": lms_services(),
        # The databases' and the cache's ports, and the proxy's REST API.
        "tcp_ports": [5432, 3306, 6379, proxy_api_port(lab)],
    }


def proxy_api_port(lab) -> int:
    environ = Path(f"/proc/{lab.process.pid}/environ").read_bytes().split(b"\0")
    found = [v for v in environ if v.startswith(b"HUB_PROXY_API_PORT=")]
    return int(found[0].split(b"=", 1)[1])


def outcomes(report, group: str) -> dict[str, str]:
    return {path: report["paths"][path] for path in report["params"]["groups"][group]}


def exposed(results: dict[str, str]) -> dict[str, str]:
    """The paths the lab could list or read (it should get neither)."""
    return {path: seen for path, seen in results.items() if seen in ("read", "listed")}


def test_the_lab_runs_as_the_learners_own_account_without_privileges(report):
    account = pwd.getpwnam(system_user(report["a"]))
    me = report["identity"]

    assert (me["uid"], me["euid"], me["gid"]) == (account.pw_uid,) * 2 + (
        account.pw_gid,
    )
    assert me["uid"] != 0
    assert set(me["groups"]) <= {account.pw_gid}
    assert int(me["capabilities"], 16) == 0
    assert "jupyterhub-singleuser" in me["server_command"]
    assert me["server_uid"] == account.pw_uid


def test_another_learners_home_and_files_cannot_be_read(report):
    home_b = outcomes(report, "b")

    assert exposed(home_b) == {}
    assert home_b[report["params"]["groups"]["b"][0]] == "denied"


def test_the_lms_database_media_and_keys_cannot_be_read(report):
    lms = outcomes(report, "lms")

    assert exposed(lms) == {}
    # A clone under /tmp (as in CI) is out of sight in the lab's private /tmp.
    assert lms[str(settings.DATA_DIR)] in ("denied", "absent")


def test_the_hubs_secrets_and_state_cannot_be_read(report):
    hub = outcomes(report, "hub")

    assert exposed(hub) == {}
    # The test's hub lives under /tmp, which a lab sees empty: "absent" there.
    assert all(seen in ("denied", "absent") for seen in hub.values()), hub


def test_the_lms_and_hub_processes_environments_cannot_be_read(report):
    assert report["environ_of"] == dict.fromkeys(
        ("lms", "hub", "proxy", "idle_culler", "b_lab"),
        "unreadable: Permission denied",
    )


def test_no_secret_and_no_lms_or_hub_variable_is_in_the_labs_environment(report):
    for where in ("kernel", "server"):
        keys = report[f"{where}_env_keys"]
        assert keys, f"the {where}'s environment was not read"
        assert report[f"{where}_env_hits"] == [], where
        assert [k for k in keys if k.startswith(FOREIGN_VARIABLES)] == [], where


def test_no_file_or_process_the_lab_can_read_holds_a_secret(report):
    account = pwd.getpwnam(system_user(report["a"]))
    canary = report["canary"]

    # Only the canary planted for the purpose is found, where it was left.
    assert report["files"]["hits"] == [["canary", canary["file"]]]
    assert report["processes"]["hits"] == [
        ["canary", f"/proc/{canary['process']}/cmdline"]
    ]
    assert {uid for _, uid in report["processes"]["readable_environ"]} == {
        account.pw_uid
    }


def test_the_labs_own_token_opens_neither_another_lab_nor_the_hubs_records(report):
    reach = report["other_lab"]

    assert reach["own_lab"] == "listing", reach  # what getting in looks like
    assert reach["through_proxy"] in (403, 404), reach
    assert reach["ports_listing_its_files"] == []
    assert reach["hub_list_users"] == 403
    assert reach["hub_other_user"] in (403, 404)


def test_the_lms_database_and_cache_servers_refuse_a_lab_without_a_password(report):
    if not report["services"]:
        pytest.skip(reason="SQLite and a file cache: their files are checked above")
    assert {k: v for k, v in report["services"].items() if v.startswith("open")} == {}


def test_no_unix_socket_of_the_machine_is_reachable_from_the_lab(report):
    seen = report["unix_sockets"]
    planted = report["params"]["unix_sockets"]

    assert set(planted) <= set(seen["targets"])
    assert {a: e for a, e in seen["targets"].items() if e not in REFUSED} == {}
    for path in DATABASE_SOCKETS:  # PostgreSQL's and MariaDB's: out of sight
        assert seen["targets"].get(path, "ENOENT") == "ENOENT"
    assert seen["tmp"] == [] and seen["run"] == []  # its own, empty /tmp and /run


def test_an_abstract_socket_outside_the_lab_is_refused(report):
    if abi_version() < SCOPE_ABI:
        pytest.skip(reason="Landlock scopes need Linux 6.12")
    abstract = next(a for a in report["params"]["unix_sockets"] if a[0] == "\0")
    assert report["unix_sockets"]["targets"][abstract] == "EPERM"


def test_the_database_cache_and_proxy_ports_are_refused_by_tcp(report):
    assert set(report["tcp"].values()) == {"PermissionError"}, report["tcp"]


def test_the_learners_own_sockets_files_pip_and_nbgrader_work(report):
    tools = report["learner_tools"]

    assert set(report["unix_sockets"]["own"].values()) == {"connected"}
    assert tools["home_file"] is True
    assert tools["pip_in_env"]["returncode"] == 0, tools["pip_in_env"]
    assert tools["pip_install"]["returncode"] == 0, tools["pip_install"]
    assert tools["pip_import"]["output"].strip() == "42", tools["pip_import"]
    assert tools["nbgrader_version"]["returncode"] == 0, tools["nbgrader_version"]
    assert tools["nbgrader_list"]["returncode"] == 0, tools["nbgrader_list"]
