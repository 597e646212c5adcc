"""nbgrader's formgrader for a cohort, through the hub: grading by hand in the
tool instructors know, with the LMS still the record.

Each cohort's formgrader is a server of hub user ``grader_<course id>``,
running as its own system account on a course directory in that account's
home, shared with the hub group ``formgrade-<course id>`` and with each of the
cohort's instructors (hub administrators see every server). The LMS keeps it in step
with a sync (the sweeper every 30 s while its server runs, on opening, before
feedback is made):

1. Scores given by hand in the formgrader are read back into the attempts
   that count, which may complete their grading and the learner's progress;
   graders' comments too (they go into the feedback).
2. Attempts whose automatic grading is newer than what the formgrader shows,
   or whose scores were changed in the LMS's admin, are put in again.

Each score by hand remembers the value both sides held at the last sync
(``SubmissionScore.formgrader_base``): the side that differs from it changed
since. If both did, the formgrader's wins. Learners' code never runs there:
autograding and feedback stay in the LMS's sandboxed workers.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from courses.core.errors import ServiceError
from courses.enrollment.models import Cohort
from courses.grading.models import Formgrader, Submission
from courses.grading.services.formgrader_sync import (
    formgrader_shares_sync,
    formgrader_user,
    sync_formgrader,
)
from courses.jupyter import (
    HubError,
    HubUnavailable,
    formgrader_down,
    formgrader_prepared,
)
from courses.lab.services import hub_client

log = logging.getLogger(__name__)
Status = Submission.Status
ERROR_NOT_A_GRADER = "not_a_grader"
ERROR_NO_LAB = "no_lab"
SYNC_RETRY_S = 15  # a waiting page asks again for a lost sync this often


def formgrader_url(cohort: Cohort) -> str:
    # Its "Manual Grading" page: what the LMS sends instructors there for.
    return f"{settings.HUB_URL}/user/{formgrader_user(cohort)}/formgrader/gradebook"


def formgrader_may_open(*, user, cohort: Cohort) -> bool:
    """Who the hub lets in: the cohort's instructors (its formgrade group) and
    administrators (hub administrators)."""
    if not user.is_active:
        return False
    return user.is_superuser or cohort.instructors.filter(pk=user.pk).exists()


@dataclass(frozen=True)
class FormgraderState:
    ready: bool
    url: str
    message: str
    failed: bool = False


def formgrader_open(*, cohort: Cohort, user, retry: bool = False) -> FormgraderState:
    """Check and repair the cohort's formgrader, then start it: its account,
    home and course are prepared (again, if any is gone) and a server that
    died is started again. Ready once the hub says so; called again (the
    waiting page reloads) until it is, and as often as wanted after."""
    if not formgrader_may_open(user=user, cohort=cohort):
        raise ServiceError(
            _("Only the cohort's instructors grade in its formgrader."),
            code=ERROR_NOT_A_GRADER,
        )
    hub = hub_client()
    if hub is None:
        raise ServiceError(
            _("No lab is configured (HUB_URL is empty)."), code=ERROR_NO_LAB
        )
    record, _created = Formgrader.objects.get_or_create(cohort=cohort)
    if record.synced_at is None or not formgrader_prepared(cohort.lab_course_id):
        return _formgrader_prepare(cohort, record, retry=retry)
    try:
        return _formgrader_start(cohort, hub)
    except (HubUnavailable, HubError) as error:
        raise ServiceError(
            _("The lab (JupyterHub) did not answer: %(error)s") % {"error": error},
            code="hub",
        ) from error


def _formgrader_prepare(cohort: Cohort, record: Formgrader, *, retry: bool):
    """Have a worker sync the cohort, which puts its course (back) in the
    grader account's home, made again if it was deleted: the hub needs the
    course before it starts the server."""
    if record.sync_error and not retry:
        return FormgraderState(False, "", record.sync_error, failed=True)
    if cache.add(f"formgrader-sync-{cohort.pk}", True, SYNC_RETRY_S) or retry:
        Formgrader.objects.filter(pk=record.pk).update(sync_error="")
        transaction.on_commit(lambda: sync_formgrader.enqueue(cohort.pk))
    return FormgraderState(False, "", _("Preparing the course…"))


def _formgrader_start(cohort: Cohort, hub) -> FormgraderState:
    hub_user = formgrader_user(cohort)
    if hub.server_ready(hub_user):
        if not formgrader_down(
            hub_url=settings.HUB_URL, token=hub.token, hub_user=hub_user
        ):
            return FormgraderState(True, formgrader_url(cohort), "")
        # It died: the hub counts it ready until its next poll. Stopped here,
        # started at the next reload of the waiting page.
        log.warning("formgrader server of %s is gone: starting it again", cohort)
        hub.stop_server(hub_user)
        cache.delete(f"formgrader-start-{cohort.pk}")
        return FormgraderState(False, "", _("Starting the formgrader…"))
    # Once per start, not at each reload of the waiting page; the sweeper
    # keeps the shares in step while the server runs.
    if cache.add(f"formgrader-start-{cohort.pk}", True, SYNC_RETRY_S):
        hub.ensure_user(hub_user)
        formgrader_shares_sync(cohort=cohort, hub=hub)
        try:
            hub.start_server(hub_user)
        except HubError as error:
            if error.status != 400 or "pending" not in str(error):
                raise
            cache.delete(f"formgrader-start-{cohort.pk}")  # still stopping
    return FormgraderState(False, "", _("Starting the formgrader…"))
