"""Event pages: the public calendar, an event's page and feeds, registration; the organisers' workspace."""

import functools
import hashlib

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.contributions.cards import contribution_card_fragments
from teilhabe.core.cache_versions import cache_versions_many
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors
from teilhabe.events import ical, services
from teilhabe.events.door_list import CONTENT_TYPES as DOOR_LIST_TYPES
from teilhabe.events.door_list import door_list_file, door_list_filename
from teilhabe.events.forms import (
    COMPOSITION_PREFIX,
    RESULT_ROWS,
    RESULT_ROWS_MAX,
    AttachmentActionForm,
    AttachmentForm,
    AttendanceForm,
    CalendarFilterForm,
    EventForm,
    EventTranslationForm,
    MinutesForm,
    ReasonForm,
    RegistrationForm,
    result_formset,
)
from teilhabe.events.models import (
    PUBLIC_STATES,
    AgeBand,
    CompositionDimension,
    Event,
    EventAttachment,
    EventState,
    EventType,
    Gender,
    MigrationExperience,
    Need,
    RegistrationState,
)
from teilhabe.events.page_versions import calendar_page_versions, event_page_versions, feed_page_versions
from teilhabe.events.selectors import (
    EVENTS_NAMESPACE,
    CalendarFilters,
    attachment_get,
    calendar_count,
    calendar_events,
    calendar_next_change,
    calendar_rows,
    default_organiser_value,
    door_list,
    event_attachments,
    event_composition,
    event_for_user,
    event_for_work,
    event_is_public,
    event_language_names,
    event_local_times,
    event_map_url,
    event_places_left,
    event_public_attachments,
    event_result_ids,
    event_results,
    event_translations,
    has_event_workspace,
    interpretation_language_name,
    organiser_choices,
    organiser_from_value,
    organiser_name,
    organiser_value,
    registration_closed_reason,
    registration_for_token,
    registration_of,
    registrations_of_user,
    waiting_position,
    workspace_event_list,
    workspace_events,
)
from teilhabe.events.services import ATTACHMENT_TYPES
from teilhabe.places.models import District
from teilhabe.places.selectors import district_choices
from teilhabe.processes.selectors import (
    process_get_published,
    process_ids_coordinated_by,
    process_list_published,
    process_slugs_published,
)

# --- Public: calendar, event page, iCalendar, registration ------------------------------------------------------
WRITE_RATE = "60/h"  # registrations, as for anonymous contributions (docs/rate-limits.md)
EXPORT_FORMATS = ("csv", "xlsx")


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _event_or_404(request, pk):
    """Every view of one event asks the visibility selector first: a hidden event answers like a missing one."""
    event = event_for_user(request.user, pk)
    if event is None:
        raise NotFound()
    return event


def _canonical_page(value) -> bool:
    return value is None or (value.isascii() and value.isdigit() and value == str(int(value)) and value != "0")


def calendar_home_view(request):
    """``/veranstaltungen/``: the calendar of the only published process, else the processes to choose from."""
    slugs = process_slugs_published()
    if len(slugs) == 1:
        return redirect("events:calendar", slug=slugs[0])
    return render(request, "events/public/calendar_processes.html", {"processes": process_list_published()})


CALENDAR_PARAMS = (*CalendarFilterForm.base_fields, "page")


def _calendar_versions(request, slug):
    if not _canonical_page(request.GET.get("page")):
        return None  # ?page=abc, 0 or 007: a 404 or a duplicate of a canonical page
    return calendar_page_versions(slug)


