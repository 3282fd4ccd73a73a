"""iCalendar (RFC 5545): the feed of a process and of a district, the .ics of one event. Every answer is parsed with
the icalendar library's parser, as a calendar program would read it."""

import datetime
from unittest import mock

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teilhabe.core.cache_versions import content_version_bump
from teilhabe.core.services import content_translation_set
from teilhabe.events import ical, services
from teilhabe.events.models import Event, EventState
from teilhabe.events.tests.conftest import public_event

pytestmark = pytest.mark.django_db


def feed_url(process):
    return reverse("events:feed", kwargs={"slug": process.slug})


def parsed(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar) -> dict[str, icalendar.Event]:
    return {str(component["uid"]): component for component in calendar.walk("VEVENT")}


def test_the_feed_holds_every_public_event(process, personas, settings):
    settings.SITE_URL = "https://beteiligung.example.org"
    planned = public_event(process, title="Dialog, mit Komma; und Semikolon", days=3)
    held = public_event(process, title="Gehalten", days=-10, state=EventState.HELD, latitude=None, longitude=None)
    cancelled = public_event(process, title="Abgesagt", days=5, state=EventState.CANCELLED)
    public_event(process, title="Vorgeschlagen", state=EventState.PROPOSED)
    public_event(process, title="Abgelehnt", state=EventState.DECLINED)
    calendar = parsed(Client().get(feed_url(process)))
    assert calendar["version"] == "2.0" and "teilhabe" in str(calendar["prodid"])
    events = vevents(calendar)
    assert set(events) == {f"event-{event.pk}@beteiligung.example.org" for event in (planned, held, cancelled)}
    component = events[f"event-{planned.pk}@beteiligung.example.org"]
    assert str(component["summary"]) == "Dialog, mit Komma; und Semikolon"
    assert component.decoded("dtstart") == planned.starts_at
    assert component.decoded("dtend") == planned.ends_at
    assert component.decoded("dtstamp") == planned.updated_at.replace(microsecond=0)
    assert component.decoded("last-modified") == planned.updated_at.replace(microsecond=0)
    assert str(component["status"]) == "CONFIRMED" and int(component["sequence"]) == 0
    assert str(component["location"]) == "Stadtteilzentrum, Hauptstraße 1, 30159 Hannover, Mitte"
    assert component["geo"].latitude == pytest.approx(52.3745) and component["geo"].longitude == pytest.approx(9.7381)
    assert str(component["url"]) == f"https://beteiligung.example.org/veranstaltungen/{planned.pk}/"
    assert "Sprachkurse" in str(component["description"])
    assert "geo" not in events[f"event-{held.pk}@beteiligung.example.org"]


def test_a_cancelled_event_stays_in_the_feed_cancelled_with_a_raised_sequence(
    process, personas, participant, django_capture_on_commit_callbacks
):
    event = public_event(process)
    client = Client()
    uid = ical.event_uid(event)
    before = vevents(parsed(client.get(feed_url(process))))[uid]
    assert str(before["status"]) == "CONFIRMED"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(user=personas["coordinator"], event=event, reason="Der Saal ist gesperrt.")
    after = vevents(parsed(client.get(feed_url(process))))[uid]  # served afresh: the cached feed is stale now
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert "Der Saal ist gesperrt." in str(after["description"])
    assert str(after["uid"]) == uid


def test_the_uid_does_not_depend_on_the_host_asked(process, personas, settings):
    settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
    event = public_event(process)
    first = vevents(parsed(Client(HTTP_HOST="a.example.org").get(feed_url(process))))
    second = vevents(parsed(Client(HTTP_HOST="b.example.org").get(feed_url(process))))
    assert set(first) == set(second) == {ical.event_uid(event)}


def test_the_district_feed(process, personas):
    nord = process.city.districts.get(number=2)
    mitte_event = public_event(process, title="Mitte")
    nord_event = public_event(process, title="Nord", district=nord)
    url = reverse("events:district_feed", kwargs={"slug": process.slug, "number": "2"})
    events = vevents(parsed(Client().get(url)))
    assert set(events) == {ical.event_uid(nord_event)}
    assert ical.event_uid(mitte_event) not in events
    calendar_page = Client().get(reverse("events:calendar", kwargs={"slug": process.slug}) + "?district=2")
    assert f'<link rel="alternate" type="text/calendar" href="{url}"' in calendar_page.content.decode()


