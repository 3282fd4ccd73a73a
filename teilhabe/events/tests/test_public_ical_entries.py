"""The VEVENTs kept in the database below the feeds' cache (``CalendarEntry``): an emptied cache serves a feed from
them, byte for byte as rendered afresh, rendering only the events that changed since; each language has its own."""

import datetime
import threading
from unittest import mock

import icalendar
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from teilhabe.core.selectors import content_translation_table
from teilhabe.core.services import content_translation_set
from teilhabe.events import ical, services
from teilhabe.events.models import CalendarEntry, Event, EventState
from teilhabe.events.selectors import feed_event_stamps, feed_events_by_id
from teilhabe.events.tests.conftest import public_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def feeds_cache_only(settings):
    settings.TEILHABE_PAGE_CACHE = False  # the feed's own cache and the entries below it, nothing above


@pytest.fixture
def events(process, personas):
    """A planned event, a cancelled one, a held one without coordinates nor district, and a proposed one (not in
    any feed)."""
    return {
        "planned": public_event(process, title="Dialog, mit Komma; und Semikolon", days=3),
        "cancelled": public_event(process, title="Abgesagt", days=5, state=EventState.CANCELLED),
        "held": public_event(
            process, title="Gehalten", days=-10, state=EventState.HELD, latitude=None, longitude=None, district=None
        ),
        "proposed": public_event(process, title="Vorgeschlagen", state=EventState.PROPOSED),
    }


def feed(process, language="de") -> bytes:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("events:feed", kwargs={"slug": process.slug}))
    assert response.status_code == 200
    return response.content


def entries(language="de") -> dict[int, tuple]:
    """(stamp, when written) of each entry in ``language``, by event."""
    rows = CalendarEntry.objects.filter(language=language).values_list("event_id", "stamp", "updated_at")
    return {event_id: (stamp, written) for event_id, stamp, written in rows}


