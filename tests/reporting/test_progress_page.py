"""The public progress page: aggregate figures and the chart, no personal data,
counts below 5 suppressed, never served stale from the anonymous page cache."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from courses.catalogue.models import ProgressPage
from courses.completion.models import TrackCompletion
from courses.enrollment.models import Enrollment
from courses.reporting.figures import SUPPRESSED, suppressed
from courses.reporting.pipeline import pipeline_figures
from tests.factories import UserFactory
from tests.pipeline import seoul

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress_page(catalogue, english):
    page = catalogue.add_child(
        instance=ProgressPage(title="인재 양성 현황", slug="progress")
    )
    page.save_revision().publish()
    return page


def many(talent, track, institution, count: int, when) -> None:
    for _n in range(count):
        talent(UserFactory(), track, institution, when)


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def rows(html: str, key: str) -> dict[str, list[str]]:
    table = re.search(rf'data-table="{key}">(.*?)</table>', html, re.S).group(1)
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = [c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        found[cells[0]] = cells[1:]
    return found


def test_small_counts_are_shown_as_fewer_than_five(client, pipeline, progress_page):
    html = client.get(progress_page.url).content.decode()

    assert figure(html, "trained") == "&lt;5"  # 3 people
    assert figure(html, "target") == "100"
    assert rows(html, "years")["2024"] == ["&lt;5", "16"]
    assert {r[0] for r in rows(html, "tracks").values()} == {"&lt;5"}
    assert "<progress" not in html  # 3% would give the 3 away
    # the chart draws no bar for a suppressed count, only its label
    assert 'data-kind="actual"' in html
    assert not re.search(r'<rect data-kind="actual"', html)


def test_larger_counts_show_and_no_person_appears(
    client, pipeline, progress_page, talent
):
    pipeline.programme.start_year, pipeline.programme.end_year = 2023, 2025
    pipeline.programme.save()
    many(talent, pipeline.track_a, pipeline.inst1, 10, seoul(2023, 5, 1))
    many(talent, pipeline.track_b, pipeline.inst2, 6, seoul(2025, 5, 1))
    html = client.get(progress_page.url).content.decode()
    years = rows(html, "years")

    assert figure(html, "trained") == "19"
    assert list(years) == ["2023", "2024", "2025"]
    assert years["2023"] == ["10", "0"]
    # 2024 alone is below 5; 2025 (7) is hidden too, or 19 - 10 - 7 tells it.
    assert years["2024"][0] == years["2025"][0] == "&lt;5"
    assert rows(html, "tracks")[pipeline.track_b.title][0] == "8"
    assert '<rect data-kind="actual" data-value="10"' in html
    for person in ("alice", "bob", "carol", "example.org"):
        assert person not in html


def test_the_page_changes_right_after_a_revocation(
    client, pipeline, progress_page, talent
):
    many(talent, pipeline.track_a, pipeline.inst1, 10, seoul(2023, 5, 1))
    first = client.get(progress_page.url)
    assert figure(first.content.decode(), "trained") == "13"
    assert "no-store" in first["Cache-Control"]

    TrackCompletion.objects.filter(user__in=[pipeline.alice, pipeline.bob]).update(
        revoked_at=timezone.now()
    )

    assert figure(client.get(progress_page.url).content.decode(), "trained") == "11"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def english_page(progress_page, english):
    translated = progress_page.copy_for_translation(english, copy_parents=True)
    translated.title = "Pipeline progress"
    translated.intro = "<p>How close Gwangju is to its target.</p>"
    translated.save_revision().publish()
    return translated


def korean_outside_the_language_menu(html: str) -> list[str]:
    """Hangul in the page, but for the link to the Korean page (its name)."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return HANGUL.findall(body)


def test_the_english_page_speaks_english_throughout(client, pipeline, english_page):
    pipeline.programme.name = "광주 AI 인재 5,150명 양성"  # as in the demo data
    pipeline.programme.save()
    for track, title in ((pipeline.track_a, "Vocational"), (pipeline.track_b, "Camp")):
        translated = track.copy_for_translation(english_page.locale)
        translated.title = title
        translated.save_revision().publish()
    html = client.get(english_page.url).content.decode()

    assert "<h1>Pipeline progress</h1>" in html
    assert "AI professionals trained" in html
    assert "The programme runs from 2020 to 2029." in html
    assert korean_outside_the_language_menu(html) == []
    assert '<th scope="row">Camp</th>' in html


