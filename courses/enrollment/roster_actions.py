"""Decisions staff take on people ticked on a cohort's roster: approve, reject
with a reason, move to the waitlist, remove, send a message. Each person goes
through the enrolment services one by one; a refusal names the person and the
rule, and changes nothing for them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from courses.core.errors import ServiceError
from courses.enrollment.models import Enrollment
from courses.enrollment.notifications import notify_later
from courses.enrollment.services import (
    enrollment_approve,
    enrollment_reject,
    enrollment_waitlist,
    enrollment_withdraw,
)

ERROR_REASON_REQUIRED = gettext_lazy(
    "Give a reason: it is sent to the people concerned."
)
ERROR_ALREADY_WITHDRAWN = gettext_lazy("Already withdrawn.")


def _approve(*, enrollment, actor, message):
    return enrollment_approve(enrollment=enrollment, actor=actor, message=message)


def _reject(*, enrollment, actor, message):
    return enrollment_reject(enrollment=enrollment, actor=actor, message=message)


def _waitlist(*, enrollment, actor, message):
    return enrollment_waitlist(enrollment=enrollment, actor=actor, note=message)


def _withdraw(*, enrollment, actor, message):
    outcome = enrollment_withdraw(enrollment=enrollment, actor=actor, note=message)
    if not outcome.changed:
        raise ServiceError(str(ERROR_ALREADY_WITHDRAWN), code="withdrawn")
    return outcome


def _message(*, enrollment, actor, message):
    notify_later(enrollment, "message", message)


@dataclass(frozen=True)
class RosterAction:
    label: str
    apply: Callable
    needs_message: bool = False


ACTIONS = {
    "approve": RosterAction(gettext_lazy("Approve"), _approve),
    "reject": RosterAction(gettext_lazy("Reject"), _reject, needs_message=True),
    "waitlist": RosterAction(gettext_lazy("Move to the waitlist"), _waitlist),
    "withdraw": RosterAction(gettext_lazy("Remove from cohort"), _withdraw),
    "message": RosterAction(
        gettext_lazy("Send a message"), _message, needs_message=True
    ),
}


@dataclass
class RosterOutcome:
    done: list[Enrollment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "name: why", per person


def roster_act(
    *, action: str, enrollments: list[Enrollment], actor, message: str = ""
) -> RosterOutcome:
    """Apply ``action`` to each of ``enrollments``; who it was done for, and
    who it was refused for and why."""
    chosen = ACTIONS[action]
    if chosen.needs_message and not message.strip():
        raise ServiceError(str(ERROR_REASON_REQUIRED), code="message_required")
    outcome = RosterOutcome()
    for enrollment in enrollments:
        try:
            chosen.apply(enrollment=enrollment, actor=actor, message=message)
        except ServiceError as error:
            outcome.refused.append(f"{enrollment.user}: {error.message}")
        else:
            outcome.done.append(enrollment)
    return outcome
