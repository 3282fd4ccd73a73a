"""Forms of the evaluation pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.core.fields import ModelChoiceField, ModelMultipleChoiceField
from teilhabe.evaluation.models import INDICATOR_NAME_MAX, NOTE_MAX, SERIAL_MAX, SOURCE_MAX, UNIT_MAX, Direction
from teilhabe.evaluation.questions import ANSWERS, FREE_TEXT_MAX, FREE_TEXT_QUESTION, QUESTIONS, RATINGS
from teilhabe.plan.models import Measure
from teilhabe.processes.models import FieldOfAction, Phase

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _free_text_field():
    return forms.CharField(
        label=FREE_TEXT_QUESTION,
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write names or other details about yourself or others."),
    )


class QuestionnaireForm(forms.Form):
    """The online questionnaire: every statement optional, one choice each on the agreement scale."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text,
                choices=[(str(value), label) for value, label in ANSWERS],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["free_text"] = _free_text_field()

    def answers(self) -> dict:
        return {question.key: self.cleaned_data.get(question.key) for question in QUESTIONS}


PAPER_CODES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "0": 0, "?": 0}


class PaperQuestionnaireForm(forms.Form):
    """A paper questionnaire typed in: one key per statement (1–5, 0 or ? for "don't know", empty if left out),
    so that a stack of forms is entered with the keyboard alone."""

    form_serial = forms.CharField(
        label=_("Form number (if printed)"),
        max_length=SERIAL_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input-short"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.CharField(
                label=question.text,
                required=False,
                max_length=1,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "off", "size": 2, "class": "input-digit"}
                ),
            )
        self.fields["free_text"] = _free_text_field()

    def clean(self):
        data = super().clean()
        for question in QUESTIONS:
            code = (data.get(question.key) or "").strip()
            if code and code not in PAPER_CODES:
                self.add_error(question.key, _("Please type 1 to 5, 0 for “don't know”, or leave it empty."))
            else:
                data[question.key] = PAPER_CODES.get(code)
        return data

    def answers(self) -> dict:
        return {question.key: self.cleaned_data.get(question.key) for question in QUESTIONS}


class QualityRatingForm(forms.Form):
    """The rating of one principle in one phase, with a note."""

    principle = forms.CharField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(str(value), label) for value, label in RATINGS],
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the rating rests on: observations, figures, feedback."),
    )


class NoteForm(forms.Form):
    phase = ModelChoiceField(label=_("Phase (optional)"), queryset=Phase.objects.none(), required=False)
    text = forms.CharField(label=_("Note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(process=process).order_by("start")


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=INDICATOR_NAME_MAX)
    unit = forms.CharField(
        label=_("Unit"), max_length=UNIT_MAX, required=False, help_text=_("For example: %, people, days.")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_MAX,
        required=False,
        help_text=_("Where the figures come from, e.g. the city's statistics office."),
    )
    baseline_value = forms.CharField(label=_("Baseline value"), max_length=20)
    baseline_date = _date_field(_("Baseline date"))
    target_value = forms.CharField(label=_("Target value"), max_length=20)
    target_date = _date_field(_("Target date"))
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.UP, widget=forms.RadioSelect
    )
    field_of_action = ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.none(), required=False
    )
    measures = ModelMultipleChoiceField(
        label=_("Linked measures"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, process, measure_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(process=process).order_by("order")
        self.fields["measures"].queryset = Measure.objects.filter(process=process)
        if measure_choices:
            self.fields["measures"].choices = list(measure_choices)


class MeasurementForm(forms.Form):
    measured_on = _date_field(_("Date"))
    value = forms.CharField(label=_("Value"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("Note (optional)"), max_length=SOURCE_MAX, required=False)
    source = forms.CharField(label=_("Source (optional)"), max_length=SOURCE_MAX, required=False)


class MeasurementUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: indicator, date, value, note, source."))


class MeasurementConfirmForm(forms.Form):
    """The checked file travels back with the confirmation and is checked again before anything is written."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=1024 * 1024 * 2)
