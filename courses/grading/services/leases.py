"""Grading jobs are leased: one worker at a time, retried after a pause."""

import datetime as dt
import logging
import threading
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from courses.grading.models import (
    Submission,
)

log = logging.getLogger(__name__)
Status = Submission.Status


def _claimable(now: dt.datetime) -> Q:
    expired = Q(status=Status.GRADING, lease_until__lt=now)
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    return ((Q(status=Status.RECEIVED) & due) | expired) & Q(
        grading_tries__lt=settings.GRADING_MAX_TRIES
    )


def retry_delay(tries: int) -> dt.timedelta:
    """The pause before try ``tries + 1``: doubling from GRADING_RETRY_SECONDS."""
    return dt.timedelta(seconds=settings.GRADING_RETRY_SECONDS * 2 ** max(tries - 1, 0))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.GRADING_LEASE_SECONDS)


def submission_claim(*, submission_id: int) -> str | None:
    """Take the job if nobody holds it; the lease token, or None."""
    now, token = timezone.now(), uuid.uuid4().hex
    taken = Submission.objects.filter(_claimable(now), pk=submission_id).update(
        status=Status.GRADING,
        lease_token=token,
        lease_until=now + _lease(),
        grading_tries=F("grading_tries") + 1,
    )
    return token if taken else None


def _waiting_ids(limit: int) -> list[int]:
    return list(
        Submission.objects.filter(_claimable(timezone.now()))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )


@contextmanager
def _lease_kept(submission_id: int, token: str):
    """Renew the lease while the block runs, so only a dead worker loses it."""
    done = threading.Event()

    def renew() -> None:
        try:
            while not done.wait(settings.GRADING_LEASE_SECONDS / 3):
                Submission.objects.filter(pk=submission_id, lease_token=token).update(
                    lease_until=timezone.now() + _lease()
                )
        except Exception:  # noqa: BLE001 - a lost renewal only risks a regrade
            log.warning("Could not renew the grading lease of %s", submission_id)
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-{submission_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
