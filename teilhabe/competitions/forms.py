"""Forms of the ideas competition's pages. Each group of pages adds its forms under its own heading."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.competitions.models import AMOUNT_MAX, NAME_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX, EntryKind, TierKind

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


# Calls -------------------------------------------------------------------------------------------------------

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date and time, for example 2025-05-14 18:00."),
    )


class CallForm(forms.Form):
    """A call's texts (in German), period, limits, who may apply and scoring scale; ``funds``: on creation only."""

    fund = forms.TypedChoiceField(label=_("Fund"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    theme = forms.CharField(label=_("Theme"), max_length=TITLE_MAX, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    opens = datetime_field(_("Applications open"))
    closes = datetime_field(_("Applications close"))
    budget = amount_field(_("Call budget (EUR)"), required=False)
    max_grant = amount_field(_("Maximum grant per project (EUR)"), required=False)
    max_months = forms.IntegerField(label=_("Maximum duration (months)"), min_value=1, max_value=120, required=False)
    allows_organisations = forms.BooleanField(
        label=_("Organisations may apply (through a verified representative)"), required=False
    )
    allows_groups = forms.BooleanField(
        label=_("Informal groups may apply (through their contact person)"), required=False
    )
    allows_individuals = forms.BooleanField(label=_("Individuals may apply"), required=False)
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=99, initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=10)

    def __init__(self, *args, funds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if funds is None:
            del self.fields["fund"]
        else:
            self.fields["fund"].choices = [(fund.pk, fund.name) for fund in funds]
        for name in ("title", "theme", "description"):
            self.fields[name].widget.attrs.update({"lang": "de", "dir": "auto"})


class TierForm(forms.Form):
    up_to = amount_field(
        _("Up to (EUR)"), required=False, help_text=_("Leave empty for the tier without an upper limit.")
    )
    kind = forms.ChoiceField(label=_("Kind of funding"), choices=TierKind.choices)
    min_own_share = forms.DecimalField(
        label=_("Minimum own contribution (% of the costs)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        initial=0,
    )


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("Criterion"), max_length=NAME_MAX, widget=forms.TextInput(attrs={"lang": "de", "dir": "auto"})
    )
    description = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "de", "dir": "auto"}),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class TranslationForm(forms.Form):
    """Translations of some texts into one language; a field left empty is left as it is."""

    def __init__(self, *args, obj, fields, language, **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields:
            model_field = obj._meta.get_field(name)
            widget = forms.Textarea(attrs={"rows": 6}) if model_field.get_internal_type() == "TextField" else None
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name.capitalize()
                if hasattr(model_field.verbose_name, "capitalize")
                else name,
                max_length=model_field.max_length or TEXT_MAX,
                required=False,
                **({"widget": widget} if widget else {}),
            )
            self.fields[name].widget.attrs.update({"lang": language, "dir": "auto"})

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Please write at least one translation."))
        return data
