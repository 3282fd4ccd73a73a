"""The sign-up form's own field: the name shown publicly (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from teilhabe.accounts.models import User
from teilhabe.core.text import clean_plain_text

DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length


class SignupDetailsForm(forms.Form):
    """allauth builds its sign-up form on this class: e-mail, display name, password twice."""

    field_order = ["email", "display_name", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Display name"),
        required=False,
        max_length=DISPLAY_NAME_MAX,
        help_text=_(
            "Optional. Shown publicly next to your contributions and comments. Without one we show a neutral "
            "name such as “Participant 42”, never your e-mail address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        name = " ".join(clean_plain_text(self.cleaned_data.get("display_name", "")).split())
        if "@" in name:
            raise ValidationError(_("Please do not use an e-mail address as your display name."))
        return name

    def signup(self, request, user) -> None:
        """Called by allauth once the account exists."""
        if self.cleaned_data.get("display_name"):
            user.display_name = self.cleaned_data["display_name"]
            user.save(update_fields=["display_name"])
