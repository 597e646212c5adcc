from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # deferred: Django's ready(): receivers need loaded models
        from lms.accounts import receivers  # noqa: F401
