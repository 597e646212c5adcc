"""Read the pipeline's figures back from each surface that shows them, into one
shape, so a test can compare the surfaces with each other and with the SQL.

The shape (``Shown``): ``{"trained": n, "tracks": {code: n}, "years": {year: n},
"institutions": {code: n}, "funnel": {key: n}}`` where ``n`` is an int, or
"<5" where a public surface suppresses it. A surface that does not show a part
leaves its key out.

- ``cards(html)``: the catalogue's track cards, ``{code: n}``.
- ``progress(html)``: the public /progress/ page.
- ``dashboard(html)``: the admin dashboard's tables (HTML).
- ``csv_table(data)`` / ``xlsx_tables(data)``: the downloads, as rows of text.
- ``from_tables(tables)``: the dashboard's tables (HTML, CSV or XLSX) as Shown.
- ``from_api(json)``: the reporting API's answer.

The parsers key on ``data-*`` hooks in the templates (``data-track``,
``data-year``, ``data-figure``, ``data-table``, ``data-key``); where a hook is
missing they read the cell at its column (``COLUMNS``).
"""

import csv
import io
import re

from bs4 import BeautifulSoup

SUPPRESSED = "<5"
FUNNEL = ("applied", "admitted", "enrolled", "active", "completed")
# Where a table's figures sit when its rows carry no data-key/data-column:
# (column of the row's key, column of the count).
COLUMNS = {
    "tracks": (1, 2),
    "years": (0, 1),
    "institutions": (1, 2),
    "funnel": (None, 1),  # rows in FUNNEL order
}
# Which column of each table holds the count, when cells carry data-column.
COUNT_COLUMNS = {"tracks": "trained", "years": "trained", "institutions": "trained"}

