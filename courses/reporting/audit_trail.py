"""Reads of the audit trail (``courses.core.audit``): whose entries a person may see,
and the entries of a filter.

Administrators see every entry. Programme staff see the entries about their
institutions (their cohorts and what belongs to them, the institution's staff
list, the roles of its staff and instructors); instructors those about the
cohorts they teach. Nobody else any.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from courses.core.audit import TRACKED
from courses.core.permissions import institutions_of
from courses.enrollment.permissions import cohorts_manageable_by


def _people_of(institutions: list[int]) -> QuerySet:
    """Staff of ``institutions`` and instructors of their cohorts: whose roles
    those institutions' staff may follow."""
    return (
        get_user_model()
        .objects.filter(
            Q(staffed_institutions__in=institutions)
            | Q(taught_cohorts__institution__in=institutions)
        )
        .values("pk")
    )


def audit_entries_visible_to(user) -> QuerySet[LogEntry]:
    """The entries of the audit trail ``user`` may read."""
    entries = LogEntry.objects.select_related("actor", "content_type")
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if user.is_superuser:
        return entries
    cohorts = list(cohorts_manageable_by(user).values_list("pk", flat=True))
    institutions = list(institutions_of(user).values_list("pk", flat=True))
    if not cohorts and not institutions:
        return entries.none()
    people = ContentType.objects.get_for_model(get_user_model())
    return entries.filter(
        Q(additional_data__cohort__in=cohorts)
        | Q(additional_data__institution__in=institutions)
        | Q(content_type=people, object_id__in=_people_of(institutions))
    )


def audit_may_read(user) -> bool:
    """Whether ``user`` has an audit trail to read at all (the menu, the page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or cohorts_manageable_by(user).exists()
        or institutions_of(user).exists()
    )


def audit_models() -> list[ContentType]:
    """The content types the audit trail records, in the order of ``TRACKED``."""
    return [
        ContentType.objects.get_for_model(apps.get_model(label)) for label in TRACKED
    ]


def _day_start(day: dt.date) -> dt.datetime:
    # Days of the site's time zone (Seoul), whatever zone the admin shows.
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit_entries(
    *,
    user,
    model: ContentType | None = None,
    obj: str = "",
    person: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[LogEntry]:
    """``user``'s entries of one model, object (its id or part of its name), person
    (part of their name or email) and days (inclusive, in the site's time zone),
    newest first."""
    entries = audit_entries_visible_to(user)
    if model is not None:
        entries = entries.filter(content_type=model)
    if obj:
        named = Q(object_repr__icontains=obj)
        if obj.isdigit() and model is not None:
            # One kind of record and a number: that record (an object's page
            # links here so), not every name that happens to hold the digits.
            entries = entries.filter(object_pk=obj)
        else:
            entries = entries.filter(
                named | Q(object_pk=obj) if obj.isdigit() else named
            )
    if person:
        entries = entries.filter(
            Q(actor_email__icontains=person)
            | Q(actor__full_name__icontains=person)
            | Q(actor__username__icontains=person)
        )
    if since:
        entries = entries.filter(timestamp__gte=_day_start(since))
    if until:
        entries = entries.filter(timestamp__lt=_day_start(until + dt.timedelta(1)))
    return entries.order_by("-timestamp", "-pk")
