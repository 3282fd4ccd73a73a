"""Forms of events: the organisers' planning and after-event forms; the public calendar's filters and the
registration form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.forms import localised_label
from teilhabe.contributions.models import BODY_MAX as CONTRIBUTION_BODY_MAX
from teilhabe.contributions.models import TITLE_MAX as CONTRIBUTION_TITLE_MAX
from teilhabe.contributions.models import Language
from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.events.models import (
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NEEDS_TEXT_MAX,
    TITLE_MAX,
    AgeBand,
    AttachmentKind,
    CompositionDimension,
    Event,
    EventType,
    Gender,
    MigrationExperience,
    Need,
)
from teilhabe.events.selectors import (
    ACCESS_FEATURES,
    CalendarFilters,
    interpretation_language_choices,
    interpretation_request_choices,
)
from teilhabe.places.models import District, Neighbourhood
from teilhabe.places.selectors import district_choices
from teilhabe.processes.models import FieldOfAction, TargetGroup

# --- Organiser work ---------------------------------------------------------------------------------------------


class FieldsetsMixin:
    """Groups a form's fields into fieldsets with legends (``fieldsets``: (legend, field names) pairs)."""

    fieldsets: tuple = ()

    def fieldset_list(self):
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.fieldsets]


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date and time, for example 2025-05-14 18:00."),
    )


