"""Tests: fast password hashing, mail kept in memory, tasks run in-process.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same
suite on PostgreSQL and Redis.
"""

import os

from lms.settings.base import *  # noqa: F403
from lms.settings.base import BASE_DIR

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if os.environ.get("REDIS_URL"):
    # A database of the tests' own, and in it a prefix of this process's own:
    # each test clears only its run's keys (tests/conftest.py), so two runs side
    # by side, or a run beside a running instance, never wipe each other's.
    CACHES["default"]["LOCATION"] = (  # noqa: F405
        os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15"
    )
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid():x}"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: concurrency tests and the live server share it.
    # One file per test process, so parallel runs never share one.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "data" / f"test-{os.getpid()}.sqlite3")
    }
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "data" / "test-media"
# Tests about the exchange do not grade what they submit; grading tests turn it
# on (tests/courses/test_grading.py) and grade with real sandboxed kernels.
GRADING_ENABLED = False
GRADING_DIR = BASE_DIR / "data" / f"test-grading-{os.getpid()}"
ACCOUNT_RATE_LIMITS = False
# Admin tests sign staff in with force_login; tests/lms/test_admin_login.py
# turns it on.
ADMIN_REQUIRE_MFA = False
