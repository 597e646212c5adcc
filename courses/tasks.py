"""Background tasks (Django's Tasks API); each only calls a service."""

from django.tasks import task

from courses.services.invitations import invitation_send
from courses.services.notifications import notification_send


@task()
def send_enrollment_notice(enrollment_id: int, kind: str, message: str = "") -> bool:
    return notification_send(enrollment_id=enrollment_id, kind=kind, message=message)


@task()
def send_invitation(invitation_id: int) -> bool:
    return invitation_send(invitation_id=invitation_id)
