"""The admin's forms for assignments, extensions and grading by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput

from courses.core.archives import uploads_read
from courses.core.errors import ServiceError
from courses.core.forms import MultipleFileField
from courses.enrollment.permissions import cohorts_manageable_by
from courses.grading.models import Assignment
from courses.grading.selectors.gradebook import cohort_learners


class AssignmentForm(WagtailAdminModelForm):
    source_files = MultipleFileField(
        label=_("Source files"),
        required=False,
        help_text=_(
            "nbgrader source notebooks (with solutions and tests) and data files, "
            "or one zip of the source folder. Uploading replaces the earlier files."
        ),
    )

    class Meta:
        model = Assignment
        fields = [
            "cohort",
            "name",
            "title",
            "instructions",
            "release_at",
            "due_at",
            "late_policy",
            "penalty_per_day",
            "penalty_cap",
            "max_attempts",
            "weight",
            "required",
            "timeout_per_cell",
            "reveal_hidden_tests",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts_manageable_by(
            self.for_user
        ).select_related("course")
        if not self.instance.pk:
            self.fields["source_files"].required = True

    def clean_source_files(self):
        uploads = self.cleaned_data.get("source_files") or []
        if not uploads:
            return None
        try:
            return uploads_read(uploads)
        except ServiceError as error:
            raise forms.ValidationError(error.message) from error


class LearnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} <{obj.email}>"


class ExtensionForm(forms.Form):
    """A later due date for one learner of the assignment's cohort."""

    learner = LearnerChoiceField(
        label=_("Learner"),
        queryset=None,
        help_text=_("Someone holding a seat in the assignment's cohort."),
    )
    due_at = forms.DateTimeField(
        label=_("New due date"),
        widget=AdminDateTimeInput,
        help_text=_(
            "After the assignment's due date. Their late penalties are worked "
            "out again from this date; granting again replaces the earlier one."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For the record, e.g. 'illness, certificate seen'."),
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = cohort_learners(cohort=assignment.cohort)


class ManualGradeForm(forms.Form):
    """A score by hand for any question; an empty field leaves the question as
    it is (its automatic score, or still waiting for a person)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = {f"score_{row.pk}": row for row in rows}
        for name, row in self.rows.items():
            self.fields[name] = forms.DecimalField(
                label=f"{row.notebook} · {row.cell}",
                required=False,
                min_value=0,
                max_value=row.max_score,
                decimal_places=2,
                initial=row.manual_score,
                help_text=_("From 0 to %(max)s.") % {"max": row.max_score},
            )

    def lines(self):
        """Each question's score record with its field, for the table."""
        return [(row, self[name]) for name, row in self.rows.items()]

    def scores(self) -> dict:
        """What ``manual_grade_save`` takes: (notebook, cell) to points or None."""
        return {
            (row.notebook, row.cell): self.cleaned_data[name]
            for name, row in self.rows.items()
        }
