"""Both admins sign people in through allauth: MFA, verified e-mail, rate limits.

And staff must have a second factor before the admin opens (``ADMIN_REQUIRE_MFA``).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from django.utils import translation

from lms.settings.base import ACCOUNT_RATE_LIMITS
from tests.factories import PASSWORD

# Korean (the default language): people-facing URLs have no language prefix.
pytestmark = pytest.mark.django_db

WAGTAIL = "/admin/"
DJANGO = "/django-admin/"


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    counters = list(yield_hotp_counters_from_time())  # now, give or take a period
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture
def mfa_on(settings):
    settings.ADMIN_REQUIRE_MFA = True


@pytest.fixture
def totp_staff(staff_member):
    """Programme staff with TOTP set up; ``.totp_secret`` is their app's secret."""
    staff_member.totp_secret = generate_totp_secret()
    TOTP.activate(staff_member, staff_member.totp_secret)
    return staff_member


def sign_in(client, user, next_url=WAGTAIL, password=PASSWORD, language="ko"):
    with translation.override(language):
        url = reverse("account_login")
    return client.post(
        url,
        {"login": user.email, "password": password, "next": next_url},
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("login_url", "fields"),
    [
        ("/admin/login/", {"username": "{email}", "password": PASSWORD}),
        ("/django-admin/login/", {"username": "{email}", "password": PASSWORD}),
    ],
)
def test_admin_password_forms_sign_nobody_in(client, totp_staff, login_url, fields):
    data = {key: value.format(email=totp_staff.email) for key, value in fields.items()}

    response = client.post(f"{login_url}?next=/admin/pages/", data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert parse_qs(urlsplit(response["Location"]).query) == {"next": ["/admin/pages/"]}
    assert not signed_in(client)
    assert client.get(WAGTAIL)["Location"].startswith(reverse("account_login"))


def test_the_admin_sends_anonymous_people_to_allauths_login(client):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/pages/"


def test_the_admin_opens_only_after_the_totp_code(client, totp_staff, mfa_on):
    response = sign_in(client, totp_staff)

    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert not signed_in(client)
    assert client.get(WAGTAIL).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not signed_in(client)

    code = current_code(totp_staff.totp_secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == WAGTAIL
    assert client.get(WAGTAIL).status_code == 200


def test_a_session_made_without_the_code_is_asked_for_it(client_for, totp_staff):
    client = client_for(totp_staff)  # force_login: no second factor presented

    response = client.get(WAGTAIL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    code = current_code(totp_staff.totp_secret)
    response = client.post(response["Location"], {"code": code})
    assert response["Location"] == WAGTAIL
    assert client.get(WAGTAIL).status_code == 200


def test_an_unverified_staff_member_cannot_sign_in(client, staff_member):
    EmailAddress.objects.filter(user=staff_member).update(verified=False)

    response = sign_in(client, staff_member)

    assert "confirm-email" in response["Location"]
    assert not signed_in(client)


def test_an_unverified_staff_session_gets_no_admin(
    client_for, staff_member, mailoutbox
):
    EmailAddress.objects.filter(user=staff_member).update(verified=False)
    staff_member.language = "en"
    staff_member.save()
    client = client_for(staff_member)

    response = client.get(WAGTAIL)

    assert response.status_code == 403
    assert "Confirm your e-mail address first" in response.content.decode()
    assert mailoutbox[-1].to == [staff_member.email]


def test_failed_sign_ins_are_rate_limited(client, staff_member, settings):
    settings.ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS  # production's: 5 per key
    for _ in range(5):
        response = sign_in(client, staff_member, password="wrong", language="en")
        assert "Too many failed" not in response.content.decode()

    response = sign_in(client, staff_member, language="en")  # even the right one

    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_staff_without_mfa_are_sent_to_set_it_up(client_for, staff_member, mfa_on):
    client = client_for(staff_member)

    response = client.get(WAGTAIL)

    assert response.status_code == 403
    page = response.content.decode()
    assert "2단계 인증" in page  # Korean by default, like the rest of the site
    with translation.override("ko"):
        assert reverse("mfa_activate_totp") in page
    staff_member.language = "en"
    staff_member.save()
    english = client.get(WAGTAIL).content.decode()
    assert "Set up two-factor authentication" in english  # their own language


@pytest.mark.parametrize("path", [WAGTAIL, DJANGO])
def test_a_superuser_without_mfa_gets_neither_admin(
    client_for, admin_user, mfa_on, path
):
    assert client_for(admin_user).get(path).status_code == 403


# Committed for real: allauth announces the new authenticator on commit.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_totp_leads_back_to_the_admin(client, staff_member, mfa_on):
    sign_in(client, staff_member, next_url="/admin/account/")
    assert client.get("/admin/account/").status_code == 403
    # allauth asks for the password again before changing security settings.
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate["Location"].startswith(reverse("account_reauthenticate"))
    client.post(activate["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(
        reverse("mfa_activate_totp"), {"code": current_code(secret)}, follow=True
    )

    assert 'href="/admin/account/"' in done.content.decode()
    assert client.get("/admin/account/").status_code == 200


def test_with_the_setting_off_staff_without_mfa_get_the_admin(client_for, staff_member):
    assert client_for(staff_member).get(WAGTAIL).status_code == 200


def test_a_learner_is_told_the_admin_is_not_theirs(client_for, learner):
    learner.language = "en"
    learner.save()
    response = client_for(learner).get(WAGTAIL)

    assert response.status_code == 403
    assert "No access to the admin" in response.content.decode()


def test_admin_sign_out_goes_through_allauth(client_for, staff_member):
    client = client_for(staff_member)

    response = client.post(reverse("wagtailadmin_logout"))

    assert response.status_code == 302
    assert not signed_in(client)
