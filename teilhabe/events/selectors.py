"""Reads on events, including who may see which event (one visibility selector for every view of an event)."""

import hashlib
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import Department
from teilhabe.administration.selectors import department_choices, department_ids_of, department_name
from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.fields import parse_id
from teilhabe.core.models import ContentTranslation
from teilhabe.core.page_cache import remember
from teilhabe.events.models import (
    PUBLIC_STATES,
    AttendanceCount,
    CompositionDimension,
    Event,
    EventAttachment,
    EventState,
    Registration,
    RegistrationState,
)
from teilhabe.processes.selectors import process_ids_coordinated_by
from teilhabe.stakeholders.models import Organisation
from teilhabe.stakeholders.selectors import organisations_represented_by

# --- Visibility and public reads (calendar, event page, feeds) -------------------------------------------------

# Registrations that hold or wait for a place (a cancelled one frees its address for a new registration).
LIVE_REGISTRATION_STATES = (
    RegistrationState.AWAITING_CONFIRMATION,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITING,
)
# What the calendar filters by besides district, type, field and language: the event's accessibility flags.
ACCESS_FEATURES = ("step_free", "hearing_loop", "sign_language", "childcare")
NEXT_EVENTS_SHOWN = 3  # on the process page
# Planned events that ended (not yet marked held) the process page's first read looks past before it sorts them all.
NEXT_EVENTS_SLACK = 7
CALENDAR_COUNT_SECONDS = 600  # an upper bound: the key names the events version and the calendar's next change


def event_visible_q(user) -> Q:
    """The events ``user`` may see, as a filter: the one rule every view of an event asks (``event_for_user``).

    Everyone sees the public states (planned, cancelled, held) of a published process; proposed and declined
    events (and any event of an unpublished process) only the coordinators of the process, the person who proposed
    it and the organising side (staff of the organising department, verified representatives of the organising
    organisation, members of the organising district council).
    """
    visible = Q(state__in=PUBLIC_STATES, process__is_published=True)
    if not getattr(user, "is_authenticated", False):
        return visible
    visible |= Q(created_by_id=user.pk)
    for field, ids in (
        ("process_id", process_ids_coordinated_by(user)),
        ("organiser_department_id", department_ids_of(user)),
        ("organiser_organisation_id", organisation_ids_represented_by(user)),
        ("organiser_council_id", council_space_ids_of(user)),
    ):
        if ids:
            visible |= Q(**{f"{field}__in": sorted(ids)})
    return visible


def event_for_user(user, pk) -> Event | None:
    """The event ``pk`` if ``user`` may see it, with what its page shows; None alike for a missing and a hidden
    event, and for anything that is not the canonical form of an id (``007``, ``abc``)."""
    number = parse_id(pk)
    if number is None or str(number) != str(pk):
        return None
    return (
        Event.objects.filter(event_visible_q(user), pk=number)
        .select_related(
            "process__city",
            "district",
            "neighbourhood",
            "organiser_department",
            "organiser_organisation",
            "organiser_council",
        )
        .prefetch_related("languages", "fields_of_action", "target_groups")
        .first()
    )


def event_is_public(event) -> bool:
    return event.state in PUBLIC_STATES and event.process.is_published


@dataclass(frozen=True)
class CalendarFilters:
    """What the public calendar is asked for: upcoming (default) or past events, and optional filters."""

    past: bool = False
    district: int | None = None  # the district's number in the process's city
    type: str = ""
    field: str = ""  # a field of action's slug
    language: str = ""  # an interpretation language offered
    access: tuple = ()  # ACCESS_FEATURES the event must offer


def calendar_events(*, process, filters: CalendarFilters, now=None):
    """The public events of ``process`` the calendar lists, in its order: upcoming ones (not yet ended, so those
    running now too) soonest first, past ones latest first."""
    now = now or timezone.now()
    events = Event.objects.filter(process=process, state__in=PUBLIC_STATES)
    if filters.past:
        events = events.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    else:
        events = events.filter(ends_at__gt=now).order_by("starts_at", "id")
    if filters.district is not None:
        events = events.filter(district__number=filters.district, district__city_id=process.city_id)
    if filters.type:
        events = events.filter(type=filters.type)
    if filters.field:
        events = events.filter(fields_of_action__slug=filters.field, fields_of_action__process=process)
    if filters.language:
        events = events.filter(languages__language=filters.language)
    for feature in filters.access:
        if feature in ACCESS_FEATURES:
            events = events.filter(**{feature: True})
    return events


