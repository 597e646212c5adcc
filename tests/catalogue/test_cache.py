"""The anonymous catalogue cache: fast when nothing changed, never stale after."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.catalogue import page_cache
from courses.catalogue.cache import catalogue_changed
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.services import enrollment_create, enrollment_withdraw
from tests.factories import CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit hooks (the cache version bump)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def clock(monkeypatch):
    """A frozen ``timezone.now`` that the test moves forward."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def cached_page(client, url: str, django_assert_num_queries) -> str:
    with django_assert_num_queries(0):
        return page(client, url)


def test_second_anonymous_visit_is_served_from_cache_without_queries(
    client, track, course, cohort_factory, django_assert_num_queries
):
    cohort_factory()
    for url in (track.url, course.url):
        first = page(client, url)
        assert cached_page(client, url, django_assert_num_queries) == first


def test_another_server_process_serves_the_shared_copy(
    client, course, cohort_factory, django_assert_num_queries
):
    cohort_factory()
    first = page(client, course.url)
    page_cache.memory.clear()  # as in a worker that never rendered the page

    assert cached_page(client, course.url, django_assert_num_queries) == first


def test_page_changes_right_after_an_edit_is_published(
    client, committed, track, course, django_assert_num_queries
):
    page(client, track.url)
    page(client, course.url)

    with committed():
        course.title = "Deep learning in practice"
        course.save_revision().publish()

    assert "Deep learning in practice" in page(client, track.url)
    assert "Deep learning in practice" in page(client, course.url)
    cached_page(client, course.url, django_assert_num_queries)


def test_a_draft_does_not_reach_visitors(client, committed, course):
    page(client, course.url)

    with committed():
        course.title = "Not yet"
        course.save_revision()

    assert "Not yet" not in page(client, course.url)


def test_page_changes_right_after_a_cohort_edit(
    client, committed, english_course, cohort_factory
):
    cohort = cohort_factory(title="Spring run")
    assert "Spring run" in page(client, english_course.url)

    with committed():
        cohort.title = "Evening run"
        cohort_save(cohort=cohort)

    assert "Evening run" in page(client, english_course.url)


def test_page_changes_right_after_the_admin_deletes_a_cohort(
    client, committed, english_course, cohort_factory
):
    cohort = cohort_factory(title="Cancelled run")
    assert "Cancelled run" in page(client, english_course.url)

    with committed():
        cohort.delete()

    assert "Cancelled run" not in page(client, english_course.url)


def test_page_changes_right_after_an_institution_is_renamed(
    client, committed, english_course, cohort_factory, institution
):
    cohort_factory()
    page(client, english_course.url)

    with committed():
        institution.name_en = "Gwangju AI Academy"
        institution.save()

    assert "Gwangju AI Academy" in page(client, english_course.url)


def test_seats_left_change_right_after_an_enrolment_and_a_withdrawal(
    client, committed, english_course, cohort_factory, learner
):
    cohort = cohort_factory(seats=10)
    assert "10 of 10 seats left" in page(client, english_course.url)

    with committed():
        outcome = enrollment_create(user=learner, cohort=cohort)
    assert "9 of 10 seats left" in page(client, english_course.url)

    with committed():
        enrollment_withdraw(enrollment=outcome.enrollment, actor=learner)
    assert "10 of 10 seats left" in page(client, english_course.url)


def test_page_changes_when_an_enrolment_window_closes(
    client, clock, english_course, cohort_factory
):
    cohort_factory(enrollment_closes_at=clock.now + dt.timedelta(seconds=30))
    assert "Enrolment open until" in page(client, english_course.url)

    clock.advance(seconds=29)
    assert "Enrolment open until" in page(client, english_course.url)
    clock.advance(seconds=1)
    assert "Enrolment closed" in page(client, english_course.url)


def test_page_changes_when_an_enrolment_window_opens(
    client, clock, english_course, cohort_factory
):
    cohort_factory(
        enrollment_opens_at=clock.now + dt.timedelta(seconds=30),
        enrollment_closes_at=clock.now + dt.timedelta(days=5),
    )
    assert "Enrolment opens" in page(client, english_course.url)

    clock.advance(seconds=30)
    assert "Enrolment open until" in page(client, english_course.url)


def test_signed_in_people_never_get_the_anonymous_page(
    client, client_for, learner, english_course, cohort_factory
):
    cohort_factory()
    assert "Sign in to join" in page(client, english_course.url)

    mine = page(client_for(learner), english_course.url)

    assert "Sign in to join" not in mine
    assert "Sign out" in mine


def test_visitors_never_get_a_signed_in_page(
    client, client_for, learner, english_course, cohort_factory
):
    cohort_factory()
    page(client_for(learner), english_course.url)

    anonymous = page(client, english_course.url)

    assert "Sign out" not in anonymous
    assert "Sign in to join" in anonymous


def test_track_page_queries_do_not_grow_with_its_courses(
    client, committed, track, course, cohort_factory
):
    def cold_queries() -> int:
        page_cache.memory.clear()
        with committed():
            catalogue_changed()
        with CaptureQueriesContext(connection) as queries:
            page(client, track.url)
        return len(queries)

    cohort_factory()
    cold_queries()  # the first render also loads the site and locale caches
    few = cold_queries()
    for i in range(5):
        more = CoursePageFactory(parent=track, code=f"extra-{i}", slug=f"extra-{i}")
        cohort_factory(course=more)
        cohort_factory(course=more)

    assert cold_queries() == few
