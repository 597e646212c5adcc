"""Fixtures for the LMS and a real JupyterHub signing people in through it
(imported by tests/conftest.py).

- ``lab_hub``: for the session, JupyterHub with its proxy started from
  hub_config/jupyterhub_config.py with ``HUB_SPAWNER=local`` (each lab as its own
  system account ``lab-<name>``: needs root) and ``LMS_URL`` = ``live_server``.
  Its run directory is traversable by everyone, so only the modes the product
  gives its own directories protect the secrets and the hub's state. Attributes:
  ``url``, ``api_url``, ``token`` (the LMS service's), ``client_secret``,
  ``secrets_dir``, ``state_dir``, ``process``; helpers below. At the end the hub
  stops (with its labs); the session deletes this run's lab accounts with their
  homes (tests/runs.py).
- ``lab``: ``lab_hub`` for one test: the LMS's settings point at it and the hub
  is the LMS's registered OIDC client; labs started during the test are stopped
  after it. Mark tests ``django_db(transaction=True, serialized_rollback=True)``.
- ``shared_lab_hub``, ``shared_lab``: the same with ``HUB_SPAWNER=simple`` (the
  development fallback: every lab runs as this process's account, its home
  ``/tmp/<handle>``); ``shared_lab`` stops every lab of that hub after the test.
- ``lab_handle``: ``lab_handle(label)`` returns a handle (hub user name) unique to
  this run, ``<RUN>-<label><n>`` (tests/runs.py); its system account is recorded
  and the session deletes it.
- ``lab_person``: ``lab_person(label, **fields)`` makes an LMS person with such a
  handle (and a verified email).

Helpers: ``expect_jupyterlab(page, handle)`` waits for JupyterLab with nbgrader's
menu; ``lab_extensions(page)`` lists the lab extensions the page loads. Running
code inside a lab: tests/lab/kernel.py.
"""

import contextlib
import itertools
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.hubs import CONFIG, ROOT, free_port
from tests.runs import RUN, clean_run, delete_account, processes_of, record_account

HUB_START_S = 60
SERVER_READY_S = 90
SPAWN_MS = SERVER_READY_S * 1000  # a spawn takes ~5 s; more on a busy machine


@dataclass
class LabHub:
    url: str  # the hub as browsers reach it: http://127.0.0.1:<port>
    api_url: str
    token: str
    client_secret: str
    secrets_dir: Path
    state_dir: Path
    log: Path
    process: subprocess.Popen
    started: float  # time.time() when the hub was started
    handles: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call the hub's REST API with the LMS service's token."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(
            method, f"{self.api_url}{path}", headers=headers, timeout=15, **kwargs
        )

    def user(self, name: str) -> dict | None:
        response = self.request("GET", f"/users/{name}")
        return None if response.status_code == 404 else response.json()

    def groups(self, name: str) -> set[str]:
        return set((self.user(name) or {}).get("groups", []))

    def server(self, name: str) -> dict | None:
        """The user's default server as the hub reports it, or None."""
        return ((self.user(name) or {}).get("servers") or {}).get("")

    def wait_for(self, check: Callable[[], object], what: str, timeout=30.0):
        """Poll ``check`` until it returns something true; return that."""
        deadline = time.monotonic() + timeout
        while not (result := check()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout:.0f} s")
            time.sleep(0.25)
        return result

    def wait_until_ready(self, name: str) -> dict:
        return self.wait_for(
            lambda: (s := self.server(name)) and s.get("ready") and s,
            f"the lab of {name} did not become ready",
            SERVER_READY_S,
        )

    def stop_server(self, name: str) -> None:
        if self.server(name):
            self.request("DELETE", f"/users/{name}/server")

    def stop_all_servers(self) -> None:
        for user in self.request("GET", "/users").json():
            if user.get("servers"):
                self.stop_server(user["name"])

    def server_pid(self, name: str) -> int:
        """The pid of ``name``'s jupyterhub-singleuser process."""
        uid = pwd.getpwnam(system_user(name)).pw_uid
        for pid in processes_of(uid):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"jupyterhub-singleuser" in cmdline:
                return pid
        raise AssertionError(f"no jupyterhub-singleuser process runs as {uid}")

    def proxy_pid(self) -> int:
        return int((self.state_dir / "proxy.pid").read_text())

    def service_pid(self, module: str) -> int:
        """The pid of the hub's service running ``python -m <module>``."""
        for pid in processes_of(0):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            parent = re.search(r"^PPid:\s+(\d+)", status, re.M).group(1)
            if int(parent) == self.process.pid and module.encode() in cmdline:
                return pid
        raise AssertionError(f"the hub runs no {module}")


def system_user(handle: str) -> str:
    return f"lab-{handle}"


def delete_accounts(*, run: str, handles=()) -> None:
    """Delete the lab accounts run ``run`` recorded (tests/runs.py), and those
    of ``handles`` that carry its name (a benchmark's)."""
    clean_run(run)
    for handle in handles:
        if handle.startswith(f"{run}-"):
            delete_account(system_user(handle))


def hub_environment(directory: Path, *, lms_url: str, hub_url: str) -> dict:
    """What jupyterhub_config.py reads, with the secrets the LMS generated."""
    api_port, proxy_api_port = free_port(), free_port()
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("HUB_", "LMS_", "DJANGO_ALLOW_ASYNC"))
        },
        "LMS_URL": lms_url,
        "HUB_URL": hub_url,
        "HUB_API_PORT": str(api_port),
        "HUB_PROXY_API_PORT": str(proxy_api_port),
        "HUB_SECRETS_DIR": str(directory / "secrets"),
        "HUB_STATE_DIR": str(directory / "state"),
        "HUB_SPAWNER": "local",
        "PYTHONPATH": str(ROOT),
    }


