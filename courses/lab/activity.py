"""When people use the lab: first and last time, for the funnel's "active in
the lab" step. Recorded at each sign-in to the hub through the LMS (the hub
asks for the person's claims: ``lms.accounts.oidc``) and, on demand, from the
hub's own last-activity times (``manage.py lab_activity_sync``)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from courses.lab.models import LabActivity
from courses.lab.services import hub_client


def lab_activity_record(*, user, at: dt.datetime | None = None) -> None:
    """Note that ``user`` used the lab at ``at`` (now if None)."""
    at = at or timezone.now()
    if _widen(user.pk, at):
        return
    try:
        with transaction.atomic():
            LabActivity.objects.create(user=user, first_active_at=at, last_active_at=at)
    except IntegrityError:  # a sign-in at the same moment made it first
        _widen(user.pk, at)


def _widen(user_id: int, at: dt.datetime) -> int:
    return LabActivity.objects.filter(user_id=user_id).update(
        first_active_at=Least("first_active_at", Value(at)),
        last_active_at=Greatest("last_active_at", Value(at)),
    )


def lab_activity_sync() -> int:
    """Copy the hub's last activity of every person into the LMS; how many."""
    hub = hub_client()
    if hub is None:
        return 0
    seen = {
        u["name"]: dt.datetime.fromisoformat(u["last_activity"])
        for u in hub.users()
        if u.get("last_activity")
    }
    people = get_user_model().objects.filter(username__in=seen)
    known = LabActivity.objects.in_bulk(
        list(people.values_list("pk", flat=True)), field_name="user_id"
    )
    new, changed = [], []
    for user_id, name in people.values_list("pk", "username"):
        at = seen[name]
        activity = known.get(user_id)
        if activity is None:
            new.append(
                LabActivity(user_id=user_id, first_active_at=at, last_active_at=at)
            )
        elif at > activity.last_active_at:
            activity.last_active_at = at
            changed.append(activity)
    LabActivity.objects.bulk_create(new, ignore_conflicts=True)
    LabActivity.objects.bulk_update(changed, ["last_active_at"])
    return len(new) + len(changed)
