"""Development and the embedded default: DEBUG on, keys generated into DATA_DIR."""

from lms.secrets import read_or_create_secret
from lms.settings.base import *  # noqa: F403
from lms.settings.base import DATA_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
# The demo accounts have no second factor; set it true to try the MFA door.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", False)
SECRET_KEY = SECRET_KEY or read_or_create_secret(DATA_DIR / "secret_key")  # noqa: F405
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
