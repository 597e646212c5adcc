"""Install the lab environment and the grading sandbox (as root). Idempotent.

    .venv/bin/python -m courses.jupyter.provision [--slots 8] [-r extra-reqs.txt]

1. Debian packages: util-linux's ``unshare`` (namespaces), ``patchelf``.
2. One system user per sandbox slot (``lmsgrader0`` ...), no home, no shell.
3. An interpreter the slot users can execute, at /opt/lms-lab/python (a
   symlink to the current build, switched in one rename): the
   grader runs from a pyenv Python under /root (mode 700), so its prefix is copied
   and the binary's RUNPATH pointed at the copy; a world-readable base interpreter
   is used through a plain venv instead. Same Python version as the grader, so a
   notebook that runs in the lab runs the same way when graded.
4. The lab (jupyterhub's single-user server, JupyterLab, nbgrader) and ipykernel
   (and any extra requirements) into it, pinned to the versions the LMS itself
   has installed: learners' labs and graded notebooks run from this Python.
5. /var/lib/lms-grader, root-owned, 0711: job directories are made inside it.
"""

import argparse
import fcntl
import hashlib
import importlib.metadata
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from courses.jupyter.config import (
    DEFAULT_SLOT_COUNT,
    JOBS_ROOT,
    LAB_ENV_HOME,
    SLOT_USER_PREFIX,
)

PYTHON_HOME = LAB_ENV_HOME / "python"
STAMP = ".lms-grader.json"  # in each build: what it was built from
APT_PACKAGES = ("util-linux", "patchelf")
# The lab (single-user server, JupyterLab, nbgrader's extensions) and the kernel.
# pip: learners install their own packages with `pip install --user`.
LAB_PACKAGES = ("ipykernel", "jupyterhub", "jupyterlab", "notebook", "nbgrader", "pip")


def provision(*, slots: int = DEFAULT_SLOT_COUNT, requirements: Path | None = None):
    """Make this machine able to run sandboxed grading kernels."""
    if os.geteuid() != 0:
        raise SystemExit("The grading sandbox is installed as root.")
    LAB_ENV_HOME.mkdir(parents=True, exist_ok=True)
    # Two test runs or workers provisioning at once must not copy over each other.
    with (LAB_ENV_HOME / ".provision.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_apt_packages()
        ensure_slot_users(slots)
        ensure_interpreter(requirements)
        ensure_lab_files(PYTHON_HOME.resolve())
    JOBS_ROOT.mkdir(parents=True, exist_ok=True)
    JOBS_ROOT.chmod(0o711)  # slot users may enter their own job dir, not list others


def ensure_apt_packages() -> None:
    missing = [p for p in ("unshare", "patchelf") if shutil.which(p) is None]
    if not missing:
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
    if subprocess.run([*install, *APT_PACKAGES], env=env, check=False).returncode:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run([*install, *APT_PACKAGES], env=env, check=True)


def ensure_slot_users(count: int) -> None:
    for i in range(count):
        name = f"{SLOT_USER_PREFIX}{i}"
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--user-group", "--no-create-home",
                 "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
                check=True,
            )  # fmt: skip


def ensure_interpreter(requirements: Path | None) -> None:
    wanted = {  # what the installed copy must match; other pins may drift
        "base": sys.base_prefix,
        "version": sys.version,
        **{name: importlib.metadata.version(name) for name in LAB_PACKAGES},
        "extra": requirements.read_text() if requirements else "",
    }
    digest = hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()
    build = LAB_ENV_HOME / f"python-{digest[:12]}"
    if not (build / STAMP).exists():
        shutil.rmtree(build, ignore_errors=True)
        build_interpreter(build, requirements)
        (build / STAMP).write_text(json.dumps(wanted))
    if PYTHON_HOME.resolve() != build:
        switch_to(build)


HUB_CONFIG = Path(__file__).resolve().parents[2] / "hub_config"
TAB_EXTENSION = '{"ServerApp": {"jpserver_extensions": {"lms_exchange.tab": true}}}\n'


