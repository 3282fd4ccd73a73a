"""Events as iCalendar (RFC 5545), made with the ``icalendar`` library: a feed of all public events of a process (or
of one district in it) and one ``.ics`` file per event.

Each event is one VEVENT with a stable UID (``event-<id>@<host of SITE_URL>``, independent of the host a request
names), DTSTAMP and LAST-MODIFIED (the event's last change), DTSTART/DTEND in UTC, SUMMARY and DESCRIPTION in the
reader's language (staff texts and their translations), LOCATION, GEO when the venue has coordinates, URL and
SEQUENCE (``Event.sequence``, raised by the organisers' services whenever a published event changes). A cancelled
event stays in the feed with STATUS:CANCELLED, so that calendar programs take it out of their users' calendars.

VEVENTs are serialised in chunks of a hundred events (by id) per language and kept in the cache (``core.fragments``)
under a key naming each event's last change and district (and, in other languages than German, the site's content
version: the translations); a feed joins them, and is itself kept under the process's events
version and the site's content version. So a change of one event costs one chunk, not the feed, and a feed of
5,000 events is fifty cache entries.

Below the cache, every VEVENT rendered is kept in the database (``CalendarEntry``, one per event and language) with
a stamp of what it was rendered from: the event's last change, sequence, state and district's name, in another
language than German the translations of its title, description and reason for cancelling, and the renderer (this
module's code, the ``icalendar`` version, ``SITE_URL`` and the catalogue's strings a VEVENT holds). A chunk missing
from the cache is joined from the entries whose stamp matches; only the events without one are rendered, and their
entries written in one upsert. So an empty cache (a restart, a deploy, an eviction) costs reading rows, not
rendering, and a change of one event one VEVENT; a registration or a translation of a text the VEVENT does not show
leaves the entries as they are (whatever changes an event's last change, its DTSTAMP, makes its entries stale).
"""

import datetime
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.release import RELEASE
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.events.models import CalendarEntry, Event, EventState, EventType
from teilhabe.events.selectors import EVENTS_NAMESPACE, feed_event_stamps, feed_events_by_id

PRODID = "-//teilhabe//Veranstaltungen//DE"
CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_SECONDS = 3600  # an upper bound: the key names every version of what the feed shows
CHUNK = 100  # events per cached piece of a feed
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


def _chunk_key(stamps: list[tuple], number: int, language: str, content_version) -> str:
    """A chunk's key names every event in it as it is now (id, last change, sequence, state, district's name) and,
    in another language than German, the site's content version (the translations of the events' texts). A German
    chunk shows nothing else, so a change of site content elsewhere leaves it in the cache."""
    digest = hashlib.sha256(
        ";".join(
            f"{pk}:{changed.timestamp()}:{sequence}:{state}:{district}"
            for pk, changed, sequence, state, district in stamps
        ).encode()
    ).hexdigest()[:32]
    translated = content_version if language != settings.LANGUAGE_CODE else "-"
    return fragment_key("ics-chunk", language, [number, digest, translated, settings.SITE_URL])


