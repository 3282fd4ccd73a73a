"""Builds the Hannover LIP 4.0 demo. Every text here and in data/ was written for this project."""

import datetime
import json
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import role_groups_sync, user_create_verified
from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.competitions.models import Call, Fund, JuryMembership
from teilhabe.contributions import services as contribution_services
from teilhabe.contributions.models import Channel, Comment, Contribution
from teilhabe.core.cache_versions import content_version_bump
from teilhabe.core.models import TranslationState
from teilhabe.core.services import content_translation_set
from teilhabe.councils.models import CouncilMembership, DistrictSpace
from teilhabe.demo.analog import demo_analog_entries
from teilhabe.demo.answers import demo_answers
from teilhabe.demo.competitions import demo_competitions
from teilhabe.demo.councils import demo_councils
from teilhabe.demo.evaluation import demo_evaluation
from teilhabe.demo.events import demo_events
from teilhabe.demo.monitoring import demo_monitoring
from teilhabe.demo.paper import demo_print_runs
from teilhabe.demo.plan import demo_plan
from teilhabe.demo.reports import demo_reports
from teilhabe.demo.stakeholders import demo_stakeholders
from teilhabe.demo.supports import demo_analog_supports
from teilhabe.places.models import District
from teilhabe.places.services import city_load_from_csv
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, ProcessRole, TargetGroup
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative
from teilhabe.stakeholders.services import representative_verify

User = get_user_model()
DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "teilhabe-demo"
PROCESS_SLUG = "lip-4"

FIELDS = [
    ("bildung", "Bildung", "Kita, Schule, Ausbildung, Hochschule und Sprachförderung für alle Altersgruppen."),
    ("soziales", "Soziales", "Gesundheit, Pflege, Wohnen, Beratung und soziale Sicherung."),
    ("demokratie", "Demokratie", "Politische Teilhabe, Beiräte, Engagement und Schutz vor Diskriminierung."),
    ("stadtleben-kultur", "Stadtleben und Kultur", "Nachbarschaft, Sport, Kultur, Religion und öffentlicher Raum."),
    ("wirtschaft", "Wirtschaft", "Arbeit, Anerkennung von Abschlüssen, Gründung und Fachkräfte."),
    (
        "stadtverwaltung",
        "Stadtverwaltung und interkulturelle Öffnung",
        "Zugang zu Ämtern, Mehrsprachigkeit und Vielfalt im Personal.",
    ),
]
TARGET_GROUPS = [
    ("studierende", "Studierende"),
    ("eu-zugewanderte", "EU-Zugewanderte"),
    ("fachkraefte", "Fachkräfte"),
    ("gefluechtete", "Geflüchtete"),
    ("familien", "Familien"),
    ("jugendliche", "Jugendliche"),
    ("aeltere", "Ältere Menschen"),
]
# (name, days from now to start, days to end, contribute, comment, support, description)
PHASES = [
    (
        "Auftakt und Information",
        -60,
        -30,
        False,
        False,
        False,
        "Auftaktveranstaltung, Information über den Lokalen Integrationsplan und die Wege der Beteiligung.",
    ),
    (
        "Ideensammlung online und vor Ort",
        -30,
        45,
        True,
        True,
        True,
        "Beiträge online, in Werkstätten, an Infoständen und auf Papier; "
        "Integrationsbeiräte beraten in den Stadtbezirken.",
    ),
    (
        "Fachgruppen schreiben Positionspapiere",
        45,
        120,
        False,
        True,
        True,
        "Je Handlungsfeld eine Fachgruppe aus Verwaltung und Stadtgesellschaft wertet die Beiträge aus.",
    ),
    (
        "Stellungnahmen der Integrationsbeiräte",
        120,
        165,
        False,
        True,
        False,
        "Der Entwurf geht an die 13 Integrationsbeiräte und den Runden Tisch zur schriftlichen Stellungnahme.",
    ),
    (
        "Beratung und Ratsbeschluss",
        165,
        240,
        False,
        False,
        False,
        "Der Internationale Ausschuss berät, der Rat beschließt den Lokalen Integrationsplan.",
    ),
    (
        "Umsetzung und Monitoring",
        240,
        1000,
        False,
        False,
        False,
        "Die Fachbereiche setzen die Maßnahmen um; ein Monitoring berichtet den Ratsgremien regelmäßig.",
    ),
]
DEPARTMENTS = [
    ("18", "Personal und Organisation"),
    ("23", "Wirtschaft"),
    ("32", "Öffentliche Ordnung"),
    ("40", "Bildung"),
    ("41", "Kultur"),
    ("50", "Soziales"),
    ("50.6", "Koordinierungsstelle Integration"),
    ("51", "Jugend und Familie"),
    ("61", "Planen und Stadtentwicklung"),
]
ORGANISATIONS = [
    ("Migrantenforum Nord (Demo)", OrganisationType.MIGRANT_ORGANISATION),
    ("Eltern-Netzwerk Linden (Demo)", OrganisationType.MIGRANT_ORGANISATION),
    ("Wohlfahrtsverband Mitte (Demo)", OrganisationType.WELFARE),
    ("Gewerkschaftsjugend Hannover (Demo)", OrganisationType.UNION),
    ("Dialogkreis der Religionen (Demo)", OrganisationType.RELIGIOUS),
    ("Unterstützerkreis Geflüchtete Südstadt (Demo)", OrganisationType.SUPPORTER_CIRCLE),
]
PERSONAS = [
    (Role.PARTICIPANT, "teilnehmerin@demo.teilhabe.test", "Amina (Teilnehmerin)"),
    (Role.ORGANISATION_REPRESENTATIVE, "organisation@demo.teilhabe.test", "Deniz (Migrantenforum)"),
    (Role.DISTRICT_COUNCIL_MEMBER, "beirat@demo.teilhabe.test", "Olga (Integrationsbeirat)"),
    (Role.DEPARTMENT_STAFF, "fachbereich@demo.teilhabe.test", "Jonas (Fachbereich Soziales)"),
    (Role.DEPARTMENT_HEAD, "fachbereichsleitung@demo.teilhabe.test", "Dr. Petra (Leitung Soziales)"),
    (Role.COORDINATOR, "koordination@demo.teilhabe.test", "Sami (Koordinierungsstelle)"),
    (Role.JURY_MEMBER, "jury@demo.teilhabe.test", "Mira (Jury)"),
    (Role.EVALUATOR, "evaluation@demo.teilhabe.test", "Lukas (Evaluation)"),
    (Role.COMMITTEE_MEMBER, "ausschuss@demo.teilhabe.test", "Hülya (Ausschuss)"),
    (Role.ADMINISTRATOR, "admin@demo.teilhabe.test", "Kai (IT-Betrieb)"),
]
ANALOG_CHANNELS = [Channel.WORKSHOP, Channel.PAPER_FORM, Channel.LETTER, Channel.DISTRICT_COUNCIL, Channel.INFO_STAND]
GROUP_CHANNELS = {Channel.WORKSHOP, Channel.DISTRICT_COUNCIL}  # results of a group carry its size
RESIDENTS = 150
OPEN_CALL_TITLE = "Ideenwettbewerb „Zusammen Wirken“ zum LIP 4.0"


