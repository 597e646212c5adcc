"""Production settings plus a bench-only URLconf (the trivial view).

Everything else, middleware included, is exactly ``lms.settings.production``.
"""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
