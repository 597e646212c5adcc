import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.accounts.models import User
from lms.accounts.usernames import handle_base, validate_handle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]


@pytest.mark.parametrize(
    ("email", "handle"),
    [
        ("Kim.Minsu@example.org", "kim-minsu"),
        ("김민수@example.org", "u"),
        ("root@example.org", "learner-root"),
        ("42@example.org", "u-42"),
        ("a" * 60 + "@example.org", "a" * 20),
    ],
)
def test_handle_is_a_valid_system_user_name(email, handle):
    base = handle_base(email)
    if handle == "u":
        assert base.startswith("learner-u") or base.startswith("u")
    else:
        assert base == handle
    validate_handle(base if len(base) >= 2 else base + "x")


@pytest.mark.parametrize("bad", ["Root", "root", "1abc", "a", "has space", "x" * 29])
def test_invalid_handles_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_handle(bad)


def signup(client, email, name="Kim Minsu"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "full_name": name,
            "affiliation": "Chonnam National University",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )


def test_signup_sends_a_verification_mail_and_derives_a_unique_handle(
    client, mailoutbox
):
    User.objects.create(username="kim", email="kim@other.example")

    response = signup(client, "kim@example.org")

    assert response.status_code == 302
    user = User.objects.get(email="kim@example.org")
    assert user.username == "kim-2"
    assert (user.full_name, user.affiliation, user.language) == (
        "Kim Minsu",
        "Chonnam National University",
        "en",
    )
    assert not EmailAddress.objects.get(user=user).verified
    assert "/accounts/confirm-email/" in mailoutbox[-1].body


def test_unverified_person_cannot_sign_in(client):
    signup(client, "kim@example.org")
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "kim@example.org", "password": "a-long-enough-passphrase-42"},
    )

    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_same_email_cannot_sign_up_twice(client, learner, mailoutbox):
    signup(client, learner.email.upper())

    assert User.objects.filter(email__iexact=learner.email).count() == 1
    # allauth does not reveal that the address exists; it tells its owner by mail.
    assert mailoutbox[-1].to == [learner.email]


def test_profile_edit_changes_name_but_never_the_handle(client_for, learner):
    client = client_for(learner)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "New Name", "affiliation": "GIST", "language": "ko"},
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.full_name, learner.username) == ("New Name", "learner-a")


def test_profile_needs_a_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_password_reset_mails_a_link(client, learner, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    assert mailoutbox[-1].to == [learner.email]
    assert "/accounts/password/reset/key/" in mailoutbox[-1].body


def test_two_factor_setup_offers_totp(client_for, learner):
    client = client_for(learner)
    page = client.get(reverse("mfa_activate_totp"))
    # allauth asks to re-authenticate before changing security settings.
    assert page.status_code in (200, 302)
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert "Authenticator App" in index.content.decode()
