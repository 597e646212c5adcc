"""Write the nbgrader corpus: for each notebook, the instructor's source and a
learner's answer, grouped in assignments (``<assignment>/source/`` and
``<assignment>/answer/``, data files beside them).

Run from the repository root after changing a case, and commit what it writes:

    .venv/bin/python tests/jupyter/corpus/make_corpus.py

A learner's answer starts from the student version nbgrader makes of the source
(generate_assignment, so it carries nbgrader's checksums), then gets the
learner's answers, their leftover outputs and, in some cases, their tampering.
tests/jupyter/test_corpus.py grades every answer through the LMS and through
the nbgrader command line and compares each cell.
"""

# ruff: noqa: E501 - the cases are data: one notebook per line reads best

import base64
import copy
import shutil
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import nbformat
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from courses.jupyter.nbgrader_app import Course, generate_assignment  # noqa: E402


def _png() -> str:
    """A 2x2 red PNG (base64), as a learner's plot would leave in the notebook."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    png = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    )
    png += chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


PNG = _png()
SHOW = (
    "import base64\nfrom IPython.display import HTML, Image, display\n"
    f"PNG = base64.b64decode({PNG!r})\n"
)


# -- cells of the source notebooks --------------------------------------------


def _meta(
    grade_id, *, grade=False, solution=False, locked=False, points=None, task=False
):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def answer(grade_id, code):
    """An autograded answer: a code solution cell (tests elsewhere grade it)."""
    return new_code_cell(code, metadata=_meta(grade_id, solution=True))


def tests(grade_id, code, points):
    """Autograder tests: a locked grade cell."""
    return new_code_cell(
        code, metadata=_meta(grade_id, grade=True, locked=True, points=points)
    )


def manual_code(grade_id, code, points):
    """A manually graded answer in code."""
    return new_code_cell(
        code, metadata=_meta(grade_id, grade=True, solution=True, points=points)
    )


def manual_text(grade_id, text, points):
    """A manually graded written answer."""
    return new_markdown_cell(
        text, metadata=_meta(grade_id, grade=True, solution=True, points=points)
    )


def task(grade_id, text, points):
    """A manually graded task."""
    return new_markdown_cell(
        text, metadata=_meta(grade_id, locked=True, points=points, task=True)
    )


def readonly(grade_id, text, code=False):
    make = new_code_cell if code else new_markdown_cell
    return make(text, metadata=_meta(grade_id, locked=True))


md, code = new_markdown_cell, new_code_cell

SQUARES = "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(1, n + 1)]\n    ### END SOLUTION"
SQUARES_TESTS = (
    "assert squares(1) == [1]\nassert squares(3) == [1, 4, 9]\n"
    "### BEGIN HIDDEN TESTS\nassert squares(0) == []\n"
    "assert squares(10)[-1] == 100\n### END HIDDEN TESTS"
)
MEAN = "def mean(xs):\n    ### BEGIN SOLUTION\n    return sum(xs) / len(xs)\n    ### END SOLUTION"
MEAN_TESTS = "assert mean([1, 2, 3]) == 2\nassert mean([5]) == 5"
WORD = "def greet(name):\n    return f'안녕하세요, {name}님'"
WORD_TESTS = "assert greet('민수') == '안녕하세요, 민수님', '인사가 틀렸습니다'"


def basic(title="Squares and means"):
    return [
        readonly("intro", f"# {title}\n\nAnswer in the marked cells."),
        answer("squares", SQUARES),
        tests("test_squares", SQUARES_TESTS, 2),
        answer("mean", MEAN),
        tests("test_mean", MEAN_TESTS, 1),
    ]


# -- learners' edits -----------------------------------------------------------


def cell_of(nb, grade_id):
    return next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def edit_source(grade_id, source):
    def apply(nb):
        cell_of(nb, grade_id).source = source

    return apply


def edit_meta(which, **changes):
    def apply(nb):
        cell_of(nb, which).metadata.nbgrader.update(changes)

    return apply


def delete(grade_id):
    def apply(nb):
        nb.cells.remove(cell_of(nb, grade_id))

    return apply


def duplicate(grade_id):
    def apply(nb):
        cell = cell_of(nb, grade_id)
        nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))

    return apply


def drop_meta(grade_id, key):
    def apply(nb):
        del cell_of(nb, grade_id).metadata.nbgrader[key]

    return apply


def to_markdown(grade_id):
    def apply(nb):
        cell = cell_of(nb, grade_id)
        nb.cells[nb.cells.index(cell)] = new_markdown_cell(
            cell.source, metadata=cell.metadata
        )

    return apply


def add_cells(*sources, at=None):
    def apply(nb):
        cells = [new_code_cell(s) for s in sources]
        where = len(nb.cells) if at is None else at
        nb.cells[where:where] = cells

    return apply


def leftover_outputs(grade_id):
    """Outputs of every kind, as a learner who ran the notebook leaves them."""

    def apply(nb):
        cell_of(nb, grade_id).outputs = [
            new_output("stream", name="stdout", text="계산 중...\n"),
            new_output("stream", name="stderr", text="warning: 느림\n"),
            new_output(
                "display_data", data={"image/png": PNG, "text/plain": "<Image>"}
            ),
            new_output(
                "display_data", data={"text/html": "<b>표</b>", "text/plain": "표"}
            ),
            new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
            new_output(
                "error",
                ename="ValueError",
                evalue="잘못된 값",
                traceback=["ValueError: 잘못된 값"],
            ),
        ]

    return apply


# -- the cases -----------------------------------------------------------------
# (name, source cells, learner's answers by grade id, learner's edits)

RIGHT_SQUARES = "def squares(n):\n    return [i * i for i in range(1, n + 1)]"
RIGHT_MEAN = "def mean(xs):\n    return sum(xs) / len(xs)"
HIDDEN_ONLY = "def squares(n):\n    return {1: [1], 3: [1, 4, 9]}.get(n)"

BASICS = [
    ("all_right", basic(), {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN}, []),
    (
        "wrong_answer",
        basic(),
        {"squares": "def squares(n):\n    return list(range(n))", "mean": RIGHT_MEAN},
        [],
    ),
    ("unanswered", basic(), {}, []),
    ("hidden_tests_fail", basic(), {"squares": HIDDEN_ONLY, "mean": RIGHT_MEAN}, []),
    (
        "no_markers",
        [
            md("# 표시 없는 풀이 (no solution markers)"),
            answer(
                "squares",
                "def squares(n):\n    return [i * i for i in range(1, n + 1)]",
            ),
            tests("test_squares", SQUARES_TESTS, 2),
            manual_text("explain", "The squares grow quadratically.", 2),
            answer("greet", WORD),
            tests("test_greet", WORD_TESTS, 1),
        ],
        {"squares": RIGHT_SQUARES, "explain": "제곱은 빠르게 커집니다.", "greet": WORD},
        [],
    ),
    (
        "no_markers_unanswered",
        [
            answer(
                "squares",
                "def squares(n):\n    return [i * i for i in range(1, n + 1)]",
            ),
            tests("test_squares", SQUARES_TESTS, 2),
            manual_text("explain", "Quadratic growth.", 2),
        ],
        {},
        [],
    ),
    (
        "two_regions",
        [
            answer(
                "stats",
                "def low(xs):\n    ### BEGIN SOLUTION\n    return min(xs)\n    ### END SOLUTION\n\n"
                "def high(xs):\n    ### BEGIN SOLUTION\n    return max(xs)\n    ### END SOLUTION",
            ),
            tests("test_low", "assert low([3, 1, 2]) == 1", 1),
            tests("test_high", "assert high([3, 1, 2]) == 3", 1),
        ],
        {
            "stats": "def low(xs):\n    return min(xs)\n\ndef high(xs):\n    return min(xs)"
        },
        [],
    ),
    (
        "korean",
        [
            readonly(
                "intro", "# 한글 과제\n\n이름을 받아 인사말을 돌려주는 함수를 쓰세요."
            ),
            answer(
                "greet",
                "def greet(name):\n    ### BEGIN SOLUTION\n    return f'안녕하세요, {name}님'\n    ### END SOLUTION",
            ),
            tests("test_greet", WORD_TESTS + "\nprint(greet('지수'))", 2),
            manual_text(
                "feelings",
                "느낀 점을 적으세요.\n\n### BEGIN SOLUTION\n재미있었습니다.\n### END SOLUTION",
                1,
            ),
        ],
        {"greet": WORD, "feelings": "파이썬이 재미있었어요. 😀"},
        [],
    ),
]

PARTIAL = [
    (
        "partial_credit",
        [
            answer(
                "fib",
                "def fib(n):\n    ### BEGIN SOLUTION\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n    ### END SOLUTION",
            ),
            tests("test_fib_small", "assert fib(0) == 0\nassert fib(1) == 1", 1),
            tests("test_fib_mid", "assert fib(10) == 55", 2),
            tests("test_fib_big", "assert fib(50) == 12586269025", 3),
        ],
        # Right for small n only.
        {"fib": "def fib(n):\n    return [0, 1, 1, 2, 3, 5][n] if n < 6 else 0"},
        [],
    ),
    (
        "partial_by_value",
        [
            answer(
                "answers", "### BEGIN SOLUTION\nA, B, C = 1, 2, 3\n### END SOLUTION"
            ),
            # nbgrader's partial credit: a grade cell whose result is a number.
            tests("test_count", "sum([A == 1, B == 2, C == 3]) * 1.0", 3),
            tests("test_ratio", "0.25 if A == 1 else 0", 2),
        ],
        {"answers": "A = 1\nB = 5\nC = 3"},
        [],
    ),
    (
        "stderr_in_test",
        [
            answer(
                "f",
                "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
            ),
            tests("test_quiet", "assert f() == 1", 1),
            tests(
                "test_noisy",
                "import sys\nprint('경고', file=sys.stderr)\nassert f() == 1",
                1,
            ),
        ],
        {"f": "def f():\n    return 1"},
        [],
    ),
    (
        "zero_points",
        [
            answer("x", "x = 1"),
            tests("test_x", "assert x == 1", 0),
            tests("test_y", "assert x == 2", 1),
        ],
        {"x": "x = 1"},
        [],
    ),
    ("empty_answer", basic(), {"squares": "", "mean": RIGHT_MEAN}, []),
    (
        "float_points",
        [
            answer("x", "x = 0.1 + 0.2"),
            tests("test_x", "assert abs(x - 0.3) < 1e-9", 0.5),
            tests("test_exact", "assert x == 0.3", 1.5),
        ],
        {"x": "x = 0.1 + 0.2"},
        [],
    ),
]

ERRORS = [
    (
        "exception",
        basic(),
        {
            "squares": "def squares(n):\n    raise ValueError('아직 못 풀었어요')",
            "mean": RIGHT_MEAN,
        },
        [],
    ),
    (
        "syntax_error",
        basic(),
        {"squares": "def squares(n)\n    return n", "mean": RIGHT_MEAN},
        [],
    ),
    (
        "name_error_cascade",
        basic(),
        {
            "squares": "import numpyy\ndef squares(n):\n    return n",
            "mean": "mean = undefined_name",
        },
        [],
    ),
    (
        "error_at_top",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [add_cells("1 / 0", "print(undefined)", at=0)],
    ),
    (
        "recursion",
        basic(),
        {"squares": "def squares(n):\n    return squares(n)", "mean": RIGHT_MEAN},
        [],
    ),
    (
        "test_cell_raises",
        [
            answer(
                "parse",
                "def parse(s):\n    ### BEGIN SOLUTION\n    return int(s)\n    ### END SOLUTION",
            ),
            tests("test_parse", "assert parse('12') == 12\nparse('열둘')", 1),
            tests("test_parse_ok", "assert parse('7') == 7", 1),
        ],
        {"parse": "def parse(s):\n    return int(s)"},
        [],
    ),
]

MANUAL = [
    (
        "manual_answers",
        [
            manual_text("essay", "Explain recursion.\n\nYOUR ANSWER HERE", 3),
            manual_code(
                "plot",
                "# Draw a chart\n### BEGIN SOLUTION\nprint('chart')\n### END SOLUTION",
                2,
            ),
            answer("squares", SQUARES),
            tests("test_squares", SQUARES_TESTS, 2),
        ],
        {
            "essay": "재귀는 자기 자신을 부르는 함수입니다.",
            "plot": "print('차트')",
            "squares": RIGHT_SQUARES,
        },
        [],
    ),
    (
        "manual_unanswered",
        [
            manual_text("essay", "Explain recursion.", 3),
            manual_code(
                "plot", "### BEGIN SOLUTION\nprint('chart')\n### END SOLUTION", 2
            ),
        ],
        {},
        [],
    ),
    (
        "manual_code_error",
        [
            manual_code(
                "plot", "### BEGIN SOLUTION\nprint('chart')\n### END SOLUTION", 2
            ),
            tests("test_after", "assert True", 1),
        ],
        {"plot": "raise RuntimeError('그림 실패')"},
        [],
    ),
    (
        "tasks",
        [
            task(
                "task_design",
                "## 과제: 데이터 설계\n\nDescribe the table you would build.",
                4,
            ),
            md("Your notes:"),
            code("notes = '여기에'"),
            task("task_review", "Review a classmate's notebook.", 1),
            answer("squares", SQUARES),
            tests("test_squares", SQUARES_TESTS, 1),
        ],
        {"squares": RIGHT_SQUARES},
        [],
    ),
    (
        "readonly_cells",
        [
            readonly("rules", "Do not change the next cell."),
            readonly("setup", "LIMIT = 10", code=True),
            answer(
                "under",
                "def under(x):\n    ### BEGIN SOLUTION\n    return x < LIMIT\n    ### END SOLUTION",
            ),
            tests("test_under", "assert under(3) and not under(11)", 2),
        ],
        {"under": "def under(x):\n    return x < LIMIT"},
        [],
    ),
    (
        "every_cell_type",
        [
            readonly("intro", "# 모든 종류의 셀"),
            readonly("setup", "import math", code=True),
            answer(
                "area",
                "def area(r):\n    ### BEGIN SOLUTION\n    return math.pi * r * r\n    ### END SOLUTION",
            ),
            tests(
                "test_area",
                "assert round(area(1), 2) == 3.14\n### BEGIN HIDDEN TESTS\nassert area(0) == 0\n### END HIDDEN TESTS",
                2,
            ),
            manual_code(
                "draw",
                "def draw():\n    ### BEGIN SOLUTION\n    print('o')\n    ### END SOLUTION",
                1,
            ),
            manual_text("why", "Why pi?", 1),
            task("task_share", "Share your result with the class.", 1),
            md("Free markdown."),
            code("print('scratch')"),
        ],
        {
            "area": "def area(r):\n    return math.pi * r * r",
            "draw": "def draw():\n    print('○')",
            "why": "원의 넓이니까요.",
        },
        [],
    ),
]

TAMPERED = [
    (
        "locked_text_edited",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [edit_source("intro", "# I rewrote the intro")],
    ),
    (
        "test_replaced",
        basic(),
        {"squares": "def squares(n):\n    return []", "mean": RIGHT_MEAN},
        [edit_source("test_squares", "pass"), edit_source("test_mean", "assert True")],
    ),
    (
        "points_raised",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": "def mean(xs):\n    return 0"},
        [edit_meta("test_squares", points=20), edit_meta("test_mean", points=10)],
    ),
    (
        "test_unlocked_ungraded",
        basic(),
        {"squares": "def squares(n):\n    return 0", "mean": RIGHT_MEAN},
        [edit_meta("test_squares", grade=False, locked=False)],
    ),
    (
        "test_deleted",
        basic(),
        {"squares": "def squares(n):\n    return 0", "mean": RIGHT_MEAN},
        [delete("test_squares")],
    ),
    (
        "test_turned_markdown",
        basic(),
        {"squares": "def squares(n):\n    return 0", "mean": RIGHT_MEAN},
        [to_markdown("test_squares")],
    ),
    (
        "locked_code_edited",
        [
            readonly("setup", "LIMIT = 10", code=True),
            answer("under", "def under(x):\n    return x < LIMIT"),
            tests("test_under", "assert under(3) and not under(11)", 2),
        ],
        {"under": "def under(x):\n    return x < LIMIT"},
        [edit_source("setup", "LIMIT = 1000")],
    ),
]

OUTPUTS = [
    (
        "outputs_every_kind",
        [
            code(
                SHOW
                + "print('표준 출력')\nimport sys\nprint('표준 오류', file=sys.stderr)\n"
                "display(Image(data=PNG))\ndisplay(HTML('<table><tr><td>가</td></tr></table>'))\n3 * 7"
            ),
            code("raise KeyError('출력 오류')"),
            answer("squares", SQUARES),
            tests(
                "test_squares",
                SQUARES_TESTS + "\ndisplay(HTML('<b>통과</b>'))\nprint('ok')",
                2,
            ),
            tests(
                "test_display",
                SHOW + "display(Image(data=PNG))\nassert squares(2) == [1, 4]",
                1,
            ),
        ],
        {"squares": RIGHT_SQUARES},
        [leftover_outputs("squares")],
    ),
    (
        "stale_outputs",
        basic(),
        {"squares": "def squares(n):\n    return 0", "mean": RIGHT_MEAN},
        [leftover_outputs("test_squares"), leftover_outputs("squares")],
    ),
    (
        "data_file",
        [
            answer(
                "count",
                "def count():\n    ### BEGIN SOLUTION\n    with open('도시.csv', encoding='utf-8') as f:\n        return len(f.read().split())\n    ### END SOLUTION",
            ),
            tests("test_count", "assert count() == 3", 2),
        ],
        {
            "count": "def count():\n    with open('도시.csv', encoding='utf-8') as f:\n        return len(f.read().split())"
        },
        [],
    ),
    (
        "big_result",
        [
            answer(
                "table",
                "### BEGIN SOLUTION\nrows = [(i, i * i) for i in range(2000)]\n### END SOLUTION",
            ),
            tests("test_table", "print(rows)\nassert len(rows) == 2000", 1),
        ],
        {"table": "rows = [(i, '가' * 3) for i in range(2000)]"},
        [],
    ),
]

OUTPUTS.append(
    (
        "over_output_limit",
        [
            answer(
                "text", "### BEGIN SOLUTION\nTEXT = '가나다' * 10\n### END SOLUTION"
            ),
            tests(
                "test_text",
                "print('가' * (3 * 1024 * 1024))\nassert TEXT.startswith('가')",
                1,
            ),
            tests("test_after", "assert len(TEXT) == 30", 1),
        ],
        {"text": "TEXT = '가나다' * 10"},
        [],
    )
)

CRASH = [
    (
        "kernel_killed",
        basic(),
        {
            "squares": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
            "mean": RIGHT_MEAN,
        },
        [],
    ),
    (
        "kernel_exits",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": "import os\nos._exit(3)"},
        [],
    ),
]

# Learners' edits that nbgrader's autograde cannot repair: it stops with an
# error and leaves the notebook to a person (so does the LMS, saying why).
BROKEN = [
    (
        "answer_duplicated",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [
            duplicate("squares"),
            edit_source("squares", "def squares(n):\n    return None"),
        ],
    ),
    (
        "test_duplicated",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [duplicate("test_mean")],
    ),
    (
        "points_removed",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [drop_meta("test_squares", "points")],
    ),
    (
        "grade_id_removed",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [drop_meta("test_mean", "grade_id")],
    ),
    (
        "grade_id_renamed",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [edit_meta("squares", grade_id="my_squares")],
    ),
    (
        "schema_changed",
        basic(),
        {"squares": RIGHT_SQUARES, "mean": RIGHT_MEAN},
        [edit_meta("mean", schema_version=2)],
    ),
]

ASSIGNMENTS = {
    "broken": BROKEN,
    "basics": BASICS,
    "partial": PARTIAL,
    "errors": ERRORS,
    "manual": MANUAL,
    "tampered": TAMPERED,
    "outputs": OUTPUTS,
    "crash": CRASH,
}
DATA_FILES = {"outputs": {"도시.csv": "광주\n서울\n부산\n".encode()}}


# -- writing -------------------------------------------------------------------


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=copy.deepcopy(cells),
        metadata={
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
    )
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nb


def learner_copy(release: Path, answers: dict, edits: list) -> nbformat.NotebookNode:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    for apply in edits:
        apply(nb)
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"  # a duplicated cell keeps an id of its own
    return nb


def write(root: Path = HERE) -> None:
    for assignment, cases in ASSIGNMENTS.items():
        folder = root / assignment
        shutil.rmtree(folder, ignore_errors=True)
        data = DATA_FILES.get(assignment, {})
        for part in ("source", "answer"):
            (folder / part).mkdir(parents=True)
            for name, content in data.items():
                (folder / part / name).write_bytes(content)
        for name, cells, _answers, _edits in cases:
            nbformat.write(notebook(cells), folder / "source" / f"{name}.ipynb")
        with tempfile.TemporaryDirectory() as tmp:
            course = Course(Path(tmp), "corpus")
            shutil.copytree(folder / "source", course.root / "source" / assignment)
            generate_assignment(course=course, assignment=assignment)
            release = course.root / "release" / assignment
            for name, _cells, answers, edits in cases:
                nb = learner_copy(release / f"{name}.ipynb", answers, edits)
                nbformat.write(nb, folder / "answer" / f"{name}.ipynb")


if __name__ == "__main__":
    write()
    count = sum(len(cases) for cases in ASSIGNMENTS.values())
    print(f"{count} notebooks in {len(ASSIGNMENTS)} assignments under {HERE}")  # noqa: T201
