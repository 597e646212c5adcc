"""A cohort's formgrader on the hub: its account, and who it is shared with
(the graders' group and each instructor)."""

from courses.enrollment.models import Cohort
from courses.jupyter import (
    names,
)
from courses.lab.services import hub_client


def formgrader_user(cohort: Cohort) -> str:
    return names.grader_user(cohort.lab_course_id)


def formgrader_shares_sync(*, cohort: Cohort, hub=None) -> None:
    """Share the formgrader with the cohort's graders' group (nbgrader's
    contract) and, one by one, with its instructors: JupyterHub 6.1.1 leaves a
    group's shares out of the tokens its members' browsers get, so only the
    shares to each person let them in. Those who stopped teaching lose theirs
    (this runs at each opening and each sync)."""
    hub = hub or hub_client()
    if hub is None:
        return
    hub_user = formgrader_user(cohort)
    if hub.user(hub_user) is None:
        return  # never opened: nothing to share yet
    hub.share(hub_user, group=names.grader_group(cohort.lab_course_id))
    wanted = set(
        cohort.instructors.filter(is_active=True).values_list("username", flat=True)
    )
    for name in sorted(wanted):
        hub.ensure_user(name)
        hub.share(hub_user, user=name)
    for name in sorted(hub.shared_users(hub_user) - wanted):
        hub.unshare(hub_user, user=name)