def start_hub(
    directory: Path,
    *,
    lms_url: str,
    hub_url: str | None = None,
    config: Path = CONFIG,
    extra_env: dict[str, str] | None = None,
) -> LabHub:
    """Start JupyterHub as production does; return once its proxy answers."""
    from lms.secrets import read_or_create_secret

    hub_url = hub_url or f"http://127.0.0.1:{free_port()}"
    env = hub_environment(directory, lms_url=lms_url, hub_url=hub_url)
    env.update(extra_env or {})
    secrets_dir = Path(env["HUB_SECRETS_DIR"])
    # The LMS's own function makes these files, with the modes it gives them.
    token = read_or_create_secret(secrets_dir / "lms-api-token")
    client_secret = read_or_create_secret(secrets_dir / "oidc-client-secret")
    logs = directory / "logs"
    logs.mkdir(mode=0o700)
    log = logs / "hub.log"
    started = time.time()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
            cwd=logs,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    hub = LabHub(
        url=hub_url,
        api_url=f"http://127.0.0.1:{env['HUB_API_PORT']}/hub/api",
        token=token,
        client_secret=client_secret,
        secrets_dir=secrets_dir,
        state_dir=Path(env["HUB_STATE_DIR"]),
        log=log,
        process=process,
        started=started,
    )
    _wait_for_hub(hub)
    return hub


def _wait_for_hub(hub: LabHub) -> None:
    deadline = time.monotonic() + HUB_START_S
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited:\n{hub.log.read_text()[-3000:]}")
        try:
            users = hub.request("GET", "/users").status_code
            public = requests.get(f"{hub.url}/hub/api/", timeout=5).status_code
            if users == public == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    stop_hub(hub)
    raise RuntimeError(f"JupyterHub did not start:\n{hub.log.read_text()[-3000:]}")


def stop_hub(hub: LabHub) -> None:
    """Stop the hub; it stops its proxy and every lab it started."""
    hub.process.terminate()
    try:
        hub.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        hub.process.kill()
        hub.process.wait()


@contextlib.contextmanager
def _session_hub(live_server, spawner: str):
    """A hub started for the session with ``HUB_SPAWNER=spawner``."""
    if not (Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin"))).exists():
        pytest.skip(reason="no lab env: python -m courses.jupyter.provision")
    directory = Path(tempfile.mkdtemp(prefix=f"lms-lab-{spawner}-"))
    directory.chmod(0o711)  # others may pass, not list: like a home or /srv
    hub = start_hub(
        directory, lms_url=live_server.url, extra_env={"HUB_SPAWNER": spawner}
    )
    try:
        yield hub
    finally:
        stop_hub(hub)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def lab_hub(live_server):
    if os.geteuid() != 0:
        pytest.skip(reason="HUB_SPAWNER=local makes system accounts: run as root")
    # This run's accounts are deleted at the end of the session (tests/conftest.py).
    with _session_hub(live_server, "local") as hub:
        yield hub


@pytest.fixture(scope="session")
def shared_lab_hub(live_server):
    with _session_hub(live_server, "simple") as hub:
        yield hub
    for home in Path("/tmp").glob(f"{RUN}-*"):  # SimpleLocalProcessSpawner's homes
        shutil.rmtree(home, ignore_errors=True)


def _pointed_at(hub: LabHub, settings) -> None:
    """The LMS's settings point at ``hub``, its registered OIDC client."""
    from lms.accounts.services import hub_client_register

    settings.HUB_URL = hub.url
    settings.HUB_API_URL = hub.api_url
    settings.HUB_API_TOKEN = hub.token
    settings.HUB_OIDC_CLIENT_SECRET = hub.client_secret
    settings.HUB_SECRETS_DIR = hub.secrets_dir
    hub_client_register(hub_url=hub.url, secret=hub.client_secret)


@pytest.fixture
def lab(lab_hub, settings, transactional_db):
    _pointed_at(lab_hub, settings)
    first = len(lab_hub.handles)
    yield lab_hub
    for handle in lab_hub.handles[first:]:
        lab_hub.stop_server(handle)


@pytest.fixture
def shared_lab(shared_lab_hub, settings, transactional_db):
    _pointed_at(shared_lab_hub, settings)
    yield shared_lab_hub
    shared_lab_hub.stop_all_servers()


_numbers = itertools.count(1)


@pytest.fixture
def lab_handle(lab_hub):
    def make(label: str) -> str:
        handle = f"{RUN}-{label}{next(_numbers)}"
        record_account(system_user(handle))
        lab_hub.handles.append(handle)
        return handle

    return make


@pytest.fixture
def lab_person(lab_handle, user_factory):
    def make(label: str, **fields):
        handle = lab_handle(label)
        return user_factory(username=handle, email=f"{handle}@example.org", **fields)

    return make


def expect_jupyterlab(page, handle: str) -> None:
    """Wait until ``page`` shows JupyterLab of ``handle`` with nbgrader's menu."""
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(rf"/user/{handle}/lab"), timeout=SPAWN_MS)
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=SPAWN_MS)
    expect(page.get_by_role("menuitem", name="Nbgrader")).to_be_visible()


def lab_extensions(page) -> list[str]:
    """The lab extensions the JupyterLab page loads (its page config)."""
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    return [extension["name"] for extension in config["federated_extensions"]]
