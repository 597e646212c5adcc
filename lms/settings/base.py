"""Settings shared by every environment; secure by default, configured by env.

Every variable read here is documented in docs/configuration.md and .env.example.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from lms.dotenv import load_dotenv
from lms.secrets import read_or_create_rsa_key, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent
load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# Local state of the embedded default (SQLite, media, generated keys); git-ignored.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms",
    "lms.accounts",
    "courses",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    # The API's docs page (/api/docs) then loads Swagger UI from our static files,
    # not a CDN with an inline script the CSP refuses.
    "ninja",
    "auditlog",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.idp.oidc",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After Django's CSP (its response is seen first): the admin's policy and
    # Permissions-Policy.
    "lms.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Each signed-in person's own time zone (lms/accounts User.time_zone).
    "lms.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Every admin request: a verified e-mail and, for staff, MFA (lms/accounts).
    "lms.accounts.admin_door.AdminDoorMiddleware",
    # The audit trail: who changed what, from which page (after authentication).
    "courses.core.audit.AuditMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: answers current anonymous catalogue pages before URL resolution.
    "courses.catalogue.page_cache.CataloguePageCacheMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "wagtail.contrib.settings.context_processors.settings",
                "courses.lab.context_processors.lab",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so enrolment's
    # read-then-write runs serialized (SQLite has no SELECT ... FOR UPDATE);
    # WAL lets readers continue while one writer holds the lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Wagtail's search index uses PostgreSQL's full-text search there.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "lms"),
        }
    }
else:
    # Shared by every server process on the machine, unlike local memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Background work: Django's Tasks API. The database queue is the embedded default;
# RQ on Redis is the scale-out setting (TASKS_BACKEND=rq, with REDIS_URL).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:my_learning"

# django-allauth: email is the login; verification is mandatory before enrolling.
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Talent Pipeline] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("HTTP_PROTOCOL", "http")
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Both admins sign in through allauth (lms/urls.py); staff must set up MFA before
# the admin opens (lms/accounts/admin_door.py). The demo turns it off.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's reset is the one (rate limited)
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", True)

# The LMS is the OpenID Connect provider of the lab (JupyterHub); its signing key
# comes from the environment or is generated once into DATA_DIR (0600).
IDP_OIDC_PRIVATE_KEY = os.environ.get("IDP_OIDC_PRIVATE_KEY") or read_or_create_rsa_key(
    DATA_DIR / "oidc-private-key.pem"
)
IDP_OIDC_ADAPTER = "lms.accounts.oidc.OIDCAdapter"
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = 15 * 60
IDP_OIDC_ROTATE_REFRESH_TOKEN = True

# The lab. HUB_URL is where browsers reach JupyterHub (another host name than
# the LMS's, so their cookies stay apart); empty means no lab is configured.
HUB_URL = os.environ.get("HUB_URL", "").rstrip("/")
HUB_API_URL = os.environ.get("HUB_API_URL", f"{HUB_URL}/hub/api" if HUB_URL else "")
# The exchange: what a lab may upload in one submission.
EXCHANGE_MAX_UPLOAD_BYTES = int(os.environ.get("EXCHANGE_MAX_UPLOAD_MB", "20")) * 2**20
EXCHANGE_MAX_FILES = int(os.environ.get("EXCHANGE_MAX_FILES", "100"))
# Upload views refuse a body over the limit by its Content-Length before reading
# it (courses/http.py). Files over 2.5 MB are spooled to temporary files, never
# held in memory, and a form's other fields may hold 2.5 MB (Django's defaults,
# written out because the upload code relies on them).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Autograding (courses/services/grading.py, docs/grading.md). One nbgrader course
# directory per cohort under GRADING_DIR; a worker process grades up to
# GRADING_CONCURRENCY notebooks at once (kernels mostly wait: more than the
# cores helps); a job whose worker died is handed out again once its lease
# (renewed while it runs) passes; GRADING_MAX_TRIES interrupted runs make it fail.
GRADING_ENABLED = env_bool("GRADING_ENABLED", True)
GRADING_DIR = Path(os.environ.get("GRADING_DIR", DATA_DIR / "grading"))
GRADING_CONCURRENCY = int(os.environ.get("GRADING_CONCURRENCY", "4"))
GRADING_LEASE_SECONDS = int(os.environ.get("GRADING_LEASE_SECONDS", "60"))
GRADING_MAX_TRIES = int(os.environ.get("GRADING_MAX_TRIES", "3"))
# A job that failed outside the learner's code waits this long, doubling per try.
GRADING_RETRY_SECONDS = int(os.environ.get("GRADING_RETRY_SECONDS", "15"))
# Certificates (PDF) print Korean and English with these TrueType fonts
# (Debian's fonts-nanum, installed by scripts/bootstrap).
CERTIFICATE_FONT = os.environ.get(
    "CERTIFICATE_FONT", "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
)
CERTIFICATE_FONT_BOLD = os.environ.get(
    "CERTIFICATE_FONT_BOLD", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
)
# Secrets shared with the hub process (hub_config reads the same files).
HUB_SECRETS_DIR = Path(os.environ.get("HUB_SECRETS_DIR", DATA_DIR / "hub-secrets"))
HUB_API_TOKEN = HUB_OIDC_CLIENT_SECRET = ""
if HUB_URL:
    HUB_API_TOKEN = os.environ.get("HUB_API_TOKEN") or read_or_create_secret(
        HUB_SECRETS_DIR / "lms-api-token"
    )
    HUB_OIDC_CLIENT_SECRET = os.environ.get(
        "HUB_OIDC_CLIENT_SECRET"
    ) or read_or_create_secret(HUB_SECRETS_DIR / "oidc-client-secret")
MFA_TOTP_ISSUER = "Talent Pipeline LMS"

# Mail: console in development, SMTP in production (MAILER=smtp and SMTP_*).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def mailers(kind: str) -> dict:
    """The MAILERS setting for MAILER=console|file|smtp (SMTP_* configure smtp)."""
    backends = {
        "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
        "file": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        },
        "smtp": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("SMTP_HOST", "localhost"),
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_TLS", True),
            },
        },
    }
    return {"default": backends[kind]}


MAILERS = mailers(os.environ.get("MAILER", "console"))

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
FORMAT_MODULE_PATH = ["lms.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if os.environ.get("STORAGE_BACKEND") == "s3":
    # Scale-out: submissions, assignments and media in an S3-compatible store,
    # shared by every web and worker machine.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", "lms"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": None,  # private objects; downloads go through the LMS
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

WAGTAIL_SITE_NAME = "Talent Pipeline LMS"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# The people count the city reports (seeded from the announcement; editable data).
TALENT_PROGRAMME_NAME = _("Gwangju AI talent pipeline")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django.middleware.csp; docs/configuration.md). The
# people-facing pages run no inline script: a template that needs one gives it
# nonce="{{ csp_nonce }}" (never on catalogue pages, which are cached whole).
# lms.middleware adds HUB_URL's origin to form-action: after the sign-in and
# OpenID consent forms the browser is redirected to the hub, and form-action
# covers that redirect.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")  # e.g. the S3 host of media
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *CSP_MEDIA_ORIGINS],
    "media-src": [CSP.SELF, *CSP_MEDIA_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Wagtail's admin (/admin/) writes inline <script> (date pickers, inline panels,
# search promotions) and style="" attributes of its own, with no nonce: under
# SECURE_CSP it breaks. lms.middleware gives the admin prefixes this policy: no
# nonce (a nonce would make browsers ignore 'unsafe-inline'), blob: for image
# previews, and framing by itself for Wagtail's live preview.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *CSP_MEDIA_ORIGINS],
    "frame-ancestors": [CSP.SELF],
}
CSP_ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
# The admin asks nothing of third parties: no avatars from gravatar.com, no
# release check against wagtail.io (both would also break the policy above).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Powerful browser features no page of the LMS uses (lms.middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# Client addresses behind the reverse proxy, for allauth's and the LMS's rate
# limits: trust X-Forwarded-For only when TRUSTED_PROXY_COUNT proxies of ours
# add to it (0: use the connection's address), or one header a proxy sets.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# lms.ratelimit: "<requests>/<period: s, m, h, d>/<per: user or ip>", comma
# separated. "user" counts the signed-in person, or the API token sent. Labs all
# reach the exchange from the hub's address: its per-ip limit is the whole
# class's. RATE_LIMIT_<NAME>= (empty) turns one off.
RATE_LIMITS = {
    name: os.environ.get(f"RATE_LIMIT_{name.upper()}", default)
    for name, default in {
        "exchange": "120/m/user,3000/m/ip",
        "reporting": "60/m/user,120/m/ip",
        "certificate": "30/m/user,60/m/ip",
        "invitation": "20/m/user,60/m/ip",
    }.items()
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    # Invitation, e-mail confirmation and password-reset tokens, OpenID codes:
    # never written to a log (lms/logging.py; gunicorn's access log too).
    "filters": {"redact_secrets": {"()": "lms.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (runserver's request lines, DEBUG's console)
        # would print paths unredacted: everything goes through ours instead.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # fpdf2 subsets the certificate fonts and logs every glyph at INFO.
        "fontTools": {"level": "ERROR"},
    },
}
