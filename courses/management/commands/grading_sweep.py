"""Hand out again grading jobs whose worker died; fail those that keep dying;
sync the cohorts' formgraders (scores given by hand there reach the LMS).

``manage.py grading_sweep`` once (cron), or ``--every 30`` as a service beside
the task workers (the README's run command starts it so).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from courses.grading.services.autograde import grading_sweep
from courses.grading.services.formgrader_sync import formgrader_sync_all


class Command(BaseCommand):
    help = (
        "Requeue grading jobs whose lease ran out; fail those out of tries; "
        "sync the formgraders."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every N seconds."
        )

    def handle(self, *args, every: float, **options) -> None:
        while True:
            close_old_connections()
            try:
                found = grading_sweep()
            except Exception as error:  # noqa: BLE001 - the database may be restarting
                self.stderr.write(f"grading sweep failed: {error}")
                found = {}
            if any(found.values()):
                self.stdout.write(
                    "grading sweep: {queued} queued again, {failed} failed".format(
                        **found
                    )
                )
            try:
                synced = formgrader_sync_all()
            except Exception as error:  # noqa: BLE001 - as above
                self.stderr.write(f"formgrader sync failed: {error}")
                synced = {}
            if synced.get("pulled") or synced.get("pushed") or synced.get("failed"):
                self.stdout.write(
                    "formgraders: {pulled} scores by hand taken, {pushed} attempts "
                    "put in, {failed} failed".format(**synced)
                )
            if not every:
                return
            time.sleep(every)
