from django import forms
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import (
    BODY_MAX,
    COMMENT_MAX,
    TITLE_MAX,
    Channel,
    FlagReason,
    Language,
    RemovalReason,
    Status,
)
from teilhabe.contributions.selectors import SORTS
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version
from teilhabe.core.fields import IdField, ModelChoiceField, ModelMultipleChoiceField
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.places.models import District, Neighbourhood
from teilhabe.places.selectors import district_choices
from teilhabe.processes.models import FieldOfAction, TargetGroup
from teilhabe.stakeholders.models import Organisation


def localised_label(model):
    """A label function that shows a staff-written name in the reader's language (one query per form)."""
    language = translation.get_language()
    table = content_translation_table(model, language)
    return lambda obj: localise(obj, "name", language, table).text


SORT_LABELS = {"newest": _("Newest"), "supported": _("Most supported"), "discussed": _("Most discussed")}


class ContributionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Field of action"), required=False)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, process, statuses, facets, **kwargs):
        """``facets``: per filter, how many contributions each value finds (see ``contribution_facets``).

        Channel, language and district offer only the values that occur, with their counts, and the value
        asked for (a link may name one that no longer finds anything).
        """
        super().__init__(*args, **kwargs)
        options = filter_options(process=process, statuses=statuses, facets=facets)
        for name in ("field", "target_group", "status", "sort"):
            self.fields[name].choices = options[name]
        for name in ("district", "channel", "language"):
            asked = str(self.data.get(name, "")) if self.is_bound else ""
            self.fields[name].choices = [
                (value, label) for value, label, count in options[name] if count or str(value) == asked
            ]
        if len(statuses) == 1:
            del self.fields["status"]  # nothing to choose for the public


# The options of the filter form, by what decides them: built once per worker, not once per request.
_OPTIONS: dict = {}
_OPTIONS_KEPT = 256


def filter_options(*, process, statuses, facets) -> dict[str, list]:
    """The filter form's options in the active language: (value, label) for fields of action, target groups,
    statuses and sorting; (value, label with count, count) for district, channel and language ("" for all).

    Remembered by the worker under the process, the language, the reader's statuses, the site's content version
    (names) and the counts themselves, so a change of any of them builds them afresh.
    """
    language = translation.get_language()
    counted = tuple(sorted((name, tuple(sorted(values.items(), key=str))) for name, values in facets.items()))
    key = (process.pk, language, statuses, cache_version(CONTENT_NAMESPACE, "site"), counted)
    options = _OPTIONS.get(key)
    if options is not None:
        return options
    field_label, group_label = localised_label(FieldOfAction), localised_label(TargetGroup)

    def counted_options(options, all_label):
        return [("", str(all_label), 1)] + [
            (value, label_with_count(label, count), count) for value, label, count in options
        ]

    districts = district_choices(city_id=process.city_id)
    options = {
        "field": [("", gettext("All fields of action"))]
        + [(item.slug, field_label(item)) for item in process.fields_of_action.all()],
        "target_group": [("", gettext("All target groups"))]
        + [(item.slug, group_label(item)) for item in process.target_groups.all()],
        "status": [(value, str(label)) for value, label in Status.choices if value in statuses],
        "sort": [(key, str(SORT_LABELS[key])) for key in SORTS],
        "district": counted_options(
            [(number, name, facets["district"].get(pk, 0)) for pk, number, name in districts], _("All districts")
        ),
        "channel": counted_options(
            [(value, label, facets["channel"].get(value, 0)) for value, label in Channel.choices], _("All channels")
        ),
        "language": counted_options(
            [(value, label, facets["language"].get(value, 0)) for value, label in Language.choices],
            _("All languages"),
        ),
    }
    if len(_OPTIONS) >= _OPTIONS_KEPT:
        _OPTIONS.clear()
    _OPTIONS[key] = options
    return options


def label_with_count(label, count: int) -> str:
    return gettext("%(label)s (%(count)s)") % {"label": label, "count": count}


class ContributionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, help_text=_("A short summary of your idea or concern.")
    )
    body = forms.CharField(
        label=_("Your contribution"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        # Formatted when rendered, so in the reader's language (not at import time).
        help_text=lazy(
            lambda: gettext("Describe what should change and why. At most %(max)s characters.") % {"max": BODY_MAX},
            str,
        )(),
    )
    fields_of_action = ModelMultipleChoiceField(
        label=_("Fields of action"),
        queryset=FieldOfAction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more topics."),
    )
    target_groups = ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Optional: whom does your contribution concern most?"),
    )
    district = ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Whole city"),
    )
    neighbourhood = ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("No particular neighbourhood"),
    )
    language = forms.ChoiceField(
        label=_("Language of your text"),
        choices=[("", _("Detect automatically")), *Language.choices],
        required=False,
        help_text=_("You may write in any language. We recognise the language if you leave this open."),
    )
    organisation = ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    author_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        help_text=_("Without an account: we send you a link to confirm your contribution. It is not published."),
    )
    publication_consent = forms.BooleanField(
        label=_("I agree that my contribution is published on this platform."),
        required=True,
    )
    # A field people never see or reach (hidden, out of the tab order); bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    honeypot_fields = ("website",)

    def __init__(self, *args, process, user, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["fields_of_action"].label_from_instance = localised_label(FieldOfAction)
        self.fields["target_groups"].queryset = process.target_groups.all()
        self.fields["target_groups"].label_from_instance = localised_label(TargetGroup)
        self.fields["district"].queryset = District.objects.filter(city_id=process.city_id)
        neighbourhoods = Neighbourhood.objects.filter(district__city_id=process.city_id).select_related("district")
        self.fields["neighbourhood"].queryset = neighbourhoods
        # Shown grouped by district (validation still goes through the queryset).
        groups: dict[str, list] = {}
        for neighbourhood in neighbourhoods:
            groups.setdefault(neighbourhood.district.name, []).append((neighbourhood.pk, neighbourhood.name))
        self.fields["neighbourhood"].choices = [("", self.fields["neighbourhood"].empty_label), *groups.items()]
        self.fields["publication_consent"].help_text = _(
            "Published contributions are shown under the licence %(licence)s."
        ) % {"licence": process.contribution_licence}
        if user.is_authenticated:
            del self.fields["author_email"]
        else:
            self.fields["author_email"].required = True
        if organisations:
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="de")
    parent = IdField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note for the moderators (optional)"), required=False, max_length=500)
    comment = IdField(required=False, widget=forms.HiddenInput)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the contribution"), choices=Language.choices)


class ModerationForm(forms.Form):
    # "keep" is for published items that were reported: they stay as they are and the reports are closed.
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("keep", _("Keep published")), ("remove", _("Remove"))]
    )
    reason = forms.ChoiceField(
        label=_("Reason for removal"), choices=[("", "—"), *RemovalReason.choices], required=False
    )
