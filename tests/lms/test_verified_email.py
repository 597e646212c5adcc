"""Enrolment, applications, invitations and the lab need a verified e-mail."""

from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from courses.enrollment.invitations import invitation_create
from courses.enrollment.models import Cohort, Enrollment
from lms.accounts.services import hub_client_register
from tests.lms.test_oidc import CALLBACK, HUB, SECRET, authorize, code_from, pkce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]

REFUSAL = "Confirm your e-mail address first"
REFUSAL_KO = "먼저 이메일 주소를 확인해 주세요"


@pytest.fixture
def hub_client(db):
    return hub_client_register(hub_url=HUB, secret=SECRET)


@pytest.fixture
def unverified(learner):
    EmailAddress.objects.filter(user=learner).update(verified=False)
    return learner


def invitation_url(cohort_factory, email, invited_by) -> str:
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)
    invitation = invitation_create(cohort=cohort, email=email, invited_by=invited_by)
    return reverse("courses:invitation", args=[invitation.token])


def requests(cohort_factory, email, staff_member) -> list[tuple[str, dict]]:
    """Every learner action that needs a verified e-mail, as (URL, POST data)."""
    open_cohort = cohort_factory()
    approval = cohort_factory(mode=Cohort.Mode.APPROVAL)
    return [
        (reverse("courses:enroll", args=[open_cohort.pk]), {}),
        (
            reverse("courses:apply", args=[approval.pk]),
            {"motivation": "I analyse energy data every day."},
        ),
        (invitation_url(cohort_factory, email, staff_member), {}),
    ]


def test_an_unverified_person_can_neither_enrol_apply_nor_accept(
    client_for, unverified, staff_member, cohort_factory, mailoutbox
):
    client = client_for(unverified)

    for url, data in requests(cohort_factory, unverified.email, staff_member):
        mailoutbox.clear()
        response = client.post(url, data)

        assert response.status_code == 403, url
        page = response.content.decode()
        assert REFUSAL in page and unverified.email in page
        assert 'name="action_send"' in page  # the button that sends it again
        assert [mail.to for mail in mailoutbox] == [[unverified.email]]
    assert not Enrollment.objects.exists()


def test_the_refusal_page_is_korean_by_default(client_for, unverified, cohort_factory):
    response = client_for(unverified).post(f"/cohorts/{cohort_factory().pk}/enroll/")

    assert response.status_code == 403
    assert REFUSAL_KO in response.content.decode()


def test_send_again_mails_a_new_link(
    client_for, unverified, cohort_factory, mailoutbox
):
    client = client_for(unverified)
    client.post(reverse("courses:enroll", args=[cohort_factory().pk]))
    mailoutbox.clear()

    client.post(
        reverse("account_email"), {"email": unverified.email, "action_send": ""}
    )

    assert [mail.to for mail in mailoutbox] == [[unverified.email]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_a_verified_person_enrols_applies_and_accepts_as_before(
    client_for, learner, staff_member, cohort_factory
):
    client = client_for(learner)

    for url, data in requests(cohort_factory, learner.email, staff_member):
        assert client.post(url, data).status_code == 302, url
    assert set(Enrollment.objects.values_list("user", "status")) == {
        (learner.pk, Enrollment.Status.ENROLLED),
        (learner.pk, Enrollment.Status.APPLIED),
    }
    assert Enrollment.objects.count() == 3


def test_the_lab_gets_no_sign_in_for_an_unverified_address(
    client_for, unverified, hub_client
):
    _, challenge = pkce()

    response = authorize(client_for(unverified), challenge=challenge)

    # Korean: the authorize endpoint has no language prefix.
    assert response.status_code == 403
    assert REFUSAL_KO in response.content.decode()
    assert not response.has_header("Location")


def test_the_lab_signs_in_a_verified_person(client_for, learner, hub_client):
    _, challenge = pkce()

    response = authorize(client_for(learner), challenge=challenge)

    assert code_from(response)
    assert urlparse(response["Location"]).path == urlparse(CALLBACK).path


def test_anonymous_lab_sign_in_still_goes_to_the_login(client, hub_client):
    _, challenge = pkce()

    response = authorize(client, challenge=challenge)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
