"""The lab (JupyterHub) follows the LMS: groups track enrolments and teaching,
a disabled person's server stops, administrators see and stop servers.

The group definition is ``selectors.lab_groups_for``, the same one the sign-in
claims use, so the hub's view never disagrees with the LMS's for long: a sync is
queued after every change that affects it, and each sign-in resets the groups.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from allauth.idp.oidc.models import Token
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from courses.jupyter import HubClient, HubError, HubUnavailable, names
from courses.lab.selectors import lab_groups_for

log = logging.getLogger(__name__)
RETRIES = 6  # 5 s, 10 s … 160 s: a hub restart is over well before


@dataclass
class LabSync:
    on_hub: bool
    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    stopped: bool = False


def hub_client() -> HubClient | None:
    """The LMS's client of the hub, or None when no lab is configured."""
    if not settings.HUB_API_URL:
        return None
    return HubClient(settings.HUB_API_URL, settings.HUB_API_TOKEN)


def lab_sync_user(*, user) -> LabSync:
    """Make the hub's lab groups of ``user`` what the LMS says they are."""
    hub = hub_client()
    model = hub.user(user.username) if hub else None
    if model is None:
        return LabSync(on_hub=False)  # the first sign-in brings the groups
    wanted = lab_groups_for(user)
    current = {g for g in model.get("groups", []) if names.is_lab_group(g)}
    for group in sorted(wanted - current):
        hub.add_member(group, user.username)
    for group in sorted(current - wanted):
        hub.remove_member(group, user.username)
    stopped = not user.is_active and bool(model.get("servers"))
    if stopped:
        hub.stop_server(user.username)
    return LabSync(True, wanted - current, current - wanted, stopped)


def lab_sync_later(*user_ids: int) -> None:
    """Queue a sync of these people once the current transaction commits."""
    if not settings.HUB_API_URL:
        return

    for user_id in set(user_ids):
        transaction.on_commit(lambda user_id=user_id: sync_lab.enqueue(user_id, 0))


def lab_sync_or_retry(*, user_id: int, attempt: int) -> str:
    """Run one queued sync; if the hub is down, queue it again a bit later."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return "no such person"
    try:
        result = lab_sync_user(user=user)
    except (HubUnavailable, HubError) as error:
        if attempt + 1 >= RETRIES or not default_task_backend.supports_defer:
            log.error("lab sync of %s gave up: %s", user.username, error)
            raise

        delay = dt.timedelta(seconds=5 * 2**attempt)
        sync_lab.using(run_after=timezone.now() + delay).enqueue(user_id, attempt + 1)
        return f"hub unavailable, retry in {delay.seconds} s"
    added, removed = sorted(result.added), sorted(result.removed)
    return f"on hub: {result.on_hub}, added {added}, removed {removed}"


def lab_groups_delete(*, lab_course_id: str) -> None:
    """Remove a deleted cohort's groups from the hub."""
    hub = hub_client()
    if hub is not None:
        for group in (
            names.learner_group(lab_course_id),
            names.grader_group(lab_course_id),
        ):
            hub.delete_group(group)


def lab_server_stop(*, user) -> None:
    """Stop ``user``'s lab server (an administrator's action)."""
    hub = hub_client()
    if hub is None:
        raise HubUnavailable("No lab is configured (HUB_URL is empty).")
    hub.stop_server(user.username)


@dataclass(frozen=True)
class LabServer:
    user: object  # the LMS person, None for a hub-only account
    hub_name: str
    running: bool
    last_activity: dt.datetime | None  # aware; the hub's ISO string parsed


def lab_servers() -> list[LabServer]:
    """Every hub user with their server state and last activity, running first."""
    hub = hub_client()
    if hub is None:
        return []
    hub_users = hub.users()
    people = get_user_model().objects.in_bulk(
        [u["name"] for u in hub_users], field_name="username"
    )
    rows = [
        LabServer(
            user=people.get(u["name"]),
            hub_name=u["name"],
            running=bool(u.get("servers")),
            last_activity=HubClient.time(u.get("last_activity")),
        )
        for u in hub_users
    ]
    return sorted(rows, key=lambda r: (not r.running, r.hub_name))


def lab_access_revoke(*, user) -> int:
    """A disabled person: drop their OIDC tokens (the hub's next refresh fails and
    signs them out) and queue the sync that empties their groups and stops their
    server. Returns how many tokens were dropped."""

    deleted, _ = Token.objects.filter(user=user).delete()
    lab_sync_later(user.pk)
    return deleted


IDENTITY_TTL = 60  # seconds a hub token's owner is remembered
UNKNOWN_TTL = 10  # … and a refused token's refusal


def lab_identity(*, token: str):
    """The LMS person a lab's hub token belongs to, or None (unknown token)."""
    if not token or not settings.HUB_API_URL:
        return None
    key = "hub-token:" + hashlib.sha256(token.encode()).hexdigest()
    name = cache.get(key)
    if name is None:
        owner = HubClient(settings.HUB_API_URL, token).whoami() or {}
        name = owner.get("name", "") if owner.get("kind") == "user" else ""
        cache.set(key, name, IDENTITY_TTL if name else UNKNOWN_TTL)
    if not name:
        return None
    return get_user_model().objects.filter(username=name, is_active=True).first()


@task()
def sync_lab(user_id: int, attempt: int = 0) -> str:

    return lab_sync_or_retry(user_id=user_id, attempt=attempt)


@task()
def delete_lab_groups(lab_course_id: str) -> None:

    lab_groups_delete(lab_course_id=lab_course_id)