def demo_seed(*, log=print) -> dict:
    """Build (or complete) the demo; running it again adds nothing twice."""
    role_groups_sync()
    city = city_load_from_csv(name="Hannover", slug="hannover")
    process = _process(city)
    personas = _personas(city, process)
    if not Contribution.objects.filter(process=process).exists():
        residents = [
            # No display name: residents appear under the neutral pseudonym, in each reader's language.
            user_create_verified(email=f"bewohner{number:03d}@demo.teilhabe.test", password=None)
            for number in range(1, RESIDENTS + 1)
        ]
        _contributions(process, residents, personas)
        _flags(process, residents)
    residents = list(
        User.objects.filter(email__startswith="bewohner", email__endswith="@demo.teilhabe.test").order_by("email")
    )
    demo_events(process, personas, residents)  # before the answers: the oldest results are routed with the rest
    demo_analog_supports(process, personas)
    demo_answers(process, personas)
    demo_analog_entries(process, personas)  # three paper forms from an information stand, one with its scan
    demo_print_runs(process, personas)  # Arabic forms for the next workshop, German posters
    demo_plan(process, personas, residents)  # after the decisions: contributions are linked to measures
    demo_competitions(process, personas, residents, OPEN_CALL_TITLE)  # the fund, last year's call and this year's
    demo_councils(process, personas)  # members and sessions of the 13 district integration councils
    demo_stakeholders(process, personas)  # ~60 fictional organisations, invitations, the steering group
    demo_reports(process, personas)  # last: the Internationaler Ausschuss's first quarterly report, published
    demo_monitoring(process, personas)  # population baselines and fictional self-descriptions for the dashboards
    demo_evaluation(process, personas)  # questionnaires online and on paper, self-assessments, notes, indicators
    content_version_bump()  # the process, its phases and texts were written directly: cached pages go
    log(f"Demo ready: {Contribution.objects.filter(process=process).count()} contributions in “{process.title}”.")
    return {"process": process, "personas": personas}