def calendar_rows(ids) -> list[Event]:
    """The events of one page of the calendar, with what a row shows (a constant number of queries)."""
    return list(
        Event.objects.filter(pk__in=list(ids)).select_related("district", "neighbourhood").prefetch_related("languages")
    )


# Per worker: process id -> (events version, the next moment its calendar changes by itself).
_next_changes: dict = {}


def calendar_next_change(process_id: int, events_version):
    """When the calendar of a process next changes without a write: the earliest end of a public event that has
    not ended yet (it then moves from the upcoming to the past events), or None. Remembered per worker under the
    process's events version, so it costs a query only after a change or once that moment has passed."""
    now = timezone.now()
    known = _next_changes.get(process_id)
    if known is not None and known[0] == events_version and (known[1] is None or known[1] > now):
        return known[1]
    moment = Event.objects.filter(process_id=process_id, state__in=PUBLIC_STATES, ends_at__gt=now).aggregate(
        moment=Min("ends_at")
    )["moment"]
    remember(_next_changes, process_id, (events_version, moment), limit=1000)
    return moment


def calendar_count(*, process, filters: CalendarFilters, events_version, queryset) -> int:
    """How many events the calendar lists for ``filters``, cached under the process's events version and the
    calendar's next change (when an event ends, the upcoming and past counts change)."""
    moment = calendar_next_change(process.pk, events_version)
    stamp = int(moment.timestamp()) if moment else 0
    asked = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    key = f"event-calendar-count:{process.pk}:{events_version}:{stamp}:{asked}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, CALENDAR_COUNT_SECONDS)
    return count


def next_events(*, process_id: int, now=None, limit: int = NEXT_EVENTS_SHOWN) -> list[Event]:
    """The next planned events of a process (running now or to come), soonest first, for its page.

    Read from the first few planned events in the calendar's order (index ``event_calendar``: the database stops
    after them) and kept if they have not ended; only when more than a few that ended are still planned (not yet
    marked held) does it ask for the events that end after ``now``, which reads every planned event to come
    (1.5 ms at 1,600 of them) to sort them."""
    now = now or timezone.now()
    planned = Event.objects.filter(process_id=process_id, state=EventState.PLANNED).select_related("district")
    first = list(planned.order_by("starts_at", "id")[: limit + NEXT_EVENTS_SLACK])
    running_or_to_come = [event for event in first if event.ends_at > now]
    if len(running_or_to_come) >= limit or len(first) < limit + NEXT_EVENTS_SLACK:
        return running_or_to_come[:limit]
    return list(planned.filter(ends_at__gt=now).order_by("starts_at", "id")[:limit])


def feed_event_stamps(*, process, district=None) -> list[tuple]:
    """(id, last change, sequence, state, district's name) of every public event of a process (or of one district in
    it) for its iCalendar feed, cancelled ones included (calendar programs learn of a cancellation from the feed).
    The feed's cached pieces are named by these; only the events of pieces missing from the cache are loaded
    (``feed_events_by_id``)."""
    events = Event.objects.filter(process=process, state__in=PUBLIC_STATES)
    if district is not None:
        events = events.filter(district=district)
    return list(events.order_by("id").values_list("pk", "updated_at", "sequence", "state", "district__name"))


def feed_events_by_id(ids) -> list[Event]:
    """The events a feed's missing pieces show, with what a VEVENT names."""
    return list(Event.objects.filter(pk__in=list(ids)).select_related("district"))


def event_result_ids(event):
    """The published contributions that came out of an event, newest first, as ids (paged like the list)."""
    return Contribution.objects.filter(event=event, status=Status.PUBLISHED).order_by("-id")


def event_public_attachments(event) -> list:
    """The attachments of an event marked public (minutes, photos of flipcharts)."""
    return list(event.attachments.filter(is_public=True).order_by("kind", "pk"))


