"""The entry screen's form: one original (paper form, letter, e-mail, phone note, …) at a time."""

import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from teilhabe.analog.services import ENTRY_CHANNELS
from teilhabe.contributions.forms import localised_label
from teilhabe.contributions.models import BODY_MAX, TITLE_MAX, Channel, Language
from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.events.forms import FieldsetsMixin
from teilhabe.events.models import AgeBand
from teilhabe.places.models import District
from teilhabe.processes.models import FieldOfAction, TargetGroup
from teilhabe.profiles.forms import NOT_SAID
from teilhabe.profiles.models import Gender, MigrationExperience
from teilhabe.stakeholders.models import Organisation

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"]
SECTION_LABEL_MAX = 90  # characters of a section's title in the choice
INDENT = "\u2003"  # an em space a level below a field of action (read by no screen reader)
CONSENT_CHOICES = [("yes", _("Yes, it may be published")), ("no", _("No (or not ticked)"))]


class EntryForm(FieldsetsMixin, forms.Form):
    """Fields in the order of a paper form; ``channel``, ``event`` and ``original_date`` are remembered between
    entries (fast series entry), the others come back empty."""

    fieldsets = (
        (_("Where it came from"), ("channel", "event", "original_date", "form_serial")),
        (_("Comment on the draft for consultation"), ("section",)),
        (_("What it says"), ("title", "body", "fields_of_action", "target_groups", "district", "language")),
        (_("Who sent it"), ("publication_consent", "organisation", "group_size")),
        (
            _("About the person (voluntary: the paper form's lower box)"),
            ("about_age_band", "about_gender", "about_district", "about_migration_experience", "about_languages"),
        ),
        (_("Scan of the original"), ("scan",)),
    )

    channel = forms.ChoiceField(label=_("Channel"), widget=forms.RadioSelect)
    event = ModelChoiceField(
        label=_("Event (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("The held event it came from, for example an information stand."),
    )
    original_date = forms.DateField(
        label=_("Date on the original (optional)"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "size": 12}),
        help_text=_("For example 2026-11-28 or 28.11.2026. Without a date, the event's date is taken, if any."),
    )
    form_serial = forms.CharField(
        label=_("Serial number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 16}),
        help_text=_("Paper forms only: the number printed on the sheet, for example 12-000123-K."),
    )
    section = forms.TypedChoiceField(
        label=_("Section of the draft (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "When the original comments on a section of the plan's draft for consultation: the section by its number. "
            "It is then listed with that section."
        ),
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=TITLE_MAX,
        help_text=_("Without a title, the first line of the text is taken."),
    )
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    fields_of_action = ModelMultipleChoiceField(
        label=_("Fields of action"), queryset=FieldOfAction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    target_groups = ModelMultipleChoiceField(
        label=_("Target groups (optional)"),
        queryset=TargetGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    district = ModelChoiceField(
        label=_("District (optional)"), queryset=District.objects.none(), required=False, empty_label=_("Whole city")
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        required=False,
        choices=[("", _("Detect automatically")), *Language.choices],
    )
    publication_consent = forms.ChoiceField(
        label=_("Consent to publication"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Without consent the text is used for counting and analysis, but not published."),
    )
    organisation = ModelChoiceField(
        label=_("Organisation (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("When an organisation sent it."),
    )
    group_size = forms.IntegerField(
        label=_("Group size (optional)"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("How many people wrote it, if a group did."),
    )
    # The voluntary self-description on the paper form: stored apart from the contribution (docs/representativeness.md).
    about_age_band = forms.ChoiceField(label=_("Age"), choices=[NOT_SAID, *AgeBand.choices], required=False)
    about_gender = forms.ChoiceField(label=_("Gender"), choices=[NOT_SAID, *Gender.choices], required=False)
    about_district = ModelChoiceField(
        label=_("District where the person lives"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not ticked"),
    )
    about_migration_experience = forms.ChoiceField(
        label=_("Migration experience"), choices=[NOT_SAID, *MigrationExperience.choices], required=False
    )
    about_languages = forms.MultipleChoiceField(
        label=_("Languages spoken at home"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scan = forms.FileField(
        label=_("Scan (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, process, events, organisations, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A section chosen on a screen shown while comments were open, sent after they closed: said, not dropped.
        self.section_closed = False
        if sections:
            self.fields["section"].choices = section_choices(sections)
        else:  # no draft out for consultation (or not open for comments): no such field
            del self.fields["section"]
            self.section_closed = bool(self.is_bound and self.data.get("section"))
        channels = dict(Channel.choices)
        self.fields["channel"].choices = [(value, channels[value]) for value in ENTRY_CHANNELS]
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda event: (
            f"{formats.date_format(event.starts_at.date(), 'SHORT_DATE_FORMAT')} – {event.title}"
        )
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["fields_of_action"].label_from_instance = localised_label(FieldOfAction)
        self.fields["target_groups"].queryset = process.target_groups.all()
        self.fields["target_groups"].label_from_instance = localised_label(TargetGroup)
        self.fields["district"].queryset = District.objects.filter(city_id=process.city_id).order_by("number")
        self.fields["about_district"].queryset = self.fields["district"].queryset
        self.fields["organisation"].queryset = organisations
        self.fields["scan"].help_text = _("PDF, JPEG or PNG, at most %(size)s.") % {
            "size": filesizeformat(settings.TEILHABE_SCAN_MAX_BYTES)
        }
        if not process.target_groups.exists():
            del self.fields["target_groups"]

    def clean(self):
        cleaned = super().clean()
        if self.section_closed:
            raise forms.ValidationError(
                _(
                    "Comments on the plan's draft are closed now, so the entry cannot be listed with its section. "
                    "Save it again to enter it as a contribution of its own."
                ),
                code="section_closed",
            )
        return cleaned

    def entry(self) -> dict:
        """The cleaned data as ``analog_entry_record`` takes it."""
        data = dict(self.cleaned_data)
        data["fields_of_action"] = list(data["fields_of_action"])
        data["target_groups"] = list(data.get("target_groups") or [])
        data["publication_consent"] = data["publication_consent"] == "yes"
        about = {key.removeprefix("about_"): data.pop(key) for key in list(data) if key.startswith("about_")}
        data["self_description"] = about if any(about.values()) else None
        return data


def _section_label(node) -> str:
    title = node.title if len(node.title) <= SECTION_LABEL_MAX else node.title[: SECTION_LABEL_MAX - 1].rstrip() + "…"
    return f"{INDENT * node.depth}{node.number} {title}"


def section_choices(nodes) -> list:
    """The sections of a draft for the select, in reading order, indented by depth below their top-level section
    (a field of action, the introduction, …), each with its number: ``[("", none), (id, label), …]``."""
    return [("", _("None: a contribution of its own")), *((node.id, _section_label(node)) for node in nodes)]


def remembered(data: dict) -> dict:
    """What the next entry starts with: channel, event and date of the entry before (JSON for the session)."""
    date = data.get("original_date")
    event = data.get("event")
    return {
        "channel": data.get("channel") or "",
        "event": event.pk if event is not None else None,
        "original_date": date.isoformat() if isinstance(date, datetime.date) else "",
    }
