"""Invitations to a cohort: made, sent by mail (a task), accepted."""

import secrets

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.core.errors import ServiceError
from courses.enrollment.models import Cohort, Invitation
from courses.enrollment.services import EnrollmentOutcome, enrollment_join_by_invitation
from lms.mail import send_readable_mail

ERROR_WRONG_EMAIL = "wrong_email"
ERROR_ALREADY_ACCEPTED = "already_accepted"


@transaction.atomic
def invitation_create(
    *, cohort: Cohort, email: str, invited_by, message: str = ""
) -> Invitation:
    """Invite ``email`` to ``cohort`` and mail the link; re-inviting resends it."""
    email = email.strip().lower()
    invitation, created = Invitation.objects.get_or_create(
        cohort=cohort,
        email=email,
        defaults={
            "token": secrets.token_urlsafe(32),
            "invited_by": invited_by,
            "message": message,
        },
    )
    if not created and message:
        invitation.message = message
        invitation.save(update_fields=["message"])
    invitation.full_clean()
    transaction.on_commit(lambda: _send(invitation.pk))
    return invitation


def _send(invitation_id: int) -> None:

    send_invitation.enqueue(invitation_id)


def invitation_send(*, invitation_id: int) -> bool:
    """Mail an invitation's link (bilingual: the invitee has no language yet)."""
    invitation = (
        Invitation.objects.select_related("cohort", "cohort__course")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    parts = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            url = reverse("courses:invitation", args=[invitation.token])
            context = {
                "invitation": invitation,
                "course": invitation.cohort.course.localized,
                "url": settings.WAGTAILADMIN_BASE_URL + url,
            }
            parts.append(render_to_string("courses/email/invitation.txt", context))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation: %(course)s") % {
            "course": invitation.cohort.course.title
        }
    send_readable_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        "\n\n---\n\n".join(parts),
        [invitation.email],
    )
    return True


def invitation_accept(*, invitation: Invitation, user) -> EnrollmentOutcome:
    """Join the invitation's cohort; only the invited email address may."""
    if user.email.lower() != invitation.email:
        raise ServiceError(
            _(
                "This invitation was sent to another email address. Sign in as "
                "%(email)s to accept it."
            )
            % {"email": invitation.email},
            code=ERROR_WRONG_EMAIL,
        )
    outcome = enrollment_join_by_invitation(user=user, cohort=invitation.cohort)
    if invitation.accepted_at is None:
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    return outcome


@task()
def send_invitation(invitation_id: int) -> bool:
    return invitation_send(invitation_id=invitation_id)
