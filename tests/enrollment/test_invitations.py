import pytest

from courses.core.errors import ServiceError
from courses.enrollment import invitations as invitation_service
from courses.enrollment.invitations import invitation_accept, invitation_create
from courses.enrollment.models import Cohort, Enrollment

pytestmark = pytest.mark.django_db


def test_invitation_mails_a_link_that_the_invitee_accepts(
    cohort_factory,
    staff_member,
    learner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            cohort=cohort, email=learner.email.upper(), invited_by=staff_member
        )

    mail = mailoutbox[-1]
    assert mail.to == [learner.email]
    assert f"/invitations/{invitation.token}/" in mail.body
    # As the console backend prints it: 8-bit UTF-8, each link on one line.
    sent = mail.message().as_bytes().decode()
    assert "Content-Transfer-Encoding: 8bit" in sent
    assert f"/en/invitations/{invitation.token}/\n" in sent.replace("\r\n", "\n")
    assert f"/en/invitations/{invitation.token}/" in mail.body
    outcome = invitation_accept(invitation=invitation, user=learner)
    assert outcome.enrollment.status == Enrollment.Status.ENROLLED
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_reinviting_the_same_address_resends_without_a_duplicate(
    cohort_factory, staff_member, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_create(
            cohort=cohort, email="a@example.org", invited_by=staff_member
        )
        second = invitation_create(
            cohort=cohort, email="a@example.org", invited_by=staff_member
        )

    assert first.pk == second.pk and first.token == second.token
    assert len(mailoutbox) == 2


def test_only_the_invited_address_can_accept(
    cohort_factory, staff_member, learner, other_learner
):
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)
    invitation = invitation_create(
        cohort=cohort, email=learner.email, invited_by=staff_member
    )

    with pytest.raises(ServiceError) as refused:
        invitation_accept(invitation=invitation, user=other_learner)

    assert refused.value.code == invitation_service.ERROR_WRONG_EMAIL
    assert not cohort.enrollments.exists()
