from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model

from lms.accounts.usernames import handle_unique


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up derives the lab handle from the email; nothing else is special."""

    def populate_username(self, request, user) -> None:
        if user.username:
            return
        manager = get_user_model().objects
        user.username = handle_unique(
            user.email, lambda name: manager.filter(username=name).exists()
        )
