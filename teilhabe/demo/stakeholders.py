"""The demo's stakeholder registry and involvement (issue 14): about 60 fictional organisations of every type
across Hannover's districts — names, descriptions and contact persons written for this demo and marked fictional
("(fiktiv)", ``is_fictional``) — with verified representatives who contributed on their organisations' behalf, an
invitation of every welfare association and migrant organisation to a workshop with their responses, and a
steering group with members from departments, organisations and district councils. Chosen so that the coverage
matrix shows real gaps: no trade union, business or interfaith body takes part yet, and several districts have
nobody heard."""

import datetime

from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration.models import Department
from teilhabe.contributions import services as contribution_services
from teilhabe.councils.models import DistrictSpace
from teilhabe.events.models import Event, EventType
from teilhabe.involvement import services as involvement
from teilhabe.involvement.models import Invitation, InvitationResponse, SteeringGroup
from teilhabe.places.models import District
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import ContactPerson, Organisation, OrganisationType, Representative

# (type, name stems, languages): every name gets the district and "(fiktiv)".
KINDS = [
    (
        OrganisationType.MIGRANT_ORGANISATION,
        [
            "Kulturverein Anadolu",
            "Syrisches Elternforum",
            "Afrikanischer Frauenverein",
            "Ukrainische Gemeinschaft",
            "Polnischer Kulturkreis",
            "Persischer Kulturverein",
            "Eritreischer Verein",
            "Vietnamesische Gemeinschaft",
        ],
        ["de", "tr", "ar", "uk", "pl", "fa"],
    ),
    (
        OrganisationType.UNION,
        ["Gewerkschaftsjugend", "Betriebsräte-Netzwerk", "Migrationsausschuss der Gewerkschaften", "Ver.di-Ortsgruppe"],
        ["de", "tr"],
    ),
    (
        OrganisationType.POLITICS,
        [
            "Jugendorganisation Grün",
            "Arbeitskreis Integration der Mitte-Partei",
            "Wählergemeinschaft Bürgerliste",
            "Sozialdemokratischer Ortsverein",
        ],
        ["de"],
    ),
    (
        OrganisationType.WELFARE,
        [
            "Wohlfahrtsverband Nachbarschaftshilfe",
            "Migrationsberatung Kirche",
            "Jugendmigrationsdienst",
            "Familienzentrum Verbund",
            "Beratungsstelle Ankommen",
            "Paritätischer Treffpunkt",
            "Seniorenhilfe International",
        ],
        ["de", "ar", "ru", "tr"],
    ),
    (
        OrganisationType.SUPPORTER_CIRCLE,
        [
            "Unterstützerkreis Geflüchtete",
            "Patenschaftsnetz",
            "Willkommensinitiative",
            "Sprachcafé Ehrenamt",
            "Fahrradwerkstatt für alle",
        ],
        ["de", "en"],
    ),
    (
        OrganisationType.RELIGIOUS,
        [
            "Moscheegemeinde",
            "Evangelische Kirchengemeinde",
            "Katholische Pfarrei",
            "Jüdische Gemeinde",
            "Alevitische Gemeinde",
            "Orthodoxe Gemeinde",
        ],
        ["de", "tr", "ar", "ru"],
    ),
    (
        OrganisationType.INTERFAITH,
        ["Haus der Religionen Nachbarschaft", "Runder Tisch der Religionen", "Interreligiöser Frauenkreis"],
        ["de"],
    ),
    (
        OrganisationType.EDUCATION,
        [
            "Volkshochschule Außenstelle",
            "Stadtteilschule Elternrat",
            "Sprachschule Brücke",
            "Bildungswerk International",
            "Kita-Verbund Vielfalt",
            "Hochschulgruppe Integration",
        ],
        ["de", "en", "ar"],
    ),
    (
        OrganisationType.BUSINESS,
        [
            "Handwerkskammer Netzwerk",
            "Unternehmerverein Vielfalt",
            "Migrantische Unternehmer:innen",
            "Einzelhandelsverband Quartier",
        ],
        ["de", "tr"],
    ),
    (
        OrganisationType.ADMINISTRATION,
        ["Jobcenter Team Integration", "Ausländerbehörde Servicestelle", "Bürgeramt Willkommen"],
        ["de", "en"],
    ),
    (
        OrganisationType.OTHER,
        ["Sportverein Vielfalt", "Stadtteilladen", "Mietertreff", "Musikschule der Kulturen", "Theaterwerkstatt"],
        ["de", "en"],
    ),
]
# Districts (Hannover's numbers) left without any organisation, so the matrix by district shows gaps.
EMPTY_DISTRICTS = {4, 8}
# Organisation types whose members take part (contribute); the others stay unheard.
HEARD_TYPES = {
    OrganisationType.MIGRANT_ORGANISATION,
    OrganisationType.WELFARE,
    OrganisationType.RELIGIOUS,
    OrganisationType.EDUCATION,
    OrganisationType.POLITICS,
}
RESPONSES = [
    InvitationResponse.ACCEPTED,
    InvitationResponse.ACCEPTED,
    InvitationResponse.DECLINED,
    InvitationResponse.NO_ANSWER,
    InvitationResponse.OPEN,
]


def demo_stakeholders(process, personas) -> None:
    coordinator = personas[Role.COORDINATOR]
    if Organisation.objects.filter(is_fictional=True, name__endswith="(fiktiv)").count() >= 50:
        return
    with transaction.atomic():
        organisations = _organisations(process, coordinator)
        _representatives_and_contributions(process, coordinator, organisations)
        _invitations(process, coordinator, organisations)
        _steering_group(process, coordinator, organisations)


