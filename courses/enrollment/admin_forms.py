"""The admin's forms for cohorts, invitations and enrolment decisions."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from courses.catalogue.models import CoursePage
from courses.core.models import Institution
from courses.core.permissions import institutions_of
from courses.core.roles import INSTRUCTORS
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.permissions import cohorts_manageable_by

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
        self._limit_institution(user)
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

    def _limit_institution(self, user) -> None:
        field = self.fields["institution"]
        field.queryset = institutions_of(user)
        instance = self.instance
        if instance.pk and not field.queryset.filter(pk=instance.institution_id):
            # An instructor edits a cohort they teach without being staff of its
            # institution: the cohort stays where it is (the only choice).
            field.queryset = Institution.objects.filter(pk=instance.institution_id)
            field.disabled = True

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
        self.fields["cohort"].queryset = cohorts_manageable_by(
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


class RosterFilterForm(forms.Form):
    """The roster's filter (status) and search (name or e-mail)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Enrollment.Status.choices],
    )
    q = forms.CharField(label=_("Name or email"), required=False, max_length=200)


class RosterActionForm(DecisionForm):
    """A decision on the people ticked on a roster (their ``id``s come with it).
    ``token`` is new on every page shown, so a second submission of the same
    form is recognised and ignored."""

    action = forms.ChoiceField(label=_("Action"))
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(k, a.label) for k, a in actions.items()]
        self.fields["message"].help_text = _(
            "Required to reject (the reason) and to send a message; sent by email."
        )
