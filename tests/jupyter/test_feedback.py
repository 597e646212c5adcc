"""RedactHiddenTests on hand-made autograded notebooks: no kernel needed."""

from nbformat.v4 import new_code_cell, new_notebook, new_output

from courses.jupyter.feedback import HIDDEN_SOURCE, WITHHELD, RedactHiddenTests

TEST_CELL = """assert add(1, 1) == 2
### BEGIN HIDDEN TESTS
assert add(-1, -1) == -2, "secret edge case"
### END HIDDEN TESTS"""


def autograded(*cells):
    return new_notebook(cells=list(cells))


def traceback_of(line):
    return new_output(
        "error", ename="AssertionError", evalue="x", traceback=[f"----> 3 {line}"]
    )


def redact(nb):
    return RedactHiddenTests().preprocess(nb, {})[0]


def test_hidden_lines_leave_the_source_and_visible_ones_stay():
    nb = redact(autograded(new_code_cell(TEST_CELL)))

    source = nb.cells[0].source
    assert "secret edge case" not in source and "HIDDEN TESTS" not in source
    assert source.splitlines() == ["assert add(1, 1) == 2", HIDDEN_SOURCE]


def test_a_failing_hidden_test_shows_that_it_failed_not_how():
    cell = new_code_cell(TEST_CELL)
    cell.outputs = [traceback_of('assert add(-1, -1) == -2, "secret edge case"')]

    outputs = redact(autograded(cell)).cells[0].outputs

    assert len(outputs) == 1 and "A test failed" in outputs[0].text
    assert "secret" not in str(outputs)


def test_any_output_quoting_a_hidden_line_is_withheld_elsewhere_too():
    printed = new_code_cell("print(In)")
    printed.outputs = [
        new_output("stream", name="stdout", text=f"['', {TEST_CELL!r}]"),
        new_output("stream", name="stdout", text="an honest line"),
    ]

    nb = redact(autograded(new_code_cell(TEST_CELL), printed))

    assert [o.text.strip() for o in nb.cells[1].outputs] == [WITHHELD, "an honest line"]


def test_notebooks_without_hidden_tests_are_left_alone():
    cell = new_code_cell("assert add(2, 2) == 4")
    cell.outputs = [traceback_of("assert add(2, 2) == 4")]

    nb = redact(autograded(cell))

    assert nb.cells[0].source == "assert add(2, 2) == 4"
    assert nb.cells[0].outputs[0].output_type == "error"
