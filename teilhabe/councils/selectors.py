"""Reading the district integration councils: their spaces, members and what the process holds for a district.

Every view of a council asks these selectors. A member's name is public only with their consent; the public page
counts the others. What a district page lists — contributions, events, measures — is what the public sees of the
process anyway (published contributions, public events, measures of the newest published plan version).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Window
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.accounts.models import pseudonym
from teilhabe.administration.models import AnswerPath, AnswerState, Department, Statement, StatementState
from teilhabe.administration.selectors import department_name
from teilhabe.contributions.models import Channel, Contribution, ContributionTally, Status
from teilhabe.core.compiled import aware, compiled_rows
from teilhabe.core.fields import parse_id
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.councils.models import (
    AgendaItem,
    BudgetYear,
    CouncilAllocation,
    CouncilMembership,
    CouncilPosition,
    CouncilRole,
    DistrictConsultation,
    DistrictSpace,
    FundedActivity,
    PositionRevision,
    PositionState,
    SessionAttendance,
)
from teilhabe.events.models import PUBLIC_STATES, Event, EventState, EventType
from teilhabe.events.selectors import council_space_ids_of, event_when_text
from teilhabe.places.models import City
from teilhabe.plan.models import PUBLISHED_STATES, PlanVersion, Section
from teilhabe.plan.selectors import version_current, version_tree
from teilhabe.processes.models import Process
from teilhabe.processes.selectors import process_ids_coordinated_by

# Cache namespace of a council's public page (object id: the space), bumped by every council write on commit.
COUNCIL_NAMESPACE = "council"

CONTRIBUTIONS_SHOWN = 10
EVENTS_SHOWN = 10
PAST_SESSIONS_SHOWN = 10
MEASURES_SHOWN = 50


def council_space_ids(user) -> frozenset[int]:
    """The spaces a person is a member of (remembered for the request, shared with the events app)."""
    return council_space_ids_of(user)


def chaired_space_ids(user) -> frozenset[int]:
    """The spaces a person chairs; remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_chaired_space_ids", None)
    if cached is None:
        cached = frozenset(
            CouncilMembership.objects.filter(user=user, role=CouncilRole.CHAIR).values_list("space_id", flat=True)
        )
        user._chaired_space_ids = cached
    return cached


def city_ids_coordinated_by(user) -> frozenset[int]:
    """The cities of the processes a person coordinates: a coordinator works with every council of the city."""
    ids = process_ids_coordinated_by(user)
    if not ids:
        return frozenset()
    cached = getattr(user, "_coordinated_city_ids", None)
    if cached is None:
        cached = frozenset(Process.objects.filter(pk__in=ids).values_list("city_id", flat=True))
        user._coordinated_city_ids = cached
    return cached


def space_city_id(space: DistrictSpace) -> int:
    return space.district.city_id


def space_of_district(process, number) -> DistrictSpace | None:
    """The council of district ``number`` in the process's city, or None (a malformed number included)."""
    number = parse_id(number)
    if number is None or number > 32767:
        return None
    return (
        DistrictSpace.objects.filter(district__city_id=process.city_id, district__number=number)
        .select_related("district")
        .first()
    )


@dataclass(frozen=True)
class SpaceRow:
    number: int
    name: str
    district: str
    members: int
    chair: str  # the chair's name if public, else ""


def space_rows(city_id: int) -> list[SpaceRow]:
    """Every council of a city in district order, with its number of members and its chair (if named)."""
    spaces = (
        DistrictSpace.objects.filter(district__city_id=city_id)
        .select_related("district")
        .annotate(member_count=Count("memberships"))
        .order_by("district__number")
    )
    chairs = {
        membership.space_id: membership.user.public_name
        for membership in CouncilMembership.objects.filter(
            space__district__city_id=city_id, role=CouncilRole.CHAIR, name_public=True
        ).select_related("user")
    }
    return [
        SpaceRow(space.district.number, space.name, space.district.name, space.member_count, chairs.get(space.pk, ""))
        for space in spaces
    ]


@dataclass(frozen=True)
class MemberRow:
    pk: int
    name: str
    email: str
    role: str
    role_label: str
    term_start: datetime.date | None
    term_end: datetime.date | None
    name_public: bool


def member_rows(space: DistrictSpace) -> list[MemberRow]:
    """Every member, chair first, for the council's own and the coordinators' pages."""
    memberships = CouncilMembership.objects.filter(space=space).select_related("user").order_by("role", "id")
    return [
        MemberRow(
            membership.pk,
            membership.user.public_name,
            membership.user.email,
            membership.role,
            str(membership.get_role_display()),
            membership.term_start,
            membership.term_end,
            membership.name_public,
        )
        for membership in memberships
    ]


