"""Every CSV and XLSX the system writes keeps learners' text from running as a
formula: a cell starting with = + - @ tab or CR gets a leading apostrophe,
while numbers stay numbers.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from courses.core.exports import FORMULA_START, safe_cell
from tests.grading.test_gradebook import (
    D,
    enrol,
    make_assignment,
    make_submission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]

HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(1)", "\tcmd", "\rcmd"]
ROSTER = "wagtailsnippets_courses_enrollment:list"


def _body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    text = _body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_cells(response) -> list:
    book = openpyxl.load_workbook(io.BytesIO(_body(response)))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_inert_csv(rows: list[list[str]], *texts: str) -> None:
    cells = [value for row in rows for value in row]
    assert not [v for v in cells if v.startswith(FORMULA_START)]
    for text in texts:
        assert f"'{text}" in cells


def assert_inert_xlsx(cells: list, *texts: str) -> None:
    strings = [c for c in cells if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in strings)
    assert not [c.value for c in strings if c.value.startswith(FORMULA_START)]
    # openpyxl reads a CR back as a line feed: compare what follows it.
    values = {c.value[2:] for c in strings if c.value.startswith("'")}
    assert {text[1:] for text in texts} <= values


@pytest.fixture
def client(english_admin_client_for, admin_user):
    return english_admin_client_for(admin_user)


@pytest.fixture
def hostile_learners(user_factory):
    return [
        user_factory(username=f"hostile-{n}", full_name=name)
        for n, name in enumerate(HOSTILE)
    ]


@pytest.fixture
def cohort(cohort_factory, hostile_learners):
    cohort = cohort_factory()
    enrol(cohort, *hostile_learners)
    assignment = make_assignment(cohort, "ps1")
    make_submission(assignment, hostile_learners[0], score=D("8.5"))
    return cohort


def test_safe_cell_marks_formula_text_and_leaves_numbers_alone():
    assert [safe_cell(t) for t in HOSTILE] == [f"'{t}" for t in HOSTILE]
    assert safe_cell("Kim -1") == "Kim -1"
    assert safe_cell(-1.5) == -1.5 and safe_cell(D("-2")) == D("-2")
    assert safe_cell(None) is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_export_keeps_names_as_text(client, cohort, fmt):
    response = client.get(reverse(ROSTER), {"export": fmt})

    if fmt == "csv":
        assert_inert_csv(csv_rows(response), *HOSTILE)
    else:
        assert_inert_xlsx(xlsx_cells(response), *HOSTILE)


def test_roster_xlsx_keeps_numbers_as_numbers(client, cohort, user_factory):
    waiting = user_factory(username="waiting", full_name="Waiting -1")
    enrol(cohort, waiting, status="waitlisted")

    cells = xlsx_cells(client.get(reverse(ROSTER), {"export": "xlsx"}))

    assert "Waiting -1" in [c.value for c in cells]  # not at the start: as it is
    numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert numbers == [1]  # its waitlist position


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cohort_list_export_keeps_institution_names_as_text(
    client, cohort, institution, fmt
):
    institution.name = institution.name_en = "@SUM(1)"
    institution.save()

    response = client.get(reverse("cohort:index"), {"export": fmt})

    if fmt == "csv":
        assert_inert_csv(csv_rows(response), "@SUM(1)")
    else:
        assert_inert_xlsx(xlsx_cells(response), "@SUM(1)")


def test_gradebook_exports_keep_names_as_text_and_scores_as_numbers(client, cohort):
    rows = csv_rows(client.get(reverse("cohort_gradebook_csv", args=[cohort.pk])))
    cells = xlsx_cells(client.get(reverse("cohort_gradebook_xlsx", args=[cohort.pk])))

    assert_inert_csv(rows, *HOSTILE)
    assert_inert_xlsx(cells, *HOSTILE)
    assert 8.5 in [c.value for c in cells if c.data_type == "n"]


def test_gradebook_exports_keep_assignment_names_in_headers_as_text(client, cohort):
    make_assignment(cohort, "-intro")

    rows = csv_rows(client.get(reverse("cohort_gradebook_csv", args=[cohort.pk])))

    assert "'-intro: final score" in rows[0]
    assert_inert_csv(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dashboard_exports_keep_institution_names_as_text(
    client, pipeline, institution, fmt
):
    name = '=HYPERLINK("http://x")'
    institution.name = institution.name_en = name
    institution.save()

    response = client.get(reverse("pipeline_export", args=["institutions", fmt]))

    if fmt == "csv":
        assert_inert_csv(csv_rows(response), name)
    else:
        assert_inert_xlsx(xlsx_cells(response), name)


def test_dashboard_exports_hold_the_nested_funnel_and_the_forecast_method(
    client, pipeline
):
    funnel = csv_rows(client.get(reverse("pipeline_export", args=["funnel", "csv"])))
    overview = csv_rows(
        client.get(reverse("pipeline_export", args=["overview", "csv"]))
    )

    assert [row[:2] for row in funnel[1:]] == [
        ["Applied", "6"],
        ["Admitted", "4"],
        ["Enrolled", "4"],
        ["Active", "4"],
        ["Completed", "3"],
    ]
    assert all(float(row[3]) <= 100 for row in funnel[2:])
    method = dict(row[:2] for row in overview[1:])["Forecast: method"]
    assert "least squares" in method
