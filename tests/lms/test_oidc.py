"""The LMS as the lab's OpenID Connect provider: the flow, its refusals, claims."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import AnonymousUser

from courses.enrollment.services import enrollment_create, enrollment_withdraw
from courses.jupyter.names import ADMIN_GROUP, HUB_CLIENT_ID
from courses.lab.selectors import lab_groups_for
from lms.accounts.services import hub_client_register

pytestmark = pytest.mark.django_db

HUB = "http://hub.test"
CALLBACK = f"{HUB}/hub/oauth_callback"
SECRET = "client-secret-for-tests"


@pytest.fixture
def hub_client(db):
    return hub_client_register(hub_url=HUB, secret=SECRET)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(client, *, challenge=None, redirect_uri=CALLBACK, **extra):
    params = {
        "response_type": "code",
        "client_id": HUB_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid profile email groups",
        "state": "xyz",
        **extra,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return client.get("/identity/o/authorize", params)


def code_from(response) -> str:
    assert response.status_code == 302, response.content[:300]
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def exchange(client, code, verifier, *, secret=SECRET, redirect_uri=CALLBACK):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": HUB_CLIENT_ID,
        "client_secret": secret,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/identity/o/api/token", data)


def sign_in_to_hub(client, user):
    client.force_login(user)
    verifier, challenge = pkce()
    code = code_from(authorize(client, challenge=challenge))
    return exchange(client, code, verifier)


def claims_of(client, access_token) -> dict:
    response = client.get(
        "/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_discovery_names_the_endpoints_the_hub_uses(client):
    config = client.get("/.well-known/openid-configuration").json()
    assert config["authorization_endpoint"].endswith("/identity/o/authorize")
    assert config["token_endpoint"].endswith("/identity/o/api/token")
    assert config["userinfo_endpoint"].endswith("/identity/o/api/userinfo")
    assert "S256" in config.get("code_challenge_methods_supported", ["S256"])


def test_learner_signs_in_without_consent_and_gets_their_claims(
    client, hub_client, learner, cohort_factory
):
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)

    response = sign_in_to_hub(client, learner)

    assert response.status_code == 200, response.content
    tokens = response.json()
    assert {"access_token", "id_token", "refresh_token"} <= set(tokens)
    claims = claims_of(client, tokens["access_token"])
    assert claims["preferred_username"] == learner.username
    assert claims["email"] == learner.email
    assert claims["name"] == learner.full_name
    assert claims["groups"] == [f"nbgrader-{cohort.lab_course_id}"]


def test_instructor_claims_the_grader_group_and_admin_the_admin_group(
    client, hub_client, instructor, admin_user, cohort_factory
):
    cohort = cohort_factory(instructors=[instructor])

    teacher = claims_of(
        client, sign_in_to_hub(client, instructor).json()["access_token"]
    )
    boss = claims_of(client, sign_in_to_hub(client, admin_user).json()["access_token"])

    assert teacher["groups"] == [f"formgrade-{cohort.lab_course_id}"]
    assert boss["groups"] == [ADMIN_GROUP]


def test_no_lab_sign_in_without_an_allauth_address(client, hub_client, learner):
    # Accounts made in the admin have no address allauth verified: the hub
    # must not get a sign-in for them (tests/lms/test_verified_email.py).
    learner.emailaddress_set.all().delete()
    client.force_login(learner)

    response = authorize(client, challenge=pkce()[1])

    assert response.status_code == 403
    assert not response.has_header("Location")


def test_no_groups_for_people_without_enrolment_or_teaching(learner, other_learner):
    assert lab_groups_for(learner) == set()
    assert lab_groups_for(AnonymousUser()) == set()


def test_withdrawn_or_waitlisted_learners_have_no_learner_group(
    learner, other_learner, cohort_factory
):
    cohort = cohort_factory(seats=1)
    enrolled = enrollment_create(user=learner, cohort=cohort).enrollment
    enrollment_create(user=other_learner, cohort=cohort)  # waitlisted
    enrollment_withdraw(enrollment=enrolled, actor=learner)

    # The waitlisted learner was promoted when the seat freed up.
    assert lab_groups_for(learner) == set()
    assert lab_groups_for(other_learner) == {f"nbgrader-{cohort.lab_course_id}"}


def test_wrong_client_secret_is_refused(client, hub_client, learner):
    client.force_login(learner)
    verifier, challenge = pkce()
    code = code_from(authorize(client, challenge=challenge))

    response = exchange(client, code, verifier, secret="not-the-secret")

    assert response.status_code in (400, 401)
    assert response.json()["error"] == "invalid_client"


def test_mismatched_redirect_uri_is_refused_without_redirecting(
    client, hub_client, learner
):
    client.force_login(learner)
    _, challenge = pkce()

    for uri in (
        f"{HUB}/hub/oauth_callback/evil",
        "http://evil.test/hub/oauth_callback",
    ):
        response = authorize(client, challenge=challenge, redirect_uri=uri)
        assert response.status_code != 302  # an error page, never a redirect
        assert b"Mismatching redirect URI" in response.content


def test_redirect_uri_must_match_at_the_token_endpoint_too(client, hub_client, learner):
    client.force_login(learner)
    verifier, challenge = pkce()
    code = code_from(authorize(client, challenge=challenge))

    response = exchange(client, code, verifier, redirect_uri=f"{HUB}/other")

    assert response.status_code == 400


def test_an_authorization_code_works_once(client, hub_client, learner):
    client.force_login(learner)
    verifier, challenge = pkce()
    code = code_from(authorize(client, challenge=challenge))
    assert exchange(client, code, verifier).status_code == 200

    replay = exchange(client, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("verifier", [None, "a-wrong-verifier-" + "x" * 40])
def test_missing_or_wrong_pkce_verifier_is_refused(
    client, hub_client, learner, verifier
):
    client.force_login(learner)
    _, challenge = pkce()
    code = code_from(authorize(client, challenge=challenge))

    response = exchange(client, code, verifier)

    assert response.status_code == 400
    assert "access_token" not in response.json()


def test_authorization_without_a_pkce_challenge_is_refused(client, hub_client, learner):
    client.force_login(learner)

    response = authorize(client)

    assert response.status_code == 400
    assert b"PKCE" in response.content


def test_plain_pkce_method_is_refused(client, hub_client, learner):
    client.force_login(learner)
    response = authorize(client, code_challenge="x" * 43, code_challenge_method="plain")
    assert response.status_code == 400


def test_anonymous_person_is_sent_to_sign_in_first(client, hub_client):
    _, challenge = pkce()
    response = authorize(client, challenge=challenge)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_disabled_account_loses_its_tokens_and_cannot_sign_in(
    client, hub_client, learner
):
    tokens = sign_in_to_hub(client, learner).json()

    learner.is_active = False
    learner.save()

    userinfo = client.get(
        "/identity/o/api/userinfo",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
    )
    assert userinfo.status_code in (401, 403)
    refresh = client.post(
        "/identity/o/api/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": HUB_CLIENT_ID,
            "client_secret": SECRET,
        },
    )
    assert refresh.status_code == 400
    client.logout()
    _, challenge = pkce()
    assert authorize(client, challenge=challenge).status_code == 302  # to sign-in
