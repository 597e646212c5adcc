from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from courses import selectors
from courses.forms import MultipleFileField
from courses.models import Assignment, Cohort, CoursePage, Invitation
from courses.services import ServiceError
from courses.services.archives import uploads_read
from courses.services.roles import INSTRUCTORS

ERROR_LAB_ID_TAKEN = _("Another cohort already has the lab course id %(lab_id)s.")


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
