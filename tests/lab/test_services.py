"""The lab follows the LMS: group sync against a real JupyterHub (tests/hubs.py)."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.enrollment.cohorts import cohort_save
from courses.enrollment.services import enrollment_create, enrollment_withdraw
from courses.jupyter import names
from courses.lab import services as lab
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def hub_groups(hub, name) -> set[str]:
    return set(hub.get(f"/users/{name}").json()["groups"])


def person(name):
    return UserFactory(username=name, email=f"{name}@example.org")


def test_enrolling_and_withdrawing_move_the_learner_in_and_out_of_the_group(
    on_hub, cohort_factory, django_capture_on_commit_callbacks
):
    learner = person("learner-a")
    cohort = cohort_factory()
    group = names.learner_group(cohort.lab_course_id)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_create(user=learner, cohort=cohort).enrollment
    assert group in hub_groups(on_hub, "learner-a")

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(enrollment=enrollment, actor=learner)
    assert group not in hub_groups(on_hub, "learner-a")


def test_promotion_from_the_waitlist_puts_the_learner_in(
    on_hub, cohort_factory, django_capture_on_commit_callbacks
):
    first, second = person("learner-a"), person("learner-b")
    cohort = cohort_factory(seats=1)
    group = names.learner_group(cohort.lab_course_id)
    with django_capture_on_commit_callbacks(execute=True):
        taken = enrollment_create(user=first, cohort=cohort).enrollment
        enrollment_create(user=second, cohort=cohort)
    assert group not in hub_groups(on_hub, "learner-b")

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(enrollment=taken, actor=first)

    assert group in hub_groups(on_hub, "learner-b")
    assert group not in hub_groups(on_hub, "learner-a")


def test_instructors_join_and_leave_the_grader_group(
    on_hub, cohort_factory, django_capture_on_commit_callbacks
):
    teacher = person("teacher")
    cohort = cohort_factory()
    group = names.grader_group(cohort.lab_course_id)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_save(cohort=cohort, instructors=[teacher])
    assert group in hub_groups(on_hub, "teacher")

    with django_capture_on_commit_callbacks(execute=True):
        cohort_save(cohort=cohort, instructors=[])
    assert group not in hub_groups(on_hub, "teacher")


def test_deleting_a_cohort_deletes_its_groups_on_the_hub(
    on_hub, cohort_factory, django_capture_on_commit_callbacks
):
    teacher = person("teacher")
    cohort = cohort_factory()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_save(cohort=cohort, instructors=[teacher])
    group = names.grader_group(cohort.lab_course_id)
    assert on_hub.get(f"/groups/{group}").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        cohort.delete()

    assert on_hub.get(f"/groups/{group}").status_code == 404
    assert group not in hub_groups(on_hub, "teacher")


def test_renaming_the_course_page_keeps_the_group_name(
    on_hub, course, cohort_factory, django_capture_on_commit_callbacks
):
    learner = person("learner-a")
    cohort = cohort_factory()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(user=learner, cohort=cohort)
    before = hub_groups(on_hub, "learner-a")

    course.title = "A completely new title"
    course.save_revision().publish()
    lab.lab_sync_user(user=learner)

    assert hub_groups(on_hub, "learner-a") == before


def test_people_not_yet_on_the_hub_are_left_for_their_first_sign_in(
    on_hub, cohort_factory
):
    newcomer = person("never-signed-in")
    enrollment_create(user=newcomer, cohort=cohort_factory())

    assert lab.lab_sync_user(user=newcomer).on_hub is False


def test_disabling_an_account_empties_its_groups_and_stops_its_server(
    on_hub, cohort_factory, django_capture_on_commit_callbacks
):
    learner = person("learner-b")
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(user=learner, cohort=cohort_factory())
    client = lab.hub_client()
    client._request("POST", "/users/learner-b/server")  # the LMS token may start one
    deadline = time.monotonic() + 60
    while not client.user("learner-b")["servers"].get("", {}).get("ready"):
        assert time.monotonic() < deadline, "the lab server did not start"
        time.sleep(0.5)

    learner.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        learner.save()

    deadline = time.monotonic() + 30
    while client.user("learner-b")["servers"]:
        assert time.monotonic() < deadline, "the lab server was not stopped"
        time.sleep(0.5)
    assert {
        g for g in hub_groups(on_hub, "learner-b") if names.is_lab_group(g)
    } == set()


def test_hub_down_means_a_retry_later_not_a_lost_change(settings):
    settings.HUB_URL = "http://127.0.0.1:9"
    settings.HUB_API_URL = "http://127.0.0.1:9/hub/api"  # nothing listens there
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    from django.tasks import default_task_backend

    learner = person("learner-a")
    outcome = lab.lab_sync_or_retry(user_id=learner.pk, attempt=2)

    assert outcome == "hub unavailable, retry in 20 s"
    (queued,) = default_task_backend.results
    assert queued.args == [learner.pk, 3] and queued.task.run_after is not None
    with pytest.raises(lab.HubUnavailable):  # the last attempt gives up loudly
        lab.lab_sync_or_retry(user_id=learner.pk, attempt=lab.RETRIES - 1)


@override_settings(HUB_URL="", HUB_API_URL="")
def test_without_a_lab_nothing_is_queued(
    cohort_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        enrollment_create(user=person("learner-a"), cohort=cohort_factory())
    assert all("sync_lab" not in repr(c) for c in callbacks)


def test_administrators_see_running_labs_and_stop_one(on_hub, client_for, admin_user):
    learner = person("learner-a")
    client = lab.hub_client()
    client._request("POST", "/users/learner-a/server")
    deadline = time.monotonic() + 60
    while not client.user("learner-a")["servers"].get("", {}).get("ready"):
        assert time.monotonic() < deadline, "the lab server did not start"
        time.sleep(0.5)
    browser = client_for(admin_user)

    page = browser.get(reverse("lab_servers")).content.decode()
    assert learner.email in page and "learner-a" in page

    response = browser.post(reverse("lab_server_stop", args=["learner-a"]))
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while client.user("learner-a")["servers"]:
        assert time.monotonic() < deadline, "the lab server was not stopped"
        time.sleep(0.5)


def test_only_administrators_see_or_stop_labs(client_for, staff_member, learner):
    staff = client_for(staff_member)
    # The admin turns PermissionDenied into a redirect to its home, with a message.
    listing = staff.get(reverse("lab_servers"))
    assert listing.status_code in (302, 403) and b"Stop server" not in listing.content
    stop = staff.post(reverse("lab_server_stop", args=[learner.username]))
    assert stop.status_code in (302, 403)
    assert stop.get("Location", "") != reverse("lab_servers")
