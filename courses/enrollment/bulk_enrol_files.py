"""Reading a list of people (CSV or XLSX) uploaded for bulk enrolment.

Lists come from military units' and universities' offices: Korean Excel saves CSV
in CP949 (a superset of EUC-KR), other tools in UTF-8 with or without a byte order
mark; headers are Korean or English; extra columns are common. Every cell is read
as text, never evaluated: an XLSX formula gives at most its cached value.
"""

import io
import zipfile
from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _

# A battalion or a faculty is at most a few thousand people; the limits leave
# room for that while keeping one upload from tying up a worker.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: what it unpacks to is bounded too (a zip bomb is small).
MAX_XLSX_UNPACKED = 60 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"

# Header spellings, compared after dropping case, spaces, '-', '_' and '.'.
EMAIL_HEADERS = {"email", "emailaddress", "mail", "이메일", "이메일주소", "전자우편"}
NAME_HEADERS = {"name", "fullname", "이름", "성명", "성함"}


class BulkFileError(Exception):
    """The file as a whole cannot be read; ``message`` says what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PersonRow:
    """One data row: its line in the file (the header is line 1)."""

    number: int
    email: str
    name: str


def people_read(*, name: str, data: bytes) -> list[PersonRow]:
    """The rows of an uploaded CSV or XLSX file; BulkFileError if it is none."""
    if len(data) > MAX_BYTES:
        raise BulkFileError(
            _("The file is larger than %(size)d MB: split it into smaller lists.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise BulkFileError(_("The file is empty."))
    dataset = _dataset(name, data)
    email_at, name_at = _columns(dataset.headers or [])
    if dataset.height > MAX_ROWS:
        raise BulkFileError(
            _("The file has more than %(rows)d rows: split it into smaller lists.")
            % {"rows": MAX_ROWS}
        )
    return [
        PersonRow(number=i + 2, email=_cell(row, email_at), name=_cell(row, name_at))
        for i, row in enumerate(dataset)
        if any(_text(value) for value in row)
    ]


def _dataset(name: str, data: bytes) -> tablib.Dataset:
    is_xlsx = data.startswith(XLSX_MAGIC)
    if is_xlsx:
        _check_unpacked_size(data)
        source, kind = io.BytesIO(data), "xlsx"
    elif name.lower().endswith((".xlsx", ".xls")) or b"\x00" in data[:4096]:
        raise BulkFileError(_not_a_list())
    else:
        source, kind = _decoded(data), "csv"
    try:
        return tablib.Dataset().load(source, format=kind)
    except tablib.InvalidDimensions:
        raise BulkFileError(
            _("Some rows have more cells than the header row: check the file.")
        ) from None
    except Exception:  # noqa: BLE001 - openpyxl and csv fail in many ways
        raise BulkFileError(_not_a_list()) from None


def _not_a_list() -> str:
    return _("This is not a CSV or Excel (XLSX) file. Save the list as one of them.")


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise BulkFileError(_not_a_list()) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise BulkFileError(
            _("The workbook is too large once unpacked: split it into smaller lists.")
        )


def _decoded(data: bytes) -> str:
    """UTF-8 (a byte order mark is dropped), else Korean Excel's CP949."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BulkFileError(
        _("The file's text encoding is neither UTF-8 nor Korean (CP949/EUC-KR).")
    )


def _normal_header(value) -> str:
    text = _text(value).lower()
    for mark in (" ", "-", "_", ".", "\ufeff"):
        text = text.replace(mark, "")
    return text


def _columns(headers: list) -> tuple[int, int | None]:
    """Where the e-mail and the name are; other columns are ignored."""
    normal = [_normal_header(h) for h in headers]
    email_at = next((i for i, h in enumerate(normal) if h in EMAIL_HEADERS), None)
    name_at = next((i for i, h in enumerate(normal) if h in NAME_HEADERS), None)
    if email_at is None:
        raise BulkFileError(
            _(
                "No e-mail column: the first row must name the columns, one of "
                "them 'email' or '이메일' (and optionally 'name' or '이름')."
            )
        )
    return email_at, name_at


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _cell(row: tuple, index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return _text(row[index])
