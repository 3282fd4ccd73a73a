"""Forms of the ideas competition's pages. Each group of pages adds its forms under its own heading."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.competitions.models import AMOUNT_MAX, REASON_MAX, EntryKind

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def amount_field(label, *, negative=False, **kwargs):
    attrs = {"step": "0.01", "inputmode": "decimal"}
    if not negative:
        attrs["min"] = "0"
    return forms.DecimalField(
        label=label,
        min_value=None if negative else 0,
        max_value=AMOUNT_MAX,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs=attrs),
        **kwargs,
    )


def year_field(**kwargs):
    return forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100, **kwargs)


# The fund and its ledger ----------------------------------------------------------------------------------------


class FundYearForm(forms.Form):
    year = year_field()
    budget = amount_field(_("Budget (EUR)"))


class LedgerEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of entry"), choices=EntryKind.choices, widget=forms.RadioSelect)
    amount = amount_field(_("Amount (EUR)"))
    booked_on = date_field(_("Date"))
    year = year_field(help_text=_("The year whose budget the entry draws on; usually the year of the date."))
    call = forms.TypedChoiceField(label=_("Call"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=_("Why"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Reason for exceeding the budget"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if this entry takes the year's commitments over its budget and you decide to allow it. The reason"
            " is kept in the audit log."
        ),
    )

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("No call")), *[(call.pk, call.title) for call in calls]]


class LedgerCorrectionForm(forms.Form):
    amount = amount_field(
        _("Correction (EUR)"),
        negative=True,
        help_text=_("A negative amount lowers the entry, a positive one raises it; the entry itself stays as it was."),
    )
    reason = forms.CharField(label=_("Why"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = LedgerEntryForm.base_fields["override_reason"]
