"""The demo's events: about 25 across the 13 districts (data/events.json, written for this project) — held ones with
attendance, minutes and results (one of them, long past, still with the registrations that ``purge_registrations``
deletes), cancelled ones, upcoming ones with registrations (one full, with a waiting list) and a proposal awaiting
approval. Only services write; then the timestamps are moved into the past, as for the
contributions (a demo needs a history)."""

import datetime
import json
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.administration.models import Department
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import TranslationState
from teilhabe.core.services import content_translation_set
from teilhabe.councils.models import DistrictSpace
from teilhabe.events import services as events
from teilhabe.events.models import AgeBand, Event, EventState, Registration
from teilhabe.places.models import District, Neighbourhood
from teilhabe.stakeholders.models import Organisation

DATA_FILE = "events.json"
# Registrations of the upcoming events: this many residents each (the full event gets more than its places).
REGISTRATIONS = 8
OVERBOOKED = 3  # people on the full event's waiting list


def _at(day: int, clock: str) -> datetime.datetime:
    """A local time ``day`` days from today (Europe/Berlin or the configured zone)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    hour, minute = (int(part) for part in clock.split(":"))
    date = timezone.localdate() + datetime.timedelta(days=day)
    return datetime.datetime(date.year, date.month, date.day, hour, minute, tzinfo=zone)


def _organiser(city, spec: dict):
    if "department" in spec:
        return Department.objects.get(city=city, code=spec["department"])
    if "organisation" in spec:
        return Organisation.objects.get(name=spec["organisation"])
    return DistrictSpace.objects.get(district__city=city, district__name=spec["council"])


def _details(process, item: dict, districts: dict) -> dict:
    starts_at = _at(item["day"], item["start"])
    district = districts[item["district"]]
    fields = {field.slug: field for field in process.fields_of_action.all()}
    groups = {group.slug: group for group in process.target_groups.all()}
    return {
        "type": item["type"],
        "title": item["title"],
        "description": item["description"],
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=item["hours"]),
        "venue_name": item["venue"],
        "venue_address": item["address"],
        "latitude": item.get("lat"),
        "longitude": item.get("lon"),
        "district": district,
        "neighbourhood": Neighbourhood.objects.filter(district=district, name=item.get("neighbourhood")).first(),
        "step_free": item.get("step_free", False),
        "hearing_loop": item.get("hearing_loop", False),
        "sign_language": item.get("sign_language", False),
        "childcare": item.get("childcare", False),
        "takes_registrations": item.get("registrations", True),
        "capacity": item.get("capacity"),
        "languages": item.get("languages", []),
        "fields_of_action": [fields[slug] for slug in item["fields"]],
        "target_groups": [groups[slug] for slug in item["groups"]],
    }


def _composition(process, item: dict, districts: dict) -> dict:
    """The JSON's counts (age bands by value, districts by name, target groups by slug) as the service's keys."""
    groups = {group.slug: group.pk for group in process.target_groups.all()}
    spec = item.get("composition", {})
    composition = {}
    if "age_band" in spec:
        composition["age_band"] = {AgeBand(key).value: count for key, count in spec["age_band"].items()}
    if "district" in spec:
        composition["district"] = {str(districts[name].pk): count for name, count in spec["district"].items()}
    if "target_group" in spec:
        composition["target_group"] = {str(groups[slug]): count for slug, count in spec["target_group"].items()}
    return composition


def _held(process, event: Event, item: dict, districts: dict, coordinator) -> None:
    events.event_attendance_record(
        user=coordinator, event=event, total=item["attendance"], composition=_composition(process, item, districts)
    )
    if item.get("minutes"):
        events.event_minutes_set(
            user=coordinator, event=event, text=item["minutes"], public=item.get("minutes_public", False)
        )
    fields = {field.slug: field for field in process.fields_of_action.all()}
    results = [
        {
            "title": title,
            "body": body,
            "fields_of_action": [fields[slug] for slug in slugs],
            "district": event.district,
            "group_size": group_size,
            "publication_consent": True,
        }
        for title, body, slugs, group_size in item.get("results", [])
    ]
    if results:
        made = events.event_results_enter(user=coordinator, event=event, results=results)
        entered = event.ends_at + datetime.timedelta(days=1)
        Contribution.objects.filter(pk__in=[c.pk for c in made]).update(created_at=entered, published_at=entered)


def _registrations(event: Event, residents, item: dict) -> None:
    wanted = (event.capacity or REGISTRATIONS) + OVERBOOKED if item.get("full") else REGISTRATIONS
    if event.capacity is not None and not item.get("full"):
        wanted = min(wanted, event.capacity - 1)
    languages = sorted(event.languages.values_list("language", flat=True))
    for number, person in enumerate(residents[:wanted]):
        events.registration_create(
            event=event,
            user=person,
            needs=["childcare"] if event.childcare and number % 3 == 0 else [],
            interpretation_language=languages[number % len(languages)] if languages and number % 2 == 0 else "",
        )


def _keeps_old_registrations(item: dict, details: dict, kept: list) -> bool:
    """The first held event that ended longer ago than registrations are kept, and took registrations: the demo
    keeps its registrations, so that ``purge_registrations`` has something to delete."""
    retention = datetime.timedelta(days=settings.TEILHABE_REGISTRATION_RETENTION_DAYS)
    return (
        not kept
        and item["state"] == EventState.HELD
        and details["takes_registrations"]
        and details["ends_at"] < timezone.now() - retention
    )


def _event_with_old_registrations(coordinator, process, organiser, details, residents, item) -> Event:
    """Created and registered for while it was ahead (a month from now), then moved back to its date."""
    ahead = timezone.now() + datetime.timedelta(days=30)
    duration = details["ends_at"] - details["starts_at"]
    event = events.event_create(
        user=coordinator,
        process=process,
        organiser=organiser,
        **{**details, "starts_at": ahead, "ends_at": ahead + duration},
    )
    _registrations(event, residents, {**item, "full": False})
    registered = details["starts_at"] - datetime.timedelta(days=14)
    Registration.objects.filter(event=event).update(created_at=registered, updated_at=registered)
    Event.objects.filter(pk=event.pk).update(
        starts_at=details["starts_at"], ends_at=details["ends_at"], updated_at=timezone.now()
    )
    event.refresh_from_db()
    return event


def _translations(event: Event, texts: dict) -> None:
    for field, by_language in texts.items():
        for language, text in by_language.items():
            content_translation_set(
                obj=event, field=field, language=language, text=text, state=TranslationState.CHECKED
            )


def demo_events(process, personas, residents) -> None:
    """Seed the events once (a second run adds nothing)."""
    if Event.objects.filter(process=process).exists():
        return
    data = json.loads((settings.BASE_DIR / "teilhabe" / "demo" / "data" / DATA_FILE).read_text(encoding="utf-8"))
    districts = {district.name: district for district in District.objects.filter(city=process.city)}
    coordinator = personas[Role.COORDINATOR]
    kept = []
    for index, item in enumerate(data["events"]):
        with transaction.atomic():
            organiser = _organiser(process.city, item["organiser"])
            details = _details(process, item, districts)
            if item["state"] == EventState.PROPOSED:
                event = events.event_propose(
                    user=personas[Role.ORGANISATION_REPRESENTATIVE], process=process, organiser=organiser, **details
                )
            elif _keeps_old_registrations(item, details, kept):
                event = _event_with_old_registrations(coordinator, process, organiser, details, residents, item)
                kept.append(event)
            else:
                event = events.event_create(user=coordinator, process=process, organiser=organiser, **details)
            if event.state == EventState.PLANNED and event.takes_registrations and event.starts_at > timezone.now():
                _registrations(event, residents[index % 7 * 10 :], item)
            if item["state"] == EventState.HELD:
                _held(process, event, item, districts, coordinator)
            elif item["state"] == EventState.CANCELLED:
                events.event_cancel(user=coordinator, event=event, reason=item["cancel_reason"])
            _translations(event, data["translations"].get(item["key"], {}))
            # Planned some weeks ahead (a demo needs a history): only the timestamp is moved.
            planned = min(timezone.now(), event.starts_at - datetime.timedelta(days=21))
            Event.objects.filter(pk=event.pk).update(created_at=planned)
