"""The public progress page: aggregate figures and the chart, no personal data,
counts below 5 suppressed, never served stale from the anonymous page cache."""

import re

import pytest
from django.utils import timezone

from courses.figures import SUPPRESSED, suppressed
from courses.models import ProgressPage, TrackCompletion
from courses.selectors.dashboard import pipeline_figures
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


def test_the_english_page_speaks_english(client, pipeline, progress_page, english):
    translated = progress_page.copy_for_translation(english, copy_parents=True)
    translated.title = "Pipeline progress"
    translated.save_revision().publish()
    html = client.get(translated.url).content.decode()

    assert "Pipeline progress" in html
    assert "AI professionals trained" in html
    assert "<h1>Pipeline progress</h1>" in html


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
