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


@task()
def sync_lab(user_id: int, attempt: int = 0) -> str:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.services.lab import lab_sync_or_retry

    return lab_sync_or_retry(user_id=user_id, attempt=attempt)


@task()
def delete_lab_groups(lab_course_id: str) -> None:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.services.lab import lab_groups_delete

    lab_groups_delete(lab_course_id=lab_course_id)


@task()
def check_assignment(assignment_id: int) -> str:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.services.assignments import assignment_check

    assignment = assignment_check(assignment_id=assignment_id)
    return assignment.state if assignment else "gone"


@task()
def grade_submissions(submission_ids: list[int]) -> dict:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.services.grading import grading_run

    return grading_run(submission_ids=submission_ids)


@task()
def make_feedback(submission_ids: list[int]) -> int:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.services.feedback import feedback_make_many

    return feedback_make_many(submission_ids=submission_ids)


@task()
def sync_formgrader(cohort_id: int) -> dict:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    from courses.models import Cohort
    from courses.services.formgrader import formgrader_sync

    cohort = Cohort.objects.filter(pk=cohort_id).first()
    return formgrader_sync(cohort=cohort) if cohort else {}


@task()
def sweep_completions(hours: float = 25) -> int:
    # deferred: tasks ↔ services cycle until the slices land (issue 17)
    import datetime as dt

    from django.utils import timezone

    from courses.services.completion import completion_sweep

    return completion_sweep(since=timezone.now() - dt.timedelta(hours=hours))
