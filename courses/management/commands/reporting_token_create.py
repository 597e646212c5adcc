"""Make a token of the reporting API: ``manage.py reporting_token_create <name>``.

The key is printed once and never stored (only its hash); keep it in the
reporting system's secrets. Revoke with ``reporting_token_revoke <prefix>``.
"""

from django.core.management.base import BaseCommand

from courses.reporting.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a reporting API token and print its key once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="Who uses it, e.g. 'city statistics office'.")

    def handle(self, *args, name: str, **options) -> None:
        token, key = api_token_create(name=name)
        self.stderr.write(
            f"Token {token} made. Its key, shown only now — send it as "
            "'Authorization: Bearer <key>':"
        )
        self.stdout.write(key)
