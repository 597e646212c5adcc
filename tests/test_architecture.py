"""The shape of courses/ (docs/architecture.md): slices that import one way,
small modules, short functions, tests that mirror the slices."""

import ast
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "courses"
SLICES = (
    "core",
    "catalogue",
    "enrollment",
    "lab",
    "grading",
    "completion",
    "reporting",
    "demo",
    "jupyter",
)
MODULE_MAX_LINES = 300
FUNCTION_P90_MAX_LINES = 25


def _modules() -> list[Path]:
    return [p for p in sorted(COURSES.rglob("*.py")) if "migrations" not in p.parts]


def _function_lengths() -> list[int]:
    lengths = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths.append(node.end_lineno - node.lineno + 1)
    return lengths


def test_the_slices_keep_their_import_contracts():
    completed = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert "0 broken" in completed.stdout


def test_every_slice_is_a_package_of_the_one_app():
    for name in SLICES:
        assert (COURSES / name / "__init__.py").is_file(), name
    # Code imports models from their slice; this module only gathers them.
    assert (COURSES / "models.py").is_file()
    assert not (COURSES / "selectors").exists()
    assert not (COURSES / "services").exists()


def test_no_module_is_longer_than_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MODULE_MAX_LINES
    }
    assert long == {}


def test_functions_stay_short():
    lengths = _function_lengths()
    p90 = statistics.quantiles(lengths, n=10)[-1]
    assert len(lengths) > 500
    assert p90 <= FUNCTION_P90_MAX_LINES


def test_the_tests_mirror_the_slices():
    tests = ROOT / "tests"
    for name in SLICES:
        if name == "demo":  # seeded and checked by the other slices' tests
            continue
        assert any((tests / name).glob("test_*.py")), name
    assert not (tests / "courses").exists()
