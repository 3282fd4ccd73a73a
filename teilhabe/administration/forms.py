"""Forms of the staff workspace, the notification settings and the consideration table."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import AnswerState, Delivery, ExportFormat, Outcome
from teilhabe.contributions.models import Contribution
from teilhabe.core.fields import ModelMultipleChoiceField

# == contribution work page (statements, dispositions, notes) ==


def translation_languages():
    """The languages a staff text can be translated into: every language of the site but German."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class StatementTextForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000, required=False
    )


class StatementReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("sign_off", _("Sign off")), ("return", _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Required when you return the statement: say what should change."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=translation_languages)
    text = forms.CharField(label=_("Translation"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)


class InputForm(forms.Form):
    text = forms.CharField(
        label=_("Your department's input"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"),
        help_text=_("Shown to the public with the decision."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        help_text=_("Required for “outside municipal competence”: the authority or body it was passed on to."),
        max_length=300,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.OUTSIDE_COMPETENCE and not (data.get("forwarded_to") or "").strip():
            self.add_error("forwarded_to", _("Please say to whom it was forwarded."))
        return data


class GroupFilterForm(forms.Form):
    """Filters of the group decision list: field of action, district, answer state, search."""

    field = forms.ChoiceField(label=_("Field of action"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    state = forms.ChoiceField(label=_("Answer state"), required=False, choices=[("", _("All")), *AnswerState.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, fields, districts, **kwargs):
        """``fields``: (slug, name) of the process's fields of action; ``districts``: (number, name)."""
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All")), *fields]
        self.fields["district"].choices = [("", _("All")), *((str(number), name) for number, name in districts)]


class GroupDecisionForm(DecisionForm):
    contributions = ModelMultipleChoiceField(
        label=_("Contributions decided together"), queryset=Contribution.objects.none()
    )
    group_title = forms.CharField(
        label=_("Title of the group"),
        help_text=_("For example: “More language courses with childcare”."),
        max_length=200,
    )

    field_order = ["contributions", "group_title", "outcome", "justification", "forwarded_to"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = candidates


# == consideration table ==


class ConsiderationFilterForm(forms.Form):
    """Filters of the consideration table. Values outside the choices are invalid (400), never a query."""

    field = forms.TypedChoiceField(label=_("Field of action"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(label=_("Decision"), required=False)
    answer_state = forms.ChoiceField(label=_("Answer state"), required=False)

    def __init__(self, *args, options: dict[str, list], **kwargs):
        """``options``: (value, label) per filter, from ``consideration_filter_options``."""
        super().__init__(*args, **kwargs)
        for name, choices in options.items():
            self.fields[name].choices = [("", _("All")), *choices]


class ConsiderationExportForm(ConsiderationFilterForm):
    """An export of the table as it is filtered on the screen (the filters come along as hidden fields)."""

    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "format":
                field.widget = forms.HiddenInput()


# == notifications (unsubscribe, opt-in) ==


class SubscribeForm(forms.Form):
    """A signed-in reader asks to be notified of a contribution's public steps."""

    delivery = forms.ChoiceField(
        label=_("How would you like to be notified?"),
        choices=Delivery.choices,
        initial=Delivery.EACH_STEP,
        widget=forms.RadioSelect,
    )


class SubscriptionActionForm(forms.Form):
    """The buttons of the notification settings page (reached by the link in every mail)."""

    ACTIONS = ("unsubscribe", "unsubscribe_all", "resume", *Delivery.values)
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
