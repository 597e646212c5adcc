"""Tables downloaded as CSV or XLSX: the cohort gradebook (shown in the admin),
and ``table_csv`` / ``tables_xlsx`` for any other table (the pipeline's figures).

The page, the CSV and the workbook are all made from ``gradebook_table`` so they
never disagree. Every cell the system writes to a spreadsheet passes
``safe_cell``, Wagtail's own list exports included (``neutralise_wagtail_exports``).
"""

import csv
import decimal
import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from courses.core.http import attachment_response

# A cell starting with one of these is a formula to a spreadsheet program: the
# learners choose their own names, so such text is never left to be run.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def safe_cell(value):
    """``value``, with text that a spreadsheet would run as a formula made inert.

    Numbers, dates and the like are not text and stay as they are (-1.5 is a
    number); only strings get the leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def table_csv(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheet programs read Korean right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(v) for v in headers])
    for values in rows:
        writer.writerow([safe_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cells(sheet, values):
    for value in values:
        if isinstance(value, decimal.Decimal):
            value = float(value)
        cell = WriteOnlyCell(sheet, safe_cell(value))
        if cell.data_type == "f":  # never a formula, whatever openpyxl guesses
            cell.data_type = "s"
        yield cell


def tables_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """A workbook of one sheet per (title, headers, rows)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        # Sheet titles: at most 31 characters, none of []:*?/\
        sheet = workbook.create_sheet(title=re.sub(r"[][:*?/\\]", " ", title)[:31])
        sheet.append(_xlsx_cells(sheet, headers))
        for values in rows:
            sheet.append(_xlsx_cells(sheet, values))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def download(data: bytes, *, filename: str) -> HttpResponse:
    """A CSV or XLSX file (by the extension of ``filename``) as an attachment."""
    kind = XLSX_TYPE if filename.endswith(".xlsx") else CSV_TYPE
    return attachment_response(data, filename=filename, content_type=kind)


def neutralise_wagtail_exports() -> None:
    """Pass every value of Wagtail's spreadsheet exports through ``safe_cell``.

    Wagtail's list exports (viewsets' ``list_export``, the reports, the site
    history) write learners' and editors' text as it is into CSV; patching the
    one hook they share covers every such view, present and future."""
    # deferred: Wagtail's admin views need a loaded app registry; no cycle
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    prepare = SpreadsheetExportMixin.preprocess_field_value
    if getattr(prepare, "neutralised", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(prepare(self, field, value, export_format))

    preprocess_field_value.neutralised = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
