"""Fixtures for the hub side (imported by tests/conftest.py).

- ``hub_env``: ``hub_env(spawner)`` sets the environment jupyterhub_config.py reads
  (temporary secrets and state directories) and returns it as a dict.
- ``load_hub_config``: ``load_hub_config(spawner)`` executes
  hub_config/jupyterhub_config.py the way JupyterHub does and returns its config.
- ``on_hub``: the LMS's settings pointed at ``hub``, its test users in no lab group.
- ``hub``: a real JupyterHub (with its proxy) started from that file for the test
  session, every lab as this account (``HUB_SPAWNER=simple``); attributes
  ``api_url``, ``token`` (the LMS service's) and ``users`` (pre-created names);
  ``hub.token_for(name)`` makes an API token of that hub user, as a lab has.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "hub_config" / "jupyterhub_config.py"
CLIENT_SECRET = "hub-test-client-secret"
API_TOKEN = "hub-test-lms-api-token-0123456789abcdef"
ADMIN_TOKEN = "hub-test-admin-token-only-in-tests-0123"
# The product config, plus a test-only service that may make users' tokens.
TEST_CONFIG = f"""
__file__ = {str(CONFIG)!r}
exec(compile(open(__file__).read(), __file__, "exec"))
c.JupyterHub.services.append({{"name": "test-admin", "api_token": {ADMIN_TOKEN!r}}})
c.JupyterHub.load_roles.append(
    {{
        "name": "test-admin",
        "scopes": ["tokens", "admin:users"],
        "services": ["test-admin"],
    }}
)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    def make(spawner: str, *, directory: Path = tmp_path) -> dict[str, str]:
        secrets_dir = directory / "secrets"
        secrets_dir.mkdir(exist_ok=True)
        (secrets_dir / "oidc-client-secret").write_text(CLIENT_SECRET)
        (secrets_dir / "lms-api-token").write_text(API_TOKEN)
        values = {
            "LMS_URL": "http://localhost:8000",
            "HUB_URL": "http://127.0.0.1:8001",
            "HUB_SECRETS_DIR": str(secrets_dir),
            "HUB_STATE_DIR": str(directory / "state"),
            "HUB_SPAWNER": spawner,
        }
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        for key in ("HUB_OIDC_CLIENT_SECRET", "HUB_API_TOKEN"):
            monkeypatch.delenv(key, raising=False)
        return values

    return make


@pytest.fixture
def load_hub_config(hub_env):
    def load(spawner: str):
        hub_env(spawner)
        return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()

    return load


@dataclass
class RunningHub:
    api_url: str
    token: str
    users: tuple[str, ...]

    def get(self, path: str) -> requests.Response:
        return requests.get(
            f"{self.api_url}{path}",
            headers={"Authorization": f"token {self.token}"},
            timeout=10,
        )

    def create_users(self, names: list[str]) -> None:
        """Make hub users (the LMS never does: people appear at first sign-in)."""
        response = requests.post(
            f"{self.api_url}/users",
            headers={"Authorization": f"token {ADMIN_TOKEN}"},
            json={
                "usernames": [
                    n for n in names if self.get(f"/users/{n}").status_code == 404
                ]
            },
            timeout=30,
        )
        assert response.status_code in (201, 400, 409), response.text

    def token_for(self, name: str) -> str:
        """A new API token of hub user ``name`` (what a lab server holds)."""
        response = requests.post(
            f"{self.api_url}/users/{name}/tokens",
            headers={"Authorization": f"token {ADMIN_TOKEN}"},
            json={"note": "test"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["token"]


HUB_USERS = ("learner-a", "learner-b", "teacher")


@contextlib.contextmanager
def running_hub(directory: Path, *, users=HUB_USERS, lms_url="http://localhost:1"):
    """A real JupyterHub (simple spawner) from the product config, plus a
    test-only admin service; stopped on exit. Used by tests and benchmarks."""
    secrets_dir = directory / "secrets"
    secrets_dir.mkdir(parents=True, exist_ok=True)
    (secrets_dir / "oidc-client-secret").write_text(CLIENT_SECRET)
    (secrets_dir / "lms-api-token").write_text(API_TOKEN)
    public, api, proxy_api = free_port(), free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "LMS_"))},
        "LMS_URL": lms_url,
        "HUB_URL": f"http://127.0.0.1:{public}",
        "HUB_API_PORT": str(api),
        "HUB_PROXY_API_PORT": str(proxy_api),
        "HUB_SECRETS_DIR": str(secrets_dir),
        "HUB_STATE_DIR": str(directory / "state"),
        "HUB_SPAWNER": "simple",
        "PYTHONPATH": str(ROOT),
    }
    # The LMS never creates hub users (they appear at first sign-in): declare a
    # few so there is someone to put in groups.
    allowed = [f"--LMSAuthenticator.allowed_users={name}" for name in users]
    config = directory / "jupyterhub_config.py"
    config.write_text(TEST_CONFIG)
    with open(directory / "hub.log", "w") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "jupyterhub"),
                "-f",
                str(config),
                *allowed,
            ],
            cwd=directory,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    running = RunningHub(f"http://127.0.0.1:{api}/hub/api", API_TOKEN, tuple(users))
    try:
        _wait_until_up(running, process, directory / "hub.log")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(running: RunningHub, process, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if running.get("/users").status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("JupyterHub did not start")


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    with running_hub(tmp_path_factory.mktemp("hub")) as running:
        yield running


@pytest.fixture
def on_hub(hub, settings):
    from courses.lab import services as lab

    settings.HUB_URL = hub.api_url.removesuffix("/hub/api")
    settings.HUB_API_URL = hub.api_url
    settings.HUB_API_TOKEN = hub.token
    client = lab.hub_client()
    for name in hub.users:  # a clean slate: no groups, no server from earlier tests
        model = client.user(name)
        for group in model["groups"]:
            client.remove_member(group, name)
        if model["servers"]:
            client.stop_server(name)
    return hub
