"""Events as iCalendar (RFC 5545), made with the ``icalendar`` library: a feed of all public events of a process (or
of one district in it) and one ``.ics`` file per event.

Each event is one VEVENT with a stable UID (``event-<id>@<host of SITE_URL>``, independent of the host a request
names), DTSTAMP and LAST-MODIFIED (the event's last change), DTSTART/DTEND in UTC, SUMMARY and DESCRIPTION in the
reader's language (staff texts and their translations), LOCATION, GEO when the venue has coordinates, URL and
SEQUENCE (``Event.sequence``, raised by the organisers' services whenever a published event changes). A cancelled
event stays in the feed with STATUS:CANCELLED, so that calendar programs take it out of their users' calendars.

A VEVENT is serialised once per event, language and change and kept in the cache (``core.fragments``); a feed
joins them, and is itself kept under the process's events version and the site's content version. So a change
of one event costs one VEVENT, not thousands.
"""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.release import RELEASE
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.events.models import Event, EventState
from teilhabe.events.selectors import EVENTS_NAMESPACE, feed_events

PRODID = "-//teilhabe//Veranstaltungen//DE"
CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_SECONDS = 3600  # an upper bound: the key names every version of what the feed shows
_END = b"END:VCALENDAR\r\n"


def uid_domain() -> str:
    """The right-hand side of every UID: this deployment's host name from ``SITE_URL`` (never a request's)."""
    return urlsplit(settings.SITE_URL).hostname or "teilhabe.invalid"


def event_uid(event) -> str:
    return f"event-{event.pk}@{uid_domain()}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def _location(event) -> str:
    parts = [event.venue_name, event.venue_address]
    if event.district_id and event.district.name not in event.venue_address:
        parts.append(event.district.name)
    return ", ".join(part for part in parts if part)


def vevent(event, language: str, table: dict | None = None) -> icalendar.Event:
    """One event as a VEVENT, its texts in ``language``."""
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", _utc(event.updated_at))
    component.add("last-modified", _utc(event.updated_at))
    component.add("created", _utc(event.created_at))
    component.add("sequence", event.sequence)
    component.add("dtstart", _utc(event.starts_at))
    component.add("dtend", _utc(event.ends_at))
    component.add("summary", localise(event, "title", language, table).text)
    lines = []
    if event.state == EventState.CANCELLED:
        component.add("status", "CANCELLED")
        reason = localise(event, "cancel_reason", language, table).text
        lines.append(_("This event has been cancelled. Reason: %(reason)s") % {"reason": reason})
    else:
        component.add("status", "CONFIRMED")
    description = localise(event, "description", language, table).text
    if description:
        lines.append(description)
    component.add("description", "\n\n".join(lines))
    location = _location(event)
    if location:
        component.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (float(event.latitude), float(event.longitude)))
    component.add("url", settings.SITE_URL + reverse("events:detail", kwargs={"pk": event.pk}))
    component.add("categories", [str(event.get_type_display())])
    return component


def _vevent_keys(events, language: str, content_version) -> dict:
    return {
        event.pk: fragment_key(
            "ics-event",
            language,
            [event.pk, event.updated_at.timestamp(), event.sequence, event.state, content_version, settings.SITE_URL],
        )
        for event in events
    }


def vevents_text(events: list[Event], language: str) -> list[str]:
    """The VEVENTs of ``events`` as text, in their order, each from the cache or made once."""
    content_version = cache_versions_many([(CONTENT_NAMESPACE, "site")])[(CONTENT_NAMESPACE, "site")]
    by_pk = {event.pk: event for event in events}

    def render(missing):
        table = content_translation_table(Event, language) if language != settings.LANGUAGE_CODE else {}
        with translation.override(language):
            return {pk: (vevent(by_pk[pk], language, table).to_ical().decode(), False) for pk in missing}

    fragments = cached_fragments(_vevent_keys(events, language, content_version), render)
    return [str(fragments[event.pk]) for event in events if event.pk in fragments]


def calendar_bytes(events: list[Event], *, name: str, language: str) -> bytes:
    """A VCALENDAR holding ``events``."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    frame = calendar.to_ical()
    body = "".join(vevents_text(events, language)).encode()
    return frame[: -len(_END)] + body + _END


def feed_bytes(*, process, district=None, name: str, language: str) -> bytes:
    """The feed of every public event of ``process`` (or of ``district`` in it), cached until an event of the
    process or a staff text changes."""
    pairs = [(EVENTS_NAMESPACE, process.pk), (CONTENT_NAMESPACE, "site")]
    versions = cache_versions_many(pairs)
    scope = district.pk if district is not None else "all"
    key = f"ics-feed:{RELEASE}:{language}:{process.pk}:{scope}:" + ":".join(str(versions[pair]) for pair in pairs)
    body = cache.get(key)
    if body is None:
        body = calendar_bytes(feed_events(process=process, district=district), name=name, language=language)
        cache.set(key, body, FEED_SECONDS)
    return body