def vevents_text(stamps: list[tuple], language: str, load, scope: dict | None = None) -> list[str]:
    """The VEVENTs of the events ``stamps`` name (see ``feed_event_stamps``) as
    text, in chunks of ``CHUNK`` events by id (the order of the VEVENTs in a calendar means nothing). Each chunk comes
    from the cache or is joined once from the events' stored entries, rendering only those of events without a
    current one from the events ``load(ids)`` gives (``stored_vevents``): a change of one event makes one chunk
    afresh from one VEVENT, and a feed of thousands of events is a few dozen cache entries. ``scope`` (filters of
    ``CalendarEntry`` that hold at least the entries of these events) reads the entries when most chunks are
    missing: a join costs less than thousands of ids in a query."""
    content_version = cache_versions_many([(CONTENT_NAMESPACE, "site")])[(CONTENT_NAMESPACE, "site")]
    chunks: dict[int, list[tuple]] = {}
    for stamp in sorted(stamps, key=lambda stamp: stamp[0]):
        chunks.setdefault(stamp[0] // CHUNK, []).append(stamp)

    def render(missing):
        wanted = [stamp for number in missing for stamp in chunks[number]]
        texts = stored_vevents(wanted, language, load, scope if len(missing) * 2 > len(chunks) else None)
        return {
            number: ("".join(texts[stamp[0]] for stamp in chunks[number] if stamp[0] in texts), False)
            for number in missing
        }

    keys = {number: _chunk_key(chunk, number, language, content_version) for number, chunk in chunks.items()}
    fragments = cached_fragments(keys, render)
    return [str(fragments[number]) for number in sorted(chunks) if number in fragments]


# The renderer's code: an entry rendered by another version of this module is stale (read once, at start).
try:
    _CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
except OSError:  # pragma: no cover - deployed without sources
    _CODE = RELEASE
_TRANSLATED = ("title", "description", "cancel_reason")  # the staff texts a VEVENT shows


def _renderer(language: str) -> str:
    """What every VEVENT in ``language`` is rendered with besides its event: this module's code, the library,
    ``SITE_URL`` (UID and URL), the events' address and the catalogue's strings (types, the cancellation note)."""
    with translation.override(language):
        parts = [
            _CODE,
            icalendar.__version__,
            settings.SITE_URL,
            reverse("events:detail", kwargs={"pk": 0}),
            _("This event has been cancelled. Reason: %(reason)s"),
            *(str(label) for label in EventType.labels),
        ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _entry_stamp(renderer: str, table: dict | None, pk, changed, sequence, state, district) -> str:
    """The stamp of an event's entry (``CalendarEntry.stamp``), readable: the renderer, the event as
    ``feed_event_stamps`` names it and, in another language than German (``table``, None in German), a digest of
    the translations of its texts (``-`` for none)."""
    translated = "-"
    if table is not None:
        rows = [table.get((pk, field)) for field in _TRANSLATED]
        if any(row is not None for row in rows):
            texts = "\0".join(row.text if row is not None else "\1" for row in rows)
            translated = hashlib.sha256(texts.encode()).hexdigest()[:16]
    return f"{renderer}|{pk}|{changed.timestamp()}|{sequence}|{state}|{translated}|{district}"


def stored_vevents(stamps: list[tuple], language: str, load, scope: dict | None = None) -> dict[int, str]:
    """The VEVENTs (text) of the events ``stamps`` name, by id: the stored entries whose stamp matches (read by
    their ids, or by ``scope``), the others rendered from the events ``load(ids)`` gives and stored (one upsert: two
    workers writing the same entries both succeed, the later one's rows stand). An event ``load`` no longer gives
    is left out."""
    if not stamps:
        return {}
    translated = language != settings.LANGUAGE_CODE
    table = content_translation_table(Event, language) if translated else {}
    stamped = table if translated else None
    renderer = _renderer(language)
    expected = {stamp[0]: _entry_stamp(renderer, stamped, *stamp) for stamp in stamps}
    rows = CalendarEntry.objects.filter(language=language, **(scope or {"event_id__in": list(expected)}))
    texts = {pk: text for pk, stamp, text in rows.values_list("event_id", "stamp", "ical") if expected.get(pk) == stamp}
    stale = [pk for pk in expected if pk not in texts]
    if stale:
        entries = []
        with translation.override(language):
            for event in load(stale):
                district = event.district.name if event.district_id else None
                # Stamped from the event as loaded, which is what the entry shows (it may be newer than ``stamps``).
                stamp = _entry_stamp(
                    renderer, stamped, event.pk, event.updated_at, event.sequence, event.state, district
                )
                text = vevent(event, language, table).to_ical().decode()
                entries.append(CalendarEntry(event_id=event.pk, language=language, stamp=stamp, ical=text))
                texts[event.pk] = text
        _store(entries)
    return texts


def _store(entries: list[CalendarEntry]) -> None:
    """Insert or overwrite entries, in the order of their events (so that two writers lock rows alike)."""
    entries.sort(key=lambda entry: entry.event_id)
    try:
        with transaction.atomic():
            CalendarEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["event", "language"],
                update_fields=["stamp", "ical", "updated_at"],
            )
    except IntegrityError:  # an event deleted meanwhile; the entries are a saving, the answer is made already
        pass


def calendar_bytes(stamps: list[tuple], load, *, name: str, language: str, scope: dict | None = None) -> bytes:
    """A VCALENDAR holding the events ``stamps`` name (see ``vevents_text``)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    frame = calendar.to_ical()
    body = "".join(vevents_text(stamps, language, load, scope)).encode()
    return frame[: -len(_END)] + body + _END


def event_bytes(event, *, name: str, language: str) -> bytes:
    """A VCALENDAR holding one event (its ``.ics`` file)."""
    district = event.district.name if event.district_id else None
    stamps = [(event.pk, event.updated_at, event.sequence, event.state, district)]
    return calendar_bytes(stamps, lambda _ids: [event], name=name, language=language)


def feed_bytes(*, process, district=None, name: str, language: str) -> bytes:
    """The feed of every public event of ``process`` (or of ``district`` in it), cached until an event of the
    process or a staff text changes."""
    pairs = [(EVENTS_NAMESPACE, process.pk), (CONTENT_NAMESPACE, "site")]
    versions = cache_versions_many(pairs)
    scope = district.pk if district is not None else "all"
    # The site's address is part of it: the entries' links and UIDs carry it (as the chunks' keys do).
    site = hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:12]
    key = f"ics-feed:{RELEASE}:{site}:{language}:{process.pk}:{scope}:" + ":".join(
        str(versions[pair]) for pair in pairs
    )
    body = cache.get(key)
    if body is None:
        stamps = feed_event_stamps(process=process, district=district)
        holding = {"event__process": process}  # the entries of these events, and of a few hidden ones
        if district is not None:
            holding["event__district"] = district
        body = calendar_bytes(stamps, feed_events_by_id, name=name, language=language, scope=holding)
        cache.set(key, body, FEED_SECONDS)
    return body