def membership_get(space: DistrictSpace, pk) -> CouncilMembership | None:
    number = parse_id(pk)
    if number is None:
        return None
    return CouncilMembership.objects.filter(space=space, pk=number).select_related("user", "space__district").first()


def person_by_email(email: str):
    """The active account with this e-mail address (case does not matter), or None."""
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()


@dataclass(frozen=True)
class PublicMember:
    name: str
    role_label: str
    term_start: datetime.date | None
    term_end: datetime.date | None
    photo_url: str = ""  # only with the member's consent to be named and to the photo


@dataclass(frozen=True)
class Link:
    """A line of a district page: a title, the URL of its page, and a short note (date, status)."""

    title: str
    url: str
    note: str


@dataclass(frozen=True)
class DistrictPage:
    space: DistrictSpace
    members: list[PublicMember]
    unnamed_members: int
    next_sessions: list[Link]
    past_sessions: list[Link]
    contributions: list[Link]
    contribution_count: int
    events: list[Link]
    measures: list[Link]
    positions: list
    positions_total: int
    budget: object
    consultations: list


def _url_maker(name: str, **kwargs):
    """A function of one argument that gives the URL ``name`` (reversed once, not once per line)."""
    marker = "987654321"
    template = reverse(name, kwargs={**kwargs, next(key for key, value in kwargs.items() if value is None): marker})
    head, _marker, tail = template.partition(marker)
    return lambda value: f"{head}{value}{tail}"


def contribution_url_maker():
    """A function that gives a contribution's URL by its id (reversed once)."""
    return _url_maker("contributions:detail", pk=None)


class _When:
    """What ``event_when_text`` reads of an event."""

    __slots__ = ("starts_at", "ends_at")

    def __init__(self, starts_at, ends_at):
        self.starts_at, self.ends_at = aware(starts_at), aware(ends_at)


def member_photo_url(slug: str, number: int, membership_pk: int, photo: str) -> str:
    """The public URL of a member's photo; it names the stored file, so that a new photo is a new URL."""
    version = hashlib.sha256(photo.encode()).hexdigest()[:10]
    path = reverse("councils:member_photo", kwargs={"slug": slug, "number": str(number), "member": str(membership_pk)})
    return f"{path}?v={version}"


def public_member_photo(process, number, pk) -> str | None:
    """The stored file of the photo of member ``pk`` of the council of district ``number``, if the public may see
    it: the member consents to be named and to the photo. None otherwise (the view answers 404, as for no photo)."""
    space = space_of_district(process, number)
    member = parse_id(pk)
    if space is None or member is None:
        return None
    name = (
        CouncilMembership.objects.filter(space=space, pk=member, name_public=True, photo_public=True)
        .exclude(photo="")
        .values_list("photo", flat=True)
        .first()
    )
    return name or None


def membership_photo_preview(membership: CouncilMembership) -> str:
    """The public URL of a member's photo for the coordinators' page (via the newest published process of the
    council's city), or "" when it is not public or no process is."""
    if not (membership.photo and membership.photo_public and membership.name_public):
        return ""
    slug = (
        Process.objects.filter(city_id=membership.space.district.city_id, is_published=True)
        .order_by("-pk")
        .values_list("slug", flat=True)
        .first()
    )
    if slug is None:
        return ""
    return member_photo_url(slug, membership.space.district.number, membership.pk, membership.photo.name)


def _public_members(process, space: DistrictSpace) -> tuple[list[PublicMember], int]:
    rows = compiled_rows(
        "council-members",
        lambda space_id: (
            CouncilMembership.objects.filter(space_id=space_id)
            .order_by("role", "id")
            .values_list(
                "pk",
                "role",
                "term_start",
                "term_end",
                "name_public",
                "photo_public",
                "photo",
                "user__display_name",
                "user_id",
            )
        ),
        space.pk,
    )
    labels = dict(CouncilRole.choices)
    named = []
    for pk, role, term_start, term_end, name_public, photo_public, photo, display_name, user_id in rows:
        if not name_public:
            continue
        photo_url = ""
        if photo_public and photo:
            photo_url = member_photo_url(process.slug, space.district.number, pk, photo)
        name = display_name or pseudonym(user_id)
        named.append(PublicMember(name, str(labels.get(role, role)), term_start, term_end, photo_url))
    return named, len(rows) - len(named)


