"""The learner's upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.core.forms import MultipleFileField


class SubmissionUploadForm(forms.Form):
    """A learner's upload on the assignment page: notebooks and files, or a zip."""

    files = MultipleFileField(
        label=_("Your notebook and files"),
        help_text=_("The assignment's notebook(s) and any files it needs, or a zip."),
    )
    # A new key each time the page is shown: a double click submits once.
    key = forms.CharField(widget=forms.HiddenInput)
