"""A throwaway PostgreSQL database and the LMS settings to run against it,
shared by the benchmarks that start the LMS (exchange, autograde, dashboard)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def database_name(default: str) -> str:
    """BENCH_DB, else ``default``; the benches drop it first, so only names of
    their own (``lms_bench…``) are taken."""
    name = os.environ.get("BENCH_DB", default)
    if not name.startswith("lms_bench"):
        raise SystemExit(f"BENCH_DB must start with lms_bench, not {name!r}")
    return name


def psql(sql: str, *, check: bool = True) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=check)


def lms_environment(db_name: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an LMS process on ``db_name``, its files in
    ``data_dir``; ``extra`` adds or replaces variables. No hub unless given."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{PG}/{db_name}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATA_DIR": str(data_dir),
        "MEDIA_ROOT": str(data_dir / "media"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("HUB_URL", None)
    env.pop("HUB_API_URL", None)
    env.update(extra)
    return env


def database_create(db_name: str, env: dict[str, str]) -> None:
    """A new, empty, migrated database (an earlier one of that name is dropped)."""
    psql(f"DROP DATABASE IF EXISTS {db_name}")
    psql(f"CREATE DATABASE {db_name}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def database_drop(db_name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {db_name}", check=False)