def test_the_page_says_the_total_counts_people_once(client, pipeline, progress_page):
    html = client.get(progress_page.url).content.decode()

    assert "두 트랙을 수료한 사람은 100명 목표에는 한 번" in html


def test_the_time_of_counting_is_shown_in_seoul(client, pipeline, english_page):
    with freeze_time("2026-03-01 15:30:00"):  # UTC: 00:30 on 2 March in Seoul
        html = client.get(english_page.url).content.decode()

    assert "March 2, 2026, 12:30 a.m. (KST)" in html


def test_a_year_and_a_track_narrow_the_public_figures(
    client, pipeline, progress_page, talent
):
    many(talent, pipeline.track_a, pipeline.inst1, 8, seoul(2024, 5, 1))
    html = client.get(progress_page.url, {"year": 2024, "track": "vocational"})
    html = html.content.decode()

    assert figure(html, "trained") == "9"  # alice and the 8; bob is 2025
    assert figure(html, "target") == "10"
    assert [r[0] for r in rows(html, "tracks").values()] == ["9"]
    assert "data-error" not in html and "2024" in html
    assert '<option value="2024" selected>' in html


@pytest.mark.parametrize(
    "query", [{"year": "soon"}, {"year": 1900}, {"track": "space"}, {"institution": 1}]
)
def test_a_filter_that_is_not_valid_says_so_and_shows_every_figure(
    client, pipeline, progress_page, talent, query
):
    many(talent, pipeline.track_a, pipeline.inst1, 10, seoul(2023, 5, 1))
    html = client.get(progress_page.url, query).content.decode()

    assert figure(html, "trained") == "13"
    if "institution" in query:  # not a public filter: simply not read
        assert "data-error" not in html
    else:
        assert "data-error" in html
        assert "그런 연도나 트랙은 없습니다. 모든 연도와 트랙의 수치를" in html


def card_counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-trained="([^"]+)">([^<]*)<', html))


def test_the_cards_the_progress_page_and_the_dashboard_agree(
    client, pipeline, progress_page, talent, admin_client
):
    many(talent, pipeline.track_a, pipeline.inst1, 10, seoul(2023, 5, 1))
    cards = card_counts(client.get(pipeline.track_a.get_parent().url).content.decode())
    public = rows(client.get(progress_page.url).content.decode(), "tracks")
    dashboard = {t.code: t.trained for t in pipeline_figures().tracks}
    admin_html = admin_client.get(reverse("pipeline")).content.decode()

    assert dashboard == {"vocational": 12, "camp": 2}
    assert cards == {"vocational": "12", "camp": "&lt;5"}
    assert public[pipeline.track_a.title][0] == "12"
    assert public[pipeline.track_b.title][0] == "&lt;5"  # hidden on both
    assert re.search(r"<td>vocational</td>\s*<td>12</td>", admin_html)
    assert re.search(r"<td>camp</td>\s*<td>2</td>", admin_html)


def test_a_card_counts_trained_talents_not_completed_enrolments(
    client, pipeline, progress_page, talent, user_factory
):
    """The reported mismatch: the cards counted completed enrolments, so a
    course passed in a track that needs more was a trained talent there."""
    for _n in range(6):
        Enrollment.objects.create(
            user=user_factory(), cohort=pipeline.cohorts["a24"], status="completed"
        )
    many(talent, pipeline.track_b, pipeline.inst2, 5, seoul(2024, 5, 1))
    cards = card_counts(client.get(pipeline.track_a.get_parent().url).content.decode())

    assert cards == {"vocational": "&lt;5", "camp": "7"}  # not 8 and "<5"


def test_suppressed_figures_keep_nothing_that_tells_a_small_count(pipeline, talent):
    many(talent, pipeline.track_a, pipeline.inst1, 10, seoul(2023, 5, 1))
    figures = suppressed(pipeline_figures(), this_year=2025)

    assert figures.trained == 13
    years = {row.year: row.trained for row in figures.years}
    assert years[2023] == 10
    assert years[2024] == years[2025] == years[2020] == SUPPRESSED
    assert years[2026] == 0  # the future: nothing to hide yet
    assert figures.institutions == [] and figures.funnel == {}
    assert figures.forecast is None  # its pace counts a handful of people
    assert {t.last_12_months for t in figures.tracks} == {""}
