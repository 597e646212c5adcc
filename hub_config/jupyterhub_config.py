# JupyterHub for Talent Pipeline LMS: sign-in through the LMS (OpenID Connect),
# course groups from the LMS's claims, one system account per lab.
#
#   jupyterhub -f hub_config/jupyterhub_config.py      (scripts/run.py does this)
#
# Configured by environment variables (docs/configuration.md, section "Lab"):
#   LMS_URL              the LMS as the hub reaches it (token and userinfo calls)
#   LMS_PUBLIC_URL       the LMS as browsers reach it (sign-in page); default LMS_URL
#   HUB_URL              the hub as browsers reach it; another host name than the LMS
#   HUB_SECRETS_DIR      files shared with the LMS: oidc-client-secret, lms-api-token
#                        (or HUB_OIDC_CLIENT_SECRET / HUB_API_TOKEN in the environment)
#   HUB_STATE_DIR        the hub's own database, cookie secret and crypt key
#   HUB_SPAWNER          local (one system account per lab; needs root), simple
#                        (every lab as this account: development only), kubernetes
#   LAB_PYTHON           bin directory of the lab environment (jupyterhub-singleuser)
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # hub_config is importable as a package

from hub_config import names  # noqa: E402

c = get_config()  # noqa: F821


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise SystemExit(f"jupyterhub_config: set {name} in the environment")
    return value.rstrip("/")


def shared_secret(variable, filename):
    """A secret the LMS created: from the environment, else from its file."""
    if os.environ.get(variable):
        return os.environ[variable]
    path = Path(env("HUB_SECRETS_DIR")) / filename
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `manage.py lab_setup` first")
    return path.read_text().strip()


def own_secret(path):
    """A secret only the hub uses, generated once (0600)."""
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


LMS_URL = env("LMS_URL")
LMS_PUBLIC_URL = env("LMS_PUBLIC_URL", LMS_URL)
HUB_URL = env("HUB_URL")
STATE = Path(env("HUB_STATE_DIR", str(HERE.parent / "data" / "hub")))
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
SPAWNER = os.environ.get(
    "HUB_SPAWNER", "local" if os.geteuid() == 0 else "simple"
).lower()

# -- the hub process -----------------------------------------------------------
hub = urlparse(HUB_URL)
c.JupyterHub.bind_url = HUB_URL
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("HUB_API_PORT", "8081"))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.CryptKeeper.keys = [
    os.environ.get("JUPYTERHUB_CRYPT_KEY") or own_secret(STATE / "crypt_key")
]
c.JupyterHub.template_paths = [str(HERE / "templates")]
c.JupyterHub.template_vars = {"lms_url": LMS_PUBLIC_URL}
c.ConfigurableHTTPProxy.command = [
    str(HERE.parent / "node_modules" / ".bin" / "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
# Its REST API must not sit on the public port (whose default is 8001 too).
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('HUB_PROXY_API_PORT', '8002')}"
)

# -- sign-in: the LMS is the OpenID Connect provider ---------------------------
c.JupyterHub.authenticator_class = "hub_config.lms_hub.LMSAuthenticator"
c.LMSAuthenticator.client_id = names.HUB_CLIENT_ID
c.LMSAuthenticator.client_secret = shared_secret(
    "HUB_OIDC_CLIENT_SECRET", "oidc-client-secret"
)
c.LMSAuthenticator.oauth_callback_url = f"{HUB_URL}/hub/oauth_callback"
c.LMSAuthenticator.authorize_url = f"{LMS_PUBLIC_URL}/identity/o/authorize"
c.LMSAuthenticator.token_url = f"{LMS_URL}/identity/o/api/token"
c.LMSAuthenticator.userdata_url = f"{LMS_URL}/identity/o/api/userinfo"
c.LMSAuthenticator.scope = ["openid", "profile", "email", names.GROUPS_CLAIM]
c.LMSAuthenticator.username_claim = "preferred_username"
c.LMSAuthenticator.enable_pkce = True  # S256; the LMS refuses the hub without it
c.LMSAuthenticator.login_service = "Talent Pipeline LMS"
c.LMSAuthenticator.auto_login = True
# Groups come from the claim at every sign-in and token refresh; the LMS also
# pushes changes through the REST API in between.
c.LMSAuthenticator.manage_groups = True
c.LMSAuthenticator.auth_state_groups_key = f"oauth_user.{names.GROUPS_CLAIM}"
c.LMSAuthenticator.admin_groups = {names.ADMIN_GROUP}
c.LMSAuthenticator.enable_auth_state = True
# Re-check with the LMS every 5 minutes and before each spawn: a disabled
# account's tokens are revoked, so its refresh fails and it must sign in again.
c.LMSAuthenticator.auth_refresh_age = 300
c.LMSAuthenticator.refresh_pre_spawn = True
c.LMSAuthenticator.custom_403_message = (
    "Your lab opens when you are enrolled in a cohort or teach one."
)

