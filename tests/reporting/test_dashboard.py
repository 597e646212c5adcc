"""The talent pipeline dashboard in the Wagtail admin: who may open it, what it
shows for each filter, and its CSV and XLSX downloads."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from courses.completion.models import TrackCompletion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]


@pytest.fixture
def client_for(english_admin_client_for):
    return english_admin_client_for


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def number_or_text(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def table_rows(html: str, key: str) -> list[list[str]]:
    """The body of a table of the page as text cells."""
    table = re.search(rf'data-table="{key}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_administrator_sees_the_city_against_its_target(
    pipeline, admin_user, client_for
):
    response = client_for(admin_user).get(reverse("pipeline"))
    html = response.content.decode()

    assert response.status_code == 200
    assert (figure(html, "trained"), figure(html, "target")) == ("3", "100")
    assert "<svg" in html and 'data-chart="years"' in html
    tracks = {row[1]: row[2:4] for row in table_rows(html, "tracks")}
    assert tracks == {"vocational": ["2", "22"], "camp": ["2", "14"]}
    funnel = [row[:4] for row in table_rows(html, "funnel")]
    assert funnel == [
        ["Applied", "6", "", ""],
        ["Admitted", "4", "2", "66.7"],  # 2 dropped off
        ["Enrolled", "4", "0", "100.0"],
        ["Active", "4", "0", "100.0"],
        ["Completed", "3", "1", "75.0"],
    ]
    assert "How these figures are counted" in html
    assert "counts once toward the 100 and once in each track" in html


def test_the_dashboard_states_its_forecast_and_method(pipeline, admin_user, client_for):
    pipeline.programme.total_target = 10
    pipeline.programme.save()
    with freeze_time("2026-03-01 12:00:00"):
        html = client_for(admin_user).get(reverse("pipeline")).content.decode()
    overview = {row[0]: row[1] for row in table_rows(html, "overview")}

    assert "the target is reached in 2028 (between 2028 and 2029)" in html
    assert "least squares" in html and "2023, 2024, 2025" in html
    assert overview["Forecast: year the target is reached"] == "2028"
    assert overview["Forecast: people trained in the years it follows"] == (
        "2023: 0, 2024: 2, 2025: 1"
    )
    assert overview["Forecast: earliest (upper edge)"] == "2028"
    assert overview["Forecast: latest (lower edge)"] == "2029"


def test_a_filter_changes_the_figures(pipeline, admin_user, client_for):
    client = client_for(admin_user)
    html = client.get(
        reverse("pipeline"), {"year": 2025, "track": "camp"}
    ).content.decode()

    assert (figure(html, "trained"), figure(html, "target")) == ("1", "8")
    assert [row[1:3] for row in table_rows(html, "tracks")] == [["camp", "1"]]


def test_a_revoked_completion_leaves_the_dashboard_at_once(
    pipeline, admin_user, client_for
):
    client = client_for(admin_user)
    assert figure(client.get(reverse("pipeline")).content.decode(), "trained") == "3"

    TrackCompletion.objects.filter(user=pipeline.carol).update(
        revoked_at=timezone.now()
    )

    assert figure(client.get(reverse("pipeline")).content.decode(), "trained") == "2"


def test_programme_staff_see_their_institution_only(pipeline, staff_member, client_for):
    html = client_for(staff_member).get(reverse("pipeline")).content.decode()

    assert figure(html, "trained") == "2"
    assert [row[1] for row in table_rows(html, "institutions")] == ["ai-academy"]
    assert 'value="uni"' not in html  # not even among the filter's choices
    assert "You see the figures of your institutions only." in html


def test_programme_staff_cannot_ask_for_another_institution(
    pipeline, staff_member, client_for
):
    client = client_for(staff_member)
    html = client.get(reverse("pipeline"), {"institution": "uni"}).content.decode()
    csv_response = client.get(
        reverse("pipeline_export", args=["institutions", "csv"]), {"institution": "uni"}
    )

    assert figure(html, "trained") == "2"  # the choice is refused: their own figures
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["ai-academy"]


@pytest.mark.parametrize("who", ["instructor", "learner"])
def test_instructors_and_learners_cannot_open_it(pipeline, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    page = client.get(reverse("pipeline"))
    download = client.get(reverse("pipeline_export", args=["tracks", "csv"]))

    assert page.status_code in (302, 403)
    assert download.status_code in (302, 403)
    assert b"vocational" not in page.content + download.content


def test_the_menu_shows_it_to_those_who_may_open_it(
    pipeline, admin_user, staff_member, instructor, client_for
):
    url = reverse("pipeline")
    for person, shown in (
        (admin_user, True),
        (staff_member, True),
        (instructor, False),
    ):
        home = client_for(person).get(reverse("wagtailadmin_home")).content.decode()
        assert (url in home) is shown, person


def test_csv_and_xlsx_hold_the_tables_of_the_page(pipeline, admin_user, client_for):
    client = client_for(admin_user)
    query = {"year": 2024}
    html = client.get(reverse("pipeline"), query).content.decode()
    for key in ("overview", "tracks", "years", "institutions", "funnel"):
        csv_response = client.get(reverse("pipeline_export", args=[key, "csv"]), query)
        xlsx_response = client.get(
            reverse("pipeline_export", args=[key, "xlsx"]), query
        )
        rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
        cells = [
            list(map(number_or_text, r)) for r in sheet.iter_rows(values_only=True)
        ]

        assert csv_response["Content-Disposition"].endswith('.csv"')
        assert rows[1:] == table_rows(html, key), key
        assert cells == [list(map(number_or_text, row)) for row in rows], key


def test_every_table_in_one_workbook(pipeline, admin_user, client_for):
    response = client_for(admin_user).get(
        reverse("pipeline_export", args=["all", "xlsx"])
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    assert len(workbook.sheetnames) == 5
    assert workbook.sheetnames[1] == "By track"


def test_unknown_tables_formats_and_filters_are_refused_or_ignored(
    pipeline, admin_user, client_for
):
    client = client_for(admin_user)

    assert (
        client.get(reverse("pipeline_export", args=["people", "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("pipeline_export", args=["tracks", "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("pipeline_export", args=["all", "csv"])).status_code == 404
    )
    html = client.get(reverse("pipeline"), {"year": "soon"}).content.decode()
    assert figure(html, "trained") == "3"