def district_contribution_count(process, district_id: int) -> int:
    """Published contributions of the process about the district, from the tallies (a few rows)."""
    rows = compiled_rows(
        "council-district-count",
        lambda process_id, district_id: (
            ContributionTally.objects.filter(process_id=process_id, status=Status.PUBLISHED, district_id=district_id)
            .values("process_id")
            .annotate(total=Sum("contributions"))
            .values_list("total")
        ),
        (process.pk, district_id),
    )
    return int(rows[0][0] or 0) if rows else 0


def _public_events():
    return Event.objects.filter(state__in=PUBLIC_STATES)


def _event_lines(rows, url) -> list[Link]:
    return [Link(title, url(pk), event_when_text(_When(starts_at, ends_at))) for pk, title, starts_at, ends_at in rows]


def district_page(process, space: DistrictSpace, language: str, *, now=None) -> DistrictPage:
    """What the public page of a council shows, prepared for the template (no per-card logic there).

    Its queries are compiled once per worker (``compiled_rows``): the page is rendered afresh after every change of
    the process, the events or the council, and with an emptied cache, where building the querysets cost more than
    running them."""
    now = now or timezone.now()
    district = space.district
    members, unnamed = _public_members(process, space)
    event_columns = ("pk", "title", "starts_at", "ends_at")
    session_url = _url_maker("councils:session", slug=process.slug, number=str(district.number), pk=None)
    next_sessions = compiled_rows(
        "council-next-sessions",
        lambda process_id, space_id, moment: (
            _public_events()
            .filter(
                process_id=process_id, type=EventType.COUNCIL_SESSION, organiser_council_id=space_id, ends_at__gt=moment
            )
            .order_by("starts_at")
            .values_list(*event_columns)[:EVENTS_SHOWN]
        ),
        (process.pk, space.pk, now),
    )
    past_sessions = compiled_rows(
        "council-past-sessions",
        lambda process_id, space_id, moment: (
            _public_events()
            .filter(
                process_id=process_id,
                type=EventType.COUNCIL_SESSION,
                organiser_council_id=space_id,
                ends_at__lte=moment,
            )
            .order_by("-starts_at")
            .values_list(*event_columns)[:PAST_SESSIONS_SHOWN]
        ),
        (process.pk, space.pk, now),
    )
    events = compiled_rows(
        "council-district-events",
        lambda process_id, district_id, space_id, moment: (
            _public_events()
            .filter(process_id=process_id, district_id=district_id, ends_at__gt=moment)
            .exclude(type=EventType.COUNCIL_SESSION, organiser_council_id=space_id)
            .order_by("starts_at")
            .values_list(*event_columns)[:EVENTS_SHOWN]
        ),
        (process.pk, district.pk, space.pk, now),
    )
    contributions = compiled_rows(
        # Newest first by id: the index (process, status, district) holds them in that order, so no sort of the
        # district's thousands of contributions is needed.
        "council-district-contributions",
        lambda process_id, district_id: (
            Contribution.objects.filter(process_id=process_id, status=Status.PUBLISHED, district_id=district_id)
            .order_by("-pk")
            .values_list("pk", "title", "published_at", "channel")[:CONTRIBUTIONS_SHOWN]
        ),
        (process.pk, district.pk),
    )
    channel_labels = dict(Channel.choices)
    contribution_url = _url_maker("contributions:detail", pk=None)
    contribution_links = []
    for pk, title, published_at, channel in contributions:
        published_at = aware(published_at)
        note = [
            timezone.localdate(published_at).isoformat() if published_at else "",
            str(channel_labels.get(channel, "")),
        ]
        contribution_links.append(Link(title, contribution_url(pk), " · ".join(part for part in note if part)))
    positions, positions_total = _public_positions(space, language)
    event_url = _url_maker("events:detail", pk=None)
    return DistrictPage(
        space=space,
        members=members,
        unnamed_members=unnamed,
        next_sessions=_event_lines(next_sessions, session_url),
        past_sessions=_event_lines(past_sessions, session_url),
        contributions=contribution_links,
        contribution_count=district_contribution_count(process, district.pk),
        events=_event_lines(events, event_url),
        measures=district_measures(process, district.pk, language),
        positions=positions,
        positions_total=positions_total,
        budget=_district_budget(space, timezone.localdate().year),
        consultations=_district_consultations(space, process),
    )


class _Titled:
    """What ``localise`` reads of a section."""

    __slots__ = ("pk", "title")

    def __init__(self, pk, title):
        self.pk, self.title = pk, title


