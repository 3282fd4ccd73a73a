"""Forms of the plan's pages. Each group of pages adds its forms under its own heading."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import Department
from teilhabe.administration.selectors import department_name
from teilhabe.contributions.forms import localised_label
from teilhabe.contributions.models import BODY_MAX as CONTRIBUTION_BODY_MAX
from teilhabe.contributions.models import TITLE_MAX as CONTRIBUTION_TITLE_MAX
from teilhabe.contributions.models import Channel, Language
from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.places.models import District
from teilhabe.plan.models import (
    BODY_MAX,
    CODE_MAX,
    DOCUMENT_NUMBER_MAX,
    NOTE_MAX,
    PARTNERS_MAX,
    TITLE_MAX,
    ExpertGroup,
    ExpertGroupRole,
    MeasureStatus,
    SectionKind,
)
from teilhabe.processes.models import FieldOfAction, TargetGroup
from teilhabe.stakeholders.models import Organisation

# Public pages ------------------------------------------------------------------------------------------------


class PublicMeasureFilterForm(forms.Form):
    """The filters of the public list of measures; each offers the values the version's measures have."""

    field = forms.ChoiceField(label=_("Field of action"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, options: dict[str, list[tuple[str, str]]], **kwargs):
        """``options``: per field, its (value, label) choices without the empty one."""
        super().__init__(*args, **kwargs)
        empty = {
            "field": _("All fields of action"),
            "department": _("All departments"),
            "district": _("All districts"),
            "target_group": _("All target groups"),
            "status": _("Every status"),
        }
        for name, label in empty.items():
            self.fields[name].choices = [("", label), *options.get(name, ())]


class PublicCommentForm(forms.Form):
    """A resident's comment on a section of a draft for consultation: a contribution like one made with the
    contribution form, with the section's field of action."""

    title = forms.CharField(
        label=_("Title"), max_length=CONTRIBUTION_TITLE_MAX, help_text=_("A short summary of your comment.")
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=CONTRIBUTION_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should the plan say differently here, and why?"),
    )
    language = forms.ChoiceField(
        label=_("Language of your text"),
        choices=[("", _("Detect automatically")), *Language.choices],
        required=False,
        help_text=_("You may write in any language. We recognise the language if you leave this open."),
    )
    author_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=True,
        max_length=254,
        help_text=_("Without an account: we send you a link to confirm your comment. It is not published."),
    )
    publication_consent = forms.BooleanField(
        label=_("I agree that my comment is published on this platform."), required=True
    )
    # A field people never see or reach (hidden, out of the tab order); bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    honeypot_fields = ("website",)

    def __init__(self, *args, user, licence: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_authenticated:
            del self.fields["author_email"]
        if licence:
            self.fields["publication_consent"].help_text = _(
                "Published contributions are shown under the licence %(licence)s."
            ) % {"licence": licence}

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""


# Coordinators' plan workspace ---------------------------------------------------------------------------------

WORK_DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
GERMAN_TEXT = {"lang": "de", "dir": "auto"}  # the plan is written in German, also on a right-to-left page


def _work_date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=WORK_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _amount_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=Decimal("9999999999.99"),  # what the column holds (12 digits, 2 after the point)
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kwargs,
    )


