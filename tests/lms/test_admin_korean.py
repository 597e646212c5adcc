"""The Wagtail admin as a Korean staff member sees it: Korean menus, the
programme's name, nothing fetched from other sites."""

import gettext
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIDEBAR = re.compile(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.S)


def project_msgids() -> set[str]:
    """The English texts of this project's own catalogue (Wagtail's are not in it)."""
    mo = settings.BASE_DIR / "locale" / "ko" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    return {key for key in catalog if isinstance(key, str) and key}


def labels(node) -> list[str]:
    """Every menu label in the sidebar's props, however deep."""
    if isinstance(node, dict):
        own = [node["label"]] if isinstance(node.get("label"), str) else []
        return own + [text for value in node.values() for text in labels(value)]
    if isinstance(node, list):
        return [text for value in node for text in labels(value)]
    return []


@pytest.fixture
def korean_home(client_for, staff_member) -> str:
    # No language chosen in the admin: it speaks the site's default, Korean.
    return client_for(staff_member).get(reverse("wagtailadmin_home")).content.decode()


def test_the_korean_admin_menu_has_none_of_our_texts_left_in_english(korean_home):
    menu = labels(json.loads(SIDEBAR.search(korean_home).group(1)))

    assert "과제" in menu and "제출물" in menu  # our own, in Korean
    assert [label for label in menu if label in project_msgids()] == []


def test_the_admin_names_the_programme_in_korean_not_wagtail(korean_home):
    title = re.search(r"<title>(.*?)</title>", korean_home, re.S).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", korean_home, re.S).group(1)

    assert title.split(" - ")[-1] == "광주 AI 인재 양성"
    assert heading.strip() == "광주 AI 인재 양성"


def test_avatars_come_from_the_lms_never_another_site(korean_home, staff_member):
    images = re.findall(r'<img[^>]*\bsrc="([^"]*)"', korean_home)

    assert any("avatar" in src for src in images)
    assert [
        src for src in images if not src.startswith("/") or src.startswith("//")
    ] == []
    assert "gravatar" not in korean_home
