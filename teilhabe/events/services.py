"""Writes on events: every state change is a keyword-only, atomic, audited function here.

Sections: lifecycle and organiser work (create, propose, approve, cancel, hold, attendance, minutes, results),
then registrations (register, confirm, cancel, waiting list, reminders, retention).
"""

import datetime
import hashlib
import hmac
import secrets

import filetype
import rules
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.accounts.models import User
from teilhabe.administration.models import Department
from teilhabe.administration.selectors import department_ids_of
from teilhabe.contributions.models import Contribution
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.contributions.services import contribution_record_analog
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.mail import send_localised_mail, supported_language
from teilhabe.core.selectors import localise
from teilhabe.core.services import ManyRows, audit_record, content_translation_set
from teilhabe.core.text import clean_plain_text
from teilhabe.events.models import (
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NEEDS_TEXT_MAX,
    PUBLIC_STATES,
    TITLE_MAX,
    AgeBand,
    AttachmentKind,
    AttendanceCount,
    CompositionDimension,
    Event,
    EventAttachment,
    EventLanguage,
    EventState,
    EventType,
    Gender,
    MigrationExperience,
    Need,
    Registration,
    RegistrationState,
)
from teilhabe.events.selectors import (
    EVENT_NAMESPACE,
    EVENTS_NAMESPACE,
    INTERPRETATION_LANGUAGE_CODES,
    LIVE_REGISTRATION_STATES,
    ORGANISER_FIELDS,
    council_space_ids_of,
    council_space_model,
    default_organiser_value,
    event_when_text,
    interpretation_request_choices,
    organisation_ids_represented_by,
    organiser_from_value,
    organiser_name,
    organiser_value,
    registration_closed_reason,
    registration_confirmed_count,
    waiting_position,
)
from teilhabe.places.models import District
from teilhabe.processes.models import ProcessRole
from teilhabe.stakeholders.models import Organisation

# --- Lifecycle and organiser work -----------------------------------------------------------------------------


def events_changed(*, process_id: int, event_ids=()) -> None:
    """After commit: the process's calendar, feeds and figures (events and attendance are figures) and each
    event's page are stale. Every event write calls this (registrations too: places left, the door list)."""
    cache_version_bump(EVENTS_NAMESPACE, process_id)
    cache_version_bump(FIGURES_NAMESPACE, process_id)
    for event_id in sorted(set(event_ids)):
        cache_version_bump(EVENT_NAMESPACE, event_id)


def _require(user, perm: str, obj, message=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)


def _require_state(user, perm: str, event: Event, states, refusal) -> None:
    """Ask ``perm``; when it is refused only because of the event's state, say so (409), else 403."""
    if rules.has_perm(perm, user, event):
        return
    if event.state not in states and rules.has_perm("events.manage_event", user, event):
        raise Conflict(refusal % {"state": event.get_state_display()})
    raise NotAllowed()


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("process").get(pk=event.pk)


def _clean_required(text: str, field: str, message) -> str:
    text = clean_plain_text(text or "")
    if not text:
        raise ApplicationError(message, field_errors={field: message})
    return text


# What an event holds besides its state: every one may be given to event_create / event_propose / event_update.
DETAIL_FIELDS = (
    "type",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "district",
    "neighbourhood",
    "step_free",
    "hearing_loop",
    "sign_language",
    "childcare",
    "accessibility_notes",
    "takes_registrations",
    "capacity",
    "languages",
    "fields_of_action",
    "target_groups",
)
# A change of these raises the iCalendar SEQUENCE of a public event (calendar programs update their copy).
# A change of these tells everyone registered for a planned event (``registrations_notify_changed``).
TIME_PLACE_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address")
SEQUENCE_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "district",
    "neighbourhood",
)
_TEXT_LIMITS = {"venue_name": 200, "venue_address": 300, "description": DESCRIPTION_MAX, "accessibility_notes": 2000}


_DETAIL_DEFAULTS = {
    "description": "",
    "venue_name": "",
    "venue_address": "",
    "latitude": None,
    "longitude": None,
    "district": None,
    "neighbourhood": None,
    "accessibility_notes": "",
    "takes_registrations": True,
    "capacity": None,
}


def _current_details(event: Event) -> dict:
    values = {name: getattr(event, name) for name in DETAIL_FIELDS[:-3]}
    values["languages"] = sorted(event.languages.values_list("language", flat=True))
    values["fields_of_action"] = list(event.fields_of_action.all())
    values["target_groups"] = list(event.target_groups.all())
    return values