def district_measures(process, district_id: int, language: str) -> list[Link]:
    """The measures of the newest published plan version that name the district, in the plan's order."""
    newest = (
        PlanVersion.objects.filter(process_id=OuterRef("version__process_id"), state__in=PUBLISHED_STATES)
        .order_by("-number")
        .values("pk")[:1]
    )
    rows = compiled_rows(
        "council-district-measures",
        lambda process_id, district_id: (
            Section.objects.filter(
                version__process_id=process_id, kind="measure", districts=district_id, version_id=Subquery(newest)
            )
            .order_by("position", "id")
            .values_list("pk", "title", "measure__code")[:MEASURES_SHOWN]
        ),
        (process.pk, district_id),
    )
    table = content_translation_table(Section, language) if language != settings.LANGUAGE_CODE and rows else None
    measure_url = _url_maker("plan:measure", slug=process.slug, code=None)
    return [
        Link(localise(_Titled(pk, title), "title", language, table).text, measure_url(code), code)
        for pk, title, code in rows
    ]


def _public_positions(space: DistrictSpace, language: str) -> tuple[list, int]:
    """The latest statements the council routed to a department, with the published answers; and how many."""
    answers = Statement.objects.filter(contribution_id=OuterRef("contribution_id"), state=StatementState.PUBLISHED)
    rows = compiled_rows(
        "council-public-positions",
        lambda space_id: (
            CouncilPosition.objects.filter(space_id=space_id, state=PositionState.FORWARDED)
            .annotate(
                answer_text=Subquery(answers.values("text")[:1]),
                answer_at=Subquery(answers.values("published_at")[:1]),
                shown_total=Window(Count("pk")),
            )
            .order_by("-submitted_at", "-created_at", "-pk")
            .values_list(
                "pk",
                "title",
                "state",
                "votes_yes",
                "votes_no",
                "votes_abstain",
                "due_date",
                "contribution_id",
                "forwarded_at",
                "measure__code",
                "about_contribution__title",
                "section__title",
                "department_id",
                "department__code",
                "department__name",
                "session__starts_at",
                "answer_text",
                "answer_at",
                "shown_total",
            )[:DISTRICT_POSITIONS_SHOWN]
        ),
        space.pk,
    )
    if not rows:
        return [], 0
    names = content_translation_table(Department, language) if language != settings.LANGUAGE_CODE else {}
    today = timezone.localdate()
    state_label = str(PositionState.FORWARDED.label)
    result = []
    for row in rows:
        (
            pk,
            title,
            state,
            yes,
            no,
            abstain,
            due_date,
            contribution_id,
            forwarded_at,
            measure_code,
            about_title,
            section_title,
            department_id,
            department_code,
            department_name_de,
            session_at,
            answer,
            answered_at,
            _total,
        ) = row
        if isinstance(due_date, str):
            due_date = datetime.date.fromisoformat(due_date)
        answered_at, forwarded_at = aware(answered_at), aware(forwarded_at)
        days = None
        if answered_at is not None and forwarded_at is not None:
            days = (timezone.localdate(answered_at) - timezone.localdate(forwarded_at)).days
        department = ""
        if department_id is not None:
            translated = localise(_Named(department_id, department_name_de), "name", language, names).text
            department = f"{department_code} {translated}"
        result.append(
            PositionRow(
                pk=pk,
                title=title,
                state=state,
                state_label=state_label,
                subject=_subject_text(measure_code, about_title, section_title),
                session_date=timezone.localdate(aware(session_at)) if session_at else None,
                votes=_votes_text(yes, no, abstain),
                department=department,
                due_date=due_date,
                contribution_id=contribution_id,
                answer=answer or "",
                answered_at=answered_at,
                overdue=answer is None and due_date is not None and due_date < today,
                days_to_answer=days,
            )
        )
    return result, rows[0][-1]