@cache_public_page(_calendar_versions, params=CALENDAR_PARAMS)
def calendar_view(request, slug):
    """The public calendar of a process (Veranstaltungskalender): upcoming or past events, filtered, in pages."""
    process = _process_or_404(slug)
    form = CalendarFilterForm(request.GET or None, process=process)
    status = 200
    if not form.is_bound:
        filters = CalendarFilters()
    elif form.is_valid():
        filters = form.filters()
    else:
        filters, status = CalendarFilters(past=request.GET.get("when") == "past"), 400
    version = cache_versions_many([(EVENTS_NAMESPACE, process.pk)])[(EVENTS_NAMESPACE, process.pk)]
    moment = calendar_next_change(process.pk, version)
    events = calendar_events(process=process, filters=filters)
    asked = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    stamp = int(moment.timestamp()) if moment else 0
    page = paginate_ids(
        events,
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=calendar_rows,
        count=calendar_count(process=process, filters=filters, events_version=version, queryset=events),
        ids_key=f"event-calendar-ids:{process.pk}:{version}:{stamp}:{asked}",
    )
    district = _filtered_district(process, filters)
    return render(
        request,
        "events/public/calendar.html",
        {
            "process": process,
            "form": form,
            "filters": filters,
            "page": page,
            "feed_url": reverse("events:feed", kwargs={"slug": process.slug}),
            "district": district,
            "active_filters": _active_filter_count(filters),
            "district_feed_url": reverse(
                "events:district_feed", kwargs={"slug": process.slug, "number": district.number}
            )
            if district
            else None,
        },
        status=status,
    )


def _active_filter_count(filters: CalendarFilters) -> int:
    chosen = (filters.district is not None, filters.type, filters.field, filters.language)
    return sum(1 for value in chosen if value) + len(filters.access)


def _filtered_district(process, filters):
    if filters.district is None:
        return None
    return District.objects.filter(city_id=process.city_id, number=filters.district).first()


def _event_versions(request, pk):
    if not _canonical_page(request.GET.get("page")):
        return None
    return event_page_versions(pk)


@cache_public_page(_event_versions, params=("page",))
def event_detail_view(request, pk):
    """An event's page: when and where, accessibility and languages, organiser, description, places; for a held
    event its results (contribution cards) and public minutes and attachments."""
    event = _event_or_404(request, pk)
    process = event.process
    language = translation.get_language()
    user = request.user
    results = paginate_ids(
        event_result_ids(event),
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=functools.partial(contribution_card_fragments, process=process, request=request),
    )
    start, end = event_local_times(event)
    context = {
        "event": event,
        "process": process,
        "is_public": event_is_public(event),
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "map_url": event_map_url(event),
        "organiser": organiser_name(event, language),
        "languages": event_language_names(event),
        "places_left": event_places_left(event) if event.takes_registrations else None,
        "closed_reason": registration_closed_reason(event),
        "results": results,
        "attachments": event_public_attachments(event) if event.state == EventState.HELD else [],
        "my_registration": registration_of(user, event),
        "can_view_registrations": rules.has_perm("events.view_registrations", user, event),
        "ics_url": reverse("events:event_ics", kwargs={"pk": event.pk}),
        "feed_url": reverse("events:feed", kwargs={"slug": process.slug}),
    }
    return render(request, "events/public/event_detail.html", context)


