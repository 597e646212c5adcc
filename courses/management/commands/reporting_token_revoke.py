"""Revoke a token of the reporting API: ``manage.py reporting_token_revoke <prefix>``
(the 8 characters shown after the name, e.g. in the admin or at creation)."""

from django.core.management.base import BaseCommand, CommandError

from courses.reporting.tokens import api_token_revoke


class Command(BaseCommand):
    help = "Revoke the reporting API token with this prefix."

    def add_arguments(self, parser) -> None:
        parser.add_argument("prefix", help="The token's prefix (8 characters).")

    def handle(self, *args, prefix: str, **options) -> None:
        if not api_token_revoke(prefix=prefix):
            raise CommandError(f"No live token with the prefix {prefix!r}.")
        self.stdout.write(f"Revoked the token {prefix}….")
