"""Production settings plus a bench-only URLconf (the trivial view).

Everything else, middleware included, is exactly ``lms.settings.production``.
"""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The benches send thousands of requests a minute with one token from one
# address: limits far above that, so the limiter still runs (and costs what it
# costs) but never refuses.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "10000000/m/user,10000000/m/ip")  # noqa: F405