def entry(event, language="de") -> str:
    return CalendarEntry.objects.get(event=event, language=language).ical


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    return {str(component["uid"]): component for component in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def rendered_whole(body: bytes, events, language: str) -> bytes:
    """The calendar ``body`` names, made by icalendar in one piece from the events (what the feed was before it
    had entries, or chunks)."""
    head = icalendar.Calendar.from_ical(body)
    calendar = icalendar.Calendar()
    for name in ("prodid", "version", "calscale", "name", "x-wr-calname", "x-wr-timezone"):
        calendar.add(name, str(head[name]))
    table = content_translation_table(Event, language) if language != django_settings.LANGUAGE_CODE else {}
    with translation.override(language):
        for event in sorted(events, key=lambda event: event.pk):
            calendar.add_component(ical.vevent(Event.objects.get(pk=event.pk), language, table))
    return calendar.to_ical()


def test_an_emptied_cache_serves_the_feed_from_the_entries(process, events):
    first = feed(process)
    public = [events["planned"], events["cancelled"], events["held"]]
    assert set(entries()) == {event.pk for event in public}  # the proposed event has none
    stored = entries()
    cache.clear()  # a restarted cache, a deploy, an eviction
    with mock.patch.object(ical, "vevent", wraps=ical.vevent) as made, CaptureQueriesContext(connection) as queries:
        second = feed(process)
    assert made.call_count == 0 and writes(queries) == []
    assert second == first
    assert entries() == stored  # read, not written again
    parsed = vevents(second)
    assert str(parsed[ical.event_uid(events["cancelled"])]["status"]) == "CANCELLED"
    assert "geo" not in parsed[ical.event_uid(events["held"])]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_feed_from_entries_is_byte_identical_to_one_rendered_afresh(process, events, language):
    content_translation_set(obj=events["planned"], field="title", language="ar", text="حوار الحي", state="checked")
    content_translation_set(
        obj=events["cancelled"], field="cancel_reason", language="ar", text="القاعة مغلقة", state="checked"
    )
    fresh = feed(process, language)  # no entries yet: every VEVENT rendered
    assert CalendarEntry.objects.filter(language=language).count() == 3
    cache.clear()
    from_entries = feed(process, language)
    assert from_entries == fresh
    public = [events["planned"], events["cancelled"], events["held"]]
    assert from_entries == rendered_whole(from_entries, public, language)
    for event in public:  # each entry is its VEVENT as icalendar writes it
        assert entry(event, language).encode() in rendered_whole(from_entries, [event], language)
    if language == "ar":
        assert str(vevents(from_entries)[ical.event_uid(events["planned"])]["summary"]) == "حوار الحي"


def test_a_changed_event_gets_a_new_entry_and_the_feed_shows_it_at_once(process, personas, events, committed):
    planned, held = events["planned"], events["held"]
    uid = ical.event_uid(planned)
    before = vevents(feed(process))[uid]
    stored = entries()
    committed(services.event_cancel, user=personas["coordinator"], event=planned, reason="Der Saal ist gesperrt.")
    after = vevents(feed(process))[uid]  # at once: the chunk's key names the change
    assert str(after["status"]) == "CANCELLED" and int(after["sequence"]) > int(before["sequence"])
    assert "Der Saal ist gesperrt." in str(after["description"])
    now = entries()
    assert now[planned.pk][0] != stored[planned.pk][0]
    assert "STATUS:CANCELLED" in entry(planned) and f"SEQUENCE:{after['sequence']}" in entry(planned)
    assert now[held.pk] == stored[held.pk]  # the other events' entries are left as they are
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        again = vevents(feed(process))[uid]
    assert writes(queries) == [] and str(again["status"]) == "CANCELLED"


def test_a_new_title_replaces_the_entry(process, personas, events, committed):
    feed(process)
    committed(services.event_update, user=personas["coordinator"], event=events["planned"], title="Neuer Titel")
    cache.clear()
    assert str(vevents(feed(process))[ical.event_uid(events["planned"])]["summary"]) == "Neuer Titel"
    assert "SUMMARY:Neuer Titel" in entry(events["planned"])


def test_each_language_has_its_own_entry(process, events, committed):
    planned = events["planned"]
    content_translation_set(obj=planned, field="title", language="ar", text="حوار الحي", state="checked")
    feed(process, "de")
    feed(process, "ar")
    assert "SUMMARY:حوار الحي" in entry(planned, "ar") and "SUMMARY:Dialog" in entry(planned, "de")
    german, arabic = entries("de"), entries("ar")
    committed(content_translation_set, obj=planned, field="title", language="ar", text="حوار جديد", state="checked")
    cache.clear()
    assert str(vevents(feed(process, "ar"))[ical.event_uid(planned)]["summary"]) == "حوار جديد"
    assert entries("ar")[planned.pk] != arabic[planned.pk]  # the changed translation made its entry stale
    assert {pk: row for pk, row in entries("ar").items() if pk != planned.pk} == {
        pk: row for pk, row in arabic.items() if pk != planned.pk
    }
    cache.clear()
    feed(process, "de")
    assert entries("de") == german  # the German entries show no translation


def test_what_a_vevent_does_not_show_leaves_the_entries_as_they_are(process, personas, participant, events, committed):
    planned = events["planned"]
    feed(process, "ar")
    arabic = entries("ar")
    committed(services.registration_create, event=planned, user=participant)
    committed(
        content_translation_set, obj=planned, field="accessibility_notes", language="ar", text="مدخل", state="checked"
    )
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        feed(process, "ar")
    assert writes(queries) == [] and entries("ar") == arabic


def test_a_stale_entry_is_overwritten_never_served(process, events, settings):
    first = feed(process)
    CalendarEntry.objects.update(stamp="from another release", ical="BEGIN:VEVENT\r\nSUMMARY:Alt\r\nEND:VEVENT\r\n")
    cache.clear()
    assert feed(process) == first
    assert "SUMMARY:Alt" not in entry(events["planned"])
    settings.SITE_URL = "https://beteiligung.example.org"  # the renderer changed: every entry is stale
    cache.clear()
    assert set(vevents(feed(process))) == {
        f"event-{events[name].pk}@beteiligung.example.org" for name in ("planned", "cancelled", "held")
    }
    assert "@beteiligung.example.org" in entry(events["held"])


def test_two_writers_of_the_same_entry_both_succeed(process, events):
    planned = events["planned"]
    ical._store([CalendarEntry(event=planned, language="de", stamp="a", ical="A")])
    ical._store([CalendarEntry(event=planned, language="de", stamp="b", ical="B")])  # found it missing too
    assert list(CalendarEntry.objects.filter(event=planned).values_list("stamp", "ical")) == [("b", "B")]


def test_an_events_ics_uses_its_entry(process, events):
    feed(process)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(reverse("events:event_ics", kwargs={"pk": events["planned"].pk}))
    assert writes(queries) == [] and entry(events["planned"]).encode() in response.content


def test_a_big_feed_from_entries(process, personas, committed):
    start = timezone.now() + datetime.timedelta(days=1)
    Event.objects.bulk_create(
        Event(
            process=process,
            type="workshop",
            title=f"Werkstatt {number}",
            starts_at=start + datetime.timedelta(hours=number),
            ends_at=start + datetime.timedelta(hours=number + 1),
            organiser_department=personas["department_staff"].department_memberships.first().department,
        )
        for number in range(250)
    )
    first = feed(process)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert feed(process) == first
    assert writes(queries) == [] and len(vevents(first)) == 250
    stored = entries()
    changed = Event.objects.order_by("pk").last()
    committed(services.event_update, user=personas["coordinator"], event=changed, title="Werkstatt, verschoben")
    with mock.patch.object(ical, "vevent", wraps=ical.vevent) as made:  # one chunk of three is stale: one VEVENT
        assert str(vevents(feed(process))[ical.event_uid(changed)]["summary"]) == "Werkstatt, verschoben"
    assert made.call_count == 1
    assert {pk: row for pk, row in entries().items() if pk != changed.pk} == {
        pk: row for pk, row in stored.items() if pk != changed.pk
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_of_the_same_entries_both_succeed(process, personas):
    """Two workers find the same entries missing at once (an emptied cache, two subscribers): both render, both
    upsert, neither fails, and one entry per event and language is left."""
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")
    made = [public_event(process, title=f"Dialog {number}", days=number + 1) for number in range(30)]
    stamps = feed_event_stamps(process=process)
    barrier = threading.Barrier(2)
    errors, answers = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            answers.append(ical.stored_vevents(stamps, "de", feed_events_by_id))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(answers) == 2 and answers[0] == answers[1]
    assert CalendarEntry.objects.filter(language="de").count() == len(made)
