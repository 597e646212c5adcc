from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.accounts.services import hub_client_register_from_settings


class Command(BaseCommand):
    help = "Register JupyterHub as the LMS's OpenID Connect client (idempotent)."

    def handle(self, *args, **options):
        if not settings.HUB_URL:
            raise CommandError("Set HUB_URL (where browsers reach JupyterHub) first.")
        client = hub_client_register_from_settings()
        self.stdout.write(
            f"OIDC client {client.pk!r}: redirect {client.get_redirect_uris()[0]}"
        )