class _Named:
    """What ``localise`` reads of a department."""

    __slots__ = ("pk", "name")

    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def _district_budget(space: DistrictSpace, year: int) -> BudgetSummary:
    """``budget_summary(space, year, latest=DISTRICT_FUNDED_SHOWN)`` by compiled queries."""
    # The year is part of the query's name, not a placeholder: a year's column holds no negative number, and the
    # ORM answers a lookup out of a column's range with no query at all.
    allocation = compiled_rows(
        f"council-allocation:{year}",
        lambda space_id, city_id: CouncilAllocation.objects.filter(
            space_id=space_id, budget__year=year, budget__city_id=city_id
        ).values_list("amount")[:1],
        (space.pk, space.district.city_id),
    )
    rows = compiled_rows(
        f"council-funded-latest:{year}",
        lambda space_id: (
            FundedActivity.objects.filter(space_id=space_id, year=year)
            .annotate(entry_count=Window(Count("pk")), entry_sum=Window(Sum("amount")))
            .order_by("-date", "-pk")
            .values_list(
                "pk", "activity", "amount", "date", "override_reason", "session__starts_at", "entry_count", "entry_sum"
            )[:DISTRICT_FUNDED_SHOWN]
        ),
        space.pk,
    )
    entries = [
        FundedEntry(activity, _euros(amount), date, override_reason, aware(session_at))
        for _pk, activity, amount, date, override_reason, session_at, _n, _sum in reversed(rows)
    ]
    allocated = allocation[0][0] if allocation else None
    spent = _euros(rows[0][7]) if rows else Decimal("0.00")
    balance = None if allocated is None else Decimal(allocated) - spent
    return BudgetSummary(year, allocated, spent, balance, entries, rows[0][6] if rows else 0)


def _euros(value) -> Decimal:
    # SQLite gives a decimal column as a number (float for a sum); read through its text, to the cent.
    return Decimal(str(value or 0)).quantize(CENT)


@dataclass(frozen=True)
class FundedEntry:
    """A funded activity as the district page shows it (the template reads ``entry.session.starts_at``)."""

    activity: str
    amount: Decimal
    date: datetime.date
    override_reason: str
    session_starts_at: datetime.datetime | None

    @property
    def session(self):
        return self

    @property
    def starts_at(self):
        return self.session_starts_at


def _district_consultations(space: DistrictSpace, process) -> list:
    today = timezone.localdate()
    rows = compiled_rows(
        "council-consultations",
        lambda space_id, process_id: (
            DistrictConsultation.objects.filter(space_id=space_id, process_id=process_id)
            .annotate(published=Count("contributions", filter=Q(contributions__status=Status.PUBLISHED)))
            .order_by("-starts_on", "-pk")
            .values_list("pk", "question", "starts_on", "ends_on", "published")
        ),
        (space.pk, process.pk),
    )
    return [
        ConsultationRow(pk, question, starts_on, ends_on, starts_on <= today <= ends_on, published)
        for pk, question, starts_on, ends_on, published in rows
    ]


def has_council_work(user) -> bool:
    """Whether someone has a council page under /verwaltung/: a member of a council or a coordinator. Asked by the
    navigation on every page: it reads only what the request remembers already (the processes coordinated, the
    spaces of the events' navigation), not the cities."""
    return bool(process_ids_coordinated_by(user)) or bool(council_space_ids(user))


def workspace_spaces(user) -> list[DistrictSpace]:
    """The councils someone works with: every council of the cities they coordinate in, and their own."""
    cities = city_ids_coordinated_by(user)
    mine = council_space_ids(user)
    spaces = DistrictSpace.objects.filter(district__city_id__in=cities) | DistrictSpace.objects.filter(pk__in=mine)
    return list(spaces.select_related("district").order_by("district__city_id", "district__number"))


def workspace_space(pk) -> DistrictSpace | None:
    number = parse_id(pk)
    if number is None:
        return None
    return DistrictSpace.objects.filter(pk=number).select_related("district__city").first()


def session_space(session) -> DistrictSpace | None:
    """The council whose session ``session`` is: an event of type "district council session" organised by a
    council; None for any other object."""
    if not isinstance(session, Event) or session.type != EventType.COUNCIL_SESSION:
        return None
    if session.organiser_council_id is None:
        return None
    return session.organiser_council


def session_get(space: DistrictSpace, pk, *, public: bool) -> Event | None:
    """The session ``pk`` of ``space`` (a public one only, if ``public``), or None."""
    number = parse_id(pk)
    if number is None:
        return None
    sessions = Event.objects.filter(pk=number, type=EventType.COUNCIL_SESSION, organiser_council=space)
    if public:
        sessions = sessions.filter(state__in=PUBLIC_STATES, process__is_published=True)
    return sessions.select_related("process", "district", "organiser_council__district").first()


def agenda_of(session: Event) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(session=session).order_by("position"))


def agenda_item_get(session: Event, pk) -> AgendaItem | None:
    number = parse_id(pk)
    if number is None:
        return None
    return AgendaItem.objects.filter(session=session, pk=number).select_related("session").first()


