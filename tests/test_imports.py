"""Every module imports first, in a fresh interpreter, after ``django.setup()``.

An import cycle between modules shows only when one of them is imported first:
before the slices, importing courses/figures.py before courses/selectors/catalogue.py
raised ImportError (issue 17) while every test passed, because ``django.setup()``
happens to import them in the order that works.

One subprocess runs ``django.setup()`` once and then forks a child per module,
so each child starts as a fresh interpreter just after setup (about a second for
all of them instead of a setup per module). Each module is imported twice:
- as Django leaves things: right after setup;
- first: the project's modules that setup imported only along the way are
  forgotten before the import, so the module and everything it needs load in
  the module's own order. Models, app configs and the modules that register
  with Wagtail stay: loading them twice would register twice.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("courses", "lms", "hub_config")
# Files the hub or a lab server runs with ``get_config()``, not importable modules.
NOT_MODULES = {"hub_config.jupyterhub_config", "hub_config.nbgrader_config"}
# lms/settings/production.py refuses to load without a real-looking secret.
ENVIRONMENT = {"DJANGO_SETTINGS_MODULE": "lms.settings.test", "SECRET_KEY": "x" * 50}

CHILD = r"""
import importlib, json, os, sys, traceback
sys.path.insert(0, os.getcwd())
import django
django.setup()

PACKAGES = ("courses", "lms", "hub_config")


def loaded_by_setup_for_good(name):
    # Modules whose second import would register models, apps or hooks again.
    last = name.rsplit(".", 1)[-1]
    return name in PACKAGES or ".models" in name or last in ("apps", "wagtail_hooks")


KEPT = {name for name in sys.modules if loaded_by_setup_for_good(name)}
# ... and the packages holding them, whose attributes name those modules.
KEPT |= {name.rsplit(".", i)[0] for name in KEPT for i in range(name.count("."))}


def import_in_child(module, first):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        error = ""
        try:
            if first:
                for name in list(sys.modules):
                    if name.split(".")[0] in PACKAGES and name not in KEPT:
                        del sys.modules[name]
            importlib.import_module(module)
        except BaseException:
            error = traceback.format_exc()
        os.write(write, error.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        error = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if not error and os.waitstatus_to_exitcode(status):
        error = f"the child exited with {os.waitstatus_to_exitcode(status)}"
    return error


for module in sys.argv[1:]:
    result = {"module": module, "after_setup": import_in_child(module, False)}
    if module in KEPT or loaded_by_setup_for_good(module):
        result["first"] = "" if module in sys.modules else "setup never loads it"
    else:
        result["first"] = import_in_child(module, True)
    print(json.dumps(result), flush=True)
"""


def project_modules() -> list[str]:
    """Every module under PACKAGES, by its files (importing them would be the test)."""
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            folders = [ROOT.joinpath(*parts[:i]) for i in range(1, len(parts))]
            if not all((folder / "__init__.py").exists() for folder in folders):
                continue  # data beside the code: demo notebooks, lab config files
            name = ".".join(parts).removesuffix(".__init__")
            if name not in NOT_MODULES:
                modules.append(name)
    return modules


MODULES = project_modules()


@pytest.fixture(scope="module")
def imported() -> dict[str, dict]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, *MODULES],
        cwd=ROOT,
        env={**os.environ, **ENVIRONMENT},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = [json.loads(line) for line in completed.stdout.splitlines() if line]
    return {result["module"]: result for result in results}


def test_every_module_of_the_project_is_checked():
    assert len(MODULES) > 150
    assert {
        "courses.reporting.figures",
        "courses.catalogue.selectors",
        "lms.urls",
    } <= set(MODULES)
    assert "hub_config.lms_hub" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first_in_a_fresh_interpreter(imported, module):
    result = imported[module]
    assert not result["after_setup"], result["after_setup"]
    assert not result["first"], result["first"]
