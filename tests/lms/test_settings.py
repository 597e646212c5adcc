import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    inherited = {"SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(DJANGO_SETTINGS_MODULE="lms.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", ["short"])
def test_production_refuses_a_weak_secret_key(key):
    assert run_manage("check", SECRET_KEY=key).returncode != 0


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7" * 30 + "-production-like-secret-value",
        ALLOWED_HOSTS="lms.example.org",
        DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dotenv_sets_only_what_the_environment_lacks(tmp_path, monkeypatch):
    from lms.dotenv import load_dotenv

    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nLMS_A=from-file\nexport LMS_B='quoted'\nLMS_C=x\n")
    monkeypatch.setenv("LMS_C", "from-environment")
    monkeypatch.delenv("LMS_A", raising=False)
    monkeypatch.delenv("LMS_B", raising=False)

    load_dotenv(env_file)

    assert os.environ["LMS_A"] == "from-file"
    assert os.environ["LMS_B"] == "quoted"
    assert os.environ["LMS_C"] == "from-environment"
    monkeypatch.delenv("LMS_A")
    monkeypatch.delenv("LMS_B")


def test_an_s3_compatible_store_is_chosen_by_configuration(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)",
        SECRET_KEY="x7" * 30,
        DATA_DIR=str(tmp_path),
        STORAGE_BACKEND="s3",
        S3_BUCKET="submissions",
        S3_ENDPOINT_URL="http://minio.internal:9000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "S3Storage",
        "submissions",
        "http://minio.internal:9000",
        "None",
    ]
