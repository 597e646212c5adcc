"""The lab follows seats, people and cohorts: groups, access and servers."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.enrollment.signals import RosterColumn, roster_columns, seats_changed
from courses.lab.models import LabActivity
from courses.lab.services import delete_lab_groups, lab_access_revoke, lab_sync_later


@receiver(seats_changed)
def _seats_changed(sender, user_ids, **kwargs) -> None:
    lab_sync_later(*user_ids)


@receiver(pre_delete, sender="courses.Cohort")
def _cohort_deleted(sender, instance, **kwargs) -> None:
    # Before the delete, while its instructors are still known: their grader
    # group goes, and so do the cohort's groups on the hub.
    lab_sync_later(*instance.instructors.values_list("pk", flat=True))
    if settings.HUB_API_URL:
        lab_id = instance.lab_course_id
        transaction.on_commit(lambda: delete_lab_groups.enqueue(lab_id))


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _person_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # Accounts are disabled or made administrators in the generic user admin.
    if update_fields is not None and not {"is_active", "is_superuser"} & set(
        update_fields
    ):
        return  # e.g. last_login at every sign-in
    if not instance.is_active:
        lab_access_revoke(user=instance)
    else:
        lab_sync_later(instance.pk)


@receiver(roster_columns)
def _last_lab_use(sender, cohort, enrollments, **kwargs) -> list[RosterColumn]:
    users = {e.user_id: e.pk for e in enrollments}
    last = LabActivity.objects.filter(user__in=users).values_list(
        "user_id", "last_active_at"
    )
    values = {
        users[user_id]: formats.date_format(
            timezone.localtime(moment), "DATETIME_FORMAT"
        )
        for user_id, moment in last
    }
    return [RosterColumn(_("Last lab use"), values, order=10)]
