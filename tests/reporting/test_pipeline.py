"""The talent pipeline's figures (courses/selectors/pipeline.py) on the
hand-built pipeline of tests/pipeline.py."""

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from courses.completion.models import Completion, TrackCompletion
from courses.enrollment.models import Enrollment
from courses.reporting.choices import dashboard_choices, dashboard_scope_of
from courses.reporting.figures import funnel_table
from courses.reporting.pipeline import forecast_of, pipeline_figures, trained_by_track
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
    # carol never used the lab nor submitted: her camp pass makes her active
    assert figures.funnel["active"] == figures.funnel["completed"] == 2


def test_the_funnel_counts_people_once_at_each_nested_stage(pipeline):
    funnel = pipeline_figures().funnel

    assert list(funnel) == ["applied", "admitted", "enrolled", "active", "completed"]
    assert funnel == {
        "applied": 6,  # frank withdrew before a seat, dave only applied
        "admitted": 4,  # alice, bob, carol, erin
        "enrolled": 4,
        "active": 4,  # erin by the lab, carol by her camp pass
        "completed": 3,  # alice's two passes count once
    }


def test_the_funnel_follows_the_cohorts_start_year_and_institution(pipeline):
    assert pipeline_figures(year=2024).funnel == {
        "applied": 5,
        "admitted": 3,
        "enrolled": 3,
        "active": 3,
        "completed": 2,
    }
    assert pipeline_figures(year=2025).funnel == dict.fromkeys(
        ["applied", "admitted", "enrolled", "active", "completed"], 1
    )
    assert pipeline_figures(institution="uni").funnel == {
        "applied": 2,
        "admitted": 2,
        "enrolled": 2,
        "active": 2,
        "completed": 2,
    }


def test_a_withdrawn_person_stays_admitted_but_leaves_the_later_stages(pipeline):
    Enrollment.objects.filter(user=pipeline.erin).update(
        status=Enrollment.Status.WITHDRAWN
    )

    funnel = pipeline_figures().funnel
    assert (funnel["applied"], funnel["admitted"]) == (6, 4)
    assert (funnel["enrolled"], funnel["active"]) == (3, 3)


def test_attendance_or_a_submission_makes_an_enrolled_person_active(
    pipeline, user_factory
):
    a24 = pipeline.cohorts["a24"]
    present, silent = user_factory(), user_factory()
    Enrollment.objects.create(
        user=present, cohort=a24, status=Enrollment.Status.ENROLLED, attended=True
    )
    Enrollment.objects.create(
        user=silent, cohort=a24, status=Enrollment.Status.ENROLLED
    )

    funnel = pipeline_figures(year=2024).funnel
    assert (funnel["enrolled"], funnel["active"]) == (5, 4)  # silent is not


def test_no_stage_exceeds_the_one_before_where_the_old_funnel_said_1450(
    pipeline, user_factory
):
    """The old funnel counted lab users, submitters and passes separately:
    29 camp passes without submissions beside 2 submitters gave 1450 %."""
    b24 = pipeline.cohorts["b24"]
    for _n in range(29):
        enrolment = Enrollment.objects.create(
            user=user_factory(), cohort=b24, status=Enrollment.Status.COMPLETED
        )
        Completion.objects.create(
            enrollment=enrolment,
            user=enrolment.user,
            cohort=b24,
            passed_at=seoul(2024, 9, 1),
            source=Completion.Source.STAFF,
        )
    for flt in ({}, {"year": 2024}, {"track": "camp"}, {"institution": "uni"}):
        figures = pipeline_figures(**flt)
        counts = list(figures.funnel.values())
        shares = [row[3] for row in funnel_table(figures).rows[1:]]

        assert counts == sorted(counts, reverse=True), flt
        assert all(share == "" or share <= 100 for share in shares), flt
    assert pipeline_figures(track="camp").funnel["completed"] == 31


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_funnel_stages_are_labelled_in_both_languages(pipeline, language):
    with translation.override(language):
        labels = [row[0] for row in funnel_table(pipeline_figures()).rows]

    assert (
        labels
        == {
            "en": ["Applied", "Admitted", "Enrolled", "Active", "Completed"],
            "ko": ["신청", "선발", "등록", "활동", "수료"],
        }[language]
    )


def test_the_funnel_table_gives_drop_offs_and_shares(pipeline):
    rows = funnel_table(pipeline_figures()).rows

    assert [row[1:3] for row in rows] == [[6, ""], [4, 2], [4, 0], [4, 0], [3, 1]]
    assert rows[4][3] == 75.0 and rows[4][4] == 50.0


def test_without_the_funnel_every_other_figure_is_the_same(
    pipeline, django_assert_num_queries
):
    whole = pipeline_figures()
    with django_assert_num_queries(8):  # the funnel's query is not made
        public = pipeline_figures(with_funnel=False)

    assert public.funnel == {} and whole.funnel
    assert (public.trained, public.tracks, public.years) == (
        whole.trained,
        whole.tracks,
        whole.years,
    )


def test_a_revocation_changes_the_figures_at_once(pipeline):
    assert pipeline_figures(year=2025).trained == 1

    TrackCompletion.objects.filter(user=pipeline.bob).update(revoked_at=timezone.now())

    figures = pipeline_figures(year=2025)
    assert figures.trained == 0
    assert by_code(figures.tracks) == {"vocational": 0, "camp": 1}
    assert pipeline_figures().trained == 2


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
    assert figures.forecast.achieved == 0
    assert figures.institutions == []
    assert set(figures.funnel.values()) == {0}