@pytest.mark.parametrize("number", ["9", "0", "02", "x", "99999999999999999999999"])
def test_a_district_feed_of_no_district_is_404(process, personas, number):
    public_event(process)
    url = reverse("events:district_feed", kwargs={"slug": process.slug, "number": number})
    assert Client().get(url).status_code == 404


def test_the_feed_of_an_unknown_process_is_404(db):
    assert Client().get(reverse("events:feed", kwargs={"slug": "nichts"})).status_code == 404


def test_one_event_as_ics(process, personas):
    event = public_event(process)
    response = Client().get(reverse("events:event_ics", kwargs={"pk": event.pk}))
    assert response["Content-Disposition"] == f'attachment; filename="veranstaltung-{event.pk}.ics"'
    assert set(vevents(parsed(response))) == {ical.event_uid(event)}


def test_a_hidden_event_has_no_ics(process, personas):
    event = public_event(process, state=EventState.PROPOSED)
    assert Client().get(reverse("events:event_ics", kwargs={"pk": event.pk})).status_code == 404


def test_the_feed_speaks_the_readers_language(process, personas):
    event = public_event(process)
    content_translation_set(obj=event, field="title", language="ar", text="حوار الحي", state="checked")
    arabic = vevents(parsed(Client(HTTP_ACCEPT_LANGUAGE="ar").get(feed_url(process))))[ical.event_uid(event)]
    german = vevents(parsed(Client(HTTP_ACCEPT_LANGUAGE="de").get(feed_url(process))))[ical.event_uid(event)]
    assert str(arabic["summary"]) == "حوار الحي" and str(german["summary"]) == "Stadtteildialog Mitte"


def test_the_feed_is_cached_until_an_event_changes(
    process, personas, django_assert_max_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.TEILHABE_PAGE_CACHE = False  # the feed's own cache, as signed-in readers get it
    event = public_event(process)
    client = Client()
    client.get(feed_url(process))
    with django_assert_max_num_queries(0):
        client.get(feed_url(process))
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(user=personas["coordinator"], event=event, title="Neuer Titel")
    assert str(vevents(parsed(client.get(feed_url(process))))[ical.event_uid(event)]["summary"]) == "Neuer Titel"


def test_the_cached_feed_follows_the_sites_address(process, personas, settings):
    settings.TEILHABE_PAGE_CACHE = False
    event = public_event(process)
    settings.SITE_URL = "https://alt.example.org"
    assert "alt.example.org" in str(vevents(parsed(Client().get(feed_url(process))))[ical.event_uid(event)]["url"])
    settings.SITE_URL = "https://neu.example.org"
    assert "neu.example.org" in str(vevents(parsed(Client().get(feed_url(process))))[ical.event_uid(event)]["url"])


def test_a_big_feed_parses(process, personas):
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
        for number in range(300)
    )
    assert len(vevents(parsed(Client().get(feed_url(process))))) == 300


def test_a_change_elsewhere_on_the_site_rebuilds_no_german_vevent(
    process, personas, django_capture_on_commit_callbacks, settings
):
    """The feed's pieces are cached per event change; a German piece does not depend on the site's content (a
    district's new name is in its key), so an edit elsewhere costs no VEVENT."""
    settings.TEILHABE_PAGE_CACHE = False
    event = public_event(process)
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.get(feed_url(process))
    with django_capture_on_commit_callbacks(execute=True):
        content_version_bump()
    with mock.patch.object(ical, "vevent", wraps=ical.vevent) as made:
        client.get(feed_url(process))
    assert made.call_count == 0
    event.district.name = "Mitte-Neu"
    event.district.save()
    with django_capture_on_commit_callbacks(execute=True):
        content_version_bump()  # as the admin does
    calendar = parsed(client.get(feed_url(process)))
    assert "Mitte-Neu" in str(vevents(calendar)[ical.event_uid(event)]["location"])
