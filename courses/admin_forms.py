from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.models import Locale, Page

from courses import selectors
from courses.forms import MultipleFileField
from courses.models import (
    Assignment,
    Cohort,
    CoursePage,
    Institution,
    Invitation,
    TrackPage,
)
from courses.services import ServiceError
from courses.services.archives import uploads_read
from courses.services.roles import INSTRUCTORS

ERROR_LAB_ID_TAKEN = _("Another cohort already has the lab course id %(lab_id)s.")
ERROR_PASS_MARK_RANGE = _(
    "The pass mark is a percentage of the weighted grade: from 0 to 100."
)
ERROR_MINIMUM_RANGE = _(
    "The minimum on each required assignment is a percentage: from 0 to 100."
)


class CohortForm(WagtailAdminModelForm):
    class Meta:
        model = Cohort
        fields = [
            "course",
            "institution",
            "code",
            "title",
            "starts_on",
            "ends_on",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "seats",
            "mode",
            "location",
            "instructors",
            "is_cancelled",
            "pass_mark",
            "required_minimum",
            "attendance_required",
            "lab_required",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["course"].queryset = CoursePage.objects.filter(
            locale=Locale.get_default()
        ).order_by("path")
        self.fields["institution"].queryset = selectors.institutions_of(user)
        self.fields["instructors"].queryset = (
            get_user_model()
            .objects.filter(
                Q(groups__name=INSTRUCTORS) | Q(is_superuser=True), is_active=True
            )
            .distinct()
        )
        if self.instance.pk:
            # Course and code make the lab course id, which never changes.
            self.fields["course"].disabled = True
            self.fields["code"].disabled = True

    def _percent(self, name: str, message: str):
        value = self.cleaned_data.get(name)
        if value is not None and not 0 <= value <= 100:
            # A rule nobody (or everybody) could meet: refused here, clearly,
            # rather than with the model validator's generic text.
            raise forms.ValidationError(message)
        return value

    def clean_pass_mark(self):
        return self._percent("pass_mark", ERROR_PASS_MARK_RANGE)

    def clean_required_minimum(self):
        return self._percent("required_minimum", ERROR_MINIMUM_RANGE)

    def clean(self):
        cleaned = super().clean()
        course, code = cleaned.get("course"), cleaned.get("code")
        if not self.instance.pk and course and code:
            lab_id = f"{course.code}-{code}"
            if Cohort.objects.filter(lab_course_id=lab_id).exists():
                self.add_error("code", ERROR_LAB_ID_TAKEN % {"lab_id": lab_id})
        return cleaned


class InvitationForm(WagtailAdminModelForm):
    class Meta:
        model = Invitation
        fields = ["cohort", "email", "message"]
        widgets = {"message": forms.Textarea({"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = selectors.cohorts_manageable_by(
            self.for_user
        ).select_related("course")

    def validate_unique(self):
        # Inviting the same address again resends the invitation (the service).
        pass


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the people concerned"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Sent with the email telling them the decision."),
    )


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
        self.fields["cohort"].queryset = selectors.cohorts_manageable_by(
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
        self.fields["learner"].queryset = selectors.cohort_learners(
            cohort=assignment.cohort
        )


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


class CataloguePagesField(forms.ModelMultipleChoiceField):
    """Track and course pages, each named with its track and language."""

    track_titles: dict[str, str] = {}  # path → title, set by the form

    def label_from_instance(self, page: Page) -> str:
        track = self.track_titles.get(page.path[: -Page.steplen])
        title = f"{track} › {page.title}" if track else page.title
        return f"{title} ({page.locale.get_display_name()})"


class InstitutionForm(WagtailAdminModelForm):
    class Meta:
        model = Institution
        fields = ["code", "name", "name_en", "staff", "catalogue_pages"]
        field_classes = {"catalogue_pages": CataloguePagesField}
        widgets = {"catalogue_pages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["catalogue_pages"]
        # In tree order, so each track is followed by its courses.
        field.queryset = (
            Page.objects.type(TrackPage, CoursePage)
            .select_related("locale")
            .order_by("path")
        )
        field.track_titles = dict(
            Page.objects.type(TrackPage).values_list("path", "title")
        )
