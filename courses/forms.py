from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you apply?"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("A few sentences on your background and what you hope to learn."),
    )


class CourseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    track = forms.TypedChoiceField(
        label=_("Track"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("Any level")), *CoursePage.Level.choices],
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Any format")), *CoursePage.Format.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *CoursePage.Language.choices],
    )
    open_only = forms.BooleanField(label=_("Open for enrolment now"), required=False)

    def __init__(self, *args, tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tracks = {track.pk: track for track in tracks}
        self.fields["track"].choices = [("", _("All tracks"))] + [
            (track.pk, track.title) for track in tracks
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a notebook, its data files), or one zip."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SubmissionUploadForm(forms.Form):
    """A learner's upload on the assignment page: notebooks and files, or a zip."""

    files = MultipleFileField(
        label=_("Your notebook and files"),
        help_text=_("The assignment's notebook(s) and any files it needs, or a zip."),
    )
    # A new key each time the page is shown: a double click submits once.
    key = forms.CharField(widget=forms.HiddenInput)
