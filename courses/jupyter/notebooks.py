"""Checks on notebooks as files: readable, nbformat 4, nbgrader metadata sane.

Each check returns ``Problem``s a person can act on (naming the notebook and the
cell) and never raises for bad input. A problem's template is marked for
translation here and translated by the Django side (``_(template) % params``).
"""

import json
import re
from dataclasses import dataclass, field

import nbformat


def gettext_noop(text: str) -> str:
    """Marks a template for makemessages; the LMS translates it when shown."""
    return text


@dataclass(frozen=True)
class Problem:
    template: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % self.params


NOT_JSON = gettext_noop("%(name)s: not a notebook (unreadable JSON: %(error)s).")
NOT_V4 = gettext_noop("%(name)s: not an nbformat 4 notebook.")
INVALID = gettext_noop("%(name)s: not a valid notebook (%(error)s).")
NO_CELLS = gettext_noop("%(name)s: the notebook has no cells.")
NO_GRADE_ID = gettext_noop("%(cell)s is an nbgrader cell without a grade id.")
BAD_GRADE_ID = gettext_noop(
    "%(cell)s: its grade id may hold only letters, digits, '_' and '-'."
)
DUPLICATE_ID = gettext_noop("%(cell)s: its grade id is also used by cell %(other)d.")
NO_POINTS = gettext_noop("%(cell)s is graded but has no points.")
BAD_POINTS = gettext_noop("%(cell)s: its points must be a number, 0 or more.")
MARKDOWN_GRADE = gettext_noop(
    "%(cell)s: a graded Markdown cell must also be a solution cell (a written answer)."
)
MARKDOWN_SOLUTION = gettext_noop(
    "%(cell)s: a Markdown solution cell must also be graded (give it points)."
)
TASK_NOT_MARKDOWN = gettext_noop("%(cell)s: a task cell must be a Markdown cell.")
UNCLOSED_SOLUTION = gettext_noop(
    "%(cell)s: '### BEGIN SOLUTION' without a matching '### END SOLUTION'."
)
NESTED_SOLUTION = gettext_noop(
    "%(cell)s: '### BEGIN SOLUTION' inside another solution region."
)
REGION_OUTSIDE = gettext_noop(
    "%(cell)s has '### BEGIN SOLUTION' but is not a solution cell: mark it as a "
    "solution cell or remove the markers."
)
CELL_MISSING = gettext_noop("%(name)s: cell '%(id)s' is missing or its id was changed.")
METADATA_CHANGED = gettext_noop(
    "%(name)s: the nbgrader metadata of cell '%(id)s' was changed (%(key)s)."
)
LOCKED_EDITED = gettext_noop("%(name)s: the read-only cell '%(id)s' was edited.")
CELL_UNKNOWN = gettext_noop("%(name)s: cell '%(id)s' is not in the released notebook.")


def _label(name: str, index: int, cell: dict) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    where = f"cell {index + 1}"
    return f"{name}: {where} ('{grade_id}')" if grade_id else f"{name}: {where}"


def notebook_read(name: str, data: bytes) -> tuple[dict | None, list[Problem]]:
    """Parse ``data`` as an nbformat 4 notebook; (notebook, []) or (None, problems)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [Problem(NOT_JSON, {"name": name, "error": str(error)})]
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        return None, [Problem(NOT_V4, {"name": name})]
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(notebook)
    except (nbformat.ValidationError, ValueError, KeyError) as error:
        message = str(error).splitlines()[0][:200]
        return None, [Problem(INVALID, {"name": name, "error": message})]
    if not notebook.cells:
        return None, [Problem(NO_CELLS, {"name": name})]
    return notebook, []


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_problems(name: str, notebook) -> list[Problem]:
    """What nbgrader itself refuses in an instructor's source notebook, named by
    cell. Nothing more: a solution cell without BEGIN/END SOLUTION markers is
    fine (nbgrader replaces the whole cell by the stub)."""
    problems, seen = [], {}
    for index, cell in enumerate(notebook.cells):
        meta, where = _nbgrader(cell), {"cell": _label(name, index, cell)}
        problems += [Problem(t, where) for t in _region_problems(cell, meta)]
        if not (meta.get("solution") or meta.get("grade") or meta.get("locked")):
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            problems.append(Problem(NO_GRADE_ID, where))
            continue
        if not isinstance(grade_id, str) or not GRADE_ID.fullmatch(grade_id):
            problems.append(Problem(BAD_GRADE_ID, where))
        elif grade_id in seen:
            problems.append(
                Problem(DUPLICATE_ID, {**where, "other": seen[grade_id] + 1})
            )
        seen.setdefault(grade_id, index)
        problems += [Problem(t, where) for t in _cell_problems(cell, meta)]
    return problems


GRADE_ID = re.compile(r"[A-Za-z0-9_\-]+")  # nbgrader's metadata schema


def _cell_problems(cell, meta: dict) -> list[str]:
    """nbgrader's MetadataValidator rules for one cell, as templates."""
    found, markdown = [], cell.cell_type == "markdown"
    points = meta.get("points")
    if meta.get("grade") and "points" not in meta:
        found.append(NO_POINTS)
    elif "points" in meta and (
        isinstance(points, bool) or not isinstance(points, int | float) or points < 0
    ):
        found.append(BAD_POINTS)
    if meta.get("task"):
        if not markdown:
            found.append(TASK_NOT_MARKDOWN)
    elif markdown and meta.get("grade") and not meta.get("solution"):
        found.append(MARKDOWN_GRADE)
    elif markdown and meta.get("solution") and not meta.get("grade"):
        found.append(MARKDOWN_SOLUTION)
    return found


def _region_problems(cell, meta: dict) -> list[str]:
    """nbgrader's ClearSolutions refusals: unbalanced or nested markers, or a
    solution region in a cell that is not a solution cell."""
    depth, regions = 0, 0
    for line in cell.get("source", "").splitlines():
        if "BEGIN SOLUTION" in line:  # nbgrader's test: a substring of the line
            if depth:
                return [NESTED_SOLUTION]
            depth, regions = 1, regions + 1
        elif "END SOLUTION" in line:
            depth = 0
    if depth:
        return [UNCLOSED_SOLUTION]
    if regions and not meta.get("solution"):
        return [REGION_OUTSIDE]
    return []


def tampering(name: str, released, submitted) -> list[Problem]:
    """How a learner's notebook departs from the release in what grading relies on."""
    wanted = {
        _nbgrader(c)["grade_id"]: c
        for c in released.cells
        if _nbgrader(c).get("grade_id")
    }
    found = {_nbgrader(c).get("grade_id"): c for c in submitted.cells if _nbgrader(c)}
    warnings = []
    for grade_id, cell in wanted.items():
        where = {"name": name, "id": grade_id}
        theirs = found.get(grade_id)
        if theirs is None:
            warnings.append(Problem(CELL_MISSING, where))
            continue
        mine, other = _nbgrader(cell), _nbgrader(theirs)
        changed = [
            k
            for k in ("grade", "solution", "locked", "points")
            if mine.get(k) != other.get(k)
        ]
        if changed:
            warnings.append(Problem(METADATA_CHANGED, {**where, "key": changed[0]}))
        elif mine.get("locked") and theirs.get("source") != cell.get("source"):
            warnings.append(Problem(LOCKED_EDITED, where))
    for grade_id in sorted(set(found) - set(wanted) - {None}):
        warnings.append(Problem(CELL_UNKNOWN, {"name": name, "id": grade_id}))
    return warnings
