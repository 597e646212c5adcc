"""A person's own time zone (lms/accounts User.time_zone, lms/middleware.py):
chosen on the profile page, active on every page they open, the admin's too."""

import datetime as dt

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from lms.accounts.models import time_zone_choices
from lms.accounts.services import user_profile_update
from lms.middleware import TimeZoneMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]

# 2027-03-01 15:30 UTC is 00:30 on 2 March in Seoul.
INSTANT = dt.datetime(2027, 3, 1, 15, 30, tzinfo=dt.UTC)


def profile_form(**changes) -> dict:
    return {"full_name": "Kim Minsu", "affiliation": "", "language": "en", **changes}


def zone_seen_by(user, cookies=True) -> str:
    request = RequestFactory().get("/")
    if cookies:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    request.user = user
    middleware = TimeZoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    return middleware(request).content.decode()


def test_the_choices_offer_the_default_first_then_every_zone():
    choices = time_zone_choices()

    assert choices[0] == ("", "Default (Asia/Seoul)")
    zones = [zone for zone, _label in choices[1:]]
    assert zones == sorted(zones) and {"Asia/Seoul", "Europe/Berlin", "UTC"} <= set(
        zones
    )


def test_a_person_chooses_a_zone_on_the_profile_page(client_for, learner):
    client = client_for(learner)

    page = client.get(reverse("accounts:profile")).content.decode()
    response = client.post(
        reverse("accounts:profile"), profile_form(time_zone="Europe/Berlin")
    )

    assert 'name="time_zone"' in page and "Default (Asia/Seoul)" in page
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.time_zone == "Europe/Berlin"
    # The Wagtail admin activates its own profile's zone: it holds the same one.
    assert UserProfile.get_for_user(learner).current_time_zone == "Europe/Berlin"


def test_a_zone_that_does_not_exist_is_refused(client_for, learner):
    response = client_for(learner).post(
        reverse("accounts:profile"), profile_form(time_zone="Mars/Olympus_Mons")
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    learner.refresh_from_db()
    assert learner.time_zone == ""


def test_a_zone_chosen_in_the_admin_holds_on_the_site(learner):
    UserProfile.get_for_user(learner)  # made on first use, with no zone
    profile = UserProfile.get_for_user(learner)
    profile.current_time_zone = "America/New_York"
    profile.save()

    learner.refresh_from_db()
    assert learner.time_zone == "America/New_York"


def test_a_new_admin_profile_keeps_the_zone_chosen_on_the_site(learner):
    learner.time_zone = "Europe/Berlin"
    learner.save()

    UserProfile.get_for_user(learner)

    learner.refresh_from_db()
    assert learner.time_zone == "Europe/Berlin"


def test_the_middleware_activates_the_persons_zone_and_resets_it(learner):
    learner.time_zone = "America/New_York"

    assert zone_seen_by(learner) == "America/New_York"
    assert timezone.get_current_timezone_name() == "Asia/Seoul"


@pytest.mark.parametrize(
    ("zone", "cookies"), [("", True), ("Gone/Zone", True), ("UTC", False)]
)
def test_seoul_is_shown_without_a_usable_choice(learner, zone, cookies):
    learner.time_zone = zone  # "Gone/Zone": dropped from the tz database since

    assert zone_seen_by(learner, cookies=cookies) == "Asia/Seoul"


def test_a_persons_pages_show_times_in_their_zone(
    client_for, learner, course, cohort_factory
):
    cohort_factory(enrollment_closes_at=INSTANT)
    client = client_for(learner)

    seoul = client.get(course.url).content.decode()
    user_profile_update(
        user=learner, full_name="Kim", affiliation="", language="ko", time_zone="UTC"
    )
    utc = client.get(course.url).content.decode()

    assert "2027년 3월 2일 오전 12:30" in seoul
    assert "2027년 3월 1일 오후 3:30" in utc
