"""Lab activity: recorded when a person signs in to the hub through the LMS, and
copied from the hub's last-activity times; it makes an enrolled person active
in the funnel."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.enrollment.services import enrollment_create
from courses.lab import activity as lab_activity
from courses.lab.activity import lab_activity_record, lab_activity_sync
from courses.lab.models import LabActivity
from courses.reporting.pipeline import pipeline_figures
from tests.lms.test_oidc import claims_of, hub_client, sign_in_to_hub  # noqa: F401

pytestmark = pytest.mark.django_db


def test_signing_in_to_the_hub_records_lab_activity(
    client,
    hub_client,  # noqa: F811 - the fixture
    learner,
    cohort_factory,
):
    enrollment_create(user=learner, cohort=cohort_factory())
    assert pipeline_figures().funnel["active"] == 0
    before = timezone.now()

    tokens = sign_in_to_hub(client, learner).json()
    claims_of(client, tokens["access_token"])  # the hub's userinfo call

    activity = LabActivity.objects.get(user=learner)
    assert before <= activity.first_active_at <= activity.last_active_at
    assert pipeline_figures().funnel["active"] == 1


def test_signing_in_elsewhere_records_nothing(learner):
    from allauth.idp.oidc.models import Client

    from lms.accounts.oidc import OIDCAdapter

    other = Client(id="city-portal", name="Another client")
    OIDCAdapter().get_claims("userinfo", learner, other, ["openid"])

    assert not LabActivity.objects.exists()


def test_first_and_last_activity_only_widen(learner):
    now = timezone.now()
    lab_activity_record(user=learner, at=now)
    lab_activity_record(user=learner, at=now + dt.timedelta(hours=2))
    lab_activity_record(user=learner, at=now + dt.timedelta(hours=1))
    lab_activity_record(user=learner, at=now - dt.timedelta(days=1))

    activity = LabActivity.objects.get(user=learner)
    assert activity.first_active_at == now - dt.timedelta(days=1)
    assert activity.last_active_at == now + dt.timedelta(hours=2)


class FakeHub:
    def __init__(self, users):
        self._users = users

    def users(self):
        return self._users


def test_the_hubs_last_activity_is_copied(monkeypatch, learner, other_learner):
    earlier = timezone.now() - dt.timedelta(days=3)
    lab_activity_record(user=other_learner, at=earlier)
    hub = FakeHub(
        [
            {"name": learner.username, "last_activity": "2026-01-05T09:00:00.000000Z"},
            {
                "name": other_learner.username,
                "last_activity": timezone.now().isoformat(),
            },
            {"name": "hub-only-admin", "last_activity": "2026-01-05T09:00:00Z"},
            {"name": "never-used", "last_activity": None},
        ]
    )
    monkeypatch.setattr(lab_activity, "hub_client", lambda: hub)

    assert lab_activity_sync() == 2
    mine = LabActivity.objects.get(user=learner)
    theirs = LabActivity.objects.get(user=other_learner)
    assert mine.first_active_at == dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    assert theirs.first_active_at == earlier and theirs.last_active_at > earlier
