"""Lab security tests: a real JupyterHub with one system account per lab
(``lab``, ``lab_person`` … from tests/labs.py) and the browser fixtures of
tests/browser/conftest.py (``browser``, ``context``, ``page``, ``sign_in``), with
the grading fixtures of the root conftest;
``shared_lab`` (every lab as one system account) is only used here."""

from tests.browser.conftest import (  # noqa: F401
    _playwright_loop_running,
    browser,
    context,
    page,
    playwright_loop,
    sign_in,
)
from tests.labs import shared_lab, shared_lab_hub  # noqa: F401
