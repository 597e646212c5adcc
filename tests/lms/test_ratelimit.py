"""Rate limits (lms/ratelimit.py) on the exchange and reporting APIs, certificate
verification and invitations: the request past the limit gets 429 with
Retry-After and a message; other people, tokens and addresses go on; the
address behind a proxy counts only when the proxy is trusted."""

import pytest
from django.urls import reverse

from courses.enrollment.invitations import invitation_create
from courses.reporting.tokens import api_token_create
from lms import ratelimit

pytestmark = pytest.mark.django_db

# A day's window: a test never straddles two windows (but at midnight UTC).
LIMITS = {
    "exchange": "3/d/user,5/d/ip",
    "reporting": "3/d/user,5/d/ip",
    "certificate": "3/d/user,5/d/ip",
    "invitation": "3/d/user,5/d/ip",
}
EXCHANGE = "/api/exchange/assignments"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = LIMITS


def lab(client, token: str, ip: str = "10.0.0.1", **headers):
    return client.get(
        EXCHANGE, HTTP_AUTHORIZATION=f"token {token}", REMOTE_ADDR=ip, **headers
    )


def test_the_exchange_refuses_a_token_past_its_limit_in_json(client):
    answers = [lab(client, "lab-token-a").status_code for _ in range(3)]
    refused = lab(client, "lab-token-a")

    assert 429 not in answers  # 401: these tokens are not the hub's
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 86400
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert body["retry_after"] == int(refused["Retry-After"])
    # Before the token is checked, the person's language is unknown: both.
    assert "너무 많습니다" in body["detail"] and "Too many requests" in body["detail"]


def test_another_token_is_not_held_back_by_the_first(client):
    for _ in range(4):
        lab(client, "lab-token-a")

    assert lab(client, "lab-token-b").status_code == 401


def test_one_address_is_limited_across_tokens(client):
    answers = [lab(client, f"guess-{n}").status_code for n in range(6)]

    assert answers[:5] == [401] * 5 and answers[5] == 429
    assert lab(client, "guess-x", ip="10.0.0.2").status_code == 401


def test_retry_after_counts_down_to_the_end_of_the_window(
    client, monkeypatch, settings
):
    settings.RATE_LIMITS = {**LIMITS, "exchange": "1/m/user"}
    monkeypatch.setattr(ratelimit.time, "time", lambda: 60_000 * 60 + 15.2)
    lab(client, "lab-token-a")

    assert lab(client, "lab-token-a")["Retry-After"] == "45"

    monkeypatch.setattr(ratelimit.time, "time", lambda: 60_000 * 60 + 61)
    assert lab(client, "lab-token-a").status_code == 401  # a new window


def test_the_reporting_api_limits_each_key(client, db):
    key = api_token_create(name="city statistics office")[1]
    other = api_token_create(name="mayor's dashboard")[1]
    url = reverse("api:figures")

    answers = [
        client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        for _ in range(4)
    ]

    assert answers == [200, 200, 200, 429]
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_certificate_checks_are_limited_by_address(client, english_ui):
    url = reverse("courses:certificate", args=["NOPE-NOPE"])

    answers = [client.get(url, REMOTE_ADDR="10.0.0.1").status_code for _ in range(6)]
    refused = client.get(url, REMOTE_ADDR="10.0.0.1")

    assert answers == [404] * 5 + [429]
    assert "Too many requests" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 404


def test_a_signed_in_person_is_limited_on_certificate_checks(client_for, learner):
    client = client_for(learner)
    url = reverse("courses:certificate", args=["NOPE-NOPE"])

    answers = [client.get(url, REMOTE_ADDR=f"10.0.1.{n}").status_code for n in range(4)]

    assert answers == [404, 404, 404, 429]


def test_invitation_pages_are_limited_per_person(
    client_for, learner, other_learner, cohort_factory, instructor
):
    invitation = invitation_create(
        cohort=cohort_factory(), email=learner.email, invited_by=instructor
    )
    url = reverse("courses:invitation", args=[invitation.token])
    client = client_for(learner)

    answers = [client.get(url).status_code for _ in range(3)]
    refused = client.post(url)

    assert answers == [200, 200, 200] and refused.status_code == 429
    assert not invitation.cohort.enrollments.filter(user=learner).exists()
    assert "너무 많습니다" in refused.content.decode()
    assert client_for(other_learner).get(url).status_code == 200


def test_invitation_token_guesses_are_limited_per_address(client_for, user_factory):
    people = [user_factory() for _ in range(6)]
    url = reverse("courses:invitation", args=["guessed-token"])

    answers = [
        client_for(p).get(url, REMOTE_ADDR="10.0.0.9").status_code for p in people
    ]

    assert answers == [404] * 5 + [429]


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(client, settings):
    def from_(address):
        return lab(client, address, ip="10.0.0.100", HTTP_X_FORWARDED_FOR=address)

    # Untrusted: X-Forwarded-For is ignored, everyone is the proxy's address.
    answers = [from_(f"203.0.113.{n}").status_code for n in range(6)]
    assert answers[-1] == 429

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    answers = [from_(f"198.51.100.{n}").status_code for n in range(6)]
    assert 429 not in answers


def test_a_trusted_client_ip_header_names_the_address(client, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    answers = [
        lab(client, f"t{n}", ip="10.0.0.100", HTTP_X_REAL_IP="192.0.2.7").status_code
        for n in range(6)
    ]

    assert answers[-1] == 429
    assert (
        lab(client, "t", ip="10.0.0.100", HTTP_X_REAL_IP="192.0.2.8").status_code == 401
    )


def test_an_empty_limit_turns_it_off(client, settings):
    settings.RATE_LIMITS = {**LIMITS, "exchange": ""}

    assert 429 not in [lab(client, "lab-token-a").status_code for _ in range(10)]


def test_a_malformed_rate_is_refused_loudly():
    with pytest.raises(ValueError, match="120/m/user"):
        ratelimit.parse_rates("120/minute/user")
