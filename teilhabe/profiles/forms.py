from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import Language
from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.events.models import AgeBand
from teilhabe.places.models import District
from teilhabe.processes.models import TargetGroup
from teilhabe.profiles.models import Gender, MigrationExperience

NOT_SAID = ("", _("I'd rather not say"))


class SelfDescriptionForm(forms.Form):
    """Every question is optional; an answer left at "rather not say" is stored as not said."""

    age_band = forms.ChoiceField(
        label=_("How old are you?"), choices=[NOT_SAID, *AgeBand.choices], required=False, widget=forms.RadioSelect
    )
    gender = forms.ChoiceField(
        label=_("Your gender"), choices=[NOT_SAID, *Gender.choices], required=False, widget=forms.RadioSelect
    )
    district = ModelChoiceField(
        label=_("In which district do you live?"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("I'd rather not say / not in the city"),
    )
    migration_experience = forms.ChoiceField(
        label=_("Do you or your family have a migration experience?"),
        choices=[NOT_SAID, *MigrationExperience.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak at home?"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = ModelMultipleChoiceField(
        label=_("Do you count yourself among these groups?"),
        queryset=TargetGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(city_id=process.city_id).order_by("number")
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(process=process).order_by("order", "name")
