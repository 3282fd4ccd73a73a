"""Reads of analog input: the process of the entry screen, its choices, the entry just saved, scans."""

import datetime

from django.utils import timezone

from teilhabe.analog.models import Scan
from teilhabe.contributions.models import Contribution
from teilhabe.events.models import Event, EventState
from teilhabe.processes.models import Process
from teilhabe.stakeholders.models import Organisation

ENTRY_EVENT_DAYS = 180
ENTRY_EVENTS_MAX = 20


def entry_process(*, slug: str) -> Process | None:
    """The process of an entry screen by its slug, published or not (coordinators enter input before and after)."""
    return Process.objects.select_related("city").filter(slug=slug).first()


def entry_events(*, process):
    """The events offered on the entry screen: the ``ENTRY_EVENTS_MAX`` most recent held events of the process that
    began within ``ENTRY_EVENT_DAYS`` days (originals from an information stand come in within weeks), newest first.
    A queryset (the form validates against it) of at most that many rows, whatever the calendar's size."""
    since = timezone.now() - datetime.timedelta(days=ENTRY_EVENT_DAYS)
    recent = list(
        Event.objects.filter(process=process, state=EventState.HELD, starts_at__gte=since)
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)[:ENTRY_EVENTS_MAX]
    )
    return Event.objects.filter(pk__in=recent).order_by("-starts_at", "-pk")


def entry_organisations():
    return Organisation.objects.order_by("name").only("pk", "name")


def entry_saved(*, process, pk) -> Contribution | None:
    """The contribution named in the success line after "save and next", if it is one of this process."""
    if pk is None:
        return None
    return Contribution.objects.filter(process=process, pk=pk).first()


def contribution_scans(contribution) -> list[Scan]:
    return list(Scan.objects.filter(contribution=contribution).order_by("pk"))


def scan_get(*, pk: int) -> Scan | None:
    """A scan with its contribution's process (for the permission), removed ones included."""
    return Scan.objects.select_related("contribution__process").filter(pk=pk).first()