class EventForm(FieldsetsMixin, forms.Form):
    """Planning, proposing and changing an event; the organiser is one of ``organiser_choices``."""

    type = forms.ChoiceField(label=_("Type of event"), choices=EventType.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DESCRIPTION_MAX,
        required=False,
        help_text=_("What the event is about and who it is for. Plain text; empty lines separate paragraphs."),
    )
    starts_at = _datetime_field(_("Begins"))
    ends_at = _datetime_field(_("Ends"))
    venue_name = forms.CharField(label=_("Venue"), max_length=200, required=False)
    venue_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("Whole city or none")
    )
    neighbourhood = ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("None")
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        help_text=_("Optional, for a link to the map (for example 52.374444)."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        help_text=_("Optional (for example 9.738611)."),
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    sign_language = forms.BooleanField(label=_("Sign language interpretation"), required=False)
    childcare = forms.BooleanField(label=_("Childcare"), required=False)
    accessibility_notes = forms.CharField(
        label=_("Notes on accessibility"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("For example: where the entrance without steps is, or whom to call for help on arrival."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Interpretation into"), widget=forms.CheckboxSelectMultiple, required=False
    )
    fields_of_action = ModelMultipleChoiceField(
        label=_("Fields of action"),
        queryset=FieldOfAction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_groups = ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    organiser = forms.ChoiceField(label=_("Organised by"), required=False)
    takes_registrations = forms.BooleanField(
        label=_("People register beforehand"),
        required=False,
        help_text=_("Without registration people just come."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit. When it is full, people join the waiting list."),
    )

    fieldsets = (
        (_("The event"), ("type", "title", "description")),
        (_("When"), ("starts_at", "ends_at")),
        (_("Where"), ("venue_name", "venue_address", "district", "neighbourhood", "latitude", "longitude")),
        (
            _("Accessibility and languages"),
            ("step_free", "hearing_loop", "sign_language", "childcare", "languages", "accessibility_notes"),
        ),
        (_("Topics"), ("fields_of_action", "target_groups")),
        (_("Organiser"), ("organiser",)),
        (_("Registration"), ("takes_registrations", "capacity")),
    )

    def __init__(self, *args, process, organisers, **kwargs):
        """``organisers``: (value, name) of the organisers this person may name (``organiser_choices``)."""
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(city_id=process.city_id).order_by("number")
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.filter(district__city_id=process.city_id)
            .select_related("district")
            .order_by("district__number", "number")
        )
        self.fields["neighbourhood"].label_from_instance = lambda item: f"{item.name} ({item.district.name})"
        self.fields["languages"].choices = interpretation_language_choices()
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["fields_of_action"].label_from_instance = localised_label(FieldOfAction)
        self.fields["target_groups"].queryset = process.target_groups.all()
        self.fields["target_groups"].label_from_instance = localised_label(TargetGroup)
        self.fields["organiser"].choices = [("", _("Please choose")), *organisers]

    def details(self) -> dict:
        """The cleaned details as the services take them (everything but the organiser)."""
        data = dict(self.cleaned_data)
        data.pop("organiser", None)
        data["fields_of_action"] = list(data["fields_of_action"])
        data["target_groups"] = list(data["target_groups"])
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EventTranslationForm(forms.Form):
    field = forms.ChoiceField(label=_("Text"))
    language = forms.ChoiceField(label=_("Language"))
    text = forms.CharField(label=_("Translation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=DESCRIPTION_MAX)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, Event._meta.get_field(name).verbose_name)
            for name in Event.translatable_fields
            if getattr(event, name)
        ]
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        ]


COMPOSITION_PREFIX = {
    CompositionDimension.AGE_BAND: "age_band",
    CompositionDimension.DISTRICT: "district",
    CompositionDimension.TARGET_GROUP: "target_group",
    CompositionDimension.GENDER: "gender",
    CompositionDimension.MIGRATION: "migration",
}


class AttendanceForm(FieldsetsMixin, forms.Form):
    """The head count and, optionally, its composition: one number per age band, district, target group, gender and
    migration experience (docs/representativeness.md)."""

    total = forms.IntegerField(label=_("People who attended"), min_value=0, max_value=1000000)

    def __init__(self, *args, event, districts, **kwargs):
        """``districts``: (id, number, name) of the city's districts."""
        super().__init__(*args, **kwargs)
        groups = {
            CompositionDimension.AGE_BAND: list(AgeBand.choices),
            CompositionDimension.DISTRICT: [(str(pk), name) for pk, _number, name in districts],
            CompositionDimension.TARGET_GROUP: [
                (str(group.pk), localised_label(TargetGroup)(group)) for group in event.process.target_groups.all()
            ],
            CompositionDimension.GENDER: list(Gender.choices),
            CompositionDimension.MIGRATION: list(MigrationExperience.choices),
        }
        self.groups = {}
        fieldsets = [(_("Attendance"), ("total",))]
        for dimension, choices in groups.items():
            names = []
            for key, label in choices:
                name = f"{COMPOSITION_PREFIX[dimension]}__{key}"
                self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=1000000, required=False)
                self.groups[name] = (dimension, key)
                names.append(name)
            if names:
                fieldsets.append((CompositionDimension(dimension).label, tuple(names)))
        self.fieldsets = tuple(fieldsets)

    def composition(self) -> dict:
        composition = {}
        for name, (dimension, key) in self.groups.items():
            value = self.cleaned_data.get(name)
            if value:
                composition.setdefault(dimension, {})[key] = value
        return composition


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}), max_length=MINUTES_MAX, required=False
    )
    public = forms.BooleanField(
        label=_("Publish the minutes"),
        required=False,
        help_text=_("Public minutes are shown on the event's page. Leave unticked to keep them for the organisers."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF document or a JPEG or PNG image (photos of flipcharts)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.FLIPCHART)
    public = forms.BooleanField(
        label=_("Show on the event's page"),
        required=False,
        help_text=_("Files are private unless you tick this: only the organisers and coordinators see them."),
    )


class AttachmentActionForm(forms.Form):
    public = forms.BooleanField(required=False)


class ResultForm(forms.Form):
    """One result of the event (a flipchart, a table's summary), entered as a contribution."""

    title = forms.CharField(label=_("Title"), max_length=CONTRIBUTION_TITLE_MAX)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=CONTRIBUTION_BODY_MAX)
    fields_of_action = ModelMultipleChoiceField(
        label=_("Fields of action"), queryset=FieldOfAction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    district = ModelChoiceField(
        label=_("District (optional)"), queryset=District.objects.none(), required=False, empty_label=_("Whole city")
    )
    group_size = forms.IntegerField(
        label=_("Group size"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("How many people worked on this result, if a group did."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.GERMAN)
    publication_consent = forms.BooleanField(
        label=_("The group agreed to publication"),
        required=False,
        help_text=_("Without consent the result is kept for the evaluation and answered, but never published."),
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["fields_of_action"].label_from_instance = localised_label(FieldOfAction)
        self.fields["district"].queryset = District.objects.filter(city_id=process.city_id).order_by("number")

    def result(self) -> dict:
        data = dict(self.cleaned_data)
        data["fields_of_action"] = list(data["fields_of_action"])
        return data


RESULT_ROWS = 5
RESULT_ROWS_MAX = 50


class BaseResultFormSet(forms.BaseFormSet):
    def __init__(self, *args, process, **kwargs):
        self.process = process
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"process": self.process}

    def results(self) -> list[dict]:
        """The rows filled in (empty extra rows are left out)."""
        return [form.result() for form in self.forms if form.has_changed() and form.cleaned_data]


def result_formset(*, rows: int = RESULT_ROWS):
    return forms.formset_factory(
        ResultForm,
        formset=BaseResultFormSet,
        extra=max(1, min(rows, RESULT_ROWS_MAX)),
        max_num=RESULT_ROWS_MAX,
        absolute_max=RESULT_ROWS_MAX,
        validate_max=True,
    )


# --- Public: calendar filters, registration -------------------------------------------------------------------

ACCESS_LABELS = {
    "step_free": _("Step-free access"),
    "hearing_loop": _("Hearing loop"),
    "sign_language": _("Sign language interpretation"),
    "childcare": _("Childcare"),
}


class CalendarFilterForm(forms.Form):
    """The calendar's filters (GET): district, type, field of action, language offered, accessibility."""

    when = forms.ChoiceField(
        choices=[("upcoming", _("Upcoming events")), ("past", _("Past events"))],
        required=False,
        widget=forms.HiddenInput,
    )
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("Type of event"), required=False)
    field = forms.ChoiceField(label=_("Field of action"), required=False)
    language = forms.ChoiceField(label=_("Interpretation into"), required=False)
    step_free = forms.BooleanField(label=ACCESS_LABELS["step_free"], required=False)
    hearing_loop = forms.BooleanField(label=ACCESS_LABELS["hearing_loop"], required=False)
    sign_language = forms.BooleanField(label=ACCESS_LABELS["sign_language"], required=False)
    childcare = forms.BooleanField(label=ACCESS_LABELS["childcare"], required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts"))] + [
            (number, name) for _pk, number, name in district_choices(city_id=process.city_id)
        ]
        self.fields["type"].choices = [("", _("All types"))] + list(EventType.choices)
        field_label = localised_label(FieldOfAction)
        self.fields["field"].choices = [("", _("All fields of action"))] + [
            (item.slug, field_label(item)) for item in process.fields_of_action.all()
        ]
        self.fields["language"].choices = [("", _("Any or none"))] + interpretation_language_choices()

    def filters(self) -> CalendarFilters:
        """The valid form's filters (call after ``is_valid``)."""
        data = self.cleaned_data
        return CalendarFilters(
            past=data.get("when") == "past",
            district=data.get("district"),
            type=data.get("type") or "",
            field=data.get("field") or "",
            language=data.get("language") or "",
            access=tuple(feature for feature in ACCESS_FEATURES if data.get(feature)),
        )

    def access_fields(self):
        return [self[name] for name in ACCESS_FEATURES]

    def select_fields(self):
        return [self[name] for name in ("district", "type", "field", "language")]


class RegistrationForm(forms.Form):
    """Register for an event: with an account only the optional needs; without one, also name and address."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you a link to confirm your registration, and later the link to cancel it."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Support you need (optional)"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the organisers see this, so that they can prepare."),
    )
    interpretation_language = forms.ChoiceField(
        label=_("Interpretation you need (optional)"),
        required=False,
        help_text=_("Languages the event is interpreted into come first; you may ask for another one."),
    )
    needs_text = forms.CharField(
        label=_("Anything else the organisers should know (optional)"),
        max_length=NEEDS_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A field people never see or reach (hidden, out of the tab order); bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    honeypot_fields = ("website",)

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interpretation_language"].choices = [("", _("None"))] + interpretation_request_choices(event)
        if user.is_authenticated:
            del self.fields["name"], self.fields["email"], self.fields["website"]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""
