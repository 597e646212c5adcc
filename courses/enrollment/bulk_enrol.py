"""Bulk enrolment from a list of people: what each row would do, then doing it.

``bulk_enrol_plan`` reads the people, enrolments and invitations of the whole list
in a handful of queries (never one per row), so a preview of 10,000 rows stays
fast. ``enrollment_bulk_create`` (bulk_enrol_services) plans again with the
cohort locked and applies the plan in one transaction: what is already done is
never done twice, so the same list applied twice, or one confirmation sent
twice, changes nothing more.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.enrollment.bulk_enrol_files import PersonRow
from courses.enrollment.models import Cohort, Enrollment

Status = Enrollment.Status
# Rows per query when looking people up: within every database's parameter limit.
CHUNK = 1000
# What an e-mail field of the database holds at most.
EMAIL_MAX_LENGTH = 254


class Outcome(models.TextChoices):
    ENROL = "enrol", gettext_lazy("Seat")
    WAITLIST = "waitlist", gettext_lazy("Waitlist")
    INVITE = "invite", gettext_lazy("Invitation")
    DUPLICATE = "duplicate", gettext_lazy("Already done")
    ERROR = "error", gettext_lazy("Problem")


# The outcomes that change something when applied.
CHANGING = (Outcome.ENROL, Outcome.WAITLIST, Outcome.INVITE)


@dataclass(frozen=True)
class RowPlan:
    """What one row of the list does: ``note`` says why, in words."""

    row: PersonRow
    outcome: str
    note: str = ""
    user_id: int | None = None
    person: str = ""  # the matched account's name
    enrollment_id: int | None = None  # a withdrawn enrolment to reopen

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class _Known:
    """What the database already holds about the list, read in bulk."""

    accounts: dict[str, list[tuple[int, str, bool]]]
    enrollments: dict[int, tuple[int, str]]
    invited: set[str]
    free: int


def bulk_enrol_refusal(cohort: Cohort) -> str:
    """Why ``cohort`` takes no enrolments from a list ('' when it does)."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    if cohort.is_cancelled:
        return _("This cohort was cancelled; it takes no enrolments.")
    if cohort.ends_on < today:
        return _("This cohort has ended; it takes no enrolments.")
    return ""


def bulk_enrol_plan(*, cohort: Cohort, rows: list[PersonRow]) -> list[RowPlan]:
    """What each row would do in ``cohort`` now, in the order of the list."""
    emails = {row.email.lower() for row in rows if row.email}
    known = _known(cohort, emails)
    first_row: dict[str, int] = {}
    plans = []
    for row in rows:
        email = row.email.lower()
        plan = _row_problem(row, first_row.get(email))
        first_row.setdefault(email, row.number)
        plans.append(plan or _row_plan(row, email, known))
    return plans


def bulk_enrol_counts(plans: list[RowPlan]) -> dict[str, int]:
    """How many rows have each outcome (every outcome present, zero or not)."""
    counted = Counter(plan.outcome for plan in plans)
    return {outcome: counted.get(outcome, 0) for outcome in Outcome.values}


def _known(cohort: Cohort, emails: set[str]) -> _Known:
    accounts: dict[str, list[tuple[int, str, bool]]] = {}
    ordered = sorted(emails)
    people = get_user_model().objects.annotate(email_lower=Lower("email"))
    for start in range(0, len(ordered), CHUNK):
        found = people.filter(email_lower__in=ordered[start : start + CHUNK])
        for email, pk, name, active in found.values_list(
            "email_lower", "pk", "full_name", "is_active"
        ):
            accounts.setdefault(email, []).append((pk, name, active))
    # A cohort's roster and invitations are bounded by its size, not the list's.
    enrollments = {
        user_id: (pk, status)
        for user_id, pk, status in cohort.enrollments.values_list(
            "user_id", "pk", "status"
        )
    }
    invited = {
        email.lower() for email in cohort.invitations.values_list("email", flat=True)
    }
    taken = sum(
        1 for _pk, status in enrollments.values() if status in Enrollment.SEAT_HOLDING
    )
    return _Known(accounts, enrollments, invited, cohort.seats - taken)


def _row_problem(row: PersonRow, seen_at: int | None) -> RowPlan | None:
    if not row.email:
        return RowPlan(row, Outcome.ERROR, _("No e-mail address in this row."))
    try:
        validate_email(row.email)
        if len(row.email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        return RowPlan(row, Outcome.ERROR, _("Not a valid e-mail address."))
    if seen_at is not None:
        note = _("Same e-mail address as row %(row)d.") % {"row": seen_at}
        return RowPlan(row, Outcome.DUPLICATE, note)
    return None


def _row_plan(row: PersonRow, email: str, known: _Known) -> RowPlan:
    accounts = known.accounts.get(email, [])
    if len(accounts) > 1:
        note = _("Several accounts use this e-mail address: enrol the person by hand.")
        return RowPlan(row, Outcome.ERROR, note)
    if not accounts:
        return _invitation_plan(row, email, known)
    user_id, name, active = accounts[0]
    if not active:
        return RowPlan(
            row, Outcome.ERROR, _("This account is deactivated."), person=name
        )
    return _seat_plan(row, user_id, name, known)


def _invitation_plan(row: PersonRow, email: str, known: _Known) -> RowPlan:
    if email in known.invited:
        note = _("Already invited; the invitation stays as it is.")
        return RowPlan(row, Outcome.DUPLICATE, note)
    known.invited.add(email)
    note = _("No account yet: an invitation is sent to this address.")
    return RowPlan(row, Outcome.INVITE, note)


def _seat_plan(row: PersonRow, user_id: int, name: str, known: _Known) -> RowPlan:
    enrollment_id, status = known.enrollments.get(user_id, (None, ""))
    if status in Enrollment.ACTIVE:
        note = _("Already in this cohort: %(status)s.") % {
            "status": Status(status).label
        }
        return RowPlan(row, Outcome.DUPLICATE, note, user_id, name)
    if status == Status.REJECTED:
        note = _("Was not admitted to this cohort; decide on the roster instead.")
        return RowPlan(row, Outcome.ERROR, note, user_id, name)
    known.enrollments[user_id] = (enrollment_id, Status.ENROLLED)
    if known.free > 0:
        known.free -= 1
        return RowPlan(row, Outcome.ENROL, "", user_id, name, enrollment_id)
    note = _("No seat left: goes on the waitlist.")
    return RowPlan(row, Outcome.WAITLIST, note, user_id, name, enrollment_id)
