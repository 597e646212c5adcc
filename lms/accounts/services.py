from django.db import transaction

from .models import User


@transaction.atomic
def user_profile_update(
    *, user: User, full_name: str, affiliation: str, language: str
) -> User:
    """Change a person's name, affiliation and language; the lab handle stays."""
    user.full_name = full_name
    user.affiliation = affiliation
    user.language = language
    user.full_clean()
    user.save(update_fields=["full_name", "affiliation", "language"])
    return user
