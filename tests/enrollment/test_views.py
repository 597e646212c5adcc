import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.enrollment.invitations import invitation_create
from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.services import enrollment_create

Status = Enrollment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]


def enroll_url(cohort):
    return reverse("courses:enroll", args=[cohort.pk])


def test_anonymous_visitor_is_sent_to_sign_in_before_enrolling(client, cohort_factory):
    cohort = cohort_factory()

    response = client.post(enroll_url(cohort))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not cohort.enrollments.exists()


def test_enrolling_needs_a_post(client_for, learner, cohort_factory):
    response = client_for(learner).get(enroll_url(cohort_factory()))
    assert response.status_code == 405


def test_learner_enrols_in_one_click_and_sees_it_in_my_learning(
    client_for, learner, cohort_factory, course
):
    cohort = cohort_factory()
    client = client_for(learner)

    response = client.post(enroll_url(cohort), follow=True)

    assert response.redirect_chain[-1][0] == course.url
    assert "You are enrolled in" in response.content.decode()
    # The redirect landed on the Korean course page, which switched the active
    # language: ask for the English My learning explicitly.
    with translation.override("en"):
        my_learning = reverse("courses:my_learning")
    page = client.get(my_learning).content.decode()
    assert course.title in page and "Enrolled" in page


def test_a_double_click_enrols_once_and_says_so(client_for, learner, cohort_factory):
    cohort = cohort_factory()
    client = client_for(learner)

    client.post(enroll_url(cohort))
    response = client.post(enroll_url(cohort), follow=True)

    assert "You already have a place in this cohort" in response.content.decode()
    assert cohort.enrollments.count() == 1


def test_refusal_is_shown_as_a_message(client_for, learner, cohort_factory):
    cohort = cohort_factory(is_cancelled=True)

    response = client_for(learner).post(enroll_url(cohort), follow=True)

    assert "This cohort was cancelled" in response.content.decode()


def test_open_redirect_through_next_is_ignored(
    client_for, learner, cohort_factory, course
):
    cohort = cohort_factory()
    response = client_for(learner).post(
        enroll_url(cohort), {"next": "https://evil.example/"}
    )
    assert response["Location"] == course.url


def test_full_cohort_shows_the_waitlist_position_in_my_learning(
    client_for, user_factory, learner, cohort_factory
):
    cohort = cohort_factory(seats=1)
    enrollment_create(user=user_factory(), cohort=cohort)
    client = client_for(learner)

    client.post(enroll_url(cohort))

    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Number 1 on the waitlist" in page


def test_learner_withdraws_from_my_learning(client_for, learner, cohort_factory):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment

    response = client_for(learner).post(
        reverse("courses:withdraw", args=[enrollment.pk]), follow=True
    )

    enrollment.refresh_from_db()
    assert enrollment.status == Status.WITHDRAWN
    assert "You withdrew" in response.content.decode()


def test_nobody_can_withdraw_someone_else(
    client_for, learner, other_learner, cohort_factory
):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment

    response = client_for(other_learner).post(
        reverse("courses:withdraw", args=[enrollment.pk])
    )

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ENROLLED


def test_my_learning_shows_only_my_own_enrolments(
    client_for, learner, other_learner, cohort_factory, course
):
    enrollment_create(user=other_learner, cohort=cohort_factory(title="Theirs"))

    page = client_for(learner).get(reverse("courses:my_learning")).content.decode()

    assert "Theirs" not in page
    assert "You have not joined a cohort yet" in page


def test_application_form_sends_the_motivation(client_for, learner, cohort_factory):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL)
    url = reverse("courses:apply", args=[cohort.pk])
    client = client_for(learner)

    short = client.post(url, {"motivation": "please"})
    assert short.status_code == 200
    assert "at least 20 characters" in short.content.decode()

    response = client.post(url, {"motivation": "I analyse energy data every day."})
    assert response.status_code == 302
    assert Enrollment.objects.get(user=learner).status == Status.APPLIED


def test_invitation_page_accepts_for_the_invited_person_only(
    client_for, learner, other_learner, staff_member, cohort_factory
):
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)
    invitation = invitation_create(
        cohort=cohort, email=learner.email, invited_by=staff_member
    )
    url = reverse("courses:invitation", args=[invitation.token])

    wrong = client_for(other_learner).post(url, follow=True)
    assert "sent to another email address" in wrong.content.decode()
    assert not cohort.enrollments.exists()

    client_for(learner).post(url)
    assert cohort.enrollments.get().user == learner


def test_unknown_invitation_token_is_not_found(client_for, learner):
    response = client_for(learner).get(reverse("courses:invitation", args=["nope"]))
    assert response.status_code == 404


def test_course_page_shows_cohorts_with_seats_left(
    client, cohort_factory, english_course, user_factory
):
    cohort = cohort_factory(seats=3, title="Evening class")
    enrollment_create(user=user_factory(), cohort=cohort)

    page = client.get(english_course.url).content.decode()

    assert "Evening class" in page
    assert "2 of 3 seats left" in page
    assert "Sign in to join" in page


def test_english_course_page_shows_the_same_cohorts(
    client, cohort_factory, english_course
):
    cohort_factory(title="Evening class")

    response = client.get(english_course.url)

    assert english_course.url.startswith("/en/")
    assert "Evening class" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()


def test_home_page_lists_tracks_with_open_seats_and_completions(
    client, catalogue, track, institution, cohort_factory, user_factory, talent
):
    cohort = cohort_factory(seats=5)
    enrollment_create(user=user_factory(), cohort=cohort)
    done = cohort_factory(seats=10)
    for _ in range(4):
        talent(user_factory(), track, institution, timezone.now())
    # A completed course is no completed track: the card counts trained talents.
    Enrollment.objects.create(user=user_factory(), cohort=done, status=Status.COMPLETED)

    with translation.override("ko"):
        response = client.get("/")

    assert '<html lang="ko">' in response.content.decode()
    tracks = response.context["tracks"]
    # Fewer than five people: not shown as a number on a public page.
    assert [(t.seats_open, t.completed_count) for t in tracks] == [(4 + 9, "<5")]

    talent(user_factory(), track, institution, timezone.now())
    with translation.override("ko"):  # a query string skips the page cache
        tracks = client.get("/", {"uncached": "1"}).context["tracks"]
    assert [t.completed_count for t in tracks] == [5]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "energy"}, ["Energy forecasting"]),
        ({"level": "advanced"}, ["Energy forecasting"]),
        ({"format": "onsite"}, ["Camp day"]),
        ({"open_only": "on"}, ["Camp day"]),
        ({"q": "energy", "open_only": "on"}, []),
    ],
)
def test_course_search_filters(
    client, track, cohort_factory, query, expected, django_capture_on_commit_callbacks
):
    from tests.factories import CoursePageFactory

    with django_capture_on_commit_callbacks(execute=True):  # the search index
        CoursePageFactory(
            parent=track,
            title="Energy forecasting",
            summary="Energy demand models.",
            level="advanced",
        )
        camp = CoursePageFactory(parent=track, title="Camp day", format="onsite")
    cohort_factory(course=camp)

    response = client.get("/search/", query)  # Korean: the pages' language

    assert [c.title for c in response.context["results"]] == expected


def test_search_filter_by_track(client, catalogue, track, course):
    from tests.factories import CoursePageFactory, TrackPageFactory

    other = TrackPageFactory(parent=catalogue)
    CoursePageFactory(parent=other, title="Elsewhere")

    response = client.get("/search/", {"track": other.pk})

    assert [c.title for c in response.context["results"]] == ["Elsewhere"]
