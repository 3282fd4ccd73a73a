"""Events at scale (issue 9): 5,000 events of the process over three years, one held event with 200 results, and
the pages that must stay fast — the calendar, the city-wide iCalendar feed and an event page with its results.

The rows are bulk-inserted into the models' own tables after the main data (their own step, so the main data is
not rebuilt for them), and reused when their count matches.
"""

import datetime as dt
import random

from benchmarks.config import SEED, log
from benchmarks.data import TableWriter, _attname

EVENTS = 5_000
RESULTS = 200  # contributions that came out of one event
TYPES = ["workshop", "district_dialogue", "info_stand", "world_cafe", "expert_group", "council_session", "other"]
LANGUAGES = ["en", "tr", "ar", "pl", "ru", "fa", "uk"]
TITLES = ["Stadtteildialog", "Werkstatt", "Infostand", "Weltcafé", "Fachgruppe", "Sitzung des Integrationsbeirats"]
FEED_TARGETS = {"target_p95_ms": 300.0, "cpu_target_ms": 300.0}
TARGETS_NOTE = "calendar p95 ≤ 50 ms; city-wide iCalendar feed ≤ 300 ms; event page with 200 results p95 ≤ 50 ms"


def _writer(model, columns: list[str]) -> TableWriter:
    return TableWriter(model, [_attname(model, name) if name != "id" else "id" for name in columns])


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def prepare_events(process_slug: str) -> dict:
    """Make sure the events are there (reused when complete); returns their facts."""
    from django.db import transaction

    from teilhabe.contributions.models import Contribution
    from teilhabe.events.models import Event, EventLanguage

    have = Event.objects.filter(process__slug=process_slug).count()
    if have == EVENTS and Contribution.objects.filter(event__isnull=False).count() == RESULTS:
        log(f"bench: reusing the events ({have})")
        return _facts(process_slug)
    log(f"bench: generating {EVENTS} events (found {have})")
    with transaction.atomic():
        Contribution.objects.filter(event__isnull=False).update(event=None)
        EventLanguage.objects.all().delete()
        Event.fields_of_action.through.objects.all().delete()
        Event.target_groups.through.objects.all().delete()
        Event.objects.all().delete()
        _generate(process_slug)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics for the planner, as after a day of use
        cursor.execute("ANALYZE")
    return _facts(process_slug)


def _generate(process_slug: str) -> None:
    from django.utils import timezone

    from teilhabe.administration.models import Department
    from teilhabe.contributions.models import Contribution, Status
    from teilhabe.events.models import Event, EventLanguage
    from teilhabe.places.models import District
    from teilhabe.processes.models import Process

    rng = random.Random(SEED + 9)
    process = Process.objects.get(slug=process_slug)
    department = Department.objects.filter(city=process.city).order_by("pk").values_list("pk", flat=True)[0]
    districts = list(District.objects.filter(city=process.city).values_list("pk", flat=True))
    fields = list(process.fields_of_action.values_list("pk", flat=True))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    events = _writer(
        Event,
        [
            "id",
            "process",
            "type",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "district",
            "step_free",
            "childcare",
            "organiser_department",
            "capacity",
            "state",
            "cancel_reason",
            "attendance_total",
            "created_at",
            "updated_at",
        ],
    )
    rows, languages, topics = [], [], []
    # Two years back, one year ahead: a city's calendar after some years of the platform.
    for pk in range(1, EVENTS + 1):
        starts = now + dt.timedelta(days=rng.uniform(-730, 365))
        starts = starts.replace(hour=rng.choice([10, 14, 17, 18]))
        past = starts < now
        kind = rng.choice(TYPES)
        cancelled = rng.random() < 0.04
        state = "cancelled" if cancelled else ("held" if past else "planned")
        district = rng.choice(districts)
        rows.append(
            (
                pk,
                process.pk,
                kind,
                f"{rng.choice(TITLES)} {pk}",
                "Gemeinsam über den Lokalen Integrationsplan sprechen: Ideen sammeln, Fragen stellen, mitreden. " * 3,
                _ts(starts),
                _ts(starts + dt.timedelta(hours=rng.choice([2, 3, 4]))),
                f"Stadtteilzentrum {pk}",
                "Musterstraße 1, 30159 Hannover",
                district,
                rng.random() < 0.7,
                rng.random() < 0.3,
                department,
                rng.choice([None, 20, 40, 60]),
                state,
                "Der Raum steht nicht zur Verfügung." if cancelled else "",
                rng.randint(8, 80) if state == "held" else None,
                _ts(starts - dt.timedelta(days=30)),
                _ts(starts - dt.timedelta(days=30)),
            )
        )
        for code in rng.sample(LANGUAGES, k=rng.choice([0, 1, 2, 3])):
            languages.append((pk, code))
        for field in rng.sample(fields, k=rng.choice([1, 1, 2])):
            topics.append((pk, field))
    events.write(rows)
    _writer(EventLanguage, ["event", "language"]).write(languages)
    TableWriter(Event.fields_of_action.through, ["event_id", "fieldofaction_id"]).write(topics)
    # One held event gave 200 results: analog contributions entered by the coordinators.
    held = Event.objects.filter(state="held").order_by("-starts_at").values_list("pk", flat=True)[0]
    results = list(
        Contribution.objects.filter(process=process, status=Status.PUBLISHED, entered_by__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:RESULTS]
    )
    Contribution.objects.filter(pk__in=results).update(event_id=held)
    log(f"bench: {len(rows)} events, {len(languages)} interpretation languages, {len(results)} results of #{held}")


