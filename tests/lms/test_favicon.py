"""The programme's icon: at /favicon.ico and linked from every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICO_HEADER = b"\x00\x00\x01\x00"


def test_favicon_ico_answers_anyone_with_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(ICO_HEADER)
    assert "max-age=86400" in response["Cache-Control"]


def test_public_pages_link_the_icon(client):
    page = client.get(reverse("account_login")).content.decode()

    assert '<link rel="icon" href="/static/favicon.ico"' in page
    assert '<link rel="icon" href="/static/favicon.svg"' in page


def test_the_admin_links_the_programmes_icon_not_wagtails(client_for, staff_member):
    page = client_for(staff_member).get(reverse("wagtailadmin_home")).content.decode()

    assert '<link rel="icon" href="/static/favicon.ico"' in page
    assert "wagtailadmin/images/favicon.ico" not in page


def test_the_linked_icons_are_served(client):
    for name in ("favicon.ico", "favicon.svg"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