def _details_checked(*, process, details: dict) -> dict:
    """Clean and check an event's details; raise one error with every field's message at once."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown event details: {sorted(unknown)}")
    data, errors = {**_DETAIL_DEFAULTS, **details}, {}
    if data.get("type") not in EventType.values:
        errors["type"] = _("Please choose the kind of event.")
    data["title"] = clean_plain_text(data.get("title") or "")
    if not data["title"]:
        errors["title"] = _("Please give the event a title.")
    elif len(data["title"]) > TITLE_MAX:
        errors["title"] = _("The title is too long (at most %(max)s characters).") % {"max": TITLE_MAX}
    for name, limit in _TEXT_LIMITS.items():
        data[name] = clean_plain_text(data.get(name) or "")
        if len(data[name]) > limit:
            errors[name] = _("This text is too long (at most %(max)s characters).") % {"max": limit}
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, datetime.datetime):
        errors["starts_at"] = _("Please give the date and time the event begins.")
    if not isinstance(ends_at, datetime.datetime):
        errors["ends_at"] = _("Please give the date and time the event ends.")
    elif isinstance(starts_at, datetime.datetime) and ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it begins.")
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if (latitude is None) != (longitude is None):
        errors["longitude" if latitude is not None else "latitude"] = _(
            "Please give both latitude and longitude, or neither."
        )
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["latitude"] = _("These coordinates are not on the map.")
    district, neighbourhood = data.get("district"), data.get("neighbourhood")
    if district is not None and district.city_id != process.city_id:
        errors["district"] = _("Please choose a district of this city.")
    if neighbourhood is not None:
        if district is None:
            district = data["district"] = neighbourhood.district
        if neighbourhood.district_id != district.pk:
            errors["neighbourhood"] = _("This neighbourhood is not in the chosen district.")
        elif district.city_id != process.city_id:
            errors["neighbourhood"] = _("Please choose a neighbourhood of this city.")
    data["takes_registrations"] = bool(data.get("takes_registrations"))
    capacity = data.get("capacity")
    if not data["takes_registrations"]:
        data["capacity"] = None
    elif capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        errors["capacity"] = _("Please give at least one place, or leave the field empty for no limit.")
    for name in ("step_free", "hearing_loop", "sign_language", "childcare"):
        data[name] = bool(data.get(name))
    languages = sorted(set(data.get("languages") or ()))
    if any(code not in INTERPRETATION_LANGUAGE_CODES for code in languages):
        errors["languages"] = _("Please choose languages from the list.")
    data["languages"] = languages
    data["fields_of_action"] = list(data.get("fields_of_action") or ())
    if any(field.process_id != process.pk for field in data["fields_of_action"]):
        errors["fields_of_action"] = _("Please choose fields of action of this process.")
    data["target_groups"] = list(data.get("target_groups") or ())
    if any(group.process_id != process.pk for group in data["target_groups"]):
        errors["target_groups"] = _("Please choose target groups of this process.")
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    return data


def _organiser_fields(user, *, process, organiser, coordinator: bool) -> dict:
    """The organiser as the event's three organiser fields (exactly one set), checked: a coordinator may name any
    department or district council of the process's city and any organisation, a proposer their own
    organisation or council."""
    message = _("Please choose who organises the event.")
    if isinstance(organiser, Department):
        allowed = organiser.city_id == process.city_id and (coordinator or organiser.pk in department_ids_of(user))
        field = "organiser_department"
    elif isinstance(organiser, Organisation):
        allowed = coordinator or organiser.pk in organisation_ids_represented_by(user)
        field = "organiser_organisation"
    elif isinstance(organiser, council_space_model()):
        in_city = council_space_model().objects.filter(pk=organiser.pk, district__city_id=process.city_id).exists()
        allowed = in_city and (coordinator or organiser.pk in council_space_ids_of(user))
        field = "organiser_council"
    else:
        raise ApplicationError(message, field_errors={"organiser": message})
    if not allowed:
        refusal = _("You cannot name this organiser for an event of this process.")
        raise ApplicationError(refusal, field_errors={"organiser": refusal})
    fields = {name: None for _kind, name in ORGANISER_FIELDS}
    fields[field] = organiser
    return fields


def _default_organiser(user, *, process, coordinator: bool):
    return organiser_from_value(default_organiser_value(user, process=process, coordinator=coordinator))


def _related_set(event: Event, data: dict) -> None:
    event.fields_of_action.set(data["fields_of_action"])
    event.target_groups.set(data["target_groups"])
    wanted = set(data["languages"])
    existing = set(event.languages.values_list("language", flat=True))
    EventLanguage.objects.filter(event=event, language__in=existing - wanted).delete()
    EventLanguage.objects.bulk_create([EventLanguage(event=event, language=code) for code in sorted(wanted - existing)])


def _audit_details(data: dict) -> dict:
    return {
        "type": data["type"],
        "starts_at": data["starts_at"].isoformat(),
        "ends_at": data["ends_at"].isoformat(),
        "district": data["district"].pk if data["district"] else None,
        "languages": data["languages"],
    }


def _organiser_ref(event: Event) -> str:
    return organiser_value(event)


def _proposal_mails(event: Event, kind: str) -> None:
    """After commit, tell about a proposal: the process's coordinators of a new one (``proposed``), the person who
    proposed it of the decision (``approved``, ``declined``); each in their own language."""
    if kind == "proposed":
        recipients = list(
            User.objects.filter(
                is_active=True,
                process_memberships__process_id=event.process_id,
                process_memberships__role=ProcessRole.COORDINATOR,
            )
            .exclude(email="")
            .distinct()
        )
    else:
        proposer = event.created_by
        recipients = [proposer] if proposer is not None and proposer.is_active and proposer.email else []
    if not recipients:
        return
    subjects = {
        "proposed": gettext_lazy("An event was proposed"),
        "approved": gettext_lazy("Your event proposal was approved"),
        "declined": gettext_lazy("Your event proposal was declined"),
    }
    link = settings.SITE_URL + reverse("events:manage_event", kwargs={"pk": event.pk})
    event_id = event.pk

    def send():
        fresh = Event.objects.select_related("process", *[name for _kind, name in ORGANISER_FIELDS]).get(pk=event_id)
        for person in recipients:
            language = supported_language(person.preferred_language)
            with translation.override(language):
                when = event_when_text(fresh)
                process_title = localise(fresh.process, "title", language).text
                organiser = organiser_name(fresh, language)
            send_localised_mail(
                to=[person.email],
                language=language,
                subject=subjects[kind],
                template=f"events/organiser/email/{kind}",
                context={
                    "title": fresh.title,
                    "when": when,
                    "process_title": process_title,
                    "organiser": organiser,
                    "reason": fresh.decline_reason,
                    "link": link,
                },
            )

    transaction.on_commit(send, robust=True)


def _new_event(*, user, process, organiser, coordinator: bool, state: str, details: dict) -> Event:
    data = _details_checked(process=process, details=details)
    if organiser is None:
        organiser = _default_organiser(user, process=process, coordinator=coordinator)
    organisers = _organiser_fields(user, process=process, organiser=organiser, coordinator=coordinator)
    scalars = {name: data[name] for name in DETAIL_FIELDS[:-3]}
    event = Event.objects.create(process=process, state=state, created_by=user, **scalars, **organisers)
    _related_set(event, data)
    return event


@transaction.atomic
def event_create(*, user, process, organiser=None, **details) -> Event:
    """A coordinator plans an event of their process: it is planned (public) at once.

    ``organiser`` is a department or district council of the process's city or an organisation; without one, the
    coordinator's own department in the city. ``details`` are the fields of ``DETAIL_FIELDS``.
    """
    _require(user, "events.add_event", process)
    event = _new_event(
        user=user, process=process, organiser=organiser, coordinator=True, state=EventState.PLANNED, details=details
    )
    audit_record(
        actor=user,
        action="event.created",
        obj=event,
        data={**_audit_details(details_of(event)), "organiser": _organiser_ref(event), "state": event.state},
    )
    events_changed(process_id=process.pk, event_ids=[event.pk])
    return event


@transaction.atomic
def event_propose(*, user, process, organiser=None, **details) -> Event:
    """A verified representative proposes an event of their organisation, a district council member one of their
    council (Veranstaltungsvorschlag); it waits for a coordinator's approval and is not public until then."""
    _require(user, "events.propose_event", process)
    starts_at = details.get("starts_at")
    if isinstance(starts_at, datetime.datetime) and starts_at <= timezone.now():
        message = _("A proposed event must begin in the future.")
        raise ApplicationError(message, field_errors={"starts_at": message})
    event = _new_event(
        user=user, process=process, organiser=organiser, coordinator=False, state=EventState.PROPOSED, details=details
    )
    audit_record(
        actor=user,
        action="event.proposed",
        obj=event,
        data={**_audit_details(details_of(event)), "organiser": _organiser_ref(event), "state": event.state},
    )
    events_changed(process_id=process.pk, event_ids=[event.pk])
    _proposal_mails(event, "proposed")
    return event


