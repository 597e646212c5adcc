"""Tokens never reach a log (lms/logging.py): Django's records and gunicorn's
access log show invitation, confirmation and reset links and OpenID codes
with the secret part replaced by [redacted]."""

import http.client
import io
import logging
import os
import subprocess
import time

import pytest

from lms.logging import REDACTED, RedactSecretsFilter, redact
from tests.hubs import free_port
from tests.servers import gunicorn_start

SECRET = "s3cr3t-Tok_en"

LINKS = [
    f"/invitations/{SECRET}/",
    f"/en/invitations/{SECRET}/",
    f"/accounts/confirm-email/{SECRET}/",
    f"/en/accounts/password/reset/key/1z-{SECRET}/",
    f"/certificates/{SECRET}/pdf/",
    f"/identity/o/authorize?client_id=hub&state={SECRET}&scope=openid",
    f"/hub/oauth_callback?code={SECRET}&state={SECRET}",
    f"/accounts/login/?next=/invitations/{SECRET}/",  # signing in to accept
    f"/en/accounts/login/?next=%2Fen%2Finvitations%2F{SECRET}%2F",
]


@pytest.mark.parametrize("link", LINKS)
def test_a_link_is_logged_without_its_secret(link):
    for line in (
        f'"GET {link} HTTP/1.1" 200',
        f"Not Found: {link}",
        f"https://lms.example.org{link}",
    ):
        assert SECRET not in redact(line) and REDACTED in redact(line), line


def test_other_paths_stay_as_they_are():
    line = '"GET /admin/invitations/edit/4/?page=2 HTTP/1.1" 200 /en/learning/'

    assert redact(line) == line


@pytest.fixture
def console():
    """The LOGGING console handler, writing into a string for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_django_request_records_are_redacted(client, db, console):
    client.get(f"/en/certificates/{SECRET}/")  # unknown code: "Not Found: <path>"

    written = console.getvalue()
    assert "Not Found: /en/certificates/[redacted]/" in written
    assert SECRET not in written


def test_the_dev_server_lines_are_redacted(console):
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {LINKS[0]}", 302, 0)

    assert SECRET not in console.getvalue()
    assert "/invitations/[redacted]/" in console.getvalue()


@pytest.mark.parametrize("name", ["django.request", "django.server", "courses"])
def test_every_handler_a_record_reaches_redacts(name):
    logger = logging.getLogger(name)
    handlers = []
    while logger is not None:
        # pytest's capturing handlers aside: they write to no log.
        handlers += [h for h in logger.handlers if "_pytest" not in type(h).__module__]
        logger = logger.parent if logger.propagate else None

    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters)


@pytest.mark.timeout(60)
def test_gunicorns_access_log_holds_no_token(tmp_path):
    """A real gunicorn, started with scripts/run.py's logger class."""
    port, access_log = free_port(), tmp_path / "access.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "HUB_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="lms.settings.test", DATA_DIR=str(tmp_path))
    server = gunicorn_start(
        port,
        "--workers=1",
        f"--access-logfile={access_log}",
        "--logger-class=lms.logging.GunicornLogger",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for link in LINKS:
            request(port, link, referer=f"http://127.0.0.1:{port}{LINKS[0]}")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]

    lines = access_log.read_text().splitlines()
    assert len(lines) == len(LINKS)
    assert "/invitations/[redacted]/" in lines[0]
    assert SECRET not in access_log.read_text()
    assert SECRET not in output  # the error log, Django's records included


def request(port: int, path: str, *, referer: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Referer": referer})
            connection.getresponse().read()
            connection.close()
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
