"""nbgrader's instructor menus in the labs: the spawner gives a learner's lab
the configuration in hub_config/learner (no Formgrader, Create assignment or
Course list, in the menus or as server pages), an instructor's lab none.

The spawner is built with a stand-in for the hub's user (its name and groups,
as the hub's ``User`` gives them); the configuration is read by the lab
environment's own Jupyter Server and JupyterLab. The whole path, through a real
hub and Chromium: tests/lab/test_menus.py.
"""

import json
import os
import subprocess
import sysconfig
from pathlib import Path
from types import SimpleNamespace

import pytest

from courses.jupyter import names
from courses.jupyter.provision import ensure_lab_files
from hub_config.lms_hub import LabSpawner, teaches

ROOT = Path(__file__).parents[2]
LEARNER_CONFIG = ROOT / "hub_config" / "learner"
FORMGRADER_CONFIG = ROOT / "hub_config" / "formgrader"
LAB_PYTHON = Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin"))
SERVER = "nbgrader.server_extensions"
INSTRUCTOR_ONLY = {
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
}
LEARNERS_KEEP = {
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:validate-assignment",
}
# What the lab environment's server makes of a config path: nbgrader's server
# extensions that load, and the plugins its JupyterLab page leaves out.
PROBE = """
import json
from jupyter_server.serverapp import ServerApp
from jupyterlab_server.config import get_page_config
app = ServerApp()
app.initialize(argv=[], find_extensions=True, new_httpserver=False)
print(json.dumps({
    "servers": sorted(
        name for name, extension in app.extension_manager.extensions.items()
        if extension.enabled and name.startswith("nbgrader")
    ),
    "disabled": sorted(get_page_config([])["disabledExtensions"]),
}))
"""
needs_lab_env = pytest.mark.skipif(
    not (LAB_PYTHON / "python").exists(),
    reason="no lab env: python -m courses.jupyter.provision",
)


def spawner(name: str, *groups: str) -> LabSpawner:
    user = SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups])
    return LabSpawner(
        user=user,
        learner_config_dir=str(LEARNER_CONFIG),
        formgrader_config_dir=str(FORMGRADER_CONFIG),
    )


def lab_reads(home: Path, env: dict[str, str]) -> dict:
    """Ask the lab environment's Jupyter what a lab with ``env`` would load."""
    clean = {"PATH": f"{LAB_PYTHON}:/usr/bin:/bin", "HOME": str(home), **env}
    result = subprocess.run(
        [str(LAB_PYTHON / "python"), "-c", PROBE],
        env=clean,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("groups", "instructor"),
    [
        ((), False),
        (("nbgrader-ai-2026",), False),
        (("nbgrader-ai-2026", "nbgrader-ml-2026"), False),
        (("formgrade-ai-2026",), True),
        (("nbgrader-ai-2026", "formgrade-ml-2026"), True),
        ((names.ADMIN_GROUP,), True),
    ],
)
def test_only_teachers_and_admins_count_as_instructors(groups, instructor):
    assert teaches(groups) is instructor


def test_a_learners_lab_reads_the_learner_config_first():
    learner = spawner("kim", names.learner_group("ai-2026"))

    assert learner.lab_config_env() == {"JUPYTER_CONFIG_PATH": str(LEARNER_CONFIG)}


def test_an_instructors_lab_reads_only_the_lab_environments_config():
    teacher = spawner("lee", names.grader_group("ai-2026"))
    admin = spawner("park", names.ADMIN_GROUP)

    assert teacher.lab_config_env() == {} == admin.lab_config_env()


def test_a_formgrader_server_keeps_its_own_config():
    grader = spawner(names.grader_user("ai-2026"))

    assert grader.lab_config_env() == {"JUPYTER_CONFIG_PATH": str(FORMGRADER_CONFIG)}


def test_a_missing_learner_config_costs_the_menus_not_the_lab(tmp_path, caplog):
    learner = spawner("kim", names.learner_group("ai-2026"))
    learner.learner_config_dir = str(tmp_path / "not-provisioned")

    assert learner.lab_config_env() == {}
    assert "shows nbgrader's instructor menus" in caplog.text


def test_the_local_spawner_points_learners_at_the_provisioned_config(
    load_hub_config,
):
    c = load_hub_config("local")

    assert c.LabSpawner.learner_config_dir.endswith("etc/jupyter/lms-learner")
    assert (
        Path(c.LabSpawner.learner_config_dir).parent
        == Path(c.LabSpawner.formgrader_config_dir).parent
    )


def test_provision_installs_the_learner_config_beside_the_formgraders(tmp_path):
    version = sysconfig.get_python_version()
    (tmp_path / "lib" / f"python{version}" / "site-packages").mkdir(parents=True)

    ensure_lab_files(tmp_path)

    installed = tmp_path / "etc" / "jupyter" / "lms-learner"
    for path in LEARNER_CONFIG.rglob("*.json"):
        copy = installed / path.relative_to(LEARNER_CONFIG)
        assert copy.read_text() == path.read_text()
        assert copy.stat().st_mode & 0o004  # every lab account reads it


@needs_lab_env
def test_the_disabled_plugins_are_nbgraders_own_ids():
    """An nbgrader upgrade that renames a plugin must fail here, not show the
    menu to learners again."""
    labextension = (
        LAB_PYTHON.parent / "share" / "jupyter" / "labextensions" / "@jupyter"
    ) / "nbgrader"
    code = "".join(p.read_text() for p in (labextension / "static").glob("*.js"))
    page_config = json.loads(
        (LEARNER_CONFIG / "labconfig" / "page_config.json").read_text()
    )

    assert set(page_config["disabledExtensions"]) == INSTRUCTOR_ONLY
    for plugin in INSTRUCTOR_ONLY | LEARNERS_KEEP:
        assert f'"{plugin}"' in code, plugin


@needs_lab_env
def test_a_learners_lab_loads_no_formgrader_even_if_their_home_asks(tmp_path):
    # A learner's own ~/.jupyter turning the formgrader back on.
    user_config = tmp_path / ".jupyter"
    (user_config / "jupyter_server_config.d").mkdir(parents=True)
    (user_config / "labconfig").mkdir()
    (user_config / "jupyter_server_config.d" / "mine.json").write_text(
        json.dumps(
            {"ServerApp": {"jpserver_extensions": {f"{SERVER}.formgrader": True}}}
        )
    )
    (user_config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": dict.fromkeys(INSTRUCTOR_ONLY, False)})
    )
    env = spawner("kim", names.learner_group("ai-2026")).lab_config_env()

    learner = lab_reads(tmp_path, env)

    assert learner["servers"] == [
        f"{SERVER}.assignment_list",
        f"{SERVER}.validate_assignment",
    ]
    assert set(learner["disabled"]) == INSTRUCTOR_ONLY


@needs_lab_env
def test_an_instructors_lab_loads_every_nbgrader_tool(tmp_path):
    env = spawner("lee", names.grader_group("ai-2026")).lab_config_env()

    instructor = lab_reads(tmp_path, env)

    assert set(instructor["servers"]) >= {
        f"{SERVER}.formgrader",
        f"{SERVER}.course_list",
        f"{SERVER}.assignment_list",
        f"{SERVER}.validate_assignment",
    }
    assert not INSTRUCTOR_ONLY & set(instructor["disabled"])