def details_of(event: Event) -> dict:
    """An event's details as ``_details_checked`` returns them (for audit entries and forms)."""
    return _current_details(event)


@transaction.atomic
def event_approve(*, user, event: Event) -> Event:
    """A coordinator approves a proposal: it is planned, and public from now on."""
    event = _locked(event)
    _require_state(
        user,
        "events.decide_proposal",
        event,
        (EventState.PROPOSED,),
        _("Only a proposal can be approved. This event is: %(state)s."),
    )
    event.state, event.decided_by = EventState.PLANNED, user
    event.save(update_fields=["state", "decided_by", "updated_at"])
    audit_record(actor=user, action="event.approved", obj=event, data={"state": event.state})
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    _proposal_mails(event, "approved")
    return event


@transaction.atomic
def event_decline(*, user, event: Event, reason: str) -> Event:
    """A coordinator declines a proposal, with a reason the proposers read in their workspace."""
    event = _locked(event)
    _require_state(
        user,
        "events.decide_proposal",
        event,
        (EventState.PROPOSED,),
        _("Only a proposal can be declined. This event is: %(state)s."),
    )
    reason = _clean_required(reason, "reason", _("Please say why the proposal is declined."))
    event.state, event.decided_by, event.decline_reason = EventState.DECLINED, user, reason[:2000]
    event.save(update_fields=["state", "decided_by", "decline_reason", "updated_at"])
    audit_record(actor=user, action="event.declined", obj=event, data={"state": event.state})
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    _proposal_mails(event, "declined")
    return event


def _results_stale(event: Event) -> None:
    """The event's results name it on their pages: those pages are stale when its title changes."""
    for contribution_id in Contribution.objects.filter(event=event).values_list("pk", flat=True):
        cache_version_bump(CONTRIBUTION_NAMESPACE, contribution_id)


@transaction.atomic
def event_update(*, user, event: Event, organiser=None, **details) -> Event:
    """Change a proposed or planned event (its organisers and the coordinators). ``details`` not given stay.

    A public event's iCalendar SEQUENCE is raised when its title, time or place changes, so that calendar
    programs replace their copy. Changing the organiser: coordinators to any, organisers to another of their own.
    """
    event = _locked(event)
    _require_state(
        user,
        "events.change_event",
        event,
        (EventState.PROPOSED, EventState.PLANNED),
        _("This event can no longer be changed. It is: %(state)s."),
    )
    before = _current_details(event)
    data = _details_checked(process=event.process, details={**before, **details})
    changed = [name for name in DETAIL_FIELDS if _comparable(before[name]) != _comparable(data[name])]
    organisers = {}
    if organiser is not None and organiser != event.organiser:
        coordinator = rules.has_perm("events.add_event", user, event.process)
        organisers = _organiser_fields(user, process=event.process, organiser=organiser, coordinator=coordinator)
        changed.append("organiser")
    if not changed:
        return event
    for name in DETAIL_FIELDS[:-3]:
        setattr(event, name, data[name])
    for name, value in organisers.items():
        setattr(event, name, value)
    raises = event.state in PUBLIC_STATES and any(name in SEQUENCE_FIELDS for name in changed)
    if raises:
        event.sequence += 1
    moved = event.state == EventState.PLANNED and any(name in TIME_PLACE_FIELDS for name in changed)
    if moved:
        event.time_place_version += 1
    event.save()
    _related_set(event, data)
    audit_record(
        actor=user,
        action="event.changed",
        obj=event,
        data={"fields": changed, "sequence": event.sequence, "organiser": _organiser_ref(event)},
    )
    if "title" in changed:
        _results_stale(event)
    if "capacity" in changed and event.state == EventState.PLANNED:
        registrations_fill_places(event=event)  # more places (or none limited): the waiting list moves up
    if moved:
        registrations_notify_changed(event=event, start_moved="starts_at" in changed)
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return event


def _comparable(value):
    if isinstance(value, list):
        return sorted(getattr(item, "pk", item) for item in value)
    return getattr(value, "pk", value)


@transaction.atomic
def event_cancel(*, user, event: Event, reason: str) -> Event:
    """Cancel a planned event with a public reason: its STATUS becomes CANCELLED in the feeds (SEQUENCE raised)
    and everybody registered is told (``registrations_notify_cancelled``)."""
    event = _locked(event)
    _require_state(
        user,
        "events.cancel_event",
        event,
        (EventState.PLANNED,),
        _("Only a planned event can be cancelled. This event is: %(state)s."),
    )
    reason = _clean_required(reason, "reason", _("Please say why the event is cancelled."))
    if len(reason) > 2000:
        message = _("This text is too long (at most %(max)s characters).") % {"max": 2000}
        raise ApplicationError(message, field_errors={"reason": message})
    event.state, event.cancel_reason, event.cancelled_at = EventState.CANCELLED, reason, timezone.now()
    event.sequence += 1
    event.save(update_fields=["state", "cancel_reason", "cancelled_at", "sequence", "updated_at"])
    audit_record(actor=user, action="event.cancelled", obj=event, data={"sequence": event.sequence})
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    registrations_notify_cancelled(event=event)  # mails after commit, in each person's language
    return event


def _hold(user, event: Event) -> None:
    """planned → held (the event is locked); it must have begun."""
    if event.starts_at > timezone.now():
        raise Conflict(_("An event can be marked as held once it has begun."))
    event.state = EventState.HELD
    event.sequence += 1
    event.save(update_fields=["state", "sequence", "updated_at"])
    audit_record(actor=user, action="event.held", obj=event, data={"sequence": event.sequence})


def _ready_for_outcome(user, event: Event) -> Event:
    """The locked event, held: what happened at an event is recorded once it is held (a planned event that has
    begun is marked as held on the way)."""
    event = _locked(event)
    _require_state(
        user,
        "events.record_outcome",
        event,
        (EventState.PLANNED, EventState.HELD),
        _("Attendance, minutes and files are recorded for held events only. This event is: %(state)s."),
    )
    if event.state == EventState.PLANNED:
        _hold(user, event)
    return event


