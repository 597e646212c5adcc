"""The reporting API: the pipeline's figures as JSON for a valid bearer token
only, the same figures as the dashboard, and in the OpenAPI schema."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from courses.completion.models import TrackCompletion
from courses.reporting.models import ApiToken
from courses.reporting.tokens import api_token_create

pytestmark = pytest.mark.django_db
URL = "/api/reporting/figures"


@pytest.fixture
def key(db) -> str:
    return api_token_create(name="city statistics office")[1]


def get(client, key: str | None, **query):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(URL, query, headers=headers)


def test_a_valid_token_reads_every_figure_unsuppressed(client, pipeline, key):
    response = get(client, key)
    body = response.json()

    assert response.status_code == 200
    assert (body["trained"], body["target"]) == (3, 100)  # 3: not "<5"
    assert {t["code"]: t["trained"] for t in body["tracks"]} == {
        "vocational": 2,
        "camp": 2,
    }
    assert {y["year"]: y["trained"] for y in body["years"]}[2024] == 2
    assert {i["code"]: i["trained"] for i in body["institutions"]} == {
        "ai-academy": 2,
        "uni": 2,
    }
    assert list(body["funnel"].items()) == [
        ("applied", 6),
        ("admitted", 4),
        ("enrolled", 4),
        ("active", 4),
        ("completed", 3),
    ]
    assert body["forecast"]["achieved"] == 3
    assert body["programme"]["total_target"] == 100


def test_the_forecast_states_its_method_history_and_years(client, pipeline, key):
    pipeline.programme.total_target = 10
    pipeline.programme.save()
    with freeze_time("2026-03-01 12:00:00"):
        forecast = get(client, key, year=2024).json()["forecast"]

    assert forecast["history"] == [
        {"year": 2023, "trained": 0},
        {"year": 2024, "trained": 2},
        {"year": 2025, "trained": 1},
    ]
    assert (forecast["year"], forecast["earliest"], forecast["latest"]) == (
        2028,
        2028,
        2029,
    )
    assert forecast["reached"] is False and forecast["this_year"] == 2026
    # in the site's language (Korean): the API has no language prefix
    assert (
        "최소제곱법" in forecast["method"] and "2023, 2024, 2025" in forecast["method"]
    )


def test_a_reached_target_and_no_history_in_the_api(client, pipeline, key):
    pipeline.programme.total_target = 3
    pipeline.programme.save()
    reached = get(client, key).json()["forecast"]
    pipeline.programme.total_target, pipeline.programme.start_year = 100, 2026
    pipeline.programme.save()
    with freeze_time("2026-03-01 12:00:00"):
        young = get(client, key).json()["forecast"]

    assert (reached["reached"], reached["year"]) == (True, 2025)
    assert young["history"] == [] and young["year"] is None
    assert "아직 지난 실적이 부족합니다" in young["method"]


def test_filters_narrow_the_figures(client, pipeline, key):
    body = get(client, key, year=2025, track="camp", institution="uni").json()

    assert body["filter"] == {"year": 2025, "track": "camp", "institution": "uni"}
    assert (body["trained"], body["target"]) == (1, 8)
    assert [t["code"] for t in body["tracks"]] == ["camp"]


def test_unknown_codes_are_refused(client, pipeline, key):
    response = get(client, key, track="space")

    assert response.status_code == 400
    assert "space" in response.json()["detail"]
    assert get(client, key, year="soon").status_code == 422


def test_a_revocation_shows_at_once(client, pipeline, key):
    assert get(client, key).json()["trained"] == 3
    TrackCompletion.objects.filter(user=pipeline.bob).update(revoked_at=timezone.now())
    assert get(client, key).json()["trained"] == 2


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer tpr_wrong", "Bearer ", "Token {key}", "{key}"],
)
def test_no_or_a_wrong_token_is_refused(client, pipeline, key, authorization):
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(key=key)
    response = client.get(URL, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "trained" not in response.json()


def test_a_revoked_token_is_refused(client, pipeline, key):
    call_command("reporting_token_revoke", key[4:12], stdout=io.StringIO())

    assert get(client, key).status_code == 401


def test_a_used_token_records_when(client, pipeline, key):
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    get(client, key)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_command_prints_the_key_once_and_keeps_only_its_hash(client, pipeline):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "reporting_token_create", "dashboard of the mayor", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="dashboard of the mayor")

    assert get(client, key).status_code == 200
    assert token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert key.startswith("tpr_") and key[4:12] == token.prefix
    assert key not in err.getvalue()


def test_the_openapi_schema_describes_the_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][URL]["get"]

    assert {p["name"] for p in operation["parameters"]} == {
        "year",
        "track",
        "institution",
    }
    assert operation["security"] == [{"ReportingToken": []}]
    assert schema["components"]["securitySchemes"]["ReportingToken"]["scheme"] == (
        "bearer"
    )
    schemas = schema["components"]["schemas"]
    assert "FiguresOut" in schemas
    assert set(schemas["FunnelOut"]["properties"]) == {
        "applied",
        "admitted",
        "enrolled",
        "active",
        "completed",
    }
    assert {"method", "history", "year", "earliest", "latest", "reached"} <= set(
        schemas["ForecastOut"]["properties"]
    )
