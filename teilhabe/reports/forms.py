"""Forms of the council reports pages: committees, schedules, sessions, and asking for a report."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from teilhabe.core.fields import ModelChoiceField
from teilhabe.reports.models import Frequency


class CommitteeForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the committee"), max_length=200, help_text=_("For example “Internationaler Ausschuss”.")
    )
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=40,
        required=False,
        help_text=_("Used in the report's reference, for example “IA”."),
    )


class ScheduleForm(forms.Form):
    committee = ModelChoiceField(label=_("Committee"), queryset=None, empty_label=None)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, initial=Frequency.QUARTERLY)
    first_period = forms.CharField(
        label=_("First period"), max_length=7, help_text=_("Year and quarter, for example 2027-Q1.")
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class MeetingForm(forms.Form):
    committee = ModelChoiceField(label=_("Committee"), queryset=None, empty_label=None)
    name = forms.CharField(
        label=_("Name of the session"),
        max_length=200,
        help_text=_("For example “4. Sitzung des Internationalen Ausschusses”."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class ReportRequestForm(forms.Form):
    committee = ModelChoiceField(label=_("Committee"), queryset=None, empty_label=None)
    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("Year and quarter, for example 2027-Q1."))
    meeting = ModelChoiceField(
        label=_("Session"),
        queryset=None,
        required=False,
        empty_label=_("Not yet known"),
        help_text=_("The committee's session the report is submitted to."),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES, initial="de")

    def __init__(self, *args, committees, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.committee.name}: {meeting.name} ({meeting.date.isoformat()})"
        )
