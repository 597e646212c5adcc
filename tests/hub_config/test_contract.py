"""hub_config/jupyterhub_config.py is built from the names the LMS uses.

The shared names are defined once, in hub_config/names.py; courses/jupyter/names.py
re-exports them beside the names only the LMS needs.
"""

import ast
import re
from pathlib import Path
from types import ModuleType

import pytest

from courses.jupyter import names
from hub_config import names as hub_names
from tests.hubs import API_TOKEN, CLIENT_SECRET

ROOT = Path(__file__).parents[2]
LMS_HUB = ROOT / "hub_config" / "lms_hub.py"
HUB_NAMES = {
    name
    for name, value in vars(hub_names).items()
    if not name.startswith("_") and not isinstance(value, ModuleType)
}


def test_the_lms_reads_every_hub_name_from_the_one_source():
    assert HUB_NAMES <= set(names.__all__)
    for name in HUB_NAMES:
        assert getattr(names, name) is getattr(hub_names, name)


def test_the_lms_defines_no_second_copy_of_a_hub_name():
    tree = ast.parse((ROOT / "courses" / "jupyter" / "names.py").read_text())
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert not defined & HUB_NAMES


@pytest.mark.parametrize(
    ("group", "opens_the_lab"),
    [
        ("nbgrader-x", True),
        ("formgrade-x", True),
        ("lms-admins", True),
        ("other", False),
    ],
)
def test_a_lab_group_is_a_course_group_or_the_admin_group(group, opens_the_lab):
    assert names.is_lab_group(group) is opens_the_lab


@pytest.mark.parametrize("spawner", ["local", "simple", "kubernetes"])
def test_config_wires_the_lms_as_provider_with_the_contract(load_hub_config, spawner):
    c = load_hub_config(spawner)

    auth = c.LMSAuthenticator
    assert c.JupyterHub.authenticator_class == "hub_config.lms_hub.LMSAuthenticator"
    assert auth.client_id == names.HUB_CLIENT_ID
    assert auth.client_secret == CLIENT_SECRET
    assert auth.username_claim == "preferred_username"
    assert names.GROUPS_CLAIM in auth.scope
    assert auth.auth_state_groups_key == f"oauth_user.{names.GROUPS_CLAIM}"
    assert auth.manage_groups and auth.enable_auth_state and auth.enable_pkce
    assert auth.admin_groups == {names.ADMIN_GROUP}
    assert auth.authorize_url == "http://localhost:8000/identity/o/authorize"
    assert auth.oauth_callback_url == "http://127.0.0.1:8001/hub/oauth_callback"


@pytest.mark.parametrize("spawner", ["local", "simple", "kubernetes"])
def test_lms_service_has_only_the_scopes_it_needs(load_hub_config, spawner):
    c = load_hub_config(spawner)

    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services[names.LMS_SERVICE_NAME]["api_token"] == API_TOKEN
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    lms_role = roles["lms"]
    assert lms_role["services"] == [names.LMS_SERVICE_NAME]
    assert lms_role["scopes"] == names.LMS_SERVICE_SCOPES
    assert "idle-culler" in services


@pytest.mark.parametrize(
    ("spawner", "spawner_class"),
    [
        ("local", "hub_config.lms_hub.LabSpawner"),
        ("simple", "simple"),
        ("kubernetes", "kubespawner.KubeSpawner"),
    ],
)
def test_one_variable_selects_the_spawner(load_hub_config, spawner, spawner_class):
    assert load_hub_config(spawner).JupyterHub.spawner_class == spawner_class


@pytest.mark.parametrize("spawner", ["local", "simple", "kubernetes"])
def test_labs_get_no_secret_from_the_hub_environment(load_hub_config, spawner):
    c = load_hub_config(spawner)

    assert c.Spawner.env_keep == []
    environment = " ".join(f"{k}={v}" for k, v in c.Spawner.environment.items())
    for secret in (CLIENT_SECRET, API_TOKEN, "SECRET_KEY", "DATABASE_URL", "TOKEN"):
        assert secret not in environment


def test_kubernetes_values_run_the_same_config_with_the_same_secrets():
    from ruamel.yaml import YAML

    values = YAML(typ="safe").load(
        (ROOT / "hub_config" / "k8s" / "values.yaml").read_text()
    )
    env = values["hub"]["extraEnv"]
    assert env["HUB_SPAWNER"] == "kubernetes"
    for name in ("HUB_OIDC_CLIENT_SECRET", "HUB_API_TOKEN", "JUPYTERHUB_CRYPT_KEY"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "lms-hub-secrets"
    assert "jupyterhub_config.py" in values["hub"]["extraConfig"]["lms"]
    mounted = {
        f["mountPath"].rsplit("/", 1)[-1] for f in values["hub"]["extraFiles"].values()
    }
    # Every module of hub_config that lms_hub.py imports is mounted beside it.
    source = LMS_HUB.read_text()
    imported = set(re.findall(r"^from hub_config\.(\w+) import", source, re.M))
    for names_imported in re.findall(r"^from hub_config import (.+)$", source, re.M):
        imported |= {name.strip() for name in names_imported.split(",")}
    assert {"jupyterhub_config", "lms_hub", "names", "__init__", *imported} <= {
        name.removesuffix(".py") for name in mounted
    }
    assert (
        values["singleuser"]["networkPolicy"]["egressAllowRules"]["privateIPs"] is False
    )


def test_the_formgrader_course_layout_is_the_same_in_the_lab_environment():
    from hub_config.lms_exchange import gradebook_io

    assert gradebook_io.COURSE_DIR == names.FORMGRADER_COURSE_DIR
    assert gradebook_io.STATE_FILE == names.FORMGRADER_STATE_FILE


@pytest.mark.parametrize(
    "course_id", ["ml-basics-2026", "AI101-Spring", "a-very-long-course-id-2026-autumn"]
)
def test_a_formgrader_account_name_is_a_valid_short_unix_name(course_id):
    account = names.system_user(names.grader_user(course_id))
    assert re.fullmatch(r"[a-z][a-z0-9_-]{1,31}", account)
    assert hub_names.is_grader_user(names.grader_user(course_id))
    # Never a person's handle: those have no "_" (lms/accounts/usernames.py).
    assert "_" in names.grader_user(course_id)


def test_the_local_spawner_points_formgraders_at_their_config(load_hub_config):
    c = load_hub_config("local")
    assert c.LabSpawner.formgrader_config_dir.endswith("etc/jupyter/lms-formgrader")
