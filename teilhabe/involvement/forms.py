"""Forms of the involvement pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import Department
from teilhabe.core.fields import ModelChoiceField
from teilhabe.events.models import Event, EventState
from teilhabe.involvement.models import DECISION_MAX, RECORD_MAX, InvitationResponse, InvitationTarget, SteeringMember
from teilhabe.plan.models import ExpertGroup
from teilhabe.stakeholders.models import Organisation, OrganisationType

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class OrganisationNameField(forms.CharField):
    """An organisation of the registry by its name (a registry of thousands is no select list): a checked one,
    matched without regard to case; the cleaned value is the organisation or None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        name = super().clean(value).strip()
        if not name:
            return None
        found = Organisation.objects.filter(checked_at__isnull=False, name__iexact=name).only("id", "name").first()
        if found is None:
            raise forms.ValidationError(_("There is no checked organisation of this name in the registry."))
        return found


class InviteForm(forms.Form):
    """Whom to invite (one organisation, or all of the chosen types, narrowed by district and field) and to what."""

    target = forms.ChoiceField(label=_("Invite to"), choices=InvitationTarget.choices, widget=forms.RadioSelect)
    phase = ModelChoiceField(label=_("Phase"), queryset=None, required=False)
    event = ModelChoiceField(label=_("Event"), queryset=None, required=False)
    expert_group = ModelChoiceField(label=_("Expert group"), queryset=None, required=False)
    organisation = OrganisationNameField(
        label=_("One organisation (its name)"),
        help_text=_("Or leave empty and choose types below."),
    )
    types = forms.MultipleChoiceField(
        label=_("All organisations of these types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    district = ModelChoiceField(label=_("Only those active in the district"), queryset=None, required=False)
    field = ModelChoiceField(label=_("Only those interested in the field"), queryset=None, required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = process.phases.order_by("start")
        self.fields["event"].queryset = Event.objects.filter(process=process).exclude(state=EventState.CANCELLED)
        self.fields["event"].label_from_instance = lambda event: f"{event.title} ({event.starts_at:%Y-%m-%d})"
        self.fields["expert_group"].queryset = ExpertGroup.objects.filter(process=process)
        self.fields["district"].queryset = process.city.districts.order_by("number")
        self.fields["field"].queryset = process.fields_of_action.order_by("order", "name")

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("types"):
            self.add_error("types", _("Please choose one organisation or at least one type."))
        return data


class ResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Response"), choices=InvitationResponse.choices, widget=forms.RadioSelect)


class SteeringGroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the steering group"), max_length=200)


class SteeringMemberForm(forms.Form):
    name = forms.CharField(label=_("Name of the member"), max_length=120)
    department = ModelChoiceField(label=_("For a department"), queryset=None, required=False)
    organisation = OrganisationNameField(label=_("For an organisation (its name)"))
    council = ModelChoiceField(label=_("For a district council"), queryset=None, required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(city_id=process.city_id).order_by("code")
        # The councils' model by the relation: involvement sits below councils and never imports them.
        councils = SteeringMember._meta.get_field("council").related_model.objects
        self.fields["council"].queryset = councils.filter(district__city_id=process.city_id).order_by("name")


class SteeringMeetingForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    record = forms.CharField(
        label=_("Record (optional)"), max_length=RECORD_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=DECISION_MAX * 10,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision a line."),
    )
