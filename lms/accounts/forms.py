from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms.accounts.models import User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and passwords."""

    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput({"autocomplete": "name"}),
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        help_text=_("School, employer, unit or 'independent'."),
        widget=forms.TextInput({"autocomplete": "organization"}),
    )

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.affiliation = self.cleaned_data["affiliation"]
        user.language = get_language() or user.language
        user.save(update_fields=["full_name", "affiliation", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "affiliation", "language", "time_zone"]
        widgets = {
            "full_name": forms.TextInput({"autocomplete": "name"}),
            "affiliation": forms.TextInput({"autocomplete": "organization"}),
        }
