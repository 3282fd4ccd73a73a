"""The demo's district integration councils (issue 13): fictional members for all 13 councils and three sessions
each (two held, one planned). Names, venues and dates are written for this demo and marked fictional
("(fiktiv)"); the district names are Hannover's real Stadtbezirke."""

import datetime

from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.councils import services as councils
from teilhabe.councils.models import CouncilMembership, CouncilRole, DistrictSpace
from teilhabe.events import services as events
from teilhabe.events.models import Event, EventType

FIRST_NAMES = ["Aylin", "Bogdan", "Chiara", "Dariusz", "Esra", "Farid", "Gülay", "Hamid", "Irina", "Jonas", "Kemal"]
LAST_NAMES = ["Yılmaz", "Nowak", "Haddad", "Schulz", "Rahimi", "Petrenko", "Demir", "Okafor", "Becker", "Kaya"]
MEMBERS_PER_COUNCIL = 7
TERM = (datetime.date(2024, 1, 1), datetime.date(2028, 12, 31))
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
        if Event.objects.filter(process=process, organiser_council=space).exists():
            continue
        for days, state in SESSIONS:
            _session(process, space, coordinator, days=days, held=state == "held")


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
        venue_name="Stadtbezirksrathaus (fiktiv)",
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
