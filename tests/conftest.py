"""Shared fixtures.

- ``catalogue``: the site root CataloguePage (Korean) with an English translation
  locale available; ``track`` and ``course`` under it (published).
- ``english_course``: the English translation of ``course`` (published, /en/...).
- ``english_ui``: activates English, so ``reverse()`` gives /en/ URLs and views
  answer in English (the default interface language is Korean).
- ``cohort_factory``: ``cohort_factory(**fields)`` makes a cohort of ``course``.
- ``user_factory``: ``user_factory(**fields)`` makes a person with a verified email.
- ``learner``, ``other_learner``: two people without roles.
- ``instructor``: in the Instructors group (not yet teaching any cohort).
- ``staff_member``: in the Programme staff group, staff of ``institution``.
- ``admin_user``: a superuser.
- ``institution``: the institution ``cohort_factory`` uses by default.
- ``client_for``: ``client_for(user)`` returns a Django test client signed in as user.
- ``mailoutbox``: pytest-django's list of sent mail.
- ``hub``, ``hub_env``, ``load_hub_config``: a real JupyterHub and its config
  (see tests/hubs.py).
- ``_default_language`` (autouse): each test starts in the default language.
- ``assignment``, ``submit``, ``answer``, ``worker`` …: notebook assignments graded
  by real sandboxed kernels (see tests/grading/fixtures.py).
- ``pipeline``, ``talent``: a hand-built talent pipeline for the dashboard's
  figures (see tests/pipeline.py).
- ``_run_accounts`` (autouse, session): deletes the system accounts this run
  recorded at its end, and those runs that were killed recorded at its start
  (tests/runs.py); nothing else on the machine.
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from wagtail.models import Locale, Page, Site

from courses.catalogue import page_cache
from courses.core.roles import INSTRUCTORS, PROGRAMME_STAFF, roles_ensure
from tests.caches import cache_clear
from tests.factories import (
    CataloguePageFactory,
    CohortFactory,
    CoursePageFactory,
    InstitutionFactory,
    TrackPageFactory,
    UserFactory,
)
from tests.grading.fixtures import (  # noqa: F401 - grading with real kernels
    answer,
    assignment,
    backend,
    cohort_enrol,
    formgrader_accounts,
    grading_on,
    manual_assignment,
    sandbox,
    submit,
    worker,
)
from tests.hubs import hub, hub_env, load_hub_config, on_hub  # noqa: F401
from tests.labs import lab, lab_handle, lab_hub, lab_person  # noqa: F401
from tests.pipeline import pipeline, talent  # noqa: F401
from tests.runs import clean_dead_runs, clean_run


@pytest.fixture(scope="session", autouse=True)
def _run_accounts():
    root = os.geteuid() == 0  # only root makes (or may delete) system accounts
    if root:
        clean_dead_runs()
    yield
    if root:
        clean_run()


@pytest.fixture(autouse=True)
def _clear_cache():
    # The shared cache and the process's own copies of catalogue pages, which
    # outlive a test: each test starts and ends without any.
    cache_clear()
    page_cache.memory.clear()
    yield
    cache_clear()
    page_cache.memory.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request served in this thread (the test client) leaves its language
    # active, e.g. the exchange API's person's own: each test starts in the
    # site's default, so reverse() and texts do not depend on the one before.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def english(db):
    return Locale.objects.get_or_create(language_code="en")[0]


@pytest.fixture
def catalogue(db, english):
    root = Page.get_first_root_node()
    catalogue = CataloguePageFactory(parent=root, slug="catalogue")
    site = Site.objects.get(is_default_site=True)
    site.root_page = catalogue
    site.save()
    Page.objects.filter(depth=2).exclude(pk=catalogue.pk).delete()
    return catalogue


@pytest.fixture
def track(catalogue):
    return TrackPageFactory(parent=catalogue, code="vocational", slug="vocational")


@pytest.fixture
def course(track):
    return CoursePageFactory(parent=track, code="ml-basics", slug="ml-basics")


@pytest.fixture
def english_course(course, english):
    translated = course.copy_for_translation(english, copy_parents=True)
    translated.title = f"{course.title} (English)"
    translated.save_revision().publish()
    return translated


@pytest.fixture
def english_ui():
    with translation.override("en"):
        yield


@pytest.fixture
def institution(db):
    return InstitutionFactory(code="ai-academy")


@pytest.fixture
def cohort_factory(course, institution):
    def make(**fields):
        fields.setdefault("course", course)
        fields.setdefault("institution", institution)
        return CohortFactory(**fields)

    return make


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def learner(user_factory):
    return user_factory(username="learner-a", email="learner-a@example.org")


@pytest.fixture
def other_learner(user_factory):
    return user_factory(username="learner-b", email="learner-b@example.org")


@pytest.fixture
def roles(db):
    return roles_ensure()


@pytest.fixture
def instructor(user_factory, roles):
    user = user_factory(username="teacher", email="teacher@example.org")
    user.groups.add(Group.objects.get(name=INSTRUCTORS))
    return user


@pytest.fixture
def staff_member(user_factory, roles, institution):
    user = user_factory(username="staffer", email="staffer@example.org")
    user.groups.add(Group.objects.get(name=PROGRAMME_STAFF))
    institution.staff.add(user)
    return user


@pytest.fixture
def admin_user(user_factory):
    return user_factory(
        username="boss", email="boss@example.org", is_superuser=True, is_staff=True
    )


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def english_admin_client_for(client_for):
    """Signed-in clients whose Wagtail admin speaks English: the admin follows
    each person's own language setting, Korean by default."""
    from wagtail.users.models import UserProfile

    def make(user) -> Client:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        return client_for(user)

    return make
