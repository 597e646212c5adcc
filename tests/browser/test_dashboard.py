"""The talent pipeline dashboard in Chromium: the administrator opens it, the
chart renders, a filter changes the figures, a CSV download matches its table."""

import csv
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    assert_accessible,
    check_layouts,
    screenshot,
)
from tests.factories import UserFactory
from tests.pipeline import seoul

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

# people who completed the vocational track, by year: a chart worth looking at
MORE_TALENTS = {2020: 4, 2021: 7, 2022: 9, 2023: 12}


@pytest.fixture
def city(pipeline, talent):
    for year, count in MORE_TALENTS.items():
        for n in range(count):
            person = UserFactory(username=f"talent-{year}-{n}")
            talent(person, pipeline.track_a, pipeline.inst1, seoul(year, 6, n + 1))
    return pipeline


def cells(page, key: str) -> list[list[str]]:
    rows = page.locator(f'table[data-table="{key}"] tbody tr')
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in rows.all()
    ]


def test_the_administrator_filters_the_dashboard_and_downloads_a_table(
    page, sign_in, city, admin_user
):
    sign_in(admin_user)
    page.goto("/admin/talent-pipeline/")

    trained = page.locator('[data-figure="trained"]')
    expect(trained).to_have_text("35")  # 3 of the pipeline, 32 more
    expect(page.locator('[data-figure="target"]')).to_have_text("100")
    chart = page.locator('figure[data-chart="years"] svg[role=img]')
    expect(chart).to_be_visible()
    bars = chart.locator('rect[data-kind="actual"]')
    assert bars.count() == 6  # 2020–2025 have talents
    assert chart.bounding_box()["width"] > 400
    heights = {
        int(bar.get_attribute("data-value")): float(bar.get_attribute("height"))
        for bar in bars.all()
    }
    assert heights[12] > heights[9] > heights[4] > 0  # taller for more people
    # The admin scrolls inside its main column: a tall window shows it all.
    page.set_viewport_size({"width": 1280, "height": 3000})
    screenshot(page, "dashboard")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)

    page.locator("select[name=year]").select_option("2025")
    page.locator("form[data-filter] button[type=submit]").click()
    expect(trained).to_have_text("1")
    expect(page.locator('[data-figure="target"]')).to_have_text("20")
    assert [row[1:3] for row in cells(page, "tracks")] == [
        ["vocational", "1"],
        ["camp", "1"],
    ]

    shown = cells(page, "tracks")
    with page.expect_download() as download:
        page.locator('a[data-export="tracks.csv"]').click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert download.value.suggested_filename.startswith("talent-pipeline-tracks-")
    assert rows[1:] == shown
    screenshot(page, "dashboard-2025")


def test_a_visitor_sees_the_public_progress_without_small_counts(page, city):
    from courses.catalogue.models import ProgressPage

    progress = city.track_a.get_parent().add_child(
        instance=ProgressPage(title="인재 양성 현황", slug="progress")
    )
    progress.save_revision().publish()
    page.goto("/progress/")

    expect(page.locator('[data-figure="trained"]')).to_have_text("35")
    chart = page.locator('figure[data-chart="years"] svg[role=img]')
    expect(chart).to_be_visible()
    # 2020 (4), 2024 (2), 2025 (1) and later years to this one (0) are below 5:
    # labelled, never drawn
    drawn = chart.locator('rect[data-kind="actual"]')
    assert sorted(int(bar.get_attribute("data-value")) for bar in drawn.all()) == [
        7,
        9,
        12,
    ]
    trained = {**MORE_TALENTS, 2024: 2, 2025: 1}
    this_year = min(timezone.localdate().year, 2029)
    small = [y for y in range(2020, this_year + 1) if trained.get(y, 0) < 5]
    assert chart.locator("text", has_text="<5").count() == len(small)
    assert_accessible(page)
    check_layouts(page, "progress-page")
