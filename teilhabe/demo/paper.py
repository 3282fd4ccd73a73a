"""The demo's print runs: Arabic forms for the next planned workshop and German posters for a district centre."""

from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.events.models import Event, EventState
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.services import print_run_create

POSTER_PLACE = "Stadtteilzentrum Linden, Aushang"


@transaction.atomic
def demo_print_runs(process, personas) -> None:
    """Two print runs, once (a second run adds nothing); their PDFs are made by the task queue."""
    if PrintRun.objects.filter(process=process, kind=PrintKind.POSTER, place=POSTER_PLACE).exists():
        return
    coordinator = personas[Role.COORDINATOR]
    workshop = (
        Event.objects.filter(process=process, state=EventState.PLANNED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    print_run_create(
        user=coordinator,
        process=process,
        language="ar",
        count=20,
        event=workshop,
        place="" if workshop else "Infostand Marktkirche",
    )
    print_run_create(
        user=coordinator, process=process, kind=PrintKind.POSTER, language="de", count=3, place=POSTER_PLACE
    )