def space_sessions(space: DistrictSpace) -> list[Event]:
    """Every session of the council, newest first, for its workspace."""
    return list(
        Event.objects.filter(type=EventType.COUNCIL_SESSION, organiser_council=space)
        .select_related("process")
        .order_by("-starts_at")
    )


@dataclass(frozen=True)
class SessionPage:
    session: Event
    when: str
    agenda: list[AgendaItem]
    attendance: int | None
    access: list[str]
    members_present: int | None  # None: not recorded
    members_total: int
    guests: int | None


def session_attendance(session: Event) -> tuple[int | None, int | None, list[int]]:
    """(members present, guests, the present memberships' ids) of a session; (None, None, []) if not recorded."""
    record = SessionAttendance.objects.filter(session=session).first()
    if record is None:
        return None, None, []
    ids = list(record.members.values_list("pk", flat=True))
    return len(ids), record.guests, ids


def session_page(session: Event) -> SessionPage:
    """What a session's public page shows: when and where, its accessibility, the agenda with the decisions and
    how many people attended (the event's head count, once held)."""
    access = []
    if session.step_free:
        access.append(str(_("step-free access")))
    if session.hearing_loop:
        access.append(str(_("hearing loop")))
    if session.sign_language:
        access.append(str(_("sign language interpretation")))
    if session.childcare:
        access.append(str(_("childcare")))
    total = session.attendance_total if session.state == EventState.HELD else None
    present, guests, _ids = session_attendance(session)
    members_total = CouncilMembership.objects.filter(space_id=session.organiser_council_id).count()
    return SessionPage(
        session, event_when_text(session), agenda_of(session), total, access, present, members_total, guests
    )


@dataclass(frozen=True)
class PositionRow:
    """A council statement as its pages show it: subject, vote, where it went, and the department's answer."""

    pk: int
    title: str
    state: str
    state_label: str
    subject: str
    session_date: datetime.date | None
    votes: str
    department: str
    due_date: datetime.date | None
    contribution_id: int | None
    answer: str
    answered_at: datetime.datetime | None
    overdue: bool
    days_to_answer: int | None


POSITION_FIELDS = (
    "pk",
    "space_id",
    "title",
    "state",
    "votes_yes",
    "votes_no",
    "votes_abstain",
    "due_date",
    "contribution_id",
    "forwarded_at",
    "submitted_at",
    "created_at",
    "measure_id",
    "about_contribution_id",
    "section_id",
    "department_id",
    "session_id",
)
DISTRICT_POSITIONS_SHOWN = 10
DISTRICT_FUNDED_SHOWN = 10


def _subject_text(measure_code, about_title, section_title) -> str:
    if measure_code is not None:
        return _("On the measure %(code)s of the plan") % {"code": measure_code}
    if about_title is not None:
        return _("On the contribution “%(title)s”") % {"title": about_title}
    if section_title is not None:
        return _("On the section “%(title)s” of the plan") % {"title": section_title}
    return _("On a topic of its own")


def _subject(position: CouncilPosition) -> str:
    return _subject_text(
        position.measure.code if position.measure_id is not None else None,
        position.about_contribution.title if position.about_contribution_id is not None else None,
        position.section.title if position.section_id is not None else None,
    )


def _votes_text(yes, no, abstain) -> str:
    if yes is None:
        return ""
    return _("%(yes)d in favour, %(no)d against, %(abstain)d abstentions") % {"yes": yes, "no": no, "abstain": abstain}


