"""Every import inside a function says why it waits (issue 17).

An import deferred into a function body usually dodges a cycle between modules;
each one carries ``# deferred: <reason>`` at the end of its line, or on the line
above it (one comment may head a run of imports that follow each other). None
may wait to dodge a cycle: the slices import one way (docs/architecture.md).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("courses", "lms")
MARK = "# deferred:"


def _runs(function: ast.AST):
    """The imports in ``function``, each with the first import of its run."""
    for owner in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(owner, field, None)
            if not isinstance(body, list):
                continue
            first = None
            for node in body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    first = first or node
                    yield node, first
                else:
                    first = None


def deferred_imports() -> list[tuple[str, int, str]]:
    """(file, line, reason) of every import inside a function; reason "" if none."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = path.read_text().splitlines()
            tree = ast.parse("\n".join(lines))
            functions = (
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            )
            for function in functions:
                for node, first in _runs(function):
                    own = lines[node.lineno - 1 : node.end_lineno]
                    above = lines[first.lineno - 2].strip()
                    candidates = [*own, above if above.startswith("#") else ""]
                    reason = next(
                        (
                            line.split(MARK, 1)[1].strip()
                            for line in candidates
                            if MARK in line
                        ),
                        "",
                    )
                    name = str(path.relative_to(ROOT))
                    found[(name, node.lineno)] = reason
    return [(name, line, reason) for (name, line), reason in sorted(found.items())]


DEFERRED = deferred_imports()


def test_the_deferred_imports_are_found():
    # Django's ready() hooks import their receivers in a function: always there.
    assert "courses/apps.py" in {name for name, _, _ in DEFERRED}


@pytest.mark.parametrize(
    ("path", "line", "reason"),
    DEFERRED,
    ids=[f"{path}:{line}" for path, line, _ in DEFERRED],
)
def test_every_deferred_import_says_why(path, line, reason):
    assert reason, f"{path}:{line}: add '{MARK} <reason>' above or at the end"
    # The slices import one way (docs/architecture.md): a cycle is undone with a
    # signal or by moving code to its slice, never by waiting to import.
    assert "cycle" not in reason.replace("no cycle", ""), f"{path}:{line}: {reason}"