def _organisations(process, coordinator) -> list:
    districts = [
        district
        for district in District.objects.filter(city=process.city).order_by("number")
        if district.number not in EMPTY_DISTRICTS
    ]
    fields = list(process.fields_of_action.order_by("order"))
    departments = {department.code: department for department in Department.objects.filter(city=process.city)}
    made = []
    counter = 0
    for kind, stems, languages in KINDS:
        for index, stem in enumerate(stems):
            counter += 1
            district = districts[(counter * 5) % len(districts)]
            name = f"{stem} {district.name} (fiktiv)"
            if Organisation.objects.filter(name=name).exists():
                made.append(Organisation.objects.get(name=name))
                continue
            organisation = registry.organisation_create(
                actor=coordinator,
                name=name,
                type=kind,
                districts=[district] + ([districts[(counter * 7) % len(districts)]] if counter % 3 == 0 else []),
                # The last field of action ("the gap") is nobody's declared interest.
                fields_of_interest=[fields[counter % (len(fields) - 1)]] if fields else [],
                languages=languages[: 1 + index % len(languages)],
                description=f"Fiktive Organisation für die Demo: {stem} im Stadtbezirk {district.name}.",
                website="",
                mail_language=languages[index % len(languages)],
                # Most agree to be listed; every fifth has not (it stays out of the public directory).
                listed_publicly=counter % 5 != 0,
                department=departments.get("50") if kind == OrganisationType.ADMINISTRATION and index == 0 else None,
                is_fictional=True,
            )
            ContactPerson.objects.create(
                organisation=organisation,
                name=f"Kontaktperson {counter} (fiktiv)",
                email=f"kontakt{counter:02d}@demo.teilhabe.test",
                phone=f"+49 511 000 {counter:04d}",
            )
            made.append(organisation)
    return made


def _representatives_and_contributions(process, coordinator, organisations) -> None:
    fields = list(process.fields_of_action.order_by("order"))
    heard = [organisation for organisation in organisations if organisation.type in HEARD_TYPES]
    for number, organisation in enumerate(heard[::2], start=1):
        person = user_create_verified(
            email=f"vertretung{number:02d}@demo.teilhabe.test",
            password=None,
            display_name=f"Vertretung {number} (fiktiv)",
            roles=[Role.ORGANISATION_REPRESENTATIVE],
        )
        representative, _created = Representative.objects.get_or_create(organisation=organisation, user=person)
        if representative.verified_at is None:
            registry.representative_verify(actor=coordinator, representative=representative)
        field = fields[number % (len(fields) - 1)] if len(fields) > 1 else fields[0]
        contribution_services.contribution_create(
            process=process,
            user=person,
            organisation=organisation,
            title=f"Stellungnahme von {organisation.name}",
            body="Fiktiver Beitrag für die Demo: Wir wünschen uns mehr Beratung in den Sprachen unserer Mitglieder.",
            fields_of_action=[field],
            language="de",
            publication_consent=True,
        )
    # A request that waits for a coordinator's check.
    waiting = user_create_verified(
        email="vertretung-wartet@demo.teilhabe.test", password=None, display_name="Neue Vertretung (fiktiv)"
    )
    Representative.objects.get_or_create(organisation=organisations[1], user=waiting)


def _invitations(process, coordinator, organisations) -> None:
    if Invitation.objects.filter(process=process).exists():
        return
    workshop = Event.objects.filter(process=process, type=EventType.WORKSHOP).order_by("starts_at").first()
    if workshop is None:
        start = timezone.now() + datetime.timedelta(days=14)
        workshop = Event.objects.create(
            process=process,
            type=EventType.WORKSHOP,
            title="Werkstatt Beteiligung der Vereine (fiktiv)",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            state="planned",
            organiser_department=Department.objects.get(city=process.city, code="50"),
        )
    invited = [
        organisation
        for organisation in organisations
        if organisation.type in {OrganisationType.WELFARE, OrganisationType.MIGRANT_ORGANISATION}
    ]
    invitations, _skipped = involvement.invitation_send(
        actor=coordinator, process=process, organisations=invited, target="event", event=workshop
    )
    for index, invitation in enumerate(invitations):
        response = RESPONSES[index % len(RESPONSES)]
        if response == InvitationResponse.OPEN:
            involvement.invitation_remind(actor=coordinator, invitation=invitation)
        else:
            involvement.invitation_respond(actor=coordinator, invitation=invitation, response=response)


def _steering_group(process, coordinator, organisations) -> None:
    if SteeringGroup.objects.filter(process=process).exists():
        return
    group = involvement.steering_group_create(
        actor=coordinator, process=process, name="Lenkungsgruppe Lokaler Integrationsplan (fiktiv)"
    )
    for number, department in enumerate(Department.objects.filter(city=process.city).order_by("code")[:6], start=1):
        involvement.steering_member_add(
            actor=coordinator, group=group, name=f"Dezernatsleitung {number} (fiktiv)", department=department
        )
    civil = [organisation for organisation in organisations if organisation.type in HEARD_TYPES][:5]
    for number, organisation in enumerate(civil, start=1):
        involvement.steering_member_add(
            actor=coordinator, group=group, name=f"Delegierte {number} (fiktiv)", organisation=organisation
        )
    council = DistrictSpace.objects.filter(district__city=process.city).order_by("district__number").first()
    if council is not None:
        involvement.steering_member_add(
            actor=coordinator, group=group, name="Delegierte der Integrationsbeiräte (fiktiv)", council=council
        )
    involvement.steering_meeting_record(
        actor=coordinator,
        group=group,
        date=timezone.localdate() - datetime.timedelta(days=30),
        title="Auftaktsitzung (fiktiv)",
        record="Die Lenkungsgruppe hat sich konstituiert und den Zeitplan beraten.",
        decisions=["Der Zeitplan des Prozesses wird angenommen.", "Die Fachgruppen tagen bis zum Sommer."],
    )