@transaction.atomic
def event_mark_held(*, user, event: Event) -> Event:
    """A planned event that has begun took place (Veranstaltung hat stattgefunden)."""
    event = _locked(event)
    _require_state(
        user,
        "events.record_outcome",
        event,
        (EventState.PLANNED, EventState.HELD),
        _("Only a planned event can be marked as held. This event is: %(state)s."),
    )
    if event.state == EventState.HELD:
        raise Conflict(_("This event is already marked as held."))
    _hold(user, event)
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return event


def translation_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@transaction.atomic
def event_translation_set(*, user, event: Event, field: str, language: str, text: str) -> None:
    """A translation of one of the event's staff texts (title, description, accessibility notes, reason for
    cancelling), checked by a person."""
    _require(user, "events.translate_event", event)
    if field not in Event.translatable_fields:
        message = _("Please choose a text of the event.")
        raise ApplicationError(message, field_errors={"field": message})
    if not getattr(event, field):
        message = _("This text of the event is empty: there is nothing to translate.")
        raise ApplicationError(message, field_errors={"field": message})
    if language not in translation_language_codes():
        message = _("Please choose a language from the list.")
        raise ApplicationError(message, field_errors={"language": message})
    text = _clean_required(text, "text", _("Please write the translation."))
    limit = Event._meta.get_field(field).max_length
    if limit and len(text) > limit:
        message = _("This text is too long (at most %(max)s characters).") % {"max": limit}
        raise ApplicationError(message, field_errors={"text": message})
    content_translation_set(obj=event, field=field, language=language, text=text, state="checked", actor=user)
    if field == "title":
        _results_stale(event)
    events_changed(process_id=event.process_id, event_ids=[event.pk])


# After the event: attendance, composition, minutes, files -----------------------------------------------------


def _composition_checked(event: Event, total: int, composition: dict) -> list[AttendanceCount]:
    """Counts by age band, district and target group: known groups, whole numbers, each dimension's sum at most
    the total (a person may be counted in no group of a dimension, never in two)."""
    valid = {
        CompositionDimension.AGE_BAND: set(AgeBand.values),
        CompositionDimension.DISTRICT: {
            str(pk) for pk in District.objects.filter(city_id=event.process.city_id).values_list("pk", flat=True)
        },
        CompositionDimension.TARGET_GROUP: {str(pk) for pk in event.process.target_groups.values_list("pk", flat=True)},
        CompositionDimension.GENDER: set(Gender.values),
        CompositionDimension.MIGRATION: set(MigrationExperience.values),
    }
    labels = dict(CompositionDimension.choices)
    rows, errors = [], {}
    for dimension, counts in (composition or {}).items():
        if dimension not in valid:
            raise ApplicationError(_("Please count by the groups of the form."))
        subtotal = 0
        for key, count in (counts or {}).items():
            key = str(key)
            if key not in valid[dimension]:
                errors[dimension] = _("Please count only the groups in the form.")
                break
            if count is None or count == 0:
                continue
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                errors[dimension] = _("Please give whole numbers of people, zero or more.")
                break
            subtotal += count
            rows.append(AttendanceCount(event=event, dimension=dimension, key=key, count=count))
        if dimension not in errors and subtotal > total:
            errors[dimension] = _(
                "The counts in “%(dimension)s” add up to %(sum)s, more than the %(total)s people who attended."
            ) % {"dimension": labels[dimension], "sum": subtotal, "total": total}
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    return rows


@transaction.atomic
def event_attendance_record(*, user, event: Event, total: int, composition: dict | None = None) -> Event:
    """Record how many people came (a head count, never people) and, optionally, how they were composed by age
    band, district and target group (``composition``: dimension → group key → count; replaces earlier counts)."""
    event = _ready_for_outcome(user, event)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        message = _("Please give the number of people who attended (zero or more).")
        raise ApplicationError(message, field_errors={"total": message})
    rows = _composition_checked(event, total, composition)
    event.attendance_total = total
    event.save(update_fields=["attendance_total", "updated_at"])
    AttendanceCount.objects.filter(event=event).delete()
    AttendanceCount.objects.bulk_create(rows)
    sums = {}
    for row in rows:
        sums[row.dimension] = sums.get(row.dimension, 0) + row.count
    audit_record(actor=user, action="event.attendance_recorded", obj=event, data={"total": total, "composition": sums})
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return event


@transaction.atomic
def event_minutes_set(*, user, event: Event, text: str, public: bool) -> Event:
    """The minutes of a held event (Protokoll), public only when marked so."""
    event = _ready_for_outcome(user, event)
    text = clean_plain_text(text or "")
    if len(text) > MINUTES_MAX:
        message = _("This text is too long (at most %(max)s characters).") % {"max": MINUTES_MAX}
        raise ApplicationError(message, field_errors={"text": message})
    event.minutes, event.minutes_public = text, bool(public) and bool(text)
    event.save(update_fields=["minutes", "minutes_public", "updated_at"])
    audit_record(
        actor=user,
        action="event.minutes_set",
        obj=event,
        data={"length": len(text), "public": event.minutes_public},
    )
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return event


# The files an event may keep, by the type sniffed from their content: MIME type → extension.
ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_NAME_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "jpe": "jpg", "png": "png"}
_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_SNIFF_BYTES = 8192


