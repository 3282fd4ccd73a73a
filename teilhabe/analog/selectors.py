"""Reads of analog input: the process of the entry screen, its choices, the entry just saved, scans."""

from teilhabe.analog.models import Scan
from teilhabe.contributions.models import Contribution
from teilhabe.events.models import Event, EventState
from teilhabe.processes.models import Process
from teilhabe.stakeholders.models import Organisation


def entry_process(*, slug: str) -> Process | None:
    """The process of an entry screen by its slug, published or not (coordinators enter input before and after)."""
    return Process.objects.select_related("city").filter(slug=slug).first()


def entry_events(*, process):
    """The held events of the process, newest first: those whose input (paper forms, notes) can be entered."""
    return Event.objects.filter(process=process, state=EventState.HELD).order_by("-starts_at", "-pk")


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
