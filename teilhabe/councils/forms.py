"""Forms of the council pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.councils.models import AGENDA_TEXT_MAX, AGENDA_TITLE_MAX, CouncilRole

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class MembershipChangeForm(forms.Form):
    """A member's role, term and consent to be named on the public page."""

    role = forms.ChoiceField(label=_("Role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER)
    term_start = _date_field(_("Term begins"), help_text=_("For example 2027-01-31."))
    term_end = _date_field(_("Term ends"), help_text=_("Terms last at most five years."))
    name_public = forms.BooleanField(
        label=_("The member agrees to their name being shown on the council's public page"), required=False
    )


class MembershipAddForm(MembershipChangeForm):
    """A person with an account joins the council."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The address of their account on this platform. A person without an account registers first."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "role", "term_start", "term_end", "name_public"]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=AGENDA_TITLE_MAX)
    description = forms.CharField(
        label=_("Description (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=AGENDA_TEXT_MAX,
        required=False,
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("What the council decided"), widget=forms.Textarea(attrs={"rows": 3}), max_length=AGENDA_TEXT_MAX
    )
