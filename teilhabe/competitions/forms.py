"""Forms of the ideas competition's pages. Each group of pages adds its forms under its own heading."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.competitions.models import (
    AMOUNT_MAX,
    DESCRIPTION_MAX,
    LINE_MAX,
    NAME_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    EntryKind,
    SupportChannel,
    TierKind,
)

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


def datetime_field(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
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
    support_opens = datetime_field(_("Public support opens (optional)"), required=False)
    support_closes = datetime_field(_("Public support closes (optional)"), required=False)

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
        # "%" is a percent sign here, not a placeholder:
        # xgettext:no-python-format
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


# Applications --------------------------------------------------------------------------------------------------

BUDGET_ROWS = 10


class ApplicationStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("You apply"), widget=forms.RadioSelect)
    organisation = forms.TypedChoiceField(label=_("For the organisation"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("Project title"), max_length=TITLE_MAX)

    def __init__(self, *args, kinds, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "organisation": _("for an organisation you represent"),
            "group": _("as the contact person of an informal group"),
            "individual": _("as an individual"),
        }
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        if organisations:
            self.fields["organisation"].choices = [("", "—"), *[(o.pk, o.name) for o in organisations]]
        else:
            del self.fields["organisation"]


def _choices(items, label=lambda item: item.name):
    return [(item.pk, label(item)) for item in items]


class ApplicationForm(forms.Form):
    """A draft's fields; the budget plan is ``BUDGET_ROWS`` rows of what for / cost."""

    title = forms.CharField(label=_("Project title"), max_length=TITLE_MAX)
    group_name = forms.CharField(label=_("Name of the group"), max_length=NAME_MAX, required=False)
    description = forms.CharField(
        label=_("What the project does and why"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    target_groups = forms.TypedMultipleChoiceField(
        label=_("Target groups"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    fields_of_action = forms.TypedMultipleChoiceField(
        label=_("Fields of action"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = date_field(_("Project starts"), required=False)
    ends_on = date_field(_("Project ends"), required=False)
    timeline = forms.CharField(
        label=_("Timeline: the steps and when"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requested = amount_field(_("Amount you ask for (EUR)"), required=False)
    own_contribution = amount_field(_("Your own contribution (EUR)"), required=False)
    other_funding = amount_field(_("Other funding (EUR)"), required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].choices = _choices(process.target_groups.all())
        self.fields["districts"].choices = _choices(process.city.districts.all())
        self.fields["fields_of_action"].choices = _choices(process.fields_of_action.all())
        for row in range(1, BUDGET_ROWS + 1):
            self.fields[f"item_{row}"] = forms.CharField(
                label=_("Cost %(number)d: what for") % {"number": row}, max_length=LINE_MAX, required=False
            )
            self.fields[f"amount_{row}"] = amount_field(
                _("Cost %(number)d: amount (EUR)") % {"number": row}, required=False
            )

    def budget_rows(self):
        return [(self[f"item_{row}"], self[f"amount_{row}"]) for row in range(1, BUDGET_ROWS + 1)]

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "title",
                "group_name",
                "description",
                "target_groups",
                "districts",
                "fields_of_action",
                "starts_on",
                "ends_on",
                "timeline",
                "requested",
                "own_contribution",
                "other_funding",
            )
        }
        data["lines"] = [
            (self.cleaned_data.get(f"item_{row}"), self.cleaned_data.get(f"amount_{row}"))
            for row in range(1, BUDGET_ROWS + 1)
        ]
        return data


class ApplicationFileForm(forms.Form):
    title = forms.CharField(label=_("What the file is"), max_length=TITLE_MAX, required=False)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class PaperApplicationForm(ApplicationForm):
    """An application that came on paper, entered by a coordinator with the scan of the original."""

    channel = forms.ChoiceField(label=_("How it came"), choices=[])
    received_on = date_field(_("Received on"))
    scan = forms.FileField(label=_("Scan of the original (PDF, JPEG or PNG)"))
    kind = forms.ChoiceField(label=_("Who applies"), choices=[])
    contact_name = forms.CharField(label=_("Contact person"), max_length=NAME_MAX)
    contact_email = forms.EmailField(label=_("Contact e-mail (for the acknowledgement)"), required=False)
    language = forms.ChoiceField(label=_("Language for messages"), choices=[])

    field_order = ["channel", "received_on", "scan", "kind", "contact_name", "contact_email", "language"]

    def __init__(self, *args, languages, **kwargs):
        from teilhabe.competitions.models import ApplicantKind, ApplicationChannel

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in ApplicationChannel.choices if c[0] != "online"]
        self.fields["kind"].choices = ApplicantKind.choices
        self.fields["language"].choices = languages
        self.order_fields(self.field_order)

    def service_data(self) -> dict:
        data = super().service_data()
        data.update(
            {
                name: self.cleaned_data.get(name)
                for name in ("channel", "received_on", "scan", "kind", "contact_name", "contact_email", "language")
            }
        )
        return data


# Eligibility -------------------------------------------------------------------------------------------------


class EligibilityForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("eligible", _("Eligible: goes to the jury")), ("ineligible", _("Not eligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (the applicant is told it)"),
        max_length=REASON_MAX * 4,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "de", "dir": "auto"}),
    )

    def __init__(self, *args, **kwargs):
        from teilhabe.competitions.models import EligibilityItem

        super().__init__(*args, **kwargs)
        items = {}
        for value, label in EligibilityItem.choices:
            items[f"check_{value}"] = forms.BooleanField(label=label, required=False)
        self.fields = {**items, **self.fields}

    def service_data(self) -> dict:
        from teilhabe.competitions.models import EligibilityItem

        return {
            "checklist": {value: self.cleaned_data.get(f"check_{value}") for value in EligibilityItem.values},
            "is_eligible": self.cleaned_data["outcome"] == "eligible",
            "reason": self.cleaned_data["reason"],
        }


# The jury ----------------------------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[
            ("0", _("No: I am not connected to the applicant or the project")),
            ("1", _("Yes: I am connected (member, employee, relative, partner…) and stay out of it")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=REASON_MAX, required=False)


class ScoreForm(forms.Form):
    """A score and a comment per criterion of the call, on its scale."""

    def __init__(self, *args, criteria, low, high, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", "—"), *[(str(value), str(value)) for value in range(low, high + 1)]],
                coerce=int,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                max_length=REASON_MAX * 2,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def service_data(self) -> dict:
        return {
            criterion.pk: (self.cleaned_data[f"score_{criterion.pk}"], self.cleaned_data.get(f"comment_{criterion.pk}"))
            for criterion in self.criteria
        }


# Decisions and grants ----------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("The committee's decision"), widget=forms.RadioSelect, choices=[])
    amount = amount_field(_("Changed amount (EUR)"), required=False, help_text=_("Only for a changed amount."))
    decided_on = date_field(_("Decided on"))
    session_reference = forms.CharField(label=_("Session or document reference"), max_length=100)
    override_reason = LedgerEntryForm.base_fields["override_reason"]

    def __init__(self, *args, **kwargs):
        from teilhabe.competitions.models import DecisionOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = DecisionOutcome.choices


class TrancheForm(forms.Form):
    amount = amount_field(_("Amount (EUR)"))
    booked_on = date_field(_("Date"))
    reason = forms.CharField(label=_("Note"), max_length=REASON_MAX, required=False)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=[], widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("What was done, what worked, what did not"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=10_000_000)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, optional)"), required=False)

    def __init__(self, *args, **kwargs):
        from teilhabe.competitions.models import ReportKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportKind.choices


class JurorForm(forms.Form):
    """A coordinator seats a person with an account on the jury, found by their e-mail address."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The address of their account on this platform. A person without an account registers first."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    is_chair = forms.BooleanField(label=_("Chair of the jury (curator)"), required=False)


class SupportTallyForm(forms.Form):
    """Supports counted offline for one application, entered by a coordinator."""

    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    count = forms.IntegerField(label=_("Number of supports"), min_value=1, max_value=100_000)
    channel = forms.ChoiceField(label=_("How they were collected"), choices=SupportChannel.choices)
    provenance = forms.CharField(
        label=_("Where the count comes from"),
        max_length=REASON_MAX,
        help_text=_("The event or list and the date, for example: Stadtteilfest Linden, 14 May, list 3."),
    )

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(item.pk, f"{item.reference} – {item.title}") for item in applications]


class SupportTallyCorrectionForm(forms.Form):
    count = forms.IntegerField(label=_("The right number of supports"), min_value=0, max_value=100_000)
    reason = forms.CharField(label=_("Why the count is corrected"), max_length=REASON_MAX)
