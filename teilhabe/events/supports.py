"""Supports counted at a held event (dot-voting, ballot sheets): the organisers' tally sheet and corrections.

The tallies belong to contributions (``contributions.AnalogSupportTally``; services ``analog_supports_enter`` and
``analog_supports_correct``); these pages sit with the event's other organiser pages and ask the same permission as
its results (``events.enter_results``). docs/analog-supports.md.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from teilhabe.contributions import services as contributions
from teilhabe.contributions.selectors import (
    analog_support_entry_get,
    analog_support_history,
    analog_support_rows,
)
from teilhabe.contributions.services import ANALOG_COUNT_MAX, ANALOG_NOTE_MAX
from teilhabe.core.errors import ApplicationError, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.events.models import EventState
from teilhabe.events.views import ORGANISER, _allowed, _managed_event

COUNT_PREFIX = "anzahl-"  # one input per row: anzahl-<contribution id>
ADDED = "beitrag"  # contributions added to the sheet by number (GET, and kept as hidden inputs when saving)
ADDED_MAX = 200
REFUSAL = gettext_lazy("Supports are counted once the event is marked as held. This event is: %(state)s.")


class SheetNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        help_text=gettext_lazy("For example: dot-vote on the flipchart of table 2, counted by two people."),
        max_length=ANALOG_NOTE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CorrectionForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("Right count"),
        help_text=gettext_lazy("The number of supports the sheet really shows. It replaces the entry's count."),
        min_value=0,
        max_value=ANALOG_COUNT_MAX,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        help_text=gettext_lazy("For example: counted again, one table's dots were missed."),
        max_length=ANALOG_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _sheet_event(request, pk):
    """The held event whose supports the person may count: 404 for an event they do not manage, 409 for one not
    held yet, 403 otherwise."""
    event = _managed_event(request, pk)
    _allowed(request, "events.enter_results", event, (EventState.HELD,), REFUSAL)
    return event


def _added_ids(values) -> tuple[list[int], list[str]]:
    """The contribution numbers added to the sheet (in order, once each), and what was typed that is no number."""
    ids, bad = [], []
    for value in values[:ADDED_MAX]:
        value = value.strip().lstrip("#")
        if not value:
            continue
        number = parse_id(value)
        if number is None:
            bad.append(value)
        elif number not in ids:
            ids.append(number)
    return ids, bad


@login_required
def supports_view(request, pk):
    """The tally sheet of a held event: one row per published contribution of the process that came out of the event,
    already has supports counted at it, or was added by its number; one number per row, saved at once (all or
    nothing). Below it, every entry made at the event with its corrections."""
    event = _sheet_event(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    added, bad = _added_ids(data.getlist(ADDED))
    rows = analog_support_rows(event=event, extra_ids=added)
    shown = {row.pk for row in rows}
    errors: dict[str, str] = {}
    error_message = None
    status = 200
    for value in bad:
        errors["add"] = _("“%(value)s” is not the number of a contribution.") % {"value": value}
    unknown = [number for number in added if number not in shown]
    if unknown:
        errors["add"] = _("No published contribution of this process has the number %(number)s.") % {
            "number": unknown[0]
        }
    added = [number for number in added if number in shown]
    note_form = SheetNoteForm(request.POST or None)
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {
            key.removeprefix(COUNT_PREFIX): value.strip()
            for key, value in request.POST.items()
            if key.startswith(COUNT_PREFIX) and value.strip()
        }
        if note_form.is_valid() and not errors:
            try:
                entries = contributions.analog_supports_enter(
                    user=request.user, event=event, counts=typed, note=note_form.cleaned_data["note"]
                )
            except ApplicationError as failure:
                if failure.status_code != 400:
                    raise
                error_message = failure.message
                for key, message in failure.field_errors.items():
                    if key == "note":
                        note_form.add_error("note", message)
                    else:
                        errors[key] = message
            else:
                total = sum(entry.count for entry in entries)
                messages.success(
                    request,
                    ngettext(
                        "%(total)s support counted for %(count)s contribution was saved.",
                        "%(total)s supports counted for %(count)s contributions were saved.",
                        len(entries),
                    )
                    % {"total": total, "count": len(entries)},
                )
                return redirect(reverse("events:manage_supports", kwargs={"pk": event.pk}) + "#history")
        status = 400
    elif errors:
        status = 400
    sheet = [
        {
            "row": row,
            "field": f"{COUNT_PREFIX}{row.pk}",
            "value": typed.get(str(row.pk), ""),
            "error": errors.get(f"count_{row.pk}"),
        }
        for row in rows
    ]
    # Errors of rows the sheet does not show (a number sent by hand): the summary lists them.
    row_errors = [(line["field"], line["row"].pk, line["error"]) for line in sheet if line["error"]]
    shown_keys = {f"count_{row.pk}" for row in rows}
    other_errors = [message for key, message in errors.items() if key != "add" and key not in shown_keys]
    return render(
        request,
        ORGANISER + "supports.html",
        {
            "event": event,
            "sheet": sheet,
            "added": added,
            "add_error": errors.get("add"),
            "add_value": ", ".join(bad) if bad else "",
            "row_errors": row_errors,
            "other_errors": other_errors,
            "error_message": error_message,
            "note_form": note_form,
            "history": analog_support_history(event=event),
            "count_max": ANALOG_COUNT_MAX,
        },
        status=status,
    )


@login_required
def supports_correct_view(request, pk):
    """Correct one entry of supports counted at an event: a new entry with the right count and a reason; the entry
    stays in the history."""
    entry = analog_support_entry_get(pk=pk)
    if entry is None or str(entry.pk) != str(pk):
        raise NotFound()
    event = _sheet_event(request, entry.event_id)
    status = 200
    error_message = None
    form = CorrectionForm(request.POST or None, initial={"count": entry.count})
    if request.method == "POST":
        if form.is_valid():
            try:
                contributions.analog_supports_correct(
                    user=request.user,
                    tally=entry,
                    count=form.cleaned_data["count"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as failure:
                if failure.status_code not in (400, 409):
                    raise
                error_message = failure.message
                for field, message in failure.field_errors.items():
                    form.add_error(field if field in form.fields else None, message)
                status = failure.status_code
            else:
                messages.success(request, _("The correction was saved. The earlier entry stays in the history."))
                return redirect(reverse("events:manage_supports", kwargs={"pk": event.pk}) + "#history")
        else:
            status = 400
    return render(
        request,
        ORGANISER + "supports_correct.html",
        {"event": event, "entry": entry, "form": form, "error_message": error_message},
        status=status,
    )
