"""The talent pipeline's figures (courses/selectors/dashboard.py) on the
hand-built pipeline of tests/pipeline.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrollment, TrackCompletion
from courses.selectors.dashboard import (
    dashboard_choices,
    dashboard_scope_of,
    pipeline_figures,
)
from tests.pipeline import seoul

pytestmark = pytest.mark.django_db


def by_code(rows) -> dict:
    return {row.code: row.trained for row in rows}


def test_a_person_in_two_tracks_counts_once_in_the_total_and_once_in_each(pipeline):
    figures = pipeline_figures()

    assert figures.trained == 3  # alice, bob, carol; frank's was revoked
    assert by_code(figures.tracks) == {"vocational": 2, "camp": 2}
    assert by_code(figures.institutions) == {"ai-academy": 2, "uni": 2}
    assert figures.target == 100  # the programme's, not the sum of the tracks'
    assert figures.progress == 3.0


def test_years_count_people_in_the_year_of_their_first_completion_in_seoul(pipeline):
    years = {row.year: (row.trained, row.plan) for row in pipeline_figures().years}

    assert list(years) == list(range(2020, 2030))
    # alice (June) and carol (23:30 on 31 December) in 2024; bob at 00:30 on
    # 1 January 2025 — the same UTC day as carol's.
    assert years[2024] == (2, 16)
    assert years[2025] == (1, 20)
    assert sum(trained for trained, _plan in years.values()) == 3


def test_a_year_filter_counts_tracks_by_completion_and_the_total_by_first_one(
    pipeline,
):
    figures = pipeline_figures(year=2025)

    assert figures.trained == 1  # bob; alice already counted in 2024
    assert by_code(figures.tracks) == {"vocational": 1, "camp": 1}
    assert {t.code: t.target for t in figures.tracks} == {"vocational": 12, "camp": 8}
    assert figures.target == 20
    # alice's first completion at the university was in 2025
    assert by_code(figures.institutions) == {"ai-academy": 1, "uni": 1}


def test_a_track_filter_narrows_every_figure_to_the_track(pipeline):
    figures = pipeline_figures(track="camp")

    assert figures.trained == 2
    assert by_code(figures.tracks) == {"camp": 2}
    assert figures.target == 14
    assert {row.year: row.plan for row in figures.years}[2024] == 6
    assert figures.funnel["applied"] == 2  # alice and carol, in b24
    assert figures.funnel["submitted"] == 0


def test_the_funnel_counts_people_at_each_step(pipeline):
    assert pipeline_figures().funnel == {
        "applied": 6,
        "enrolled": 4,  # alice, bob, carol, erin hold seats
        "lab": 3,
        "submitted": 3,  # bob's two attempts count once
        "passed": 3,  # carol passed a camp without submitting
        "certified": 2,  # alice by her course, carol by her track
    }


def test_the_funnel_follows_the_cohorts_start_year_and_institution(pipeline):
    assert pipeline_figures(year=2024).funnel == {
        "applied": 5,
        "enrolled": 3,
        "lab": 2,
        "submitted": 2,
        "passed": 2,
        "certified": 2,
    }
    # alice's b24 pass has no certificate of its own, carol's track one counts
    assert pipeline_figures(institution="uni").funnel == {
        "applied": 2,
        "enrolled": 2,
        "lab": 1,
        "submitted": 0,
        "passed": 2,
        "certified": 1,
    }


def test_a_revocation_changes_the_figures_at_once(pipeline):
    assert pipeline_figures(year=2025).trained == 1

    TrackCompletion.objects.filter(user=pipeline.bob).update(revoked_at=timezone.now())

    figures = pipeline_figures(year=2025)
    assert figures.trained == 0
    assert by_code(figures.tracks) == {"vocational": 0, "camp": 1}
    assert pipeline_figures().trained == 2


def test_a_withdrawal_changes_the_funnel_at_once(pipeline):
    Enrollment.objects.filter(user=pipeline.erin).update(
        status=Enrollment.Status.WITHDRAWN
    )

    funnel = pipeline_figures().funnel
    assert (funnel["applied"], funnel["enrolled"], funnel["lab"]) == (6, 3, 2)


def test_programme_staff_see_only_their_institution(pipeline, staff_member):
    scope = dashboard_scope_of(staff_member)
    figures = pipeline_figures(scope=scope)

    assert scope == [pipeline.inst1.pk]
    assert figures.trained == 2  # alice and bob at the academy
    assert by_code(figures.tracks) == {"vocational": 2, "camp": 0}
    assert by_code(figures.institutions) == {"ai-academy": 2}
    assert figures.funnel["applied"] == 5
    assert [code for code, _name in dashboard_choices(scope=scope)["institutions"]] == [
        "ai-academy"
    ]


def test_an_institution_outside_the_scope_shows_nothing(pipeline, staff_member):
    figures = pipeline_figures(
        institution="uni", scope=dashboard_scope_of(staff_member)
    )

    assert figures.trained == 0
    assert figures.institutions == []
    assert set(figures.funnel.values()) == {0}


def test_instructors_and_learners_have_no_scope(pipeline, instructor, admin_user):
    assert dashboard_scope_of(instructor) == []
    assert dashboard_scope_of(pipeline.alice) == []
    assert dashboard_scope_of(admin_user) is None


def test_the_forecast_extends_the_pace_of_the_last_12_months(pipeline, talent):
    now = timezone.now()
    for name in ("dave", "erin"):  # two new talents this year: 2 a year
        talent(getattr(pipeline, name), pipeline.track_a, pipeline.inst1, now)
    talent(pipeline.bob, pipeline.track_b, pipeline.inst2, now)  # not a new person
    forecast = pipeline_figures().forecast

    assert (forecast.achieved, forecast.target, forecast.pace) == (5, 100, 2)
    years = 95 / 2
    expected = timezone.localdate() + dt.timedelta(days=365 * years)
    assert forecast.year == expected.year
    assert not forecast.reached


def test_the_forecast_says_when_a_target_was_reached(pipeline):
    pipeline.programme.total_target = 3
    pipeline.programme.save()

    forecast = pipeline_figures().forecast
    assert forecast.reached and forecast.year == 2025
    assert pipeline_figures(track="camp").forecast.reached is False  # 2 of 14


def test_all_figures_take_a_fixed_number_of_queries(pipeline, talent, user_factory):
    with CaptureQueriesContext(connection) as few:
        pipeline_figures(year=2024, track="vocational")
    for n in range(5):
        talent(user_factory(), pipeline.track_a, pipeline.inst1, seoul(2024, 2, n + 1))
    with CaptureQueriesContext(connection) as more:
        figures = pipeline_figures(year=2024, track="vocational")

    assert figures.trained == 6
    assert len(more.captured_queries) == len(few.captured_queries) <= 12


def test_two_completions_at_the_same_moment_count_the_person_once(
    pipeline, talent, user_factory
):
    person, moment = user_factory(), seoul(2023, 3, 1, 12)
    talent(person, pipeline.track_a, pipeline.inst1, moment)
    talent(person, pipeline.track_b, pipeline.inst1, moment)
    figures = pipeline_figures(year=2023)

    assert figures.trained == 1
    assert by_code(figures.tracks) == {"vocational": 1, "camp": 1}
    assert by_code(figures.institutions) == {"ai-academy": 1, "uni": 0}
