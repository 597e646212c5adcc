"""nbgrader's OverwriteCells step, telling what it put back.

``nbgrader autograde`` restores what a learner changed in a released cell (a
test's text, its points, its lock, its type) and logs a warning; the LMS turns
each into a note for the learner and the instructor.
"""

from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells
from traitlets import Any

from courses.jupyter.results import CELL_CHANGED, GRADE_CELL_CHANGED, Note


class ReportingOverwriteCells(OverwriteCells):
    """nbgrader's step that puts back what a learner changed in a released
    cell (a test, its points, a read-only cell), telling as it does so: the
    CLI only logs a warning. It also warns for every test cell with hidden
    tests, whose released text never had them: that is no change, and is
    not told."""

    report = Any(help="Called as report(notebook, note) for each change.").tag(
        config=True
    )

    def preprocess_cell(self, cell, resources, cell_index):
        self._cell = cell  # report_change sees the learner's text, not the cell
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name: str, attr: str, old, new) -> None:
        super().report_change(name, attr, old, new)
        if self.report is None or (attr == "checksum" and self._as_released(name)):
            return
        try:
            self.gradebook.find_graded_cell(name, self.notebook_id, self.assignment_id)
            code = GRADE_CELL_CHANGED
        except MissingEntry:
            code = CELL_CHANGED
        self.report(self.notebook_id, Note.of(code, cell=name, change=attr))

    def _as_released(self, name: str) -> bool:
        source = self.gradebook.find_source_cell(
            name, self.notebook_id, self.assignment_id
        ).source
        released = NotebookNode(source=source)
        try:
            ClearHiddenTests()._remove_hidden_test_region(released)
        except RuntimeError:
            return False
        return released.source != source and released.source == self._cell.source
