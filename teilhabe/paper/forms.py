"""The print form of the paper forms page."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from teilhabe.core.fields import ModelChoiceField
from teilhabe.paper.models import COUNT_MAX, PLACE_MAX, PrintKind


class PrintRunForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to print"), choices=PrintKind.choices, initial=PrintKind.FORM, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    count = forms.IntegerField(
        label=_("Number of sheets"),
        min_value=1,
        max_value=COUNT_MAX,
        initial=50,
        help_text=_("1 to %(max)s. Every form sheet gets its own serial number.") % {"max": COUNT_MAX},
    )
    event = ModelChoiceField(
        label=_("Event"),
        queryset=None,
        required=False,
        empty_label=_("No event"),
        help_text=_("The event of this process the sheets are for, if any."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=PLACE_MAX,
        required=False,
        help_text=_("Where the sheets are handed out, for example “Infostand Marktkirche”."),
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda event: (
            f"{event.title} ({date_format(timezone.localtime(event.starts_at), 'SHORT_DATE_FORMAT')})"
        )