def _facts(process_slug: str) -> dict:
    from django.db.models import Count

    from teilhabe.contributions.models import Contribution
    from teilhabe.events.models import Event

    by_state = dict(
        Event.objects.filter(process__slug=process_slug).values_list("state").annotate(n=Count("pk")).order_by()
    )
    results = Contribution.objects.filter(event__isnull=False).count()
    return {
        "events": sum(by_state.values()),
        "by_state": by_state,
        "results_event": _results_event(),
        "results": results,
    }


def _results_event() -> int | None:
    from teilhabe.contributions.models import Contribution

    return Contribution.objects.filter(event__isnull=False).values_list("event_id", flat=True).first()


def event_pages(process_slug: str) -> list[dict]:
    """The calendar (first page, a filter, the past), the city-wide and a district's iCalendar feed, and the page of
    the event with 200 results; anonymous readers, timed with the page cache off and on like every page."""
    from django.urls import reverse

    from teilhabe.places.models import District
    from teilhabe.processes.models import Process

    process = Process.objects.get(slug=process_slug)
    calendar = reverse("events:calendar", kwargs={"slug": process_slug})
    district = District.objects.filter(city=process.city).order_by("number").values_list("number", flat=True)[0]
    feed = reverse("events:feed", kwargs={"slug": process_slug})
    district_feed = reverse("events:district_feed", kwargs={"slug": process_slug, "number": district})
    event = _results_event()
    pages = [
        {"name": "calendar: upcoming, first page", "urls": [calendar]},
        {"name": "calendar: upcoming, first page (cache cleared)", "urls": [calendar], "clear_cache": True},
        {"name": "calendar: district and language filter", "urls": [f"{calendar}?district={district}&language=ar"]},
        {"name": "calendar: past, page 5", "urls": [f"{calendar}?when=past&page=5"]},
        # The feed is a document of its own, not a page: its target is the whole answer within 300 ms.
        {"name": "iCalendar: city-wide feed", "urls": [feed], **FEED_TARGETS},
        {"name": "iCalendar: city-wide feed (cache cleared)", "urls": [feed], "clear_cache": True, **FEED_TARGETS},
        {"name": "iCalendar: a district's feed", "urls": [district_feed]},
    ]
    if event is not None:
        detail = reverse("events:detail", kwargs={"pk": event})
        pages.append({"name": "event page: 200 results", "urls": [detail]})
        pages.append({"name": "event page: 200 results (cache cleared)", "urls": [detail], "clear_cache": True})
    return pages