def position_rows(
    space: DistrictSpace, *, public: bool, year: int | None = None, today=None, limit: int | None = None
) -> list[PositionRow]:
    """The council's statements, newest first: on the public page only those routed to a department; with the
    department's published answer, and marked overdue when the due date has passed without one."""
    today = today or timezone.localdate()
    positions = (
        CouncilPosition.objects.filter(space=space)
        .select_related("measure", "about_contribution", "section", "department", "session")
        .only(
            *POSITION_FIELDS,
            "section__title",
            "measure__code",
            "about_contribution__title",
            "department__code",
            "department__name",
            "session__starts_at",
        )
    )
    if public:
        positions = positions.filter(state=PositionState.FORWARDED)
    if year is not None:
        positions = positions.filter(submitted_at__year=year)
    positions = positions.order_by("-submitted_at", "-created_at", "-pk")
    positions = list(positions[:limit] if limit else positions)
    language = translation.get_language() or settings.LANGUAGE_CODE
    names = content_translation_table(Department, language) if language != settings.LANGUAGE_CODE else {}
    contribution_ids = [p.contribution_id for p in positions if p.contribution_id]
    answers = {
        statement.contribution_id: statement
        for statement in Statement.objects.filter(
            contribution_id__in=contribution_ids, state=StatementState.PUBLISHED
        ).only("contribution_id", "text", "published_at")
    }
    rows = []
    for position in positions:
        answer = answers.get(position.contribution_id)
        answered_at = answer.published_at if answer else None
        routed = position.state == PositionState.FORWARDED
        overdue = routed and answer is None and position.due_date is not None and position.due_date < today
        days = None
        if answered_at is not None and position.forwarded_at is not None:
            days = (timezone.localdate(answered_at) - timezone.localdate(position.forwarded_at)).days
        votes = _votes_text(position.votes_yes, position.votes_no, position.votes_abstain)
        rows.append(
            PositionRow(
                pk=position.pk,
                title=position.title,
                state=position.state,
                state_label=str(position.get_state_display()),
                subject=str(_subject(position)),
                session_date=timezone.localdate(position.session.starts_at) if position.session else None,
                votes=votes,
                department=department_name(position.department, language, names) if position.department else "",
                due_date=position.due_date,
                contribution_id=position.contribution_id,
                answer=answer.text if answer else "",
                answered_at=answered_at,
                overdue=overdue,
                days_to_answer=days,
            )
        )
    return rows


def position_is_answered(position: CouncilPosition) -> bool:
    """Whether the department has answered the statement: its answer is published (or the contribution decided).
    Until then the chair may correct or withdraw it."""
    if position.contribution_id is None:
        return False
    if Statement.objects.filter(contribution_id=position.contribution_id, state=StatementState.PUBLISHED).exists():
        return True
    return AnswerPath.objects.filter(
        contribution_id=position.contribution_id,
        state__in=[AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED],
    ).exists()


@dataclass(frozen=True)
class RevisionRow:
    kind: str
    kind_label: str
    previous_title: str
    previous_text: str
    reason: str
    by: str
    on_behalf: bool
    at: datetime.datetime


def position_history(position: CouncilPosition) -> list[RevisionRow]:
    """The corrections and the withdrawal of a submitted statement, oldest first, with what it said before."""
    revisions = PositionRevision.objects.filter(position=position).select_related("made_by").order_by("made_at", "pk")
    return [
        RevisionRow(
            revision.kind,
            str(revision.get_kind_display()),
            revision.previous_title,
            revision.previous_text,
            revision.reason,
            revision.made_by.public_name,
            revision.on_behalf,
            revision.made_at,
        )
        for revision in revisions
    ]


def position_get(space: DistrictSpace, pk) -> CouncilPosition | None:
    number = parse_id(pk)
    if number is None:
        return None
    return (
        CouncilPosition.objects.filter(space=space, pk=number)
        .select_related(
            "space__district", "process", "session", "department", "measure", "about_contribution", "section"
        )
        .first()
    )


def council_processes(space: DistrictSpace):
    """The published processes of the council's city (a statement belongs to one)."""
    return Process.objects.filter(city_id=space.district.city_id).order_by("-pk")


def held_sessions(space: DistrictSpace, process) -> list[Event]:
    return list(
        Event.objects.filter(
            type=EventType.COUNCIL_SESSION, organiser_council=space, process=process, state=EventState.HELD
        ).order_by("-starts_at")
    )


CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    allocated: int | None  # None: no budget set for the year
    spent: Decimal
    balance: Decimal | None
    entries: list
    entry_count: int


def allocation_of(space: DistrictSpace, year: int) -> int | None:
    return (
        CouncilAllocation.objects.filter(space=space, budget__year=year, budget__city_id=space.district.city_id)
        .values_list("amount", flat=True)
        .first()
    )


def spent_of(space: DistrictSpace, year: int) -> Decimal:
    total = FundedActivity.objects.filter(space=space, year=year).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0).quantize(CENT)


def budget_summary(space: DistrictSpace, year: int, *, latest: int | None = None) -> BudgetSummary:
    """A council's share of the year's budget, what it funded (every entry, or the ``latest``) and the balance
    (derived from the entries, never stored)."""
    allocated = allocation_of(space, year)
    entries = (
        FundedActivity.objects.filter(space=space, year=year)
        .select_related("session")
        .only("pk", "activity", "amount", "date", "override_reason", "session__starts_at")
    )
    if latest:
        entries = list(entries.order_by("-date", "-pk")[:latest])[::-1]
        totals = FundedActivity.objects.filter(space=space, year=year).aggregate(n=Count("pk"), total=Sum("amount"))
        spent, count = Decimal(totals["total"] or 0).quantize(CENT), totals["n"]
    else:
        entries = list(entries.order_by("date", "pk"))
        spent, count = sum((entry.amount for entry in entries), Decimal("0")), len(entries)
    balance = None if allocated is None else Decimal(allocated) - spent
    return BudgetSummary(year, allocated, spent, balance, entries, count)


