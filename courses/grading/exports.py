"""The gradebook as CSV and XLSX."""

from django.utils.translation import gettext as _

from courses.core.exports import table_csv, tables_xlsx
from courses.grading.selectors.gradebook import Gradebook, GradeCell


def gradebook_headers(gradebook: Gradebook) -> list[str]:
    headers = [_("Name"), _("Email")]
    for assignment in gradebook.assignments:
        names = {"assignment": assignment.name}
        headers += [
            _("%(assignment)s: final score") % names,
            _("%(assignment)s: out of") % names,
            _("%(assignment)s: late") % names,
            _("%(assignment)s: late penalty (%%)") % names,
            _("%(assignment)s: status") % names,
        ]
    return [*headers, _("Weighted total (%)")]


def _status(cell: GradeCell) -> str:
    if cell.submission is not None:
        return cell.submission.get_status_display()
    return _("Missing (counts 0)") if cell.missing else _("Not submitted")


def _cell_values(cell: GradeCell) -> list:
    submission = cell.submission
    if submission is None:
        return ["", "", "", "", _status(cell)]
    return [
        submission.final_score if submission.score is not None else "",
        submission.max_score if submission.max_score is not None else "",
        _("yes") if submission.is_late else _("no"),
        submission.penalty,
        _status(cell),
    ]


def gradebook_table(gradebook: Gradebook) -> list[list]:
    """The rows under ``gradebook_headers``: text, Decimal, or "" for nothing."""
    table = []
    for row in gradebook.rows:
        values = [row.learner.full_name, row.learner.email]
        for cell in row.cells:
            values += _cell_values(cell)
        table.append([*values, "" if row.total is None else row.total])
    return table


def gradebook_csv(gradebook: Gradebook) -> bytes:
    return table_csv(gradebook_headers(gradebook), gradebook_table(gradebook))


def gradebook_xlsx(gradebook: Gradebook) -> bytes:
    headers, rows = gradebook_headers(gradebook), gradebook_table(gradebook)
    return tables_xlsx([(_("Gradebook"), headers, rows)])
