from django import forms
from django.utils.translation import gettext_lazy as _

from courses.catalogue.models import CoursePage


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