@dataclass(frozen=True)
class AllocationRow:
    space: DistrictSpace
    basis: int
    amount: int
    spent: Decimal
    balance: Decimal


def city_budget(city_id: int, year: int) -> tuple[BudgetYear | None, list[AllocationRow]]:
    budget = BudgetYear.objects.filter(city_id=city_id, year=year).first()
    if budget is None:
        return None, []
    spent = dict(
        FundedActivity.objects.filter(space__district__city_id=city_id, year=year)
        .values("space_id")
        .annotate(total=Sum("amount"))
        .values_list("space_id", "total")
    )
    rows = []
    for allocation in CouncilAllocation.objects.filter(budget=budget).select_related("space__district"):
        used = Decimal(spent.get(allocation.space_id) or 0).quantize(CENT)
        rows.append(
            AllocationRow(allocation.space, allocation.basis, allocation.amount, used, allocation.amount - used)
        )
    return budget, rows


def coordinated_cities(user):
    return list(City.objects.filter(pk__in=city_ids_coordinated_by(user)).order_by("name"))


def city_get(pk) -> City | None:
    number = parse_id(pk)
    return None if number is None else City.objects.filter(pk=number).first()


@dataclass(frozen=True)
class ConsultationRow:
    pk: int
    question: str
    starts_on: datetime.date
    ends_on: datetime.date
    is_open: bool
    contributions: int


def consultation_rows(space: DistrictSpace, process=None, today=None) -> list[ConsultationRow]:
    """The council's consultations (of ``process``, if given), newest first, with their published contributions
    counted."""
    today = today or timezone.localdate()
    consultations = DistrictConsultation.objects.filter(space=space)
    if process is not None:
        consultations = consultations.filter(process=process)
    consultations = consultations.annotate(
        published=Count("contributions", filter=Q(contributions__status=Status.PUBLISHED))
    ).order_by("-starts_on", "-pk")
    return [
        ConsultationRow(c.pk, c.question, c.starts_on, c.ends_on, c.starts_on <= today <= c.ends_on, c.published)
        for c in consultations
    ]


def consultation_get(space: DistrictSpace, pk) -> DistrictConsultation | None:
    number = parse_id(pk)
    if number is None:
        return None
    return (
        DistrictConsultation.objects.filter(space=space, pk=number)
        .select_related("process", "space__district", "field_of_action")
        .first()
    )


def consultation_contributions(consultation: DistrictConsultation, limit: int = 50) -> list[Link]:
    contributions = consultation.contributions.filter(status=Status.PUBLISHED).order_by("-published_at", "-pk")
    channel_labels = dict(Channel.choices)
    url = _url_maker("contributions:detail", pk=None)
    return [Link(c.title, url(c.pk), str(channel_labels.get(c.channel, ""))) for c in contributions[:limit]]


def plan_section_choices(processes, language: str) -> list[tuple[int, str]]:
    """(id, "number title") of the sections (fields of action, goals, texts) of the newest published plan version
    of each process, in reading order: what a statement can be on besides a measure."""
    choices = []
    for process in processes:
        version = version_current(process)
        if version is not None:
            choices += [
                (node.id, f"{process.title} – {node.number} {node.title}".strip())
                for node in version_tree(version, language).nodes
                if node.kind != "measure"
            ]
    return choices


def plan_section_get(pk) -> Section | None:
    number = parse_id(pk)
    if number is None:
        return None
    return Section.objects.filter(pk=number, version__isnull=False).select_related("version").first()


def positions_awaiting_routing(user) -> list[CouncilPosition]:
    """Submitted statements of the councils of the cities a coordinator works in, oldest first: their queue."""
    cities = city_ids_coordinated_by(user)
    if not cities:
        return []
    return list(
        CouncilPosition.objects.filter(state=PositionState.SUBMITTED, space__district__city_id__in=cities)
        .select_related("space")
        .only("pk", "title", "submitted_at", "space__name", "space_id")
        .order_by("submitted_at", "pk")
    )
