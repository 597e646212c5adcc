"""What enrollment and the slices built on it announce to the slices above.

A lower slice never calls a higher one: it sends one of these and the higher
slice answers in its ``receivers.py`` (the lab follows seats; completion
re-evaluates standings). See docs/architecture.md.
"""

from dataclasses import dataclass

from django.dispatch import Signal

# People whose seat in a cohort, or whose teaching, changed (kwargs: user_ids):
# their lab groups follow.
seats_changed = Signal()

# Something that counts toward a cohort's completion changed: a grade, an
# extension, an assignment's weight or due date, the cohort's rule
# (kwargs: cohort_id, user_id; user_id None: everyone in the cohort).
standing_may_change = Signal()

# A cohort's roster is shown or exported (kwargs: cohort, enrollments): each
# slice above returns a list of RosterColumn for those enrolments, read in one
# query per slice, never one per learner.
roster_columns = Signal()


@dataclass(frozen=True)
class RosterColumn:
    """A column a slice adds to a cohort's roster: its header and, per
    enrolment id, the text shown (missing ids show a dash)."""

    header: str
    values: dict[int, str]
    order: int = 50  # left to right: lab 10, grading 20, completion 30


def seats_change(*user_ids: int) -> None:
    if user_ids:
        seats_changed.send(sender=None, user_ids=user_ids)


def standing_change(*, cohort_id: int, user_id: int | None = None) -> None:
    standing_may_change.send(sender=None, cohort_id=cohort_id, user_id=user_id)


def roster_columns_for(*, cohort, enrollments: list) -> list[RosterColumn]:
    """The columns every slice above adds for ``enrollments`` of ``cohort``."""
    columns = []
    for _receiver, answer in roster_columns.send(
        sender=None, cohort=cohort, enrollments=enrollments
    ):
        columns.extend(answer or [])
    return sorted(columns, key=lambda column: column.order)
