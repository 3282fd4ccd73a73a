"""The demo's district integration councils (issue 13): fictional members for all 13 councils, three sessions each
(two held, one planned) with agendas, a statement of every council on the answer path (answered, waiting or overdue)
and, in Linden-Limmer (the council of the demo's council member), one statement in each state, the year's budget
shared by population with two funded activities each, and a consultation. Names, venues, texts and amounts are
written for this demo and marked fictional ("(fiktiv)"); the district names and populations are Hannover's."""

import datetime

from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services as answers
from teilhabe.administration.models import AnswerPath, Department, Routing
from teilhabe.councils import services as councils
from teilhabe.councils.models import BudgetYear, CouncilMembership, CouncilPosition, CouncilRole, DistrictSpace
from teilhabe.events import services as events
from teilhabe.events.models import Event, EventType

FIRST_NAMES = ["Aylin", "Bogdan", "Chiara", "Dariusz", "Esra", "Farid", "Gülay", "Hamid", "Irina", "Jonas", "Kemal"]
LAST_NAMES = ["Yılmaz", "Nowak", "Haddad", "Schulz", "Rahimi", "Petrenko", "Demir", "Okafor", "Becker", "Kaya"]
MEMBERS_PER_COUNCIL = 7
TERM = (datetime.date(2024, 1, 1), datetime.date(2028, 12, 31))
SESSION_VENUE = "Stadtbezirksrathaus (fiktiv)"  # the councils' demo sessions, told apart from the events demo
SESSIONS = ((-70, "held"), (-14, "held"), (21, "planned"))  # days from today
AGENDA = (
    ("Begrüßung und Feststellung der Beschlussfähigkeit", "", "Der Beirat ist beschlussfähig."),
    (
        "Entwurf des Lokalen Integrationsplans: Maßnahmen für den Stadtbezirk",
        "Aussprache über die Maßnahmen, die den Stadtbezirk nennen.",
        "Der Beirat bittet die Verwaltung, die Sprachangebote im Stadtbezirk auszubauen "
        "(9 ja, 1 nein, 2 Enthaltungen).",
    ),
    (
        "Förderanträge aus dem Beiratsbudget",
        "Zwei Anträge von Vereinen aus dem Stadtbezirk.",
        "Beide Anträge werden gefördert.",
    ),
)


def _seat(index: int) -> tuple[str, bool]:
    """Role and consent to be named of the ``index``-th member: chair, deputy (both named), then members of whom
    every other one is named."""
    if index == 0:
        return CouncilRole.CHAIR, True
    if index == 1:
        return CouncilRole.DEPUTY, True
    return CouncilRole.MEMBER, index % 2 == 0


@transaction.atomic
def demo_councils(process, personas) -> None:
    """Members and sessions of every council of the process's city; a second run adds nothing."""
    coordinator = personas[Role.COORDINATOR]
    spaces = DistrictSpace.objects.filter(district__city=process.city).select_related("district")
    for space in spaces:
        number = space.district.number
        if not space.memberships.exclude(user=personas[Role.DISTRICT_COUNCIL_MEMBER]).exists():
            for index in range(MEMBERS_PER_COUNCIL):
                first = FIRST_NAMES[(number + index) % len(FIRST_NAMES)]
                last = LAST_NAMES[(number * 3 + index) % len(LAST_NAMES)]
                user = user_create_verified(
                    email=f"beirat{number:02d}-{index + 1}@demo.teilhabe.test",
                    password=None,
                    display_name=f"{first} {last} (fiktiv)",
                    roles=[Role.DISTRICT_COUNCIL_MEMBER],
                )
                role, named = _seat(index)
                if role == CouncilRole.CHAIR and space.memberships.filter(role=CouncilRole.CHAIR).exists():
                    role = CouncilRole.MEMBER
                CouncilMembership.objects.get_or_create(
                    space=space,
                    user=user,
                    defaults={"role": role, "term_start": TERM[0], "term_end": TERM[1], "name_public": named},
                )
        if Event.objects.filter(process=process, organiser_council=space, type=EventType.COUNCIL_SESSION).exists():
            continue
        for days, state in SESSIONS:
            _session(process, space, coordinator, days=days, held=state == "held")
    _budget(process, coordinator)
    _statements(process, personas)
    _consultation(process, personas)


BUDGET_TOTAL = 150_000  # Hannover's yearly total for the 13 councils (Drucksache 1839/2023)
FUNDED = (
    ("Sprachcafé im Stadtteiltreff (fiktiv)", "1200.00"),
    ("Interkulturelles Nachbarschaftsfest (fiktiv)", "2500.00"),
)


def _held_sessions(space):
    return list(
        Event.objects.filter(organiser_council=space, type=EventType.COUNCIL_SESSION, state="held").order_by(
            "starts_at"
        )
    )


def _budget(process, coordinator) -> None:
    year = timezone.localdate().year
    if BudgetYear.objects.filter(city=process.city, year=year).exists():
        return
    councils.budget_year_set(user=coordinator, city=process.city, year=year, total=BUDGET_TOTAL, rule="population")
    for space in DistrictSpace.objects.filter(district__city=process.city):
        held = _held_sessions(space)
        if not held:
            continue
        for (activity, amount), session in zip(FUNDED, [held[0], held[-1]], strict=True):
            date = max(timezone.localdate(session.starts_at), datetime.date(year, 1, 1))
            councils.funding_record(
                user=coordinator, space=space, year=year, activity=activity, amount=amount, date=date, session=session
            )