def event_local_times(event) -> tuple:
    """The event's start and end in the city's time (``TIME_ZONE``, Europe/Berlin), whoever reads."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timezone.localtime(event.starts_at, zone), timezone.localtime(event.ends_at, zone)


def event_when_text(event) -> str:
    """When the event takes place, as one line in the active language (mails; pages use ``<time>``)."""
    start, end = event_local_times(event)
    if start.date() == end.date():
        return _("%(date)s, %(start)s to %(end)s") % {
            "date": formats.date_format(start, "DATE_FORMAT"),
            "start": formats.time_format(start, "TIME_FORMAT"),
            "end": formats.time_format(end, "TIME_FORMAT"),
        }
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(start, "DATETIME_FORMAT"),
        "end": formats.date_format(end, "DATETIME_FORMAT"),
    }


def event_map_url(event) -> str | None:
    """A plain link to the venue on openstreetmap.org (nothing loads from there until someone follows it): the
    coordinates when known, else a search for the address; None without either."""
    if event.latitude is not None and event.longitude is not None:
        lat, lon = f"{Decimal(str(event.latitude)):.6f}", f"{Decimal(str(event.longitude)):.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    if event.venue_address:
        query, city = event.venue_address, event.process.city.name
        if city and city not in query:
            query = f"{query}, {city}"
        return "https://www.openstreetmap.org/search?" + urlencode({"query": query})
    return None


def event_language_names(event) -> list[str]:
    """The names of the languages an event is interpreted into, in the reader's language."""
    return [interpretation_language_name(row.language) for row in event.languages.all()]


# Registrations


def registration_closed_reason(event, *, now=None) -> str | None:
    """Why nobody can register for ``event`` now (a sentence for the page), or None when registration is open."""
    now = now or timezone.now()
    if event.state == EventState.CANCELLED:
        return _("This event has been cancelled, so registration is closed.")
    if event.state == EventState.HELD or event.starts_at <= now:
        return _("This event has already begun or taken place, so registration is closed.")
    if event.state != EventState.PLANNED or not event.process.is_published:
        return _("This event is not open for registration.")
    if not event.takes_registrations:
        return _("This event takes no registrations: you can simply come.")
    return None


def registration_open(event, *, now=None) -> bool:
    """Whether people can register for ``event`` now (its page offers registration only then)."""
    return registration_closed_reason(event, now=now) is None


def registration_confirmed_count(event) -> int:
    return Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED).count()


def event_places_left(event) -> int | None:
    """How many places are still free (None: no limit). Never below zero, even if the capacity was lowered."""
    if event.capacity is None:
        return None
    return max(event.capacity - registration_confirmed_count(event), 0)


def registration_for_token(token: str) -> Registration | None:
    """The registration a link from its mails names (its secret token), with its event and process."""
    if not token or len(token) > 64:
        return None
    return Registration.objects.filter(token=token).select_related("event__process").first()


