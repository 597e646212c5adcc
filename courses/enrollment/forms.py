"""The application form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you apply?"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("A few sentences on your background and what you hope to learn."),
    )
