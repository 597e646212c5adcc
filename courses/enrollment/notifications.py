"""Mail to learners about their enrolments, sent by the task worker."""

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.enrollment.models import Enrollment
from lms.mail import send_readable_mail

# What happened → (template suffix). Statuses double as kinds for new enrolments;
# "message" is staff writing to people on a roster (the body is their message).
KINDS = {"enrolled", "waitlisted", "applied", "approved", "rejected", "promoted"}
KINDS |= {"message"}  # kept apart: the line above is the templates' list


def notify_later(enrollment: Enrollment, kind: str, message: str = "") -> None:
    """Queue a notice about ``enrollment`` once the current transaction commits."""
    if kind not in KINDS:
        return

    transaction.on_commit(
        lambda: send_enrollment_notice.enqueue(enrollment.pk, kind, message)
    )


def notification_send(*, enrollment_id: int, kind: str, message: str = "") -> bool:
    """Mail the person of an enrolment about ``kind``, in their language."""
    enrollment = (
        Enrollment.objects.select_related("user", "cohort", "cohort__course")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        return False
    user = enrollment.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "course": enrollment.cohort.course.localized,
            "kind": kind,
            "message": message,
            "my_learning_url": settings.WAGTAILADMIN_BASE_URL
            + reverse("courses:my_learning"),
        }
        subject = render_to_string("courses/email/notice_subject.txt", context)
        if kind == "message":
            subject = _("A message about %(course)s") % {
                "course": context["course"].title
            }
        body = render_to_string("courses/email/notice_body.txt", context)
    send_readable_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        [user.email],
    )
    return True


@task()
def send_enrollment_notice(enrollment_id: int, kind: str, message: str = "") -> bool:
    return notification_send(enrollment_id=enrollment_id, kind=kind, message=message)