STATEMENT = (
    "Stellungnahme des Beirats (fiktiv): Der Beirat bittet die Verwaltung, im Stadtbezirk mehr Sprachkurse mit "
    "Kinderbetreuung anzubieten und die Angebote in den Stadtteiltreffs bekannt zu machen."
)
ANSWER = (
    "Antwort der Verwaltung (fiktiv): Ab dem kommenden Semester gibt es im Stadtbezirk zwei zusätzliche Kurse mit "
    "Kinderbetreuung; die Stadtteiltreffs erhalten Aushänge in sechs Sprachen."
)


def _statements(process, personas) -> None:
    """One routed statement per council (answered in every other district, overdue in every third) and, in the
    demo council member's council, a draft and a submitted one besides."""
    if CouncilPosition.objects.filter(process=process).exists():
        return
    coordinator = personas[Role.COORDINATOR]
    social = Department.objects.get(city=process.city, code="50")
    field = process.fields_of_action.order_by("order").first()
    persona_space = personas[Role.DISTRICT_COUNCIL_MEMBER].council_memberships.first().space
    for space in DistrictSpace.objects.filter(district__city=process.city).select_related("district"):
        held = _held_sessions(space)
        if not held:
            continue
        number = space.district.number
        routed = _adopted(
            space, process, field, held[-1], social, coordinator, title="Mehr Sprachkurse mit Kinderbetreuung"
        )
        routed = councils.position_submit(user=coordinator, position=routed)  # on the chair's behalf: routed at once
        if number % 3 == 0:
            _overdue(routed)
        elif number % 2 == 1:
            _answer(personas, routed.contribution)
        if space.pk == persona_space.pk:
            councils.position_draft(
                user=personas[Role.DISTRICT_COUNCIL_MEMBER],
                space=space,
                process=process,
                title="Beleuchtung am Fössebad (Entwurf, fiktiv)",
                text="Entwurf: Der Beirat bittet um bessere Beleuchtung der Wege.",
                field_of_action=field,
            )
            submitted = _adopted(space, process, field, held[0], social, coordinator, title="Orte für Jugendliche")
            chair = space.memberships.get(role=CouncilRole.CHAIR).user
            councils.position_submit(user=chair, position=submitted)  # waits for a coordinator to route it


def _adopted(space, process, field, session, department, coordinator, *, title):
    member = space.memberships.exclude(role=CouncilRole.CHAIR).first().user
    position = councils.position_draft(
        user=member, space=space, process=process, title=f"{title} (fiktiv)", text=STATEMENT, field_of_action=field
    )
    return councils.position_vote_record(
        user=member,
        position=position,
        session=session,
        yes=9,
        no=1,
        abstain=2,
        department=department,
        due_date=timezone.localdate() + datetime.timedelta(days=42),
    )


def _answer(personas, contribution) -> None:
    staff, head = personas[Role.DEPARTMENT_STAFF], personas[Role.DEPARTMENT_HEAD]
    statement = answers.statement_save(user=staff, contribution=contribution, text=ANSWER)
    statement = answers.statement_submit(user=staff, statement=statement)
    statement = answers.statement_review(user=head, statement=statement, sign_off=True)
    answers.statement_publish(user=staff, statement=statement)


def _overdue(position) -> None:
    """The demo needs a history: the answer was due a week ago (only the dates are moved)."""
    past = timezone.localdate() - datetime.timedelta(days=7)
    CouncilPosition.objects.filter(pk=position.pk).update(due_date=past)
    Routing.objects.filter(contribution=position.contribution).update(due_date=past)
    AnswerPath.objects.filter(contribution=position.contribution).update(due_date=past)


def _consultation(process, personas) -> None:
    member = personas[Role.DISTRICT_COUNCIL_MEMBER]
    space = member.council_memberships.first().space
    if space.consultations.exists():
        return
    today = timezone.localdate()
    consultation = councils.consultation_open(
        user=member,
        space=space,
        process=process,
        question="Was brauchen Familien in Linden-Limmer? (fiktiv)",
        description="Der Integrationsbeirat fragt die Menschen im Stadtbezirk (fiktive Demo-Befragung).",
        field_of_action=process.fields_of_action.order_by("order").first(),
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=21),
    )
    councils.consultation_enter_paper(
        user=personas[Role.COORDINATOR],
        consultation=consultation,
        title="Ein Familiencafé am Küchengarten (fiktiv)",
        body="Vom Infostand des Beirats: ein Ort für Eltern mit kleinen Kindern, mit Beratung auf Arabisch "
        "und Türkisch.",
        original_date=today - datetime.timedelta(days=2),
        form_serial="BEIRAT10-0001",
        publication_consent=True,
    )


def _session(process, space, coordinator, *, days: int, held: bool) -> None:
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0)))
    event = events.event_create(
        user=coordinator,
        process=process,
        organiser=space,
        type=EventType.COUNCIL_SESSION,
        title=f"Öffentliche Sitzung des {space.name}",
        description="Öffentliche Sitzung des Integrationsbeirats (fiktive Demo-Sitzung). Gäste sind willkommen.",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        venue_name=SESSION_VENUE,
        venue_address=f"Beiratsweg {space.district.number}, Hannover (fiktiv)",
        district=space.district,
        step_free=True,
        hearing_loop=days % 2 == 0,
        takes_registrations=False,
    )
    items = [
        councils.agenda_item_add(user=coordinator, session=event, title=title, description=description)
        for title, description, _decision in AGENDA
    ]
    if held:
        events.event_mark_held(user=coordinator, event=event)
        events.event_attendance_record(user=coordinator, event=event, total=9 + space.district.number % 5)
        for item, (_title, _description, decision) in zip(items, AGENDA, strict=True):
            councils.agenda_decision_record(user=coordinator, item=item, decision=decision)
        present = list(space.memberships.order_by("pk")[:5])
        councils.attendance_record(
            user=coordinator, session=event, members=present, guests=4 + space.district.number % 5
        )
