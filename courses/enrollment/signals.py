"""What enrollment and the slices built on it announce to the slices above.

A lower slice never calls a higher one: it sends one of these and the higher
slice answers in its ``receivers.py`` (the lab follows seats; completion
re-evaluates standings). See docs/architecture.md.
"""

from django.dispatch import Signal

# People whose seat in a cohort, or whose teaching, changed (kwargs: user_ids):
# their lab groups follow.
seats_changed = Signal()

# Something that counts toward a cohort's completion changed: a grade, an
# extension, an assignment's weight or due date, the cohort's rule
# (kwargs: cohort_id, user_id; user_id None: everyone in the cohort).
standing_may_change = Signal()


def seats_change(*user_ids: int) -> None:
    if user_ids:
        seats_changed.send(sender=None, user_ids=user_ids)


def standing_change(*, cohort_id: int, user_id: int | None = None) -> None:
    standing_may_change.send(sender=None, cohort_id=cohort_id, user_id=user_id)