def test_instructors_and_learners_have_no_scope(pipeline, instructor, admin_user):
    assert dashboard_scope_of(instructor) == []
    assert dashboard_scope_of(pipeline.alice) == []
    assert dashboard_scope_of(admin_user) is None


def forecast(by_year, *, target=1500, this_year=2026, start_year=2020):
    return forecast_of(
        by_year=by_year, target=target, this_year=this_year, start_year=start_year
    )


def test_the_forecast_extends_the_line_of_the_last_three_years():
    result = forecast({2023: 100, 2024: 200, 2025: 300})

    assert [(h.year, h.trained) for h in result.history] == [
        (2023, 100),
        (2024, 200),
        (2025, 300),
    ]
    assert result.slope == pytest.approx(100)
    assert result.intercept + result.slope * 2026 == pytest.approx(400)
    assert result.spread == 0
    # 600 so far, 400 in 2026 (1000), 500 in 2027 (1500)
    assert (result.year, result.earliest, result.latest) == (2027, 2027, 2027)
    assert not result.reached
    assert "2023, 2024, 2025" in result.method


def test_the_band_follows_the_largest_miss_of_the_line():
    result = forecast({2023: 100, 2024: 300, 2025: 300}, target=2400)

    # the line 233.3 + 100 (y - 2024) misses 2024 by 66.7; from 700 so far,
    # by 2028: 2300 on the line, 2500 on the upper edge, 2100 on the lower
    assert result.spread == pytest.approx(200 / 3)
    assert (result.earliest, result.year, result.latest) == (2028, 2029, 2029)


def test_this_year_counts_what_is_done_when_it_beats_the_line():
    history = {2023: 100, 2024: 200, 2025: 300}

    # 600 so far; 2026 on the line: 400, then 500, 600 -> 1800 in 2028
    assert forecast({**history, 2026: 50}, target=1800).year == 2028
    # 850 already done this year beats the line's 400: 1450, 1950
    assert forecast({**history, 2026: 850}, target=1800).year == 2027


def test_one_year_of_history_gives_a_flat_line():
    result = forecast({2025: 300}, start_year=2025)

    assert [h.year for h in result.history] == [2025]
    assert (result.slope, result.spread) == (0, 0)
    # 300 so far, then 300 a year: 1500 in 2029
    assert (result.year, result.earliest, result.latest) == (2029, 2029, 2029)


def test_years_before_the_programme_are_not_history_but_count_as_done():
    result = forecast({2019: 500, 2025: 300}, start_year=2025)

    assert [h.year for h in result.history] == [2025]
    assert result.year == 2028  # 800 so far, then 300 a year


def test_no_history_gives_no_forecast(english_ui):
    result = forecast({2026: 40}, start_year=2026)

    assert result.history == []
    assert (result.year, result.earliest, result.latest) == (None, None, None)
    assert not result.reached
    assert "Not enough history yet" in result.method


def test_a_reached_target_says_the_year_it_was_reached():
    result = forecast({2023: 700, 2024: 900, 2025: 10})

    assert result.reached and result.year == 2024
    assert result.earliest == result.latest == 2024


def test_a_declining_line_that_never_reaches_the_target_gives_none():
    result = forecast({2023: 300, 2024: 200, 2025: 100}, target=5000)

    assert result.slope == pytest.approx(-100)
    assert (result.year, result.latest) == (None, None)  # 600 + 0 + 0 + ...
    assert not result.reached


def test_the_dashboard_forecast_counts_people_by_year_in_seoul(pipeline, talent):
    pipeline.programme.total_target = 10
    pipeline.programme.save()
    with freeze_time("2026-03-01 12:00:00"):
        result = pipeline_figures(year=2024).forecast  # the year filter is ignored

    # alice, carol in 2024; bob in 2025 (Seoul): the line 1 + 0.5 (y - 2024),
    # its largest miss 1; from 3 so far, 10 is reached in 2028 (2029 at worst)
    assert [(h.year, h.trained) for h in result.history] == [
        (2023, 0),
        (2024, 2),
        (2025, 1),
    ]
    assert (result.this_year, result.achieved, result.target) == (2026, 3, 10)
    assert (result.earliest, result.year, result.latest) == (2028, 2028, 2029)


def grow(pipeline, talent, user_factory, n: int) -> None:
    """``n`` more people through every stage, each with a track completion."""
    for index in range(n):
        person = user_factory()
        enrolment = Enrollment.objects.create(
            user=person, cohort=pipeline.cohorts["a24"], status="completed"
        )
        Completion.objects.create(
            enrollment=enrolment,
            user=person,
            cohort=enrolment.cohort,
            passed_at=seoul(2024, 2, 1),
        )
        talent(person, pipeline.track_a, pipeline.inst1, seoul(2024, 2, index % 28 + 1))


@pytest.mark.parametrize("flt", [{}, {"year": 2024, "track": "vocational"}])
def test_all_figures_take_a_fixed_number_of_queries_at_any_size(
    pipeline, talent, user_factory, django_assert_max_num_queries, flt
):
    with django_assert_max_num_queries(10):
        small = pipeline_figures(**flt)
    grow(pipeline, talent, user_factory, 30)
    with django_assert_max_num_queries(10):
        large = pipeline_figures(**flt)
    with django_assert_max_num_queries(3):
        trained_by_track()

    assert large.funnel["completed"] == small.funnel["completed"] + 30
    assert large.trained == small.trained + 30


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