Shown = dict
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def count(text) -> int | str | None:
    """A shown count as an int, "<5" as itself, nothing as None."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"not a count: {text!r}")
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if text != int(text):
            raise ValueError(f"not a count: {text!r}")
        return int(text)
    text = " ".join(str(text).split())
    if text in {"", "—", "-"}:
        return None
    if text == SUPPRESSED:
        return SUPPRESSED
    digits = text.replace(",", "")
    if not re.fullmatch(r"\d+", digits):
        raise ValueError(f"not a count: {text!r}")
    return int(digits)


def _soup(html: "str | bytes | BeautifulSoup") -> BeautifulSoup:
    if isinstance(html, BeautifulSoup):
        return html
    if isinstance(html, bytes):
        html = html.decode()
    return BeautifulSoup(_content(html), "html.parser")


def _content(html: str) -> str:
    """The page's figures only, which parse in a fraction of the time: from its
    first section to the end of ``<main>``, without drawings (the admin's menus
    and icons are most of a page)."""
    start, end = html.find("<main"), html.rfind("</main>")
    if start != -1 and end != -1:
        html = html[start : end + len("</main>")]
    first = html.find("<section")
    return SVG.sub("", html[first:] if first != -1 else html)


def _text(tag) -> str:
    return tag.get_text(" ", strip=True) if tag is not None else ""


# Public surfaces --------------------------------------------------------------


def cards(html) -> dict[str, int | str]:
    """Each track card's "people trained": ``{track code: n}``, from
    ``<dd data-trained="<code>">`` (or a card's ``data-track`` and its
    ``data-figure="trained"``)."""
    soup = _soup(html)
    found = {
        cell["data-trained"]: count(_text(cell))
        for cell in soup.select("[data-trained]")
    }
    for card in soup.select("[data-track]"):
        cell = card.select_one('[data-figure="trained"]')
        if cell is not None:
            found[card["data-track"]] = count(_text(cell))
    return found


def progress(html: str | bytes, *, titles: dict[str, str] | None = None) -> Shown:
    """The public progress page: headline total, years, tracks (and funnel or
    institutions, if shown). ``titles`` maps a track's title to its code for
    rows without ``data-track``."""
    soup = _soup(html)
    shown: Shown = {}
    headline = soup.select_one('[data-figure="trained"]')
    if headline is not None:
        shown["trained"] = count(_text(headline))
    for key in ("years", "tracks", "institutions", "funnel"):
        table = soup.select_one(f'[data-table="{key}"]')
        if table is not None:
            shown[key] = _public_rows(key, table, titles or {})
    return shown


def _public_rows(key: str, table, titles: dict[str, str]) -> dict:
    rows = {}
    hook = {"years": "data-year", "tracks": "data-track"}.get(key, "data-key")
    for position, row in enumerate(table.select("tbody tr")):
        cells = row.find_all(["th", "td"])
        name = row.get(hook) or row.get("data-key")
        if name is None:
            name = FUNNEL[position] if key == "funnel" else _text(cells[0])
            name = titles.get(name, name)
        cell = row.select_one('[data-figure="trained"], [data-figure="people"]')
        value = count(_text(cell if cell is not None else cells[1]))
        rows[int(name) if key == "years" else name] = value
    return rows


# The admin dashboard and its downloads ----------------------------------------


def page(html: str | bytes) -> BeautifulSoup:
    """A page parsed once, for several of the readers here."""
    return _soup(html)


def dashboard(html) -> dict[str, list[list[str]]]:
    """The dashboard's tables, ``{key: [header row, *rows]}``, as text; rows
    with a data-key get it as an extra first cell ``#key=...`` (see
    ``from_tables``)."""
    tables = {}
    for table in _soup(html).select("table[data-table]"):
        head = [_column(th) for th in table.select("thead th")]
        rows = [head]
        for row in table.select("tbody tr"):
            cells = [_text(c) for c in row.find_all(["th", "td"])]
            if len(cells) == 1 and row.find(attrs={"colspan": True}):
                continue  # "Nothing to show for this filter."
            if row.get("data-key") is not None:
                cells = [f"#key={row['data-key']}", *cells]
            rows.append(cells)
        tables[table["data-table"]] = rows
    return tables


def _column(th) -> str:
    name = th.get("data-column")
    return f"#column={name}" if name else _text(th)


def table_titles(html) -> dict[str, str]:
    """``{title as a workbook's sheet names it: key}`` of the dashboard's tables
    (each titled by ``<h2 id="table-<key>">``)."""
    titles = {}
    for heading in _soup(html).select('[id^="table-"]'):
        titles[sheet_title(_text(heading))] = heading["id"].removeprefix("table-")
    return titles


def sheet_title(title: str) -> str:
    # As courses/exports.py names a sheet: no []:*?/\, at most 31 characters.
    return re.sub(r"[][:*?/\\]", " ", title)[:31]


def dashboard_headline(html) -> int | str | None:
    soup = _soup(html)
    cell = soup.select_one('#headline [data-figure="trained"]')
    if cell is None:
        cell = soup.select_one('[data-figure="trained"]')
    return count(_text(cell))


def csv_table(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row]


def xlsx_tables(data: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's rows by the sheet's title, values as text."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {
        sheet.title: [
            ["" if v is None else str(v) for v in values]
            for values in sheet.iter_rows(values_only=True)
        ]
        for sheet in workbook.worksheets
    }


def same_cells(rows: list[list]) -> list[list]:
    """Rows with numbers as numbers: a workbook keeps 0.0 as 0, CSV as "0.0"."""
    return [[_number(cell) for cell in cells] for cells in rows]


def _number(cell):
    try:
        return float(cell)
    except (TypeError, ValueError):
        return cell


def from_tables(tables: dict[str, list[list[str]]]) -> Shown:
    """The counts of the dashboard's tables (HTML, CSV or XLSX rows, header
    first), in the common shape."""
    shown: Shown = {}
    for key in ("tracks", "years", "institutions", "funnel"):
        if key in tables:
            shown[key] = _counts(key, tables[key])
    if "overview" in tables:
        shown["trained"] = _overview_trained(tables["overview"])
    return shown


def _overview_trained(rows: list[list[str]]) -> int | str | None:
    for cells in rows[1:]:
        if cells[0] == "#key=trained":
            return count(cells[2])
    return count(rows[1][1])  # no hooks: the first row is the trained talents


def _counts(key: str, rows: list[list[str]]) -> dict:
    head, body = rows[0], rows[1:]
    keyed = bool(body) and body[0][0].startswith("#key=")
    found = {}
    for position, cells in enumerate(body):
        if keyed:
            name, cells = cells[0].removeprefix("#key="), cells[1:]
        else:
            name_at = COLUMNS[key][0]
            name = FUNNEL[position] if name_at is None else cells[name_at]
        at = _count_column(key, head)
        found[int(name) if key == "years" else name] = count(cells[at])
    return found


def _count_column(key: str, head: list[str]) -> int:
    wanted = f"#column={COUNT_COLUMNS.get(key, 'people')}"
    return head.index(wanted) if wanted in head else COLUMNS[key][1]


def shares(rows: list[list[str]]) -> list[float]:
    """Every percentage in a table's rows (the funnel's shares)."""
    found = []
    for cells in rows[1:]:
        for cell in cells:
            text = str(cell).strip().rstrip("%")
            if re.fullmatch(r"\d+\.\d+", text):
                found.append(float(text))
    return found


# The reporting API ------------------------------------------------------------


def from_api(data: dict) -> Shown:
    return {
        "trained": data["trained"],
        "tracks": {t["code"]: t["trained"] for t in data["tracks"]},
        "years": {y["year"]: y["trained"] for y in data["years"]},
        "institutions": {p["code"]: p["trained"] for p in data["institutions"]},
        "funnel": {k: data["funnel"][k] for k in data["funnel"]},
    }