# -- services: the LMS, and the idle culler -----------------------------------
c.JupyterHub.services = [
    {
        "name": names.LMS_SERVICE_NAME,
        "api_token": shared_secret("HUB_API_TOKEN", "lms-api-token"),
    },
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={int(os.environ.get('LAB_IDLE_TIMEOUT', '3600'))}",
        ],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "lms",
        "description": "The LMS: group sync, server overview, stopping servers, "
        "the cohorts' formgraders.",
        "scopes": [
            "users",  # read users: groups, servers, last activity
            "admin:users",  # create a cohort's formgrader user
            "admin:groups",  # create a course's groups; add and remove members
            "servers",  # start a formgrader; read and stop servers
            "shares",  # share a formgrader with the cohort's graders' group
            "access:servers",  # needed to grant that share
        ],
        "services": [names.LMS_SERVICE_NAME],
    },
    {
        "name": "idle-culler",
        "description": "Stop servers idle for LAB_IDLE_TIMEOUT seconds.",
        "scopes": [
            "list:users",
            "read:users:activity",
            "read:servers",
            "delete:servers",
        ],
        "services": ["idle-culler"],
    },
]

# -- the labs -------------------------------------------------------------------
LAB_PYTHON = Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin"))
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
# Only these reach a lab: nothing of the hub's or the LMS's environment.
c.Spawner.env_keep = []
c.Spawner.environment = {
    "PATH": f"{LAB_PYTHON}:/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    # nbgrader's exchange is the LMS (hub_config/lms_exchange, installed in the
    # lab environment); the lab authenticates with its own hub token.
    "LMS_EXCHANGE_URL": f"{LMS_URL}/api/exchange",
}

if SPAWNER == "local":
    if os.geteuid() != 0:
        raise SystemExit(
            "HUB_SPAWNER=local creates a system account per lab: run as root"
        )
    c.JupyterHub.spawner_class = "hub_config.lms_hub.LabSpawner"
    # A lab connects (TCP) only to the hub (its API, its public address, where
    # every request is authenticated), the LMS, the web and DNS: never to
    # PostgreSQL, Redis, the proxy's API or straight to another lab (Landlock).
    # Its kernels talk to it over unix sockets, so they need no TCP port.
    c.LabSpawner.allowed_connect_ports = sorted(
        {
            c.JupyterHub.hub_port,
            hub.port or (443 if hub.scheme == "https" else 80),
            urlparse(LMS_URL).port or (443 if LMS_URL.startswith("https") else 80),
            *(
                int(port)
                for port in os.environ.get("LAB_ALLOWED_PORTS", "53,80,443").split(",")
                if port.strip()
            ),
        }
    )
    c.Spawner.args = ["--KernelManager.transport=ipc"]
    c.Spawner.cmd = [str(LAB_PYTHON / "jupyterhub-singleuser")]
    # Hub users grader_<course id> run a cohort's formgrader (docs/grading.md).
    c.LabSpawner.formgrader_config_dir = str(
        LAB_PYTHON.parent / "etc" / "jupyter" / "lms-formgrader"
    )
    # Learners (no formgrade- group) get no nbgrader instructor menus (docs/lab.md).
    c.LabSpawner.learner_config_dir = str(
        LAB_PYTHON.parent / "etc" / "jupyter" / "lms-learner"
    )
elif SPAWNER == "simple":
    print(  # noqa: T201 - the warning must reach whoever starts the hub
        "\n*** HUB_SPAWNER=simple: every lab runs as this same system account and\n"
        "*** can read every other lab's files. For development only.\n",
        file=sys.stderr,
        flush=True,
    )
    c.JupyterHub.spawner_class = "simple"
    # The lab environment when this machine has one: there nbgrader's exchange is
    # the LMS (lms_exchange). Else the hub's own Python, with stock nbgrader.
    SIMPLE_BIN = (
        LAB_PYTHON
        if (LAB_PYTHON / "jupyterhub-singleuser").exists()
        else Path(sys.executable).parent
    )
    c.Spawner.cmd = [str(SIMPLE_BIN / "jupyterhub-singleuser")]
    c.Spawner.environment["PATH"] = f"{SIMPLE_BIN}:/usr/bin:/bin"
    if os.geteuid() == 0:
        c.Spawner.args = ["--allow-root"]
elif SPAWNER == "kubernetes":
    # Scale-out: hub_config/k8s/values.yaml (zero-to-jupyterhub) mounts this file;
    # each lab is its own pod from the lab image.
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    c.JupyterHub.hub_connect_ip = os.environ.get("HUB_SERVICE_HOST", "hub")
    c.JupyterHub.hub_ip = "0.0.0.0"
    c.KubeSpawner.image = os.environ.get("LAB_IMAGE", "talent-pipeline/lab:latest")
    c.KubeSpawner.cmd = ["jupyterhub-singleuser"]
    c.KubeSpawner.environment = dict(c.Spawner.environment)
    c.KubeSpawner.environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
else:
    raise SystemExit(f"HUB_SPAWNER={SPAWNER!r}: choose local, simple or kubernetes")
