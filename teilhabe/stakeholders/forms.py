"""Forms of the registry pages: they parse input; the services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.places.models import District
from teilhabe.processes.models import FieldOfAction
from teilhabe.stakeholders.models import DESCRIPTION_MAX, NAME_MAX, OrganisationType


def _districts():
    return District.objects.select_related("city").order_by("city__name", "number")


def _fields():
    return (
        FieldOfAction.objects.filter(process__is_published=True)
        .select_related("process")
        .order_by("process__title", "order", "name")
    )


class FieldLabelMixin:
    def _label_fields(self):
        self.fields["fields_of_interest"].label_from_instance = lambda field: f"{field.name} ({field.process.title})"
        self.fields["districts"].label_from_instance = lambda district: f"{district.name} ({district.city.name})"


class OrganisationForm(FieldLabelMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *OrganisationType.choices])
    districts = ModelMultipleChoiceField(
        label=_("Districts where it is active"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fields_of_interest = ModelMultipleChoiceField(
        label=_("Fields of interest"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages it works in"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Short self-description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In German; translations are added later."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    mail_language = forms.ChoiceField(label=_("Language for mail"), choices=())
    listed_publicly = forms.BooleanField(
        label=_("The organisation agrees to be listed in the public directory"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = _districts()
        self.fields["fields_of_interest"].queryset = _fields()
        self.fields["languages"].choices = settings.LANGUAGES
        self.fields["mail_language"].choices = settings.LANGUAGES
        self._label_fields()


class RegistrationForm(OrganisationForm):
    """An organisation registers itself, optionally with a contact person (seen by coordinators only)."""

    contact_name = forms.CharField(label=_("Contact person (optional)"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("E-mail address of the contact person"), required=False)
    contact_phone = forms.CharField(label=_("Phone number of the contact person"), max_length=40, required=False)


class ContactForm(forms.Form):
    contact_name = forms.CharField(label=_("Name"), max_length=120)
    contact_email = forms.EmailField(label=_("E-mail address"), required=False)
    contact_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)


class DirectoryFilterForm(forms.Form):
    """The directory's filters (GET); an unknown value is an error on the form, shown, never a 500."""

    q = forms.CharField(label=_("Name contains"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *OrganisationType.choices], required=False)
    district = ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    field = ModelChoiceField(label=_("Field of interest"), queryset=FieldOfAction.objects.none(), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=(), required=False)

    def __init__(self, *args, districts, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = _("All districts")
        self.fields["field"].queryset = fields
        self.fields["field"].empty_label = _("All fields")
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

    def select_fields(self):
        return [self["type"], self["district"], self["field"], self["language"]]


class DescriptionTranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    text = forms.CharField(
        label=_("Translation of the self-description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        ]
