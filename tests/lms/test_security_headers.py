"""Security headers on every answer (lms/middleware.py, SECURE_CSP in settings):
a strict Content-Security-Policy on the people-facing pages, whose HTML then
holds no inline script, event handler or style attribute a browser would
refuse; the admin's looser policy; Permissions-Policy and Referrer-Policy."""

import re
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.csp import csp_override

from courses.catalogue.models import ProgressPage
from lms.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values for name, *values in (part.split() for part in policy.split(";"))
    }


def header_nonce(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


class InlineCode(HTMLParser):
    """Inline scripts (with their nonce), event handlers and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            if attributes.get("type", "text/javascript") in {
                "text/javascript",
                "module",
            }:
                self.scripts.append(attributes.get("nonce"))
        self.handlers += [f"{tag} {name}" for name in attributes if name[:2] == "on"]
        if "style" in attributes:
            self.styles.append(f"{tag} style={attributes['style']!r}")
        if tag == "style":
            self.styles.append("<style> element")


def assert_nothing_refused(response) -> None:
    """Every inline script carries the header's nonce; nothing else is inline."""
    found = InlineCode()
    found.feed(response.content.decode())
    nonce = header_nonce(response)
    assert all(s is not None and s == nonce for s in found.scripts), found.scripts
    assert found.handlers == [] and found.styles == []


@pytest.fixture
def progress_page(catalogue):
    page = catalogue.add_child(instance=ProgressPage(title="현황", slug="progress"))
    page.save_revision().publish()
    return page


def test_the_catalogue_has_a_strict_policy_and_no_inline_code(client, course):
    for path in ("/", "/vocational/", "/vocational/ml-basics/", "/en/search/"):
        response = client.get(path)

        assert response.status_code == 200, path
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert_nothing_refused(response)


def test_a_catalogue_page_from_the_cache_keeps_its_headers(client, course):
    client.get("/vocational/ml-basics/")

    response = client.get("/vocational/ml-basics/")  # from the page cache

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert_nothing_refused(response)


def test_signed_in_pages_hold_no_inline_code(client_for, learner, course):
    client = client_for(learner)
    for name in ("courses:my_learning", "accounts:profile", "mfa_index"):
        response = client.get(reverse(name))

        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response
        assert_nothing_refused(response)


def test_sign_in_and_sign_up_hold_no_inline_code(client, db):
    for name in ("account_login", "account_signup", "account_reset_password"):
        response = client.get(reverse(name))

        assert response.status_code == 200, name
        assert_nothing_refused(response)


def test_the_progress_chart_is_drawn_without_style_attributes(client, progress_page):
    response = client.get("/progress/")

    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert_nothing_refused(response)


def test_a_template_nonce_matches_the_header():
    template = engines["django"].from_string(
        '<script nonce="{{ csp_nonce }}">go()</script>'
    )
    request = RequestFactory().get("/")

    def view(request):
        return HttpResponse(template.render(request=request))

    response = ContentSecurityPolicyMiddleware(SecurityHeadersMiddleware(view))(request)

    nonce = header_nonce(response)
    assert nonce and f'nonce="{nonce}"' in response.content.decode()


def test_a_page_without_inline_script_sends_no_nonce(client, course):
    response = client.get("/")

    assert header_nonce(response) is None


def test_the_admin_gets_its_own_policy_without_a_nonce(client_for, admin_user):
    response = client_for(admin_user).get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    policy = directives(response)
    # Wagtail's admin writes inline scripts and styles without a nonce.
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert header_nonce(response) is None
    assert policy["frame-ancestors"] == ["'self'"]  # Wagtail's live preview


def test_a_view_override_wins_over_the_admin_policy(rf):
    @csp_override({"default-src": ["'none'"]})
    def view(request):
        return HttpResponse("")

    chain = ContentSecurityPolicyMiddleware(SecurityHeadersMiddleware(view))
    response = chain(rf.get("/admin/anything/"))

    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_permissions_and_referrer_policies_are_sent(client, course):
    response = client.get("/")

    features = dict(
        item.strip().split("=") for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert response["Referrer-Policy"] == "same-origin"


def test_forms_may_lead_to_the_lab_after_sign_in(client, settings, db):
    # Signing in for the lab ends in a redirect to the hub, which form-action
    # governs; nothing else may receive a form.
    settings.HUB_URL = "https://lab.example.org/"

    for path in (reverse("account_login"), reverse("wagtailadmin_home")):
        form_action = directives(client.get(path))["form-action"]

        assert form_action == ["'self'", "https://lab.example.org"], path
