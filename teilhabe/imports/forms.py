from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from teilhabe.imports.parsing import max_bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV or XLSX file with one result per row, as in the template."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    event = forms.TypedChoiceField(
        label=_("Event"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The held event the rows are results of, unless a row names its own event."),
    )

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {event.pk: event for event in events}
        self.fields["event"].choices = [("", _("No event"))] + [
            (event.pk, f"{event.title} ({date_format(localtime(event.starts_at), 'SHORT_DATE_FORMAT')}, {event.pk})")
            for event in events
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is too large (%(size)s; at most %(max)s). Please split it into several files.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())}
            )
        return upload

    def clean_event(self):
        value = self.cleaned_data["event"]
        return self.events.get(value) if value is not None else None
