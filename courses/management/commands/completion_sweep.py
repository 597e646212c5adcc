"""Evaluate completions where time alone changed something: a due date passed
(a missing attempt then counts 0), or a cohort started or ended (standings may
be decided: completions are issued right after a cohort ends).

``manage.py completion_sweep`` once (cron: it looks back ``--hours``), or
``--every 600`` as a service (the README's run command starts it so).
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from courses.completion.services.sweep import completion_sweep


class Command(BaseCommand):
    help = (
        "Evaluate the completion rule of cohorts whose due dates, start or end "
        "just passed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=float, default=25, help="Look back this far (first run)."
        )
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every N seconds."
        )

    def handle(self, *args, hours: float, every: float, **options) -> None:
        since = timezone.now() - dt.timedelta(hours=hours)
        while True:
            started = timezone.now()
            try:
                count = completion_sweep(since=since)
            except Exception as error:  # noqa: BLE001 - the database may be restarting
                self.stderr.write(f"completion sweep failed: {error}")
            else:
                since = started
                if count:
                    self.stdout.write(f"completion sweep: {count} cohorts evaluated")
            if not every:
                return
            time.sleep(every)
            close_old_connections()  # a long-lived process: drop stale ones