def _ics_response(body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _event_ics_versions(request, pk):
    return event_page_versions(pk)


@cache_public_page(_event_ics_versions)
def event_ics_view(request, pk):
    """One event as an ``.ics`` file to add to a calendar."""
    event = _event_or_404(request, pk)
    language = translation.get_language()
    name = localise(event, "title", language).text
    body = ical.event_bytes(event, name=name, language=language)
    return _ics_response(body, filename=f"veranstaltung-{event.pk}.ics", attachment=True)


def _feed_versions(request, slug, number=None):
    return feed_page_versions(slug)


@cache_public_page(_feed_versions)
def feed_view(request, slug):
    """The iCalendar feed of every public event of a process, to subscribe to in a calendar program."""
    process = _process_or_404(slug)
    language = translation.get_language()
    name = _("Events: %(process)s") % {"process": localise(process, "title", language).text}
    body = ical.feed_bytes(process=process, name=name, language=language)
    return _ics_response(body, filename=f"veranstaltungen-{process.slug}.ics", attachment=False)


@cache_public_page(_feed_versions)
def district_feed_view(request, slug, number):
    """The iCalendar feed of the public events of a process in one district (by the district's number)."""
    process = _process_or_404(slug)
    district_number = parse_id(number)
    district = (
        District.objects.filter(city_id=process.city_id, number=district_number).first()
        if district_number is not None and str(district_number) == number
        else None
    )
    if district is None:
        raise NotFound()
    language = translation.get_language()
    name = _("Events in %(district)s: %(process)s") % {
        "district": district.name,
        "process": localise(process, "title", language).text,
    }
    body = ical.feed_bytes(process=process, district=district, name=name, language=language)
    return _ics_response(body, filename=f"veranstaltungen-{process.slug}-{district.number}.ics", attachment=False)


@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=True)
def register_view(request, pk):
    """Register for an event: signed in with one click (optionally with needs), or with name and address."""
    event = _event_or_404(request, pk)
    closed = registration_closed_reason(event)
    if closed:
        return render(request, "events/public/registration_closed.html", {"event": event, "reason": closed}, status=409)
    existing = registration_of(request.user, event)
    if existing is not None:
        messages.info(request, _("You are already registered for this event."))
        return redirect("events:detail", pk=event.pk)
    form = RegistrationForm(request.POST if request.method == "POST" else None, event=event, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.registration_create(
                    event=event,
                    user=request.user,
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    language=request.LANGUAGE_CODE,
                    needs=data["needs"],
                    needs_text=data["needs_text"],
                    interpretation_language=data["interpretation_language"],
                )
            except ApplicationError as error:
                if error.status_code not in (400, 409):
                    raise
                apply_errors(form, error)
                status = error.status_code
            else:
                if registration.user_id is None:
                    return redirect("events:registration_submitted", pk=event.pk)
                messages.success(request, _registered_message(registration))
                return redirect("events:detail", pk=event.pk)
        else:
            status = 400
    return render(
        request,
        "events/public/register.html",
        {
            "event": event,
            "form": form,
            "places_left": event_places_left(event),
            "retention_days": settings.TEILHABE_REGISTRATION_RETENTION_DAYS,
        },
        status=status,
    )


def _registered_message(registration) -> str:
    if registration.state == RegistrationState.WAITING:
        return _("The event is full: you are on the waiting list. We will write to you when a place becomes free.")
    return _("You are registered. We have sent you a confirmation by e-mail.")


def registration_submitted_view(request, pk):
    """After an anonymous registration: please confirm your address."""
    event = _event_or_404(request, pk)
    return render(request, "events/public/registration_submitted.html", {"event": event})


def registration_confirm_view(request, token):
    """The link in the first mail: the address is confirmed, the registration gets a place or waits for one."""
    registration = services.registration_confirm_email(token=token)
    messages.success(request, _registered_message(registration))
    return redirect("events:registration", token=registration.token)


def registration_view(request, token):
    """A registration's own page, reached with the link from its mails: its state, and a button to cancel it."""
    registration = registration_for_token(token)
    if registration is None:
        raise NotFound(_("This link is not valid (any more)."))
    if request.method == "POST":
        services.registration_cancel(registration=registration, token=token)
        messages.success(request, _("Your registration is cancelled."))
        return redirect("events:registration", token=token)
    return _registration_page(request, registration)


def _registration_page(request, registration):
    event = registration.event
    live = registration.state != RegistrationState.CANCELLED
    return render(
        request,
        "events/public/registration.html",
        {
            "registration": registration,
            "event": event,
            "start": event_local_times(event)[0],
            "position": waiting_position(registration),
            "can_cancel": live and event.state == EventState.PLANNED and event.starts_at > timezone.now(),
        },
    )


@require_POST
@login_required
def registration_cancel_own_view(request, pk):
    """Cancel one's own registration from the event's page (signed in)."""
    event = _event_or_404(request, pk)
    registration = registration_of(request.user, event)
    if registration is None:
        raise NotFound(_("You are not registered for this event."))
    services.registration_cancel(registration=registration, user=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=event.pk)


@login_required
def my_registrations_view(request):
    """The events someone is registered for (or waits for), with their state."""
    registrations = registrations_of_user(request.user)
    for registration in registrations:
        registration.position = waiting_position(registration)
    return render(request, "events/public/my_registrations.html", {"registrations": registrations})


def _registrations_event(request, pk):
    event = _event_or_404(request, pk)
    if not rules.has_perm("events.view_registrations", request.user, event):
        raise NotAllowed()
    return event


@login_required
def registrations_view(request, pk):
    """The door list of an event for its organisers: registered, waiting list in order, unconfirmed, cancelled."""
    event = _registrations_event(request, pk)
    door = door_list(event)
    response = render(
        request,
        "events/public/door_list.html",
        {
            "event": event,
            "door": door,
            "places_left": event_places_left(event),
            "need_labels": dict(Need.choices),
            "formats": EXPORT_FORMATS,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def registrations_export_view(request, pk, fmt):
    """The door list as CSV or XLSX (audited: who took which list away)."""
    event = _registrations_event(request, pk)
    if fmt not in EXPORT_FORMATS:
        raise NotFound()
    door = door_list(event)
    body = door_list_file(door, fmt)
    services.registrations_export_record(event=event, user=request.user, file_format=fmt, count=len(door.rows))
    response = HttpResponse(body, content_type=DOOR_LIST_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{door_list_filename(event, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Organiser workspace ---------------------------------------------------------------------------------------

ORGANISER = "events/organiser/"


def _public_url(event) -> str | None:
    """The event's public page, once it is public (the public views may not be there in every test set-up)."""
    if event.state not in PUBLIC_STATES:
        return None
    try:
        return reverse("events:detail", kwargs={"pk": event.pk})
    except NoReverseMatch:
        return None


def _manage_url(event, anchor: str = "") -> str:
    return reverse("events:manage_event", kwargs={"pk": event.pk}) + (f"#{anchor}" if anchor else "")


def _managed_event(request, pk) -> Event:
    """An event for its workspace pages: 404 alike for a missing event and one the person does not manage."""
    number = parse_id(pk)
    event = event_for_work(pk=number) if number is not None and str(number) == str(pk) else None
    if event is None or not rules.has_perm("events.manage_event", request.user, event):
        raise NotFound()
    return event


def _allowed(request, perm: str, event, states, refusal) -> None:
    """Ask ``perm`` for a page of an event the person manages: a refusal because of the state is a 409 that says
    so, any other a 403."""
    if rules.has_perm(perm, request.user, event):
        return
    if event.state not in states:
        raise Conflict(refusal % {"state": event.get_state_display()})
    raise NotAllowed()


def _process_for(request, slug, perm: str):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm(perm, request.user, process):
        raise NotAllowed()
    return process


@login_required
def workspace_view(request):
    """ "My events": for coordinators every event of their processes, for organisers their units' events;
    proposals awaiting approval first, then the events to wrap up, upcoming and past ones."""
    user = request.user
    if not has_event_workspace(user):
        raise NotAllowed()
    language = get_language()
    coordinated = process_ids_coordinated_by(user)
    published = list(process_list_published())
    return render(
        request,
        ORGANISER + "workspace.html",
        {
            "lists": workspace_events(user),
            "plan_in": [
                (process, localise(process, "title", language).text)
                for process in published
                if process.pk in coordinated
            ],
            "propose_in": [
                (process, localise(process, "title", language).text)
                for process in published
                if process.pk not in coordinated and rules.has_perm("events.propose_event", user, process)
            ],
            "is_coordinator": bool(coordinated),
        },
    )


WORKSPACE_LISTS = {"kommende": "upcoming", "vergangene": "past"}


@login_required
def workspace_list_view(request, which):
    """All upcoming or past events of someone's workspace, page by page."""
    if which not in WORKSPACE_LISTS or not has_event_workspace(request.user):
        raise NotFound()
    events = workspace_event_list(request.user, which=WORKSPACE_LISTS[which])
    paginator = Paginator(events, settings.TEILHABE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc
    return render(request, ORGANISER + "workspace_list.html", {"page": page, "which": WORKSPACE_LISTS[which]})


def _event_form_page(request, *, process, form, event=None, proposing=False, status=200):
    return render(
        request,
        ORGANISER + "event_form.html",
        {
            "form": form,
            "process": process,
            "process_title": localise(process, "title", get_language()).text,
            "event": event,
            "proposing": proposing,
        },
        status=status,
    )


def _new_event_view(request, slug, *, perm: str, coordinator: bool, run, done):
    process = _process_for(request, slug, perm)
    organisers = organiser_choices(request.user, process=process, coordinator=coordinator)
    if request.method == "POST":
        form = EventForm(request.POST, process=process, organisers=organisers)
        if form.is_valid():
            try:
                event = run(process, organiser_from_value(form.cleaned_data["organiser"]), form.details())
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(_manage_url(event))
        return _event_form_page(request, process=process, form=form, proposing=not coordinator, status=400)
    initial = {
        "organiser": default_organiser_value(request.user, process=process, coordinator=coordinator),
        "takes_registrations": True,
        "type": EventType.WORKSHOP,
    }
    form = EventForm(initial=initial, process=process, organisers=organisers)
    return _event_form_page(request, process=process, form=form, proposing=not coordinator)


@login_required
def event_create_view(request, slug):
    return _new_event_view(
        request,
        slug,
        perm="events.add_event",
        coordinator=True,
        run=lambda process, organiser, details: services.event_create(
            user=request.user, process=process, organiser=organiser, **details
        ),
        done=_("The event is planned and shown in the calendar."),
    )


@login_required
def event_propose_view(request, slug):
    return _new_event_view(
        request,
        slug,
        perm="events.propose_event",
        coordinator=False,
        run=lambda process, organiser, details: services.event_propose(
            user=request.user, process=process, organiser=organiser, **details
        ),
        done=_("Thank you. Your proposal waits for the coordinators' approval."),
    )


def _event_initial(event) -> dict:
    initial = {name: value for name, value in services.details_of(event).items()}
    initial["organiser"] = organiser_value(event)
    for name in ("starts_at", "ends_at"):
        initial[name] = timezone.localtime(initial[name])
    return initial


@login_required
def event_edit_view(request, pk):
    event = _managed_event(request, pk)
    _allowed(
        request,
        "events.change_event",
        event,
        (EventState.PROPOSED, EventState.PLANNED),
        _("This event can no longer be changed. It is: %(state)s."),
    )
    process = event.process
    coordinator = rules.has_perm("events.add_event", request.user, process)
    organisers = organiser_choices(request.user, process=process, coordinator=coordinator)
    current = organiser_value(event)
    if current not in {value for value, _label in organisers}:
        organisers = [(current, organiser_name(event)), *organisers]
    if request.method == "POST":
        form = EventForm(request.POST, process=process, organisers=organisers)
        if form.is_valid():
            try:
                services.event_update(
                    user=request.user,
                    event=event,
                    organiser=organiser_from_value(form.cleaned_data["organiser"]),
                    **form.details(),
                )
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect(_manage_url(event))
        return _event_form_page(request, process=process, form=form, event=event, status=400)
    form = EventForm(initial=_event_initial(event), process=process, organisers=organisers)
    return _event_form_page(request, process=process, form=form, event=event)


def _event_page(request, event, *, bound=None, error=None, status=200):
    """The workspace page of one event: its facts, what may be done next, its results and files."""
    user = request.user

    def may(name):
        return rules.has_perm(f"events.{name}", user, event)

    can = {
        "can_decide": may("decide_proposal"),
        "can_change": may("change_event"),
        "can_cancel": may("cancel_event"),
        "can_record": may("record_outcome"),
        "can_enter_results": may("enter_results"),
        "can_translate": may("translate_event"),
        "can_view_registrations": may("view_registrations"),
    }
    now = timezone.now()
    forms = {
        "decline_form": ReasonForm(auto_id="decline_%s"),
        "translation_form": EventTranslationForm(event=event, auto_id="translation_%s"),
    }
    forms.update(bound or {})
    language = get_language()
    return render(
        request,
        ORGANISER + "event.html",
        {
            **can,
            **forms,
            "event": event,
            "process_title": localise(event.process, "title", language).text,
            "organiser": organiser_name(event, language),
            "languages": [interpretation_language_name(item.language) for item in event.languages.all()],
            "has_begun": event.starts_at <= now,
            "results": event_results(event),
            "attachments": event_attachments(event),
            "translations": event_translations(event),
            "composition_rows": _composition_rows(event),
            "public_url": _public_url(event),
            "registrations_url": _registrations_url(event) if can["can_view_registrations"] else None,
            "error_message": error,
        },
        status=status,
    )


def _registrations_url(event) -> str | None:
    try:
        return reverse("events:registrations", kwargs={"pk": event.pk})
    except NoReverseMatch:
        return None


def _composition_rows(event) -> list[tuple[str, list[tuple[str, int]]]]:
    """(dimension, [(group name, count)]) of the recorded composition, in the form's order."""
    composition = event_composition(event)
    if not any(composition.values()):
        return []
    names = {
        CompositionDimension.AGE_BAND: dict(AgeBand.choices),
        CompositionDimension.DISTRICT: {
            str(pk): name for pk, _number, name in district_choices(city_id=event.process.city_id)
        },
        CompositionDimension.TARGET_GROUP: {str(group.pk): group.name for group in event.process.target_groups.all()},
        CompositionDimension.GENDER: dict(Gender.choices),
        CompositionDimension.MIGRATION: dict(MigrationExperience.choices),
    }
    rows = []
    for dimension, label in CompositionDimension.choices:
        counts = composition.get(dimension) or {}
        if counts:
            order = list(names[dimension])
            rows.append(
                (
                    label,
                    [
                        (names[dimension].get(key, key), counts[key])
                        for key in sorted(counts, key=lambda key: order.index(key) if key in order else len(order))
                    ],
                )
            )
    return rows


@login_required
def event_manage_view(request, pk):
    return _event_page(request, _managed_event(request, pk))


def _event_action(request, pk, *, run, done, form_class=None, form_name=None, auto_id=None, anchor=""):
    """A POST from the event's page: run the service; on success back with a message, on a refusal the page again
    with the message and its status (400, 403, 409); nothing changed."""
    event = _managed_event(request, pk)
    form = None
    if form_class is not None:
        kwargs = {"event": event} if form_class is EventTranslationForm else {}
        form = form_class(request.POST, auto_id=auto_id, **kwargs)
        if not form.is_valid():
            return _event_page(request, event, bound={form_name: form}, status=400)
    try:
        run(event, form.cleaned_data if form is not None else {})
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        bound = {}
        if form is not None:
            for field, message in error.field_errors.items():
                if field in form.fields:
                    form.add_error(field, message)
            bound = {form_name: form}
        return _event_page(request, event, bound=bound, error=error.message, status=error.status_code)
    messages.success(request, done)
    return redirect(_manage_url(event, anchor))


@require_POST
@login_required
def event_approve_view(request, pk):
    return _event_action(
        request,
        pk,
        run=lambda event, data: services.event_approve(user=request.user, event=event),
        done=_("The proposal is approved: the event is planned and shown in the calendar."),
    )


@require_POST
@login_required
def event_decline_view(request, pk):
    return _event_action(
        request,
        pk,
        form_class=ReasonForm,
        form_name="decline_form",
        auto_id="decline_%s",
        run=lambda event, data: services.event_decline(user=request.user, event=event, reason=data["reason"]),
        done=_("The proposal was declined."),
    )


@require_POST
@login_required
def event_held_view(request, pk):
    return _event_action(
        request,
        pk,
        run=lambda event, data: services.event_mark_held(user=request.user, event=event),
        done=_("The event is marked as held. You can now record attendance, minutes and results."),
    )


@require_POST
@login_required
def event_translate_view(request, pk):
    return _event_action(
        request,
        pk,
        form_class=EventTranslationForm,
        form_name="translation_form",
        auto_id="translation_%s",
        run=lambda event, data: services.event_translation_set(
            user=request.user, event=event, field=data["field"], language=data["language"], text=data["text"]
        ),
        done=_("The translation was saved."),
        anchor="translations",
    )


@login_required
def event_cancel_view(request, pk):
    """Cancel a planned event, with a reason shown on its page, in the feeds and in the mails to the registered."""
    event = _managed_event(request, pk)
    _allowed(
        request,
        "events.cancel_event",
        event,
        (EventState.PLANNED,),
        _("Only a planned event can be cancelled. This event is: %(state)s."),
    )
    status = 200
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_cancel(user=request.user, event=event, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("The event is cancelled. The people registered are told by e-mail."))
                return redirect(_manage_url(event))
        status = 400
    return render(request, ORGANISER + "cancel.html", {"event": event, "form": form}, status=status)


def _outcome_allowed(request, event) -> None:
    _allowed(
        request,
        "events.record_outcome",
        event,
        (EventState.PLANNED, EventState.HELD),
        _("Attendance, minutes and files are recorded for held events only. This event is: %(state)s."),
    )
    if event.state == EventState.PLANNED and event.starts_at > timezone.now():
        raise Conflict(_("An event can be marked as held once it has begun."))


@login_required
def event_attendance_view(request, pk):
    """The head count and its composition (by age band, district, target group: counts, never people)."""
    event = _managed_event(request, pk)
    _outcome_allowed(request, event)
    districts = district_choices(city_id=event.process.city_id)
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, event=event, districts=districts)
        if form.is_valid():
            try:
                services.event_attendance_record(
                    user=request.user, event=event, total=form.cleaned_data["total"], composition=form.composition()
                )
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("The attendance was saved."))
                return redirect(_manage_url(event, "after"))
        status = 400
    else:
        initial = {"total": event.attendance_total}
        for dimension, counts in event_composition(event).items():
            for key, count in counts.items():
                initial[f"{COMPOSITION_PREFIX[dimension]}__{key}"] = count
        form = AttendanceForm(initial=initial, event=event, districts=districts)
    return render(request, ORGANISER + "attendance.html", {"event": event, "form": form}, status=status)


def _minutes_page(request, event, *, minutes_form=None, attachment_form=None, status=200):
    return render(
        request,
        ORGANISER + "minutes.html",
        {
            "event": event,
            "minutes_form": minutes_form
            or MinutesForm(initial={"text": event.minutes, "public": event.minutes_public}, auto_id="minutes_%s"),
            "attachment_form": attachment_form or AttachmentForm(auto_id="attachment_%s"),
            "attachments": event_attachments(event),
            "max_size": settings.TEILHABE_EVENT_ATTACHMENT_MAX_BYTES,
        },
        status=status,
    )


@login_required
def event_minutes_view(request, pk):
    """The minutes (text, public or not) and the files of a held event."""
    event = _managed_event(request, pk)
    _outcome_allowed(request, event)
    if request.method != "POST":
        return _minutes_page(request, event)
    form = MinutesForm(request.POST, auto_id="minutes_%s")
    if form.is_valid():
        try:
            services.event_minutes_set(
                user=request.user, event=event, text=form.cleaned_data["text"], public=form.cleaned_data["public"]
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect(reverse("events:manage_minutes", kwargs={"pk": event.pk}))
    return _minutes_page(request, event, minutes_form=form, status=400)


@require_POST
@login_required
def attachment_add_view(request, pk):
    event = _managed_event(request, pk)
    _outcome_allowed(request, event)
    form = AttachmentForm(request.POST, request.FILES, auto_id="attachment_%s")
    if form.is_valid():
        try:
            services.event_attachment_add(
                user=request.user,
                event=event,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                public=form.cleaned_data["public"],
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            messages.success(request, _("The file was added."))
            return redirect(reverse("events:manage_minutes", kwargs={"pk": event.pk}) + "#files")
    return _minutes_page(request, event, attachment_form=form, status=400)


def _managed_attachment(request, pk) -> EventAttachment:
    number = parse_id(pk)
    attachment = attachment_get(pk=number) if number is not None and str(number) == str(pk) else None
    if attachment is None or not rules.has_perm("events.manage_event", request.user, attachment.event):
        raise NotFound()
    return attachment


@require_POST
@login_required
def attachment_publish_view(request, pk):
    attachment = _managed_attachment(request, pk)
    form = AttachmentActionForm(request.POST)
    form.is_valid()
    public = bool(form.cleaned_data.get("public"))
    services.event_attachment_publish(user=request.user, attachment=attachment, public=public)
    messages.success(request, _("The file is shown on the event's page.") if public else _("The file is private now."))
    return redirect(reverse("events:manage_minutes", kwargs={"pk": attachment.event_id}) + "#files")


@require_POST
@login_required
def attachment_remove_view(request, pk):
    attachment = _managed_attachment(request, pk)
    services.event_attachment_remove(user=request.user, attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("events:manage_minutes", kwargs={"pk": attachment.event_id}) + "#files")


def attachment_view(request, pk):
    """An event's file, through the permission: a public file of a public event for everyone, a private one for
    those who manage the event; anything else answers like a missing file. Never sniffed by the browser."""
    number = parse_id(pk)
    attachment = attachment_get(pk=number) if number is not None and str(number) == str(pk) else None
    if attachment is None or not rules.has_perm("events.view_attachment", request.user, attachment):
        raise NotFound()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    extension = ATTACHMENT_TYPES.get(attachment.content_type, "bin")
    name = f"{slugify(attachment.title) or 'datei'}.{extension}"
    inline = attachment.content_type.startswith("image/")
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache" if not attachment.is_public else "public, max-age=300"
    return response


@login_required
def event_results_view(request, pk):
    """Enter the results of a held event, several at once (one row per flipchart or table); each becomes a
    contribution of the event's channel. ``?zeilen=15`` offers 15 rows."""
    event = _managed_event(request, pk)
    _allowed(
        request,
        "events.enter_results",
        event,
        (EventState.HELD,),
        _("Results are entered once the event is marked as held. This event is: %(state)s."),
    )
    rows = parse_id(request.GET.get("zeilen") or RESULT_ROWS) or RESULT_ROWS
    formset_class = result_formset(rows=rows)
    coordinator = rules.has_perm("contributions.enter_analog", request.user, event.process)
    status = 200
    if request.method == "POST":
        formset = formset_class(request.POST, process=event.process, prefix="ergebnis")
        error = None
        if formset.is_valid():
            results = formset.results()
            try:
                made = services.event_results_enter(user=request.user, event=event, results=results)
            except ApplicationError as failure:
                if failure.status_code != 400:
                    raise
                error = failure.message
                for key, message in failure.field_errors.items():
                    index, _sep, field = key.partition("-")
                    form = formset.forms[int(index)] if index.isdigit() and int(index) < len(formset.forms) else None
                    if form is not None:
                        form.add_error(field if field in form.fields else None, message)
            else:
                published = sum(1 for contribution in made if contribution.is_published)
                messages.success(
                    request,
                    ngettext("%(count)s result was entered.", "%(count)s results were entered.", len(made))
                    % {"count": len(made)}
                    + " "
                    + (
                        ngettext("%(count)s of them is published.", "%(count)s of them are published.", published)
                        % {"count": published}
                        if coordinator
                        else _("They are published once a coordinator has checked them.")
                    ),
                )
                return redirect(_manage_url(event, "results"))
        status = 400
    else:
        formset = formset_class(process=event.process, prefix="ergebnis")
        error = None
    return render(
        request,
        ORGANISER + "results.html",
        {
            "event": event,
            "formset": formset,
            "error_message": error,
            "coordinator": coordinator,
            "more_rows": min(len(formset.forms) + 10, RESULT_ROWS_MAX),
            "can_add_rows": len(formset.forms) < RESULT_ROWS_MAX,
            "results": event_results(event),
        },
        status=status,
    )
