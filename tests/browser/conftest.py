"""Browser fixtures: headless Chromium through Playwright against ``live_server``.

- ``browser``: one headless Debian Chromium (``/usr/bin/chromium``) per session;
  nothing is downloaded at run time.
- ``context``: a fresh browser context (no cookies) at desktop size, Korean first.
- ``page``: a page of ``context``; Playwright waits at most 10 s for anything
  (``TIMEOUT_MS``), ``expect()`` included. A test fails when Chromium reports
  that an LMS page broke its Content-Security-Policy.
- ``sign_in``: ``sign_in(user)`` gives ``context`` a signed-in session cookie for
  ``live_server`` without going through the sign-in form.
- ``english_pages``: Korean titles and summaries on ``catalogue``, ``track`` and
  ``course``, and their published English translations, as a dict by those names.
- ``playwright_loop``: the session's Playwright and its asyncio loop, shown as
  running only during tests that use ``browser`` (see ``PlaywrightLoop``).

Helpers to assert with (axe, screenshots, layout) live in ``tests.browser.helpers``.
Tests here need ``live_server`` and the ``browser`` mark; mark them with
``@pytest.mark.django_db(transaction=True, serialized_rollback=True)`` so Wagtail's
root page, default site and locales survive the flush between tests.
"""

import asyncio
import contextlib
import os
from unittest import mock

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.browser.helpers import DESKTOP

TIMEOUT_MS = 10_000  # for every wait and every expect(); generous for a busy machine
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class PlaywrightLoop:
    """Playwright's sync API, with its asyncio loop shown only while tests need it.

    The sync API marks its event loop as running in this thread between calls.
    While it does, Django refuses ORM calls as "async unsafe" unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set, and asgiref hands Django other connection
    objects than the test database's (without its serialized contents, so
    serialized rollback would restore nothing). During browser tests the variable
    is set and both lookups give the test connections; other tests, and the
    processes they start, see neither the loop nor the variable.
    """

    def __init__(self, driver, loop):
        self.driver = driver
        self.loop = loop

    @contextlib.contextmanager
    def running(self):
        previous = asyncio._get_running_loop()
        asyncio._set_running_loop(self.loop)
        try:
            with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}):
                yield
        finally:
            asyncio._set_running_loop(previous)


@pytest.fixture(scope="session")
def playwright_loop(django_db_setup):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as driver:
        playwright_loop = PlaywrightLoop(driver, asyncio.get_running_loop())
        # The loop shows as running now: this stores the test connections where
        # Django looks them up while it does.
        for alias, connection in test_connections.items():
            connections[alias] = connection
        asyncio._set_running_loop(None)
        yield playwright_loop
        asyncio._set_running_loop(playwright_loop.loop)  # Playwright shuts it down


@pytest.fixture(autouse=True)
def _playwright_loop_running(request):
    if "browser" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("playwright_loop").running():
        yield


@pytest.fixture(scope="session")
def browser(playwright_loop):
    with playwright_loop.running():
        chromium = playwright_loop.driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    yield chromium
    with playwright_loop.running():
        chromium.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="ko-KR"
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, live_server):
    page = context.new_page()
    refused = []

    def on_console(message) -> None:
        # The hub's pages have a policy of their own: only the LMS's count here.
        lms_page = page.url.startswith(live_server.url)
        if lms_page and "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    assert not refused, "The LMS's Content-Security-Policy refused:\n" + "\n".join(
        refused
    )


@pytest.fixture
def sign_in(context, live_server):
    def sign_in(user) -> None:
        """Sign ``user`` in to ``context`` with a session cookie."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )

    return sign_in


KOREAN_AND_ENGLISH = {
    "catalogue": (
        {"title": "광주 AI 인재 양성"},
        {"title": "Gwangju AI talent pipeline"},
    ),
    "track": (
        {
            "title": "직업 전환 트랙",
            "summary": "일하면서 AI 실무를 배우는 과정입니다.",
            "audience": "AI로 경력을 바꾸고 싶은 모든 시민.",
        },
        {
            "title": "Career change track",
            "summary": "Learn applied AI while you work.",
            "audience": "Everyone in the city who wants a career in AI.",
        },
    ),
    "course": (
        {"title": "머신러닝 기초", "summary": "직접 해 보며 배우는 머신러닝."},
        {"title": "Machine learning basics", "summary": "Learn ML by doing."},
    ),
}


def _publish(page, fields: dict):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


@pytest.fixture
def english_pages(catalogue, track, course, english):
    originals = {"catalogue": catalogue, "track": track, "course": course}
    translations = {}
    for name, (korean, english_fields) in KOREAN_AND_ENGLISH.items():
        original = _publish(originals[name], korean)
        translated = original.copy_for_translation(english)
        translations[name] = _publish(translated, english_fields)
    return translations