@transaction.atomic
def _process(city) -> Process:
    process, _ = Process.objects.update_or_create(
        slug=PROCESS_SLUG,
        defaults={
            "city": city,
            "title": "Lokaler Integrationsplan 4.0 – Hannover gemeinsam gestalten",
            "summary": (
                "Die Stadt schreibt ihren Lokalen Integrationsplan neu – mit Migrant*innenorganisationen, "
                "Gewerkschaften, Wohlfahrtsverbänden, Religionsgemeinschaften, den Integrationsbeiräten der "
                "13 Stadtbezirke und allen, die hier leben. Online und vor Ort, in Ihrer Sprache."
            ),
            "description": (
                "<p>Der Rat hat die Verwaltung beauftragt, den Lokalen Integrationsplan neu aufzulegen "
                "(Antrag 2136/2018). Zivilgesellschaft, Politik und Verwaltung handeln die Ergebnisse gemeinsam "
                "aus; jeder Schritt wird dokumentiert.</p><p>Jeder Beitrag wird von der Koordinierungsstelle "
                "gelesen und hier veröffentlicht. Auf seiner Seite sehen Sie jeden Schritt, den er bisher "
                "gegangen ist.</p>"
            ),
            "how_to_take_part_offline": (
                "<p>Beitragskarten liegen in den Bürgerämtern und Stadtteilbibliotheken aus. Die "
                "Integrationsbeiräte laden zu öffentlichen Sitzungen ein, und in allen 13 Stadtbezirken finden "
                "Werkstätten statt. Alle Ergebnisse erscheinen hier – gekennzeichnet mit ihrer Herkunft.</p>"
            ),
            "is_published": True,
        },
    )
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for name, start, end, contribute, comment, support, description in PHASES:
        Phase.objects.update_or_create(
            process=process,
            name=name,
            defaults={
                "start": today + datetime.timedelta(days=start),
                "end": today + datetime.timedelta(days=end),
                "allows_contribute": contribute,
                "allows_comment": comment,
                "allows_support": support,
                "description": description,
            },
        )
    for order, (slug, name, description) in enumerate(FIELDS, start=1):
        FieldOfAction.objects.update_or_create(
            process=process, slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    for order, (slug, name) in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.update_or_create(process=process, slug=slug, defaults={"name": name, "order": order})
    for code, name in DEPARTMENTS:
        Department.objects.update_or_create(city=city, code=code, defaults={"name": name})
    for district in District.objects.filter(city=city):
        DistrictSpace.objects.update_or_create(
            district=district, defaults={"name": f"Integrationsbeirat {district.name}"}
        )
    for name, kind in ORGANISATIONS:
        Organisation.objects.update_or_create(name=name, defaults={"type": kind})
    _call(city, process, today)
    _translations(process)
    return process


def _call(city, process, today) -> None:
    """The ideas competition of the demo, funded by the Gesellschaftsfonds Zusammenleben.

    Budget range and the grant limit follow data/hannover/README.md (GFZ: €135,000–150,000 a year;
    2021 round: up to €20,000 per project).
    """
    fund, _ = Fund.objects.update_or_create(
        city=city, name="Gesellschaftsfonds Zusammenleben", defaults={"annual_budget": 150_000}
    )
    Call.objects.update_or_create(
        process=process,
        title=OPEN_CALL_TITLE,
        defaults={
            "fund": fund,
            "description": "Projektideen von Vereinen und Initiativen, die das Zusammenleben im Stadtteil stärken.",
            "opens": today - datetime.timedelta(days=10),
            "closes": today + datetime.timedelta(days=60),
            "max_grant": 20_000,
        },
    )


def _translations(process) -> None:
    """The process texts in every offered language (written for the demo, so marked as checked)."""
    data = json.loads((DATA / "process_translations.json").read_text(encoding="utf-8"))
    targets = [(process, data["process"])]
    targets += [(process.phases.get(name=name), texts) for name, texts in data["phases"].items()]
    targets += [(process.fields_of_action.get(slug=slug), texts) for slug, texts in data["fields"].items()]
    targets += [(process.target_groups.get(slug=slug), texts) for slug, texts in data["target_groups"].items()]
    for obj, fields in targets:
        for field, by_language in fields.items():
            for language, text in by_language.items():
                content_translation_set(
                    obj=obj, field=field, language=language, text=text, state=TranslationState.CHECKED
                )


@transaction.atomic
def _personas(city, process) -> dict:
    personas = {}
    for role, email, name in PERSONAS:
        personas[role] = user_create_verified(email=email, password=DEMO_PASSWORD, display_name=name, roles=[role])
    space = DistrictSpace.objects.get(district__city=city, district__number=10)
    CouncilMembership.objects.get_or_create(space=space, user=personas[Role.DISTRICT_COUNCIL_MEMBER])
    social = Department.objects.get(city=city, code="50")
    DepartmentMembership.objects.update_or_create(
        department=social, user=personas[Role.DEPARTMENT_STAFF], defaults={"is_head": False}
    )
    DepartmentMembership.objects.update_or_create(
        department=social, user=personas[Role.DEPARTMENT_HEAD], defaults={"is_head": True}
    )
    ProcessMembership.objects.get_or_create(
        process=process, user=personas[Role.COORDINATOR], role=ProcessRole.COORDINATOR
    )
    ProcessMembership.objects.get_or_create(process=process, user=personas[Role.EVALUATOR], role=ProcessRole.EVALUATOR)
    representative, _created = Representative.objects.get_or_create(
        organisation=Organisation.objects.get(name=ORGANISATIONS[0][0]),
        user=personas[Role.ORGANISATION_REPRESENTATIVE],
    )
    if representative.verified_at is None:  # four eyes: the coordinator persona verifies the representative
        representative_verify(actor=personas[Role.COORDINATOR], representative=representative)
    JuryMembership.objects.get_or_create(call=process.calls.get(title=OPEN_CALL_TITLE), user=personas[Role.JURY_MEMBER])
    return personas


def _flags(process, residents) -> None:
    """A few reports, so that the coordinators' moderation queue has work in the demo."""
    reasons = ["advertising", "off_topic", "insulting"]
    for number, contribution in enumerate(Contribution.objects.filter(process=process).order_by("id")[5:40:12]):
        contribution_services.flag_create(
            contribution=contribution,
            user=residents[number],
            reason=reasons[number % len(reasons)],
            note="Bitte prüfen.",
        )
        comment = contribution.comments.first()
        if comment is not None:
            contribution_services.flag_create(
                contribution=contribution, user=residents[number + 10], reason="insulting", comment=comment
            )


def _contributions(process, residents, personas) -> None:
    rng = random.Random(2136)
    data = json.loads((DATA / "contributions.json").read_text(encoding="utf-8"))
    fields = {field.slug: field for field in process.fields_of_action.all()}
    groups = {group.slug: group for group in process.target_groups.all()}
    districts = {district.number: district for district in District.objects.filter(city=process.city)}
    organisation = Organisation.objects.get(name=ORGANISATIONS[0][0])
    representative = personas[Role.ORGANISATION_REPRESENTATIVE]
    coordinator = personas[Role.COORDINATOR]
    now = timezone.now()
    # Received over the last four weeks, in the order of their ids (as on a real platform).
    received = sorted(
        now - datetime.timedelta(days=rng.uniform(0.2, 29), minutes=rng.randint(0, 600)) for _ in data["contributions"]
    )
    analog = 0
    for index, item in enumerate(data["contributions"]):
        content = {
            "process": process,
            "title": item["title"],
            "body": item["body"],
            "fields_of_action": [fields[slug] for slug in item["fields"]],
            "target_groups": [groups[slug] for slug in item.get("target_groups", [])],
            "district": districts.get(item.get("district")),
            "language": item["language"],
            "publication_consent": True,
        }
        created = received[index]
        with transaction.atomic():
            if index % 5 == 2:
                # Analog input, entered by the coordinators from a workshop, form, letter or council session.
                channel = ANALOG_CHANNELS[analog % len(ANALOG_CHANNELS)]
                analog += 1
                contribution = contribution_services.contribution_record_analog(
                    **content,
                    user=coordinator,
                    channel=channel,
                    original_date=(created - datetime.timedelta(days=rng.randint(1, 6))).date(),
                    form_serial=f"LIP4-{analog:05d}" if channel == Channel.PAPER_FORM else "",
                    group_size=rng.randint(4, 18) if channel in GROUP_CHANNELS else None,
                )
            else:
                on_behalf = index % 23 == 0
                contribution = contribution_services.contribution_create(
                    **content,
                    user=representative if on_behalf else rng.choice(residents),
                    organisation=organisation if on_behalf else None,
                )
            # Only the timestamps are moved into the past (a demo needs a history); the services wrote the rest.
            Contribution.objects.filter(pk=contribution.pk).update(created_at=created, published_at=created)
            # Comments follow their contribution (and replies their comment) by some hours, never in the future.
            written = created
            for comment_item in item.get("comments", []):
                comment = contribution_services.comment_create(
                    contribution=contribution,
                    user=rng.choice(residents),
                    body=comment_item["body"],
                    language=comment_item.get("language", "de"),
                )
                written = min(now, written + datetime.timedelta(hours=rng.uniform(0.5, 30)))
                Comment.objects.filter(pk=comment.pk).update(created_at=written)
                for reply in comment_item.get("replies", []):
                    reply_comment = contribution_services.comment_create(
                        contribution=contribution,
                        user=rng.choice(residents),
                        body=reply["body"],
                        parent=comment,
                        language=reply.get("language", "de"),
                    )
                    written = min(now, written + datetime.timedelta(hours=rng.uniform(0.2, 12)))
                    Comment.objects.filter(pk=reply_comment.pk).update(created_at=written)
            for supporter in rng.sample(residents, k=min(len(residents), max(0, int(rng.paretovariate(1.3) * 3) - 2))):
                contribution_services.support_add(contribution=contribution, user=supporter)
