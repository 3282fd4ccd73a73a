"""Supports counted at the demo's held events (dot-voting on the results' flipcharts), one correction among them."""

from django.db import transaction

from teilhabe.accounts.models import Role
from teilhabe.contributions import services as contributions
from teilhabe.contributions.models import AnalogSupportTally, Contribution, Status
from teilhabe.events.models import Event, EventState

EVENTS = 2  # the latest held events with results get a dot-vote


@transaction.atomic
def demo_analog_supports(process, personas) -> None:
    """Seed the tallies once (a second run adds nothing): each of the latest held events with published results gets a
    sheet — a few dots on each result and on one contribution given online — and the first entry a correction."""
    if AnalogSupportTally.objects.filter(contribution__process=process).exists():
        return
    coordinator = personas[Role.COORDINATOR]
    held = Event.objects.filter(process=process, state=EventState.HELD, results__status=Status.PUBLISHED)
    popular = (
        Contribution.objects.filter(process=process, status=Status.PUBLISHED, channel="online")
        .order_by("-support_count", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    first = None
    for number, event in enumerate(held.distinct().order_by("-starts_at")[:EVENTS]):
        results = event.results.filter(status=Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
        counts = {pk: 3 + (pk * 7 + number) % 11 for pk in results}
        if popular is not None:
            counts[popular] = 5 + number
        entries = contributions.analog_supports_enter(
            user=coordinator, event=event, counts=counts, note="Punktabfrage am Flipchart"
        )
        first = first or entries[0]
    if first is not None:
        contributions.analog_supports_correct(
            user=coordinator, tally=first, count=first.count + 2, reason="Zweite Zählung: zwei Punkte übersehen."
        )
