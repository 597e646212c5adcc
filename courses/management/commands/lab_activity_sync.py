"""Copy the hub's last-activity times into the LMS's lab activity (cron)."""

from django.core.management.base import BaseCommand

from courses.lab.activity import lab_activity_sync


class Command(BaseCommand):
    help = "Record each person's last lab activity as the hub reports it."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"lab activity: {lab_activity_sync()} people updated")