def registration_of(user, event) -> Registration | None:
    """Someone's live registration for an event (by their account, or by their account's address)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, state__in=LIVE_REGISTRATION_STATES)
        .filter(Q(user=user) | Q(email=user.email.lower()))
        .order_by("-created_at", "-id")
        .first()
    )


def registrations_of_user(user) -> list[Registration]:
    """A person's registrations for events that have not ended, soonest first (their account's page)."""
    return list(
        Registration.objects.filter(user=user, event__ends_at__gt=timezone.now())
        .exclude(state=RegistrationState.CANCELLED)
        .select_related("event")
        .order_by("event__starts_at", "event_id")
    )


def waiting_position(registration) -> int | None:
    """The place of a waiting registration in the queue (1 = next to move up)."""
    if registration.state != RegistrationState.WAITING:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, state=RegistrationState.WAITING).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class DoorList:
    """The registrations of an event for its organisers (Teilnehmendenliste): confirmed ones, the waiting list in
    its order, those still to confirm their address, and the cancelled ones."""

    confirmed: list
    waiting: list
    unconfirmed: list
    cancelled: list

    @property
    def rows(self) -> list:
        """Everyone who holds or waits for a place (what the export lists)."""
        return self.confirmed + self.waiting + self.unconfirmed


def door_list(event) -> DoorList:
    """Every registration of an event in one query, grouped and ordered; waiting ones carry ``position``."""
    groups: dict[str, list] = {state: [] for state in RegistrationState.values}
    for registration in Registration.objects.filter(event=event).select_related("user").order_by("created_at", "id"):
        groups[registration.state].append(registration)
    for position, registration in enumerate(groups[RegistrationState.WAITING], start=1):
        registration.position = position
    return DoorList(
        confirmed=groups[RegistrationState.CONFIRMED],
        waiting=groups[RegistrationState.WAITING],
        unconfirmed=groups[RegistrationState.AWAITING_CONFIRMATION],
        cancelled=groups[RegistrationState.CANCELLED],
    )


def registration_counts(event) -> dict[str, int]:
    """How many registrations an event has in each state (every state named, zeros included)."""
    counts = dict.fromkeys(RegistrationState.values, 0)
    for state, count in (
        Registration.objects.filter(event=event).order_by().values_list("state").annotate(count=Count("id"))
    ):
        counts[state] = count
    return counts


def interpretation_request_choices(event) -> list[tuple[str, str]]:
    """What a registrant may ask to have interpreted: the event's languages first, then every other language
    organisers can arrange, in the reader's language."""
    offered = [row.language for row in event.languages.all()]
    others = [(code, name) for code, name in interpretation_language_choices() if code not in offered]
    return [(code, interpretation_language_name(code)) for code in offered] + others


# --- Organiser work (workspace lists, registrations for the door) ----------------------------------------------

# Cache namespaces of events, read by the public pages and bumped by every event write on commit
# (``services.events_changed``): a process's calendar, feeds and next events; one event's page, .ics and results.
EVENTS_NAMESPACE = "events"  # object id: the process
EVENT_NAMESPACE = "event"  # object id: the event


def council_space_model():
    """``councils.DistrictSpace``, reached through the organiser field: the councils app builds on events (the
    layer contract), so events names the model only as the target of its foreign key."""
    return Event._meta.get_field("organiser_council").related_model


def council_space_ids_of(user) -> frozenset[int]:
    """The district council spaces a person is a member of; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_council_space_ids", None)
    if cached is None:
        cached = frozenset(user.council_memberships.values_list("space_id", flat=True))
        user._council_space_ids = cached
    return cached


def organisation_ids_represented_by(user) -> frozenset[int]:
    """The organisations a person is a verified representative of; remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_represented_organisation_ids", None)
    if cached is None:
        cached = set(organisations_represented_by(user).values_list("id", flat=True))
        user._represented_organisation_ids = cached
    return frozenset(cached)


def user_organises(user, event) -> bool:
    """Whether ``user`` is on the organising side of ``event``: staff of its department, a verified representative
    of its organisation or a member of its district council (whatever the event's state)."""
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    if event.organiser_department_id is not None:
        return event.organiser_department_id in department_ids_of(user)
    if event.organiser_organisation_id is not None:
        return event.organiser_organisation_id in organisation_ids_represented_by(user)
    if event.organiser_council_id is not None:
        return event.organiser_council_id in council_space_ids_of(user)
    return False


