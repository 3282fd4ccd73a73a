"""Reads of paper forms: the check of a typed serial number, print runs and how many of their sheets came back."""

import bisect
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.contributions.models import Contribution
from teilhabe.events.models import Event, EventState
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_compact, serial_is_valid, serial_parse
from teilhabe.processes.models import Process

SERIAL_STATUSES = ("ok", "malformed", "unknown", "already_entered")


@dataclass(frozen=True)
class SerialCheck:
    """What a typed serial number is: ``ok`` (printed for this process, not yet entered), ``malformed`` (not a
    serial, or its check letter does not match: a typo), ``unknown`` (a serial, but not printed for this
    process) or ``already_entered`` (a contribution of the process has it)."""

    status: str
    serial: str
    print_run: PrintRun | None
    message: str

    @property
    def is_ok(self) -> bool:
        return self.status == "ok"


def serial_normalise(text: str) -> str:
    """The serial in its printed form (``12-000123-K``) when the text has its shape, else the text in upper case
    without spaces and dashes. Case, spaces and dashes on input do not matter."""
    parsed = serial_parse(text)
    return parsed[2] if parsed else serial_compact(text)


def print_run_of_number(*, process, number: int) -> PrintRun | None:
    return (
        PrintRun.objects.filter(process=process, kind=PrintKind.FORM, first_number__lte=number)
        .order_by("-first_number")
        .select_related("event", "printed_by")
        .first()
    )


def serial_check(*, process, serial: str) -> SerialCheck:
    """Check a serial number typed from a paper form of ``process`` (at most three small queries)."""
    normalised = serial_normalise(serial)
    parsed = serial_parse(serial)
    if not parsed:
        return SerialCheck(
            "malformed",
            normalised,
            None,
            _("“%(serial)s” is not a serial number of a paper form. It looks like 12-000123-K.")
            % {"serial": normalised or serial},
        )
    if not serial_is_valid(serial):
        return SerialCheck(
            "malformed",
            normalised,
            None,
            _("The check letter of “%(serial)s” does not match: please compare the number with the form again.")
            % {"serial": normalised},
        )
    process_id, number, normalised = parsed
    print_run = None
    if process_id == process.pk:
        print_run = print_run_of_number(process=process, number=number)
        if print_run is not None and number > print_run.last_number:
            print_run = None
    # .exclude(form_serial=""): the unique index on serials is partial (non-empty ones); this lets the look-up use it.
    if Contribution.objects.filter(process=process, form_serial=normalised).exclude(form_serial="").exists():
        return SerialCheck(
            "already_entered",
            normalised,
            print_run,
            _("The form %(serial)s has already been entered.") % {"serial": normalised},
        )
    if print_run is None:
        return SerialCheck(
            "unknown",
            normalised,
            None,
            _("No form with the serial number %(serial)s was printed for this process.") % {"serial": normalised},
        )
    message = _("The serial number %(serial)s is valid.") % {"serial": normalised}
    return SerialCheck("ok", normalised, print_run, message)


def paper_process(*, slug: str):
    """The process ``slug`` (published or not: forms are printed before a process goes online), with its city."""
    return Process.objects.select_related("city").filter(slug=slug).first()


def print_run_get(*, process, pk: int) -> PrintRun | None:
    return PrintRun.objects.select_related("event", "printed_by").filter(process=process, pk=pk).first()


def print_runs_of(process):
    return PrintRun.objects.filter(process=process).select_related("event", "printed_by")


def entered_counts(*, process, runs) -> dict[int, int]:
    """How many serials of each form run have been entered as contributions: one query for all runs (the entered
    serials of the process, bucketed by number in Python), however many runs are shown."""
    forms = sorted((run for run in runs if run.kind == PrintKind.FORM), key=lambda run: run.first_number)
    counts = {run.pk: 0 for run in runs}
    if not forms:
        return counts
    starts = [run.first_number for run in forms]
    prefix = f"{process.pk}-"
    serials = Contribution.objects.filter(process=process, form_serial__startswith=prefix).values_list(
        "form_serial", flat=True
    )
    for serial in serials.iterator(chunk_size=5000):
        parsed = serial_parse(serial)
        if parsed is None or parsed[0] != process.pk:
            continue
        position = bisect.bisect_right(starts, parsed[1]) - 1
        if position >= 0 and parsed[1] <= forms[position].last_number:
            counts[forms[position].pk] += 1
    return counts


EVENT_CHOICES_MAX = 100
EVENT_CHOICES_PAST = datetime.timedelta(days=90)


def event_choices(process):
    """The events to choose for a print run: planned or held ones of the process from the last 90 days on (a
    process may have thousands over the years), the next first, at most 100."""
    since = timezone.now() - EVENT_CHOICES_PAST
    events = Event.objects.filter(process=process, state__in=(EventState.PLANNED, EventState.HELD))
    ids = events.filter(ends_at__gte=since).order_by("starts_at", "pk").values("pk")[:EVENT_CHOICES_MAX]
    # Not the slice itself: a form field filters its queryset again when it checks the choice.
    return Event.objects.filter(pk__in=ids).order_by("starts_at", "pk").only("pk", "title", "starts_at", "process")