def _upload_checked(upload) -> tuple[str, str, int, str]:
    """(content type, extension, size, SHA-256) of an upload, refused unless its content is a PDF, JPEG or PNG
    within the size limit and its name, if it names a type, agrees with the content."""

    def refuse(message):
        raise ApplicationError(message, field_errors={"file": message})

    if upload is None:
        refuse(_("Please choose a file."))
    limit = settings.TEILHABE_EVENT_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        refuse(_("The file is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)})
    if upload.size == 0:
        refuse(_("The file is empty."))
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in ATTACHMENT_TYPES:
        refuse(_("Only PDF documents and JPEG or PNG images can be kept with an event."))
    suffix = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    named = _NAME_EXTENSIONS.get(suffix)
    if suffix and named != ATTACHMENT_TYPES[mime]:
        refuse(
            _("The file's name ends in .%(suffix)s, but its content is a %(type)s file. Please check the file.")
            % {"suffix": suffix, "type": _TYPE_NAMES[mime]}
        )
    digest, size = hashlib.sha256(head), len(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            refuse(_("The file is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)})
    upload.seek(0)
    return mime, ATTACHMENT_TYPES[mime], size, digest.hexdigest()


@transaction.atomic
def event_attachment_add(*, user, event: Event, upload, title: str, kind: str, public: bool) -> EventAttachment:
    """Keep a file of a held event: the minutes as PDF, photos of flipcharts, another document.

    The type is sniffed from the content (``filetype``), never taken from the name or the browser; the size is
    limited by ``TEILHABE_EVENT_ATTACHMENT_MAX_BYTES``; the SHA-256 is stored. Files are private unless marked
    public and are served only through ``events:attachment``, which asks ``events.view_attachment``.
    """
    event = _ready_for_outcome(user, event)
    errors = {}
    if kind not in AttachmentKind.values:
        errors["kind"] = _("Please choose what kind of file this is.")
    title = clean_plain_text(title or "")
    if not title:
        errors["title"] = _("Please give the file a title.")
    elif len(title) > 200:
        errors["title"] = _("The title is too long (at most %(max)s characters).") % {"max": 200}
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    mime, extension, size, sha256 = _upload_checked(upload)
    attachment = EventAttachment(
        event=event,
        kind=kind,
        title=title,
        content_type=mime,
        size=size,
        sha256=sha256,
        is_public=bool(public),
        uploaded_by=user,
    )
    attachment.file.save(f"{secrets.token_hex(16)}.{extension}", File(upload), save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        audit_record(
            actor=user,
            action="event_attachment.added",
            obj=attachment,
            data={"event": event.pk, "kind": kind, "type": mime, "size": size, "sha256": sha256, "public": public},
        )
    except Exception:
        attachment.file.storage.delete(stored)  # nothing half-saved: no file without its row
        raise
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return attachment


@transaction.atomic
def event_attachment_publish(*, user, attachment: EventAttachment, public: bool) -> EventAttachment:
    """Make an attachment public (shown with the event) or private again."""
    attachment = EventAttachment.objects.select_for_update().select_related("event__process").get(pk=attachment.pk)
    _require(user, "events.record_outcome", attachment.event)
    attachment.is_public = bool(public)
    attachment.save(update_fields=["is_public", "updated_at"])
    audit_record(
        actor=user,
        action="event_attachment.published" if public else "event_attachment.withdrawn",
        obj=attachment,
        data={"event": attachment.event_id},
    )
    events_changed(process_id=attachment.event.process_id, event_ids=[attachment.event_id])
    return attachment


@transaction.atomic
def event_attachment_remove(*, user, attachment: EventAttachment) -> None:
    """Delete an attachment and, after commit, its file (the audit keeps its SHA-256)."""
    attachment = EventAttachment.objects.select_for_update().select_related("event__process").get(pk=attachment.pk)
    _require(user, "events.record_outcome", attachment.event)
    storage, name = attachment.file.storage, attachment.file.name
    audit_record(
        actor=user,
        action="event_attachment.removed",
        obj=attachment,
        data={"event": attachment.event_id, "sha256": attachment.sha256, "title": attachment.title},
    )
    event = attachment.event
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    events_changed(process_id=event.process_id, event_ids=[event.pk])


# Results: what was said at the event becomes contributions ---------------------------------------------------

RESULTS_MAX = 50  # results entered in one go


@transaction.atomic
def event_results_enter(*, user, event: Event, results: list[dict]) -> list[Contribution]:
    """Enter an event's results (Ergebnisse) as contributions, several at once (e.g. 15 flipcharts), each a dict
    with ``title``, ``body``, ``fields_of_action`` and optionally ``district``, ``neighbourhood``,
    ``target_groups``, ``language``, ``group_size`` and ``publication_consent``.

    Each becomes a contribution through ``contribution_record_analog(event=...)``: channel of the event's type,
    the event's date as the original's, the person entering it as ``entered_by``. Entered by a coordinator with
    consent, a result is published at once; entered by another organiser, it waits in the moderation queue of
    the process's coordinators (without consent it is never published, but answered like every other). All or
    nothing: one result with an error saves none, and the errors name the result (``<index>-<field>``).
    """
    event = Event.objects.select_related("process").get(pk=event.pk)
    _require_state(
        user,
        "events.enter_results",
        event,
        (EventState.HELD,),
        _("Results are entered once the event is marked as held. This event is: %(state)s."),
    )
    if not results:
        raise ApplicationError(_("Please enter at least one result."))
    if len(results) > RESULTS_MAX:
        raise ApplicationError(_("Please enter at most %(max)s results at once.") % {"max": RESULTS_MAX})
    made, errors = [], {}
    for index, result in enumerate(results):
        try:
            made.append(
                contribution_record_analog(
                    process=event.process,
                    user=user,
                    event=event,
                    title=result.get("title", ""),
                    body=result.get("body", ""),
                    fields_of_action=list(result.get("fields_of_action") or ()),
                    target_groups=list(result.get("target_groups") or ()),
                    district=result.get("district"),
                    neighbourhood=result.get("neighbourhood"),
                    language=result.get("language") or "",
                    group_size=result.get("group_size"),
                    publication_consent=bool(result.get("publication_consent")),
                )
            )
        except NotAllowed:
            raise
        except ApplicationError as error:
            for field, message in (error.field_errors or {None: error.message}).items():
                errors[f"{index}-{field}" if field else f"{index}"] = message
    if errors:
        raise ApplicationError(_("Please correct the marked results: none was saved."), field_errors=errors)
    audit_record(
        actor=user,
        action="event.results_entered",
        obj=event,
        data={"contributions": [contribution.pk for contribution in made]},
    )
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return made


# --- Registrations --------------------------------------------------------------------------------------------
REGISTRATION_CONFIRM_SALT = "teilhabe.registration-confirm"


def _now():
    return timezone.now()


def _event_locked(event_id: int) -> Event:
    """The event row, locked until the transaction ends: every change of its registrations takes this lock first
    (then the registrations' rows), so places are counted by one writer at a time and nobody is moved up twice."""
    return Event.objects.select_for_update().select_related("process").get(pk=event_id)


def _admit(registration: Registration, event: Event, now) -> None:
    """Give a registration whose address is confirmed a place, or a place on the waiting list when the event is
    full. Someone admitted within the reminder period gets no reminder: their confirmation just told them."""
    confirmed = registration_confirmed_count(event)
    full = event.capacity is not None and confirmed >= event.capacity
    registration.state = RegistrationState.WAITING if full else RegistrationState.CONFIRMED
    registration.confirmed_at = now
    if not full and _within_reminder_period(event, now):
        registration.reminded_at = now


def _within_reminder_period(event, now) -> bool:
    return event.starts_at - now <= datetime.timedelta(hours=settings.TEILHABE_EVENT_REMINDER_HOURS)


def _registration_name(user) -> str:
    return (user.display_name or user.get_full_name() or user.email).strip()[:120]


@transaction.atomic
def registration_create(
    *,
    event,
    user,
    name: str = "",
    email: str = "",
    language: str = "",
    needs=(),
    needs_text: str = "",
    interpretation_language: str = "",
) -> Registration:
    """Register someone for an event (Anmeldung).

    With an account: name and address come from it, and the registration holds a place (or waits for one) at
    once. Without: ``name`` and ``email`` are required and the registration waits until the address is confirmed
    with the link we mail (``registration_confirm_email``); only then does it get a place. Refused for cancelled,
    held, begun or unpublished events, events without registration, and for an address already registered.
    """
    now = _now()
    event = _event_locked(event.pk)
    closed = registration_closed_reason(event, now=now)
    if closed:
        raise Conflict(closed)
    anonymous = not getattr(user, "is_authenticated", False)
    errors = {}
    if anonymous:
        name, email = clean_plain_text(name)[:120], (email or "").strip().lower()
        if not name:
            errors["name"] = _("Please enter your name.")
        if not email:
            errors["email"] = _("Please enter your e-mail address: we send you a link to confirm the registration.")
    else:
        name, email = _registration_name(user), user.email.strip().lower()
        language = user.preferred_language or language
    needs = list(dict.fromkeys(needs))
    if any(need not in Need.values for need in needs):
        errors["needs"] = _("Please choose from the list.")
    needs_text = clean_plain_text(needs_text)
    if len(needs_text) > NEEDS_TEXT_MAX:
        errors["needs_text"] = _("Please write at most %(max)s characters.") % {"max": NEEDS_TEXT_MAX}
    if interpretation_language and interpretation_language not in dict(interpretation_request_choices(event)):
        errors["interpretation_language"] = _("Please choose a language from the list.")
    if email and Registration.objects.filter(event=event, email=email, state__in=LIVE_REGISTRATION_STATES).exists():
        errors["email"] = _("This e-mail address is already registered for this event.")
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    registration = Registration(
        event=event,
        user=None if anonymous else user,
        name=name,
        email=email,
        language=supported_language(language or translation.get_language()),
        needs=needs,
        needs_text=needs_text,
        interpretation_language=interpretation_language,
        token=secrets.token_urlsafe(32),
        notified_version=event.time_place_version,
    )
    if not anonymous:
        _admit(registration, event, now)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the same address registered at the same moment
        raise ApplicationError(
            _("Please correct the marked fields."),
            field_errors={"email": _("This e-mail address is already registered for this event.")},
        ) from exc
    audit_record(
        actor=user,
        action="registration.created",
        obj=registration,
        data={"event": event.pk, "state": registration.state, "account": not anonymous},
    )
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    kind = "confirm" if anonymous else _mail_kind_for(registration.state)
    transaction.on_commit(lambda: registration_mail_send(registration=registration, kind=kind), robust=True)
    return registration


def _mail_kind_for(state: str) -> str:
    return "waiting" if state == RegistrationState.WAITING else "confirmed"


def registration_confirmation_max_age() -> int:
    """Seconds a confirmation link stays valid: as long as an unconfirmed registration is kept."""
    return settings.TEILHABE_UNCONFIRMED_DAYS * 24 * 3600


def registration_confirmation_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=REGISTRATION_CONFIRM_SALT)


@transaction.atomic
def registration_confirm_email(*, token: str) -> Registration:
    """Confirm an anonymous registration's address (the link in the first mail): it gets a place, or a place on
    the waiting list. Confirming twice is harmless; a link for an event that closed meanwhile says so."""
    try:
        data = signing.loads(token, salt=REGISTRATION_CONFIRM_SALT, max_age=registration_confirmation_max_age())
    except signing.SignatureExpired as exc:
        raise ApplicationError(_("This confirmation link has expired. Please register again.")) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This confirmation link is not valid.")) from exc
    found = Registration.objects.filter(pk=parse_id(data.get("r")) or 0, email=data.get("e")).first()
    if found is None:
        raise NotFound(_("This confirmation link is not valid."))
    now = _now()
    event = _event_locked(found.event_id)
    registration = Registration.objects.select_for_update().get(pk=found.pk)
    if registration.state != RegistrationState.AWAITING_CONFIRMATION:
        return registration
    closed = registration_closed_reason(event, now=now)
    if closed:
        raise Conflict(closed)
    _admit(registration, event, now)
    registration.save(update_fields=["state", "confirmed_at", "reminded_at", "updated_at"])
    audit_record(
        actor=None,
        action="registration.email_confirmed",
        obj=registration,
        data={"event": event.pk, "state": registration.state},
    )
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    kind = _mail_kind_for(registration.state)
    transaction.on_commit(lambda: registration_mail_send(registration=registration, kind=kind), robust=True)
    return registration


def _fill_places(event: Event, now) -> list[Registration]:
    """Move waiting registrations up, first come first served, while places are free (the caller holds the event's
    lock). Returns those moved up; each is audited and gets a mail after the commit."""
    if event.state != EventState.PLANNED or event.starts_at <= now:
        return []
    waiting = Registration.objects.select_for_update().filter(event=event, state=RegistrationState.WAITING)
    waiting = waiting.order_by("created_at", "id")
    if event.capacity is not None:
        free = event.capacity - registration_confirmed_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.state, registration.promoted_at = RegistrationState.CONFIRMED, now
        if _within_reminder_period(event, now):
            registration.reminded_at = now
        registration.save(update_fields=["state", "promoted_at", "reminded_at", "updated_at"])
        audit_record(actor=None, action="registration.promoted", obj=registration, data={"event": event.pk})
    for registration in promoted:
        transaction.on_commit(
            lambda registration=registration: registration_mail_send(registration=registration, kind="promoted"),
            robust=True,
        )
    return promoted


@transaction.atomic
def registrations_fill_places(*, event) -> list[Registration]:
    """Give free places to the waiting list (first come, first served), with a mail to each one moved up.

    The registrations services call it when a place frees up; the organisers' services call it after raising an
    event's capacity. Safe to call any time: without free places or waiting people it does nothing.
    """
    event = _event_locked(event.pk)
    promoted = _fill_places(event, _now())
    if promoted:
        events_changed(process_id=event.process_id, event_ids=[event.pk])
    return promoted


def _may_cancel(registration, user, token: str) -> bool:
    """With the link from the mails, or signed in as the person registered (by the account, or by its address,
    which the account has confirmed)."""
    if token and hmac.compare_digest(str(token), registration.token):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if registration.user_id is not None:
        return registration.user_id == user.pk
    return registration.email == user.email.strip().lower()


@transaction.atomic
def registration_cancel(*, registration, user=None, token: str = "") -> Registration:
    """Cancel a registration, with the link from its mails (``token``) or from the person's account.

    When a confirmed place frees up, the first on the waiting list moves up in the same transaction (under the
    event's lock: two cancellations at once never move the same person up, nor more people than places) and is
    told by mail. Cancelling twice is harmless; after the event has begun there is nothing to cancel.
    """
    if not _may_cancel(registration, user, token):
        raise NotAllowed()
    now = _now()
    event = _event_locked(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.state == RegistrationState.CANCELLED:
        return registration
    if event.state != EventState.PLANNED or event.starts_at <= now:
        raise Conflict(_("This event has already begun or taken place; the registration can no longer be cancelled."))
    previous = registration.state
    registration.state, registration.cancelled_at = RegistrationState.CANCELLED, now
    registration.save(update_fields=["state", "cancelled_at", "updated_at"])
    audit_record(
        actor=user,
        action="registration.cancelled",
        obj=registration,
        data={"event": event.pk, "from": previous, "by": "link" if token else "account"},
    )
    if previous == RegistrationState.CONFIRMED:
        _fill_places(event, now)
    events_changed(process_id=event.process_id, event_ids=[event.pk])
    return registration


def registrations_notify_cancelled(*, event) -> None:
    """Tell everyone registered that the event is cancelled (called by ``event_cancel`` in its transaction).

    After the commit a task (``events.tasks.registrations_event_cancelled``) cancels each live registration and
    mails those who held or waited for a place, in their language, with the reason; housekeeping finishes what
    a worker left undone.
    """
    from teilhabe.events.tasks import registrations_event_cancelled

    event_id = event.pk
    transaction.on_commit(lambda: registrations_event_cancelled.enqueue(event_id=event_id), robust=True)


def registrations_event_cancelled_run(*, event_id: int) -> int:
    """Cancel the live registrations of a cancelled event, one at a time, each claimed by a conditional update
    before its mail is sent (so running twice sends nothing twice). Returns how many mails were sent."""
    event = Event.objects.filter(pk=event_id, state=EventState.CANCELLED).select_related("process").first()
    if event is None:
        return 0
    counts, sent = {}, 0
    rows = Registration.objects.filter(event=event, state__in=LIVE_REGISTRATION_STATES).order_by("created_at", "id")
    for pk, state in list(rows.values_list("pk", "state")):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, state=state).update(
                state=RegistrationState.CANCELLED, cancelled_at=_now(), updated_at=_now()
            )
        if not claimed:
            continue
        counts[state] = counts.get(state, 0) + 1
        if state != RegistrationState.AWAITING_CONFIRMATION:  # an address never confirmed gets no mail
            registration_mail_send(
                registration=Registration.objects.select_related("event").get(pk=pk), kind="event_cancelled"
            )
            sent += 1
    if counts:
        with transaction.atomic():
            audit_record(actor=None, action="event.registrations_cancelled", obj=event, data={"counts": counts})
            events_changed(process_id=event.process_id, event_ids=[event.pk])
    return sent


def registrations_notify_changed(*, event, start_moved: bool) -> None:
    """Tell everyone registered for a planned event that its time or place changed (called by ``event_update`` in
    its transaction). A moved start also resets the reminders, so that the reminder comes before the new date.

    After the commit a task (``events.tasks.registrations_event_changed``) mails each registrant with a place or on
    the waiting list the new details, in their language; housekeeping sends what a worker left unsent.
    """
    from teilhabe.events.tasks import registrations_event_changed

    if start_moved:
        Registration.objects.filter(event=event, state__in=LIVE_REGISTRATION_STATES).update(reminded_at=None)
    event_id = event.pk
    transaction.on_commit(lambda: registrations_event_changed.enqueue(event_id=event_id), robust=True)


def registrations_event_changed_run(*, event_id: int) -> int:
    """Send the change notices of a planned event, each claimed by a conditional update of the registration's
    ``notified_version`` before its mail is sent (running twice sends nothing twice; two quick changes send the
    latest details once to whoever was not told yet). Returns how many mails were sent."""
    event = Event.objects.filter(pk=event_id, state=EventState.PLANNED).first()
    if event is None:
        return 0
    version = event.time_place_version
    behind = Registration.objects.filter(event=event, notified_version__lt=version)
    # Nobody is told of a change before they confirmed their address: they then get the current details.
    behind.filter(state__in=[RegistrationState.AWAITING_CONFIRMATION, RegistrationState.CANCELLED]).update(
        notified_version=version
    )
    sent = 0
    rows = behind.filter(state__in=[RegistrationState.CONFIRMED, RegistrationState.WAITING]).order_by("id")
    for pk in list(rows.values_list("pk", flat=True)):
        claimed = Registration.objects.filter(pk=pk, notified_version__lt=version).update(notified_version=version)
        if claimed:
            registration_mail_send(
                registration=Registration.objects.select_related("event").get(pk=pk), kind="event_changed"
            )
            sent += 1
    if sent:
        with transaction.atomic():
            audit_record(actor=None, action="event.registrants_told_of_change", obj=event, data={"mails": sent})
    return sent


def registration_reminders_send(*, now=None) -> int:
    """Remind everyone with a place of an event starting within ``TEILHABE_EVENT_REMINDER_HOURS`` (the day before).

    Each reminder is claimed with a conditional update of ``reminded_at`` before its mail goes out, so the job is
    safe to run twice or in two workers at once. Returns how many reminders were sent.
    """
    now = now or _now()
    horizon = now + datetime.timedelta(hours=settings.TEILHABE_EVENT_REMINDER_HOURS)
    due = Registration.objects.filter(
        state=RegistrationState.CONFIRMED,
        reminded_at__isnull=True,
        event__state=EventState.PLANNED,
        event__starts_at__gt=now,
        event__starts_at__lte=horizon,
    ).order_by("event__starts_at", "id")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        claimed = Registration.objects.filter(
            pk=pk, reminded_at__isnull=True, state=RegistrationState.CONFIRMED
        ).update(reminded_at=now)
        if claimed:
            registration_mail_send(
                registration=Registration.objects.select_related("event").get(pk=pk), kind="reminder"
            )
            sent += 1
    return sent


def registrations_housekeeping() -> None:
    """Housekeeping job (``TEILHABE_HOUSEKEEPING_JOBS``): the reminders that are due, and the notices of cancelled
    events that a worker left unsent."""
    for event_id in (
        Event.objects.filter(state=EventState.CANCELLED, registrations__state__in=LIVE_REGISTRATION_STATES)
        .order_by()
        .values_list("pk", flat=True)
        .distinct()
    ):
        registrations_event_cancelled_run(event_id=event_id)
    for event_id in (
        Event.objects.filter(
            state=EventState.PLANNED,
            registrations__state__in=[RegistrationState.CONFIRMED, RegistrationState.WAITING],
            registrations__notified_version__lt=F("time_place_version"),
        )
        .order_by()
        .values_list("pk", flat=True)
        .distinct()
    ):
        registrations_event_changed_run(event_id=event_id)
    registration_reminders_send()


def registrations_purge(*, now=None) -> dict[str, int]:
    """Delete the registrations (names, addresses, needs) of events that ended more than
    ``TEILHABE_REGISTRATION_RETENTION_DAYS`` ago, keeping their counts by state in ``Event.registration_summary``;
    and registrations whose address was never confirmed within ``TEILHABE_UNCONFIRMED_DAYS``.

    One transaction and one audit entry (counts only, nobody named) per event. ``manage.py purge_registrations``
    and the housekeeping job run it; running it again finds nothing to do. Returns the totals.
    """
    now = now or _now()
    totals = {"events": 0, "registrations": 0, "unconfirmed": 0}
    unconfirmed_before = now - datetime.timedelta(days=settings.TEILHABE_UNCONFIRMED_DAYS)
    with transaction.atomic():
        stale = Registration.objects.filter(
            state=RegistrationState.AWAITING_CONFIRMATION, created_at__lt=unconfirmed_before
        )
        by_event: dict[int, int] = {}
        for event_id in stale.values_list("event_id", flat=True):
            by_event[event_id] = by_event.get(event_id, 0) + 1
        if by_event:
            stale.delete()
            totals["unconfirmed"] = sum(by_event.values())
            audit_record(
                actor=None,
                action="registration.unconfirmed_purged",
                obj=ManyRows(Registration),
                data={"count": totals["unconfirmed"], "days": settings.TEILHABE_UNCONFIRMED_DAYS},
            )
            for process_id, event_id in Event.objects.filter(pk__in=by_event).values_list("process_id", "pk"):
                events_changed(process_id=process_id, event_ids=[event_id])
    ended_before = now - datetime.timedelta(days=settings.TEILHABE_REGISTRATION_RETENTION_DAYS)
    expired = (
        Event.objects.filter(ends_at__lt=ended_before, registrations__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    for event_id in list(expired):
        with transaction.atomic():
            event = _event_locked(event_id)
            counts = {
                state: count
                for state, count in Registration.objects.filter(event=event)
                .order_by()
                .values_list("state")
                .annotate(count=Count("id"))
            }
            if not counts:
                continue
            summary = dict(event.registration_summary or {})
            for state, count in counts.items():
                summary[state] = summary.get(state, 0) + count
            Registration.objects.filter(event=event).delete()
            event.registration_summary = summary
            event.save(update_fields=["registration_summary", "updated_at"])
            audit_record(
                actor=None,
                action="event.registrations_purged",
                obj=event,
                data={"counts": counts, "days": settings.TEILHABE_REGISTRATION_RETENTION_DAYS},
            )
            events_changed(process_id=event.process_id, event_ids=[event.pk])
        totals["events"] += 1
        totals["registrations"] += sum(counts.values())
    return totals


def registrations_export_record(*, event, user, file_format: str, count: int) -> None:
    """Audit that someone took the door list of an event away as a file (who, which format, how many rows)."""
    if not rules.has_perm("events.view_registrations", user, event):
        raise NotAllowed()
    with transaction.atomic():
        audit_record(
            actor=user,
            action="event.registrations_exported",
            obj=event,
            data={"format": file_format, "rows": count},
        )


# Mails: each in the registrant's language, with the event's data and the link to their registration.

MAIL_SUBJECTS = {
    "confirm": gettext_lazy("Please confirm your registration"),
    "confirmed": gettext_lazy("You are registered: %(title)s"),
    "waiting": gettext_lazy("You are on the waiting list: %(title)s"),
    "promoted": gettext_lazy("A place has become free for you: %(title)s"),
    "reminder": gettext_lazy("Reminder: %(title)s"),
    "event_cancelled": gettext_lazy("Cancelled: %(title)s"),
    "event_changed": gettext_lazy("New time or place: %(title)s"),
}


def registration_links(registration) -> dict[str, str]:
    """The absolute links a registration's mails carry: the event's page, the registration's own page (where it
    is cancelled) and, while the address awaits confirmation, the confirmation link."""
    links = {
        "event": settings.SITE_URL + reverse("events:detail", kwargs={"pk": registration.event_id}),
        "registration": settings.SITE_URL + reverse("events:registration", kwargs={"token": registration.token}),
    }
    if registration.state == RegistrationState.AWAITING_CONFIRMATION:
        token = registration_confirmation_token(registration)
        links["confirm"] = settings.SITE_URL + reverse("events:confirm", kwargs={"token": token})
    return links


def registration_mail_send(*, registration, kind: str) -> None:
    """Send one of a registration's mails (``MAIL_SUBJECTS``) in the registrant's language.

    The confirmation request names the event only (public data), nothing the person typed: anyone can type
    anyone's address into the form.
    """
    event = Event.objects.select_related("process", "district").get(pk=registration.event_id)
    language = supported_language(registration.language)
    with translation.override(language):
        title = localise(event, "title", language).text
        context = {
            "kind": kind,
            "event": event,
            "title": title,
            "when": event_when_text(event),
            "venue": ", ".join(part for part in (event.venue_name, event.venue_address) if part),
            "links": registration_links(registration),
            "position": waiting_position(registration),
            "days": settings.TEILHABE_UNCONFIRMED_DAYS,
        }
        if kind == "event_cancelled":
            context["reason"] = localise(event, "cancel_reason", language).text
        subject = MAIL_SUBJECTS[kind] % {"title": title} if kind != "confirm" else MAIL_SUBJECTS[kind]
        subject = str(subject)
    send_localised_mail(
        to=[registration.email],
        language=language,
        subject=subject,
        template=f"events/public/email/registration_{kind}",
        context=context,
    )