# Languages an event can be interpreted into (EventLanguage.language), beyond the site's own: the languages most
# spoken by people who came to Germany. Sign language is a flag of its own (Event.sign_language).
INTERPRETATION_LANGUAGES = (
    ("ar", _("Arabic")),
    ("bg", _("Bulgarian")),
    ("en", _("English")),
    ("fa", _("Persian")),
    ("fr", _("French")),
    ("ku", _("Kurdish")),
    ("pl", _("Polish")),
    ("ps", _("Pashto")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("so", _("Somali")),
    ("sq", _("Albanian")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
)
INTERPRETATION_LANGUAGE_CODES = frozenset(code for code, _name in INTERPRETATION_LANGUAGES)


def interpretation_language_choices() -> list[tuple[str, str]]:
    """(code, name) of the interpretation languages, sorted by their name in the reader's language."""
    return sorted(((code, str(name)) for code, name in INTERPRETATION_LANGUAGES), key=lambda pair: pair[1].lower())


def interpretation_language_name(code: str) -> str:
    return str(dict(INTERPRETATION_LANGUAGES).get(code, code))


def council_spaces_in_city(user, city_id: int) -> frozenset[int]:
    """The district council spaces of ``city_id`` a person is a member of."""
    mine = council_space_ids_of(user)
    if not mine:
        return frozenset()
    spaces = council_space_model().objects.filter(pk__in=mine, district__city_id=city_id)
    return frozenset(spaces.values_list("pk", flat=True))


def has_event_workspace(user) -> bool:
    """Whether someone plans or organises events: a coordinator, a member of a department, a verified representative
    of an organisation or a member of a district council (the memberships are remembered for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        process_ids_coordinated_by(user)
        or department_ids_of(user)
        or organisation_ids_represented_by(user)
        or council_space_ids_of(user)
    )


def organiser_scope_q(user, prefix: str = "") -> Q:
    """Events ``user`` sees in the workspace: all of the processes they coordinate, and those organised by their
    departments, organisations and district councils (in any state: their own proposals too)."""
    q = Q(pk__in=[])
    coordinated = process_ids_coordinated_by(user)
    if coordinated:
        q |= Q(**{f"{prefix}process_id__in": sorted(coordinated)})
    for field, ids in (
        ("organiser_department_id", department_ids_of(user)),
        ("organiser_organisation_id", organisation_ids_represented_by(user)),
        ("organiser_council_id", council_space_ids_of(user)),
    ):
        if ids:
            q |= Q(**{f"{prefix}{field}__in": sorted(ids)})
    return q


def _event_rows(queryset):
    return queryset.select_related(
        "process", "district", "organiser_department", "organiser_organisation", "organiser_council"
    )


@dataclass(frozen=True)
class WorkspaceEvents:
    """The workspace's lists: proposals awaiting approval (first), events past their start and not yet marked as
    held, upcoming ones, and a page of the past ones (held, cancelled, declined)."""

    proposals: list
    to_wrap_up: list
    upcoming: list
    past: list
    upcoming_count: int
    past_count: int


WORKSPACE_ROWS = 25


def workspace_events(user, *, now=None, limit: int = WORKSPACE_ROWS) -> WorkspaceEvents:
    """The events on someone's workspace (``organiser_scope_q``), each list in one query, at most ``limit``
    upcoming and past ones (``workspace_event_page`` pages through all of them)."""
    now = now or timezone.now()
    mine = _event_rows(Event.objects.filter(organiser_scope_q(user)))
    planned = mine.filter(state=EventState.PLANNED)
    past = mine.filter(state__in=[EventState.HELD, EventState.CANCELLED, EventState.DECLINED])
    return WorkspaceEvents(
        proposals=list(mine.filter(state=EventState.PROPOSED).order_by("starts_at", "pk")),
        to_wrap_up=list(planned.filter(starts_at__lte=now).order_by("starts_at", "pk")),
        upcoming=list(planned.filter(starts_at__gt=now).order_by("starts_at", "pk")[:limit]),
        past=list(past.order_by("-starts_at", "-pk")[:limit]),
        upcoming_count=planned.filter(starts_at__gt=now).count(),
        past_count=past.count(),
    )


def workspace_event_list(user, *, which: str, now=None):
    """All upcoming (``which="upcoming"``) or past events of someone's workspace, for paging."""
    now = now or timezone.now()
    mine = _event_rows(Event.objects.filter(organiser_scope_q(user)))
    if which == "upcoming":
        return mine.filter(state=EventState.PLANNED, starts_at__gt=now).order_by("starts_at", "pk")
    return mine.filter(state__in=[EventState.HELD, EventState.CANCELLED, EventState.DECLINED]).order_by(
        "-starts_at", "-pk"
    )


def event_for_work(*, pk: int) -> Event | None:
    """An event with what its workspace page shows (process and city, place, organiser, languages, fields)."""
    return (
        Event.objects.filter(pk=pk)
        .select_related(
            "process__city",
            "district",
            "neighbourhood",
            "organiser_department",
            "organiser_organisation",
            "organiser_council",
            "created_by",
            "decided_by",
        )
        .prefetch_related("languages", "fields_of_action", "target_groups")
        .first()
    )


def organiser_value(event) -> str:
    """The organiser as a form value: ``department:<id>``, ``organisation:<id>`` or ``council:<id>``."""
    for kind, field in ORGANISER_FIELDS:
        value = getattr(event, f"{field}_id")
        if value is not None:
            return f"{kind}:{value}"
    return ""


ORGANISER_FIELDS = (
    ("department", "organiser_department"),
    ("organisation", "organiser_organisation"),
    ("council", "organiser_council"),
)


def organiser_name(event, language: str | None = None) -> str:
    """The organiser's name in the reader's language (a department with its code)."""
    if event.organiser_department_id is not None:
        return department_name(event.organiser_department, language)
    return str(event.organiser_organisation or event.organiser_council or "")


def organiser_choices(user, *, process, coordinator: bool) -> list[tuple[str, str]]:
    """The organisers someone may name for an event of ``process``: a coordinator any department and district
    council of the city and any organisation; a proposer their own organisations and councils."""
    choices = []
    if coordinator:
        choices += [(f"department:{pk}", name) for pk, name in department_choices(city_id=process.city_id)]
        organisations = Organisation.objects.order_by("name")
        spaces = council_space_model().objects.filter(district__city_id=process.city_id)
    else:
        organisations = Organisation.objects.filter(pk__in=organisation_ids_represented_by(user)).order_by("name")
        spaces = council_space_model().objects.filter(pk__in=council_spaces_in_city(user, process.city_id))
    choices += [(f"organisation:{pk}", name) for pk, name in organisations.values_list("pk", "name")]
    choices += [(f"council:{pk}", name) for pk, name in spaces.order_by("district__number").values_list("pk", "name")]
    return choices


def organiser_from_value(value: str):
    """The department, organisation or district council a form value names, or None."""
    kind, _sep, raw = (value or "").partition(":")
    number = parse_id(raw)
    model = {"department": Department, "organisation": Organisation, "council": council_space_model()}.get(kind)
    if model is None or number is None:
        return None
    return model.objects.filter(pk=number).first()


def default_organiser_value(user, *, process, coordinator: bool) -> str:
    """What the form proposes: a coordinator's own department in the city, a proposer's only organisation or
    council."""
    if coordinator:
        department = (
            Department.objects.filter(pk__in=department_ids_of(user), city_id=process.city_id).order_by("code").first()
        )
        return f"department:{department.pk}" if department else ""
    options = organiser_choices(user, process=process, coordinator=False)
    return options[0][0] if len(options) == 1 else ""


def event_results(event) -> list:
    """The contributions that came out of an event (every status: the workspace shows which are published)."""
    return list(
        Contribution.objects.filter(event=event).select_related("entered_by", "district").order_by("created_at", "pk")
    )


def event_composition(event) -> dict[str, dict[str, int]]:
    """The recorded composition of the attendance: per dimension, group key → count."""
    composition: dict[str, dict[str, int]] = {dimension: {} for dimension in CompositionDimension.values}
    for dimension, key, count in AttendanceCount.objects.filter(event=event).values_list("dimension", "key", "count"):
        composition[dimension][key] = count
    return composition


def event_attachments(event) -> list[EventAttachment]:
    return list(EventAttachment.objects.filter(event=event).select_related("uploaded_by").order_by("kind", "pk"))


def attachment_get(*, pk: int) -> EventAttachment | None:
    """An attachment with its event and the event's process (the permission asks both)."""
    return EventAttachment.objects.filter(pk=pk).select_related("event__process").first()


def event_translations(event) -> list[tuple[str, str, str]]:
    """(field label, language name, text) of the event's translated staff texts, for its workspace page."""
    names = dict(settings.LANGUAGES)
    labels = {field: Event._meta.get_field(field).verbose_name for field in Event.translatable_fields}
    rows = ContentTranslation.objects.filter(
        content_type=ContentType.objects.get_for_model(Event), object_id=event.pk
    ).order_by("field", "language")
    return [(labels.get(row.field, row.field), names.get(row.language, row.language), row.text) for row in rows]
