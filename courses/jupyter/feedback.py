"""Feedback HTML for a learner, without the hidden tests.

nbgrader's autograde restores the test cells, hidden tests included, from the
gradebook, and generate_feedback renders that notebook as it is: the hidden
tests show up in the learner's feedback (jupyter/nbgrader#917, #1363), as source
and inside tracebacks. ``RedactHiddenTests`` removes them before rendering.
"""

from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor

from courses.jupyter.nbgrader_app import (
    Course,
    ThreadSafeGenerateFeedback,
    run_converter,
)

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
HIDDEN_SOURCE = "# Hidden tests are not shown."
HIDDEN_OUTPUT = "The output of hidden tests is not shown."
WITHHELD = "[This output repeated hidden test code and is not shown.]"
# Lines shorter than this ("else:", "pass") are too common to count as a leak.
MIN_LEAK_CHARS = 12


class RedactHiddenTests(NbGraderPreprocessor):
    """Drop hidden test code from sources, and every output that could show it."""

    def preprocess(self, nb, resources):
        hidden = set()
        for cell in nb.cells:
            if BEGIN in cell.source:
                hidden.update(redact_cell(cell))
        leaks = {line for line in hidden if len(line) >= MIN_LEAK_CHARS}
        for cell in nb.cells:
            for i, output in enumerate(cell.get("outputs", [])):
                if any(line in output_text(output) for line in leaks):
                    cell.outputs[i] = stream(WITHHELD)
        return nb, resources


def redact_cell(cell) -> set[str]:
    """Replace the hidden regions of one cell; return the hidden lines."""
    kept, hidden, inside = [], set(), False
    for line in cell.source.split("\n"):
        if BEGIN in line:
            inside = True
            kept.append(line.replace(line.strip(), HIDDEN_SOURCE))
        elif END in line:
            inside = False
        elif inside:
            hidden.add(line.strip())
        else:
            kept.append(line)
    cell.source = "\n".join(kept)
    if cell.cell_type == "code":
        # Tracebacks quote the failing line, and the learner's code may have
        # printed its caller's source: show whether it failed, nothing more.
        failed = any(o.output_type == "error" for o in cell.outputs)
        cell.outputs = [stream(HIDDEN_OUTPUT + (" A test failed." if failed else ""))]
    return hidden


def output_text(output) -> str:
    parts = [output.get("text", ""), output.get("evalue", "")]
    parts += output.get("traceback", [])
    parts += [str(value) for value in output.get("data", {}).values()]
    return "\n".join(str(part) for part in parts)


def stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text + "\n")


def generate_feedback(
    *, course: Course, assignment: str, student: str, reveal_hidden_tests: bool = False
) -> dict[str, Path]:
    """Render feedback HTML from the autograded notebooks (nbgrader
    generate_feedback); return notebook name -> HTML file."""
    c = course.config(assignment_id=assignment, student_id=student)
    c.GenerateFeedback.force = True
    steps = [GetGrades, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.preprocessors = steps if reveal_hidden_tests else [
        RedactHiddenTests, *steps]  # fmt: skip
    run_converter(ThreadSafeGenerateFeedback, c)
    folder = Path(c.CourseDirectory.root) / "feedback" / student / assignment
    return {path.stem: path for path in sorted(folder.glob("*.html"))}
