"""The mails of sign-up and password reset, as the console backend prints them."""

import re
from email import message_from_bytes, policy

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"^(https?://\S+/accounts/confirm-email/\S+)$", re.M)


def printed(message) -> str:
    """The text body exactly as the console backend prints it: its raw bytes."""
    raw = message.message().as_bytes()
    return message_from_bytes(raw, policy=policy.default).get_payload(decode=False)


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "full_name": "Kim Minsu",
            "affiliation": "Chonnam National University",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )


def test_the_verification_link_is_printed_whole_and_opens(client, mailoutbox):
    signup(client, "kim@example.org")

    text = printed(mailoutbox[0])
    link = CONFIRM_LINK.search(text).group(1)
    response = client.post(link.removeprefix("http://testserver"))

    assert "=\n" not in text
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="kim@example.org").verified


def test_the_korean_mail_is_readable_text_and_names_the_programme(client, mailoutbox):
    signup(client, "kim@example.org")

    message = mailoutbox[0]
    raw = message.message().as_bytes().decode()

    assert "Content-Transfer-Encoding: 8bit" in raw
    assert "광주 AI 인재 양성" in raw
    assert "testserver입니다" not in raw


def test_the_english_mail_names_the_programme_not_the_host(client, mailoutbox):
    with translation.override("en"):
        signup(client, "kim@example.org")

    greeting = printed(mailoutbox[0]).splitlines()[0]

    assert greeting == "Hello from Gwangju AI Talent Pipeline!"


def test_a_mail_goes_in_the_persons_language_not_the_pages(
    client, user_factory, mailoutbox
):
    person = user_factory(email="jane@example.org", language="en")

    client.post(reverse("account_reset_password"), {"email": person.email})

    text = printed(mailoutbox[0])
    assert text.startswith("Hello from Gwangju AI Talent Pipeline!")
    assert "http://testserver/accounts/password/reset/key/" in text