class VersionCreateForm(forms.Form):
    """A new working draft: a copy of a chosen version (by default the newest) or, for the first, empty."""

    based_on = forms.TypedChoiceField(label=_("Based on"), coerce=int, empty_value=None, required=False)
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=TITLE_MAX,
        required=False,
        widget=forms.TextInput(attrs=GERMAN_TEXT),
        help_text=_("Without a title, the title of the version it is based on is taken."),
    )
    note = forms.CharField(
        label=_("What this version is (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **GERMAN_TEXT}),
        help_text=_("For example: the draft for the consultation in spring."),
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        if versions:
            self.fields["based_on"].choices = [
                (
                    version.number,
                    _("Version %(number)s: %(title)s") % {"number": version.number, "title": version.title},
                )
                for version in versions
            ]
            self.fields["based_on"].required = True
            self.fields["based_on"].help_text = _("The new draft starts as a copy of this version.")
            self.initial.setdefault("based_on", versions[0].number)
        else:
            del self.fields["based_on"]
            self.fields["title"].required = True
            self.fields["title"].label = _("Title")
            self.fields["title"].help_text = _("For example: Lokaler Integrationsplan 4.0.")


class VersionEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, widget=forms.TextInput(attrs=GERMAN_TEXT))
    note = forms.CharField(
        label=_("What this version is (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **GERMAN_TEXT}),
    )


class VersionConsultForm(forms.Form):
    phase = forms.TypedChoiceField(
        label=_("Consultation phase"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("While this phase runs, residents can comment on the draft's sections online."),
    )

    def __init__(self, *args, phases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", _("None: publish without comments")), *phases]


class VersionAdoptForm(forms.Form):
    adopted_on = _work_date_field(_("Adopted by the council on"), help_text=_("For example 2027-03-25."))
    document_number = forms.CharField(
        label=_("Council document number (Drucksache)"),
        max_length=DOCUMENT_NUMBER_MAX,
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 16, "autocomplete": "off"}),
        help_text=_("For example 1234/2027."),
    )


SECTION_BODY_LABELS = {
    SectionKind.TEXT: _("Text"),
    SectionKind.FIELD: _("Starting position in this field (optional)"),
    SectionKind.GOAL: _("Explanation (optional)"),
    SectionKind.MEASURE: _("What is done (optional)"),
}
MEASURE_FIELDS = ("code", "department", "partners", "target_groups", "districts", "budget", "start", "end")


class SectionForm(forms.Form):
    """A section of a draft: its title and text; a field of action for a field, the facts of a measure for a
    measure (its code only when it is new)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    field_of_action = ModelChoiceField(label=_("Field of action"), queryset=None)
    code = forms.CharField(
        label=_("Code (optional)"),
        max_length=CODE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"size": 12, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("A short, lasting reference such as M-017. Without one, the next free number is taken."),
    )
    department = ModelChoiceField(
        label=_("Responsible department"), queryset=None, required=False, empty_label=_("Not decided yet")
    )
    partners = forms.CharField(
        label=_("Partner organisations (optional)"),
        max_length=PARTNERS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_groups = ModelMultipleChoiceField(
        label=_("Target groups (optional)"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    districts = ModelMultipleChoiceField(
        label=_("Districts (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole city."),
    )
    budget = _amount_field(_("Planned budget in euros (optional)"), help_text=_("For example 12500.00."))
    start = _work_date_field(_("Start (optional)"), required=False)
    end = _work_date_field(_("End (optional)"), required=False)

    def __init__(self, *args, process, kind, new, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in ("title", "body", "partners", "code"):
            self.fields[name].widget.attrs.update(GERMAN_TEXT)
        self.fields["body"].label = SECTION_BODY_LABELS[kind]
        self.fields["body"].required = kind == SectionKind.TEXT
        if kind == SectionKind.FIELD:
            self.fields["field_of_action"].queryset = process.fields_of_action.all()
            self.fields["field_of_action"].label_from_instance = localised_label(FieldOfAction)
        else:
            del self.fields["field_of_action"]
        if kind == SectionKind.MEASURE:
            self.fields["department"].queryset = Department.objects.filter(city_id=process.city_id).order_by("code")
            self.fields["department"].label_from_instance = department_name
            self.fields["target_groups"].queryset = process.target_groups.all()
            self.fields["target_groups"].label_from_instance = localised_label(TargetGroup)
            self.fields["districts"].queryset = District.objects.filter(city_id=process.city_id).order_by("number")
            if not new:
                del self.fields["code"]
        else:
            for name in MEASURE_FIELDS:
                del self.fields[name]

    def values(self) -> dict:
        """The cleaned data as ``section_add`` and ``section_update`` take them (``code`` apart)."""
        data = dict(self.cleaned_data)
        data.pop("code", None)
        for name in ("target_groups", "districts"):
            if name in data:
                data[name] = list(data[name])
        return data


class SectionMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class _TranslationForm(forms.Form):
    """The translations of an object's texts (``fields``) into one language; a field left empty is left as it is."""

    def __init__(self, *args, fields, language, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
            else:
                self.fields[name].widget.attrs.update({"lang": language, "dir": "auto"})

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Please write at least one translation."))
        return data


class VersionTranslationForm(_TranslationForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    note = forms.CharField(
        label=_("What this version is"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SectionTranslationForm(_TranslationForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    partners = forms.CharField(
        label=_("Partner organisations"),
        max_length=PARTNERS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeasureFilterForm(forms.Form):
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments")), *departments]
        self.fields["status"].choices = [("", _("All states")), *MeasureStatus.choices]


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    date = _work_date_field(_("Date of the change"))
    note = forms.CharField(
        label=_("Progress note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has happened, in a few sentences. It is shown publicly with the status."),
    )
    spent = _amount_field(_("Spent so far in euros (optional)"), help_text=_("The total up to this date."))


class MeasureLinkForm(forms.Form):
    measures = forms.TypedMultipleChoiceField(
        label=_("Measures"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one measure.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = choices


COMMENT_CHANNELS = (
    Channel.PAPER_FORM,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.INFO_STAND,
    Channel.DISTRICT_COUNCIL,
    Channel.WORKSHOP,
    Channel.OTHER,
)
CONSENT_CHOICES = [("yes", _("Yes, it may be published")), ("no", _("No (or not ticked)"))]


class SectionCommentForm(forms.Form):
    """A comment on a section that came on paper, by letter, at an event …: the fields of the entry screen that
    a comment on a draft needs."""

    channel = forms.ChoiceField(label=_("Channel"), widget=forms.RadioSelect)
    original_date = _work_date_field(_("Date on the original (optional)"), required=False)
    form_serial = forms.CharField(
        label=_("Serial number (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 16}),
        help_text=_("Paper forms only: the number printed on the sheet."),
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=CONTRIBUTION_TITLE_MAX,
        help_text=_("Without a title, the comment is named after the section."),
    )
    body = forms.CharField(
        label=_("Text"), max_length=CONTRIBUTION_BODY_MAX, widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"})
    )
    publication_consent = forms.ChoiceField(
        label=_("Consent to publication"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Without consent the text is used for counting and analysis, but not published."),
    )
    group_size = forms.IntegerField(
        label=_("Group size (optional)"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("How many people wrote it, if a group did."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Channel.choices)
        self.fields["channel"].choices = [(value, labels[value]) for value in COMMENT_CHANNELS]

    def comment(self, *, default_title: str) -> dict:
        """The cleaned data as ``section_comment_record_analog`` takes it."""
        data = dict(self.cleaned_data)
        data["title"] = data["title"].strip() or default_title[:CONTRIBUTION_TITLE_MAX]
        data["publication_consent"] = data["publication_consent"] == "yes"
        return data


# Expert groups ------------------------------------------------------------------------------------------------

GROUP_DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
EXPERT_GROUP_NAME_MAX = ExpertGroup._meta.get_field("name").max_length


class ExpertGroupCreateForm(forms.Form):
    """A new expert group for a field of action that has none."""

    field_of_action = ModelChoiceField(label=_("Field of action"), queryset=None, empty_label=None)
    name = forms.CharField(
        label=_("Name"), max_length=EXPERT_GROUP_NAME_MAX, help_text=_("For example: Fachgruppe Bildung.")
    )
    description = forms.CharField(
        label=_("What the group does (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, fields_of_action, **kwargs):
        """``fields_of_action``: the fields of action without a group."""
        super().__init__(*args, **kwargs)
        field = self.fields["field_of_action"]
        field.queryset = FieldOfAction.objects.filter(pk__in=[item.pk for item in fields_of_action]).order_by(
            "order", "name"
        )
        field.label_from_instance = localised_label(FieldOfAction)


class ExpertGroupMemberForm(forms.Form):
    """A person with an account joins a group, as its chair or a member, from a department or an organisation."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The address of their account on this platform. A person without an account registers first."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ExpertGroupRole.choices, initial=ExpertGroupRole.MEMBER)
    department = ModelChoiceField(
        label=_("From the department (optional)"), queryset=None, required=False, empty_label=_("No department")
    )
    organisation = ModelChoiceField(
        label=_("From the organisation (optional)"),
        queryset=None,
        required=False,
        empty_label=_("No organisation"),
    )

    def __init__(self, *args, city_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(city_id=city_id).order_by("code")
        self.fields["department"].label_from_instance = department_name
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("organisation"):
            message = _("Please choose a department or an organisation, not both.")
            self.add_error("organisation", message)
        return data


class ExpertMeetingForm(forms.Form):
    """The record of a meeting of an expert group."""

    date = forms.DateField(
        label=_("Date of the meeting"),
        input_formats=GROUP_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2027-03-25."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=EXPERT_GROUP_NAME_MAX, help_text=_("For example: 3rd meeting, goals for 2028.")
    )
    record = forms.CharField(
        label=_("Record"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Who took part, what was discussed, what was agreed."),
    )


# Comparing versions (diff.py) ---------------------------------------------------------------------------------


class VersionCompareForm(forms.Form):
    """Which two versions to compare (numbers of versions the reader may see), and whether to leave out the
    unchanged sections. A GET form: ``von``, ``zu`` and ``nur`` are the page's query parameters."""

    von = forms.ChoiceField(label=_("From version"))
    zu = forms.ChoiceField(label=_("To version"))
    nur = forms.BooleanField(label=_("Only the changes"), required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["von"].choices = choices
        self.fields["zu"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("von") and data.get("von") == data.get("zu"):
            self.add_error("zu", _("Please choose two different versions."))
        return data