def ensure_lab_files(build: Path) -> None:
    """The LMS exchange in the lab: the lms_exchange package, nbgrader's config
    naming it, the Assignments-tab extension that shows the LMS's messages, the
    formgrader servers' configuration (etc/jupyter/lms-formgrader) and the
    learners' labs' one, without nbgrader's instructor menus (lms-learner).
    Checked on every run (cheap), so a change to them needs no rebuild; each is
    replaced in one rename, as labs and formgraders may start meanwhile."""
    version = sysconfig.get_python_version()
    site = build / "lib" / f"python{version}" / "site-packages"
    install_tree(HUB_CONFIG / "lms_exchange", site / "lms_exchange")
    config = build / "etc" / "jupyter"
    (config / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    install_file(
        (HUB_CONFIG / "nbgrader_config.py").read_bytes(), config / "nbgrader_config.py"
    )
    install_file(
        TAB_EXTENSION.encode(),
        config / "jupyter_server_config.d" / "lms_exchange.json",
    )
    # The cohorts' formgrader servers read this directory (JUPYTER_CONFIG_PATH):
    # never missing or half-copied while one starts.
    install_tree(HUB_CONFIG / "formgrader", config / "lms-formgrader")
    # Learners' labs read this one (hub_config/lms_hub.py: LabSpawner).
    install_tree(HUB_CONFIG / "learner", config / "lms-learner")


def install_file(content: bytes, target: Path) -> None:
    """Write ``target`` (world-readable) unless it holds ``content``: through a
    staged copy renamed over it, so a reader sees the old file or the new."""
    if target.is_file() and target.read_bytes() == content:
        return
    staged = target.with_name(f".{target.name}.new")
    staged.write_bytes(content)
    staged.chmod(0o644)
    staged.replace(target)


def install_tree(source: Path, target: Path) -> None:
    """Make ``target`` a symlink to a copy of ``source`` named by its content,
    switched in one rename: a reader sees the old tree or the new, never none
    or half of one. The previous copy stays (a running server may read it)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(source)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    copy = target.with_name(f".{target.name}-{digest.hexdigest()[:12]}")
    if not copy.is_dir():
        staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        shutil.copytree(source, staged, ignore=ignore, dirs_exist_ok=True)
        subprocess.run(["chmod", "-R", "a+rX,go-w", staged], check=True)
        staged.rename(copy)
    previous = target.resolve() if target.is_symlink() else None
    if previous == copy:
        return
    if target.is_dir() and not target.is_symlink():  # the older, copied layout
        # Once: a directory cannot be renamed over; formgraders fail closed
        # (hub_config/lms_hub.py) if one starts in this instant.
        shutil.rmtree(target)
    link = target.with_name(f".{target.name}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(copy.name)
    link.replace(target)
    for old in target.parent.glob(f".{target.name}-*"):
        if old not in (copy, previous):
            shutil.rmtree(old, ignore_errors=True)


def build_interpreter(build: Path, requirements: Path | None) -> None:
    LAB_ENV_HOME.chmod(0o755)
    if readable_by_all(Path(sys.base_prefix)):
        subprocess.run([base_python(), "-m", "venv", build], check=True)
    else:
        copy_prefix(Path(sys.base_prefix), build)
    install_packages(build / "bin" / "python3", kernel_pins(), requirements)
    subprocess.run(["chmod", "-R", "a+rX,go-w", build], check=True)


def switch_to(build: Path) -> None:
    """Point /opt/lms-lab/python at a new build in one rename: kernels that
    run from the old one keep it (they may still import from it); builds older
    than the previous one are deleted."""
    previous = PYTHON_HOME.resolve()
    if PYTHON_HOME.is_dir() and not PYTHON_HOME.is_symlink():  # an older layout
        previous = LAB_ENV_HOME / "python-unversioned"
        PYTHON_HOME.rename(previous)
    link = LAB_ENV_HOME / "python.new"
    link.unlink(missing_ok=True)
    link.symlink_to(build.name)
    link.replace(PYTHON_HOME)
    for old in LAB_ENV_HOME.glob("python-*"):
        if old not in (build, previous):
            shutil.rmtree(old, ignore_errors=True)


def base_python() -> Path:
    return Path(sys.base_prefix) / "bin" / f"python{sysconfig.get_python_version()}"


def readable_by_all(path: Path) -> bool:
    """True if every directory up to ``path`` lets "others" in."""
    return all(os.stat(p).st_mode & 0o005 == 0o005 for p in [path, *path.parents])


def copy_prefix(source: Path, target: Path) -> None:
    # Leave out the test suite (137 MB) and the site-packages of the source:
    # only what provision installs belongs in the sandbox.
    def skip(directory: str, names: list[str]) -> list[str]:
        here = Path(directory)
        if here.name == f"python{sysconfig.get_python_version()}":
            return [n for n in names if n in ("test", "idlelib", "tkinter")]
        return list(names) if here.name == "site-packages" else []

    shutil.copytree(source, target, symlinks=True, ignore=skip)
    for binary in (target / "bin").glob("python3*"):
        if binary.is_file() and not binary.is_symlink() and is_elf(binary):
            # The binary finds libpython through a RUNPATH into the old prefix.
            subprocess.run(
                ["patchelf", "--set-rpath", "$ORIGIN/../lib", binary], check=True
            )


def is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def kernel_pins() -> list[str]:
    """Every distribution the grader has, as name==version: pip takes only those
    it needs, so the kernel side matches the versions the grader was tested with."""
    pins = {
        d.metadata["Name"].lower(): f"{d.metadata['Name']}=={d.version}"
        for d in importlib.metadata.distributions()
    }
    return sorted(pins.values())


def install_packages(python: Path, pins: list[str], requirements: Path | None):
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints:
        constraints.write("\n".join(pins) + "\n")
        constraints.flush()
        command = [
            sys.executable, "-m", "pip", "--python", str(python), "install",
            "--quiet", "--disable-pip-version-check", "--no-warn-script-location",
            "--root-user-action=ignore",
            "-c", constraints.name, *LAB_PACKAGES,
        ]  # fmt: skip
        if requirements:
            command += ["-r", str(requirements)]
        subprocess.run(command, check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=DEFAULT_SLOT_COUNT)
    parser.add_argument("-r", "--requirements", type=Path)
    args = parser.parse_args(argv)
    provision(slots=args.slots, requirements=args.requirements)


if __name__ == "__main__":
    main()
