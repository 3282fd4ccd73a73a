"""The demo's ideas competition (issue 12), written for this project — every project, group and text is fictional.

The Gesellschaftsfonds Zusammenleben with Hannover's funding tiers and the fund's four criteria as defaults (facts:
docs/competitions.md) and two years of ledger (budgets, commitments from the committee's decisions, tranches, a
repayment, a release and a correction); last year's call, closed, with its jury's results, decisions, funded projects
(two with public pages) and reports; and this year's open call with applications in every state (draft, submitted,
on paper, eligible, not eligible — one breaking the 20 % rule —, withdrawn), a four-person jury chaired by a curator,
one juror recused, scoring under way, and a public support phase (two projects shown with consent, online
supports, one analog tally). Only the competition's services write (every step audited); then, as elsewhere
in the demo, some dates are moved into the past."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.competitions import services
from teilhabe.competitions.models import (
    Application,
    Call,
    Criterion,
    EligibilityItem,
    FundingTier,
    JuryMembership,
)

CLOSED_CALL_TITLE = "Ideenwettbewerb „Eine Sprache für alle – viele Sprachen für Hannover“ (Demo)"
CRITERIA = [
    ("Größe der Zielgruppe", "Wie viele Menschen erreicht das Projekt?"),
    ("Innovativer Ansatz", "Was ist neu an der Idee?"),
    ("Intensität der Beteiligung", "Wie stark wirken Bewohner*innen unterschiedlicher Herkunft mit?"),
    ("Wirkung über die Projektdauer hinaus", "Was bleibt, wenn das Projekt endet?"),
]
TIERS = [(Decimal("5000"), "fixed", 0), (Decimal("10000"), "own_contribution", 20), (None, "partial", 0)]
JURORS = [
    ("kuratorin@demo.teilhabe.test", "Dr. Selin Aksoy (Kuratorin, Demo)"),
    ("jury2@demo.teilhabe.test", "Jan Brandt (Jury, Demo)"),
    ("jury3@demo.teilhabe.test", "Fatima El-Amin (Jury, Demo)"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL = {item: True for item in EligibilityItem.values}

# (title, group, requested, own contribution, other funding, costs per line) — fictional projects
CLOSED_PROJECTS = [
    ("Sprachcafé am Küchengarten", "Nachbarschaftsinitiative Vahrenheide", "4800", "0", "0", ["3000", "1800"]),
    ("Mehrsprachige Vorlesestunden", "Eltern-Netzwerk Linden (Demo)", "8000", "2000", "0", ["6500", "3500"]),
    ("Theater ohne Worte", "Kulturgruppe Mühlenberg", "15000", "1500", "3500", ["12000", "8000"]),
    ("Übersetzungsbörse im Stadtteil", "Initiative Sahlkamp", "3000", "0", "0", ["3000"]),
    ("Podcast der Generationen", "Jugendgruppe Stöcken", "6000", "1500", "0", ["5000", "2500"]),
]
OPEN_PROJECTS = [
    ("Fahrradwerkstatt für alle", "Werkstattgruppe Nordstadt", "4500", "0", "0", ["3000", "1500"]),
    ("Kochbuch der Nachbarschaft", "Frauentreff Bothfeld", "7000", "1800", "0", ["5800", "3000"]),
    ("Sportfest der Kulturen", "Sportverein Ricklingen (Demo)", "12000", "1000", "3000", ["10000", "6000"]),
    ("Hausaufgabenhilfe mehrsprachig", "Lernpat*innen Linden", "9000", "2500", "0", ["6000", "5500"]),
    ("Gemeinschaftsgarten am Kanal", "Gartengruppe Limmer", "5000", "0", "0", ["5000"]),
    ("Erzählcafé Migration", "Geschichtswerkstatt Mitte", "3500", "0", "0", ["3500"]),
]


def _years():
    this_year = timezone.localdate().year
    return this_year - 1, this_year


def _defaults(fund, coordinator) -> None:
    if not FundingTier.objects.filter(fund=fund, call__isnull=True).exists():
        for up_to, kind, share in TIERS:
            services.tier_add(user=coordinator, fund=fund, up_to=up_to, kind=kind, min_own_share=share)
    if not Criterion.objects.filter(fund=fund, call__isnull=True).exists():
        for name, description in CRITERIA:
            services.criterion_add(user=coordinator, fund=fund, name=name, description=description, weight=1)


def _jury(call, personas, recused_member=None) -> list:
    users = [
        user_create_verified(email=email, password=None, display_name=name, roles=[Role.JURY_MEMBER])
        for email, name in JURORS
    ]
    users.append(personas[Role.JURY_MEMBER])
    for number, user in enumerate(users):
        JuryMembership.objects.update_or_create(call=call, user=user, defaults={"is_chair": number == 0})
    return users


def _apply(call, applicant, project, process, city, *, submit=True):
    title, group, requested, own, other, lines = project
    application = services.application_create(user=applicant, call=call, kind="group", title=title, language="de")
    districts = list(city.districts.order_by("number"))
    index = len(title) % len(districts)
    services.application_update(
        user=applicant,
        application=application,
        group_name=group,
        description=f"{title}: ein fiktives Projekt für die Demo. Menschen aus vielen Ländern tun sich zusammen.",
        timeline="Start im Frühjahr, Treffen alle zwei Wochen, Abschlussfest im Herbst.",
        target_groups=list(process.target_groups.all()[:2]),
        districts=[districts[index]],
        fields_of_action=[process.fields_of_action.order_by("order")[len(title) % 3]],
        starts_on=timezone.localdate() + datetime.timedelta(days=60),
        ends_on=timezone.localdate() + datetime.timedelta(days=60 + 300),
        requested=Decimal(requested),
        own_contribution=Decimal(own),
        other_funding=Decimal(other),
        lines=[(f"Kosten {number}", Decimal(amount)) for number, amount in enumerate(lines, start=1)],
    )
    if submit:
        services.application_submit(user=applicant, application=application)
    return application


def _score(juror, application, base: int) -> None:
    services.conflict_declare(user=juror, application=application, has_conflict=False)
    criteria = list(application.call.criteria.order_by("position"))
    services.scores_record(
        user=juror,
        application=application,
        scores={c.pk: (max(0, min(10, base + (i % 3) - 1)), "") for i, c in enumerate(criteria)},
    )


@transaction.atomic
def demo_competitions(process, personas, residents, open_call_title: str) -> None:
    if Call.objects.filter(process=process, title=CLOSED_CALL_TITLE).exists():
        return  # built already
    coordinator = personas[Role.COORDINATOR]
    city = process.city
    open_call = Call.objects.get(process=process, title=open_call_title)
    fund = open_call.fund
    last_year, this_year = _years()
    services.fund_year_set(user=coordinator, fund=fund, year=last_year, budget=Decimal("135000"))
    services.fund_year_set(user=coordinator, fund=fund, year=this_year, budget=Decimal("150000"))
    _defaults(fund, coordinator)

    # Last year's call: run through now, then moved into the past.
    now = timezone.now()
    closed = services.call_create(
        user=coordinator,
        process=process,
        fund=fund,
        title=CLOSED_CALL_TITLE,
        theme="Sprachen im Stadtteil",
        description="Projektideen, die Mehrsprachigkeit im Alltag sichtbar und nützlich machen.",
        opens=now - datetime.timedelta(days=1),
        closes=now + datetime.timedelta(days=1),
        budget=Decimal("40000"),
        max_grant=Decimal("20000"),
        max_months=18,
        allows_organisations=True,
        allows_groups=True,
        allows_individuals=False,
        scale_min=0,
        scale_max=10,
    )
    closed = services.call_publish(user=coordinator, call=closed)
    jurors = _jury(closed, personas)
    applications = [
        _apply(closed, residents[10 + number], project, process, city) for number, project in enumerate(CLOSED_PROJECTS)
    ]
    for application in applications[:-1]:
        services.eligibility_record(user=coordinator, application=application, checklist=ALL, is_eligible=True)
    services.eligibility_record(
        user=coordinator,
        application=applications[-1],
        checklist={**ALL, "theme": False},
        is_eligible=False,
        reason="Das Projekt richtet sich nicht an den Stadtteil, sondern an ein überregionales Publikum.",
    )
    for rank, application in enumerate(applications[:-1]):
        for number, juror in enumerate(jurors):
            _score(juror, application, 8 - rank + (number % 2))
    services.scoring_close(user=jurors[0], call=closed)
    closed.refresh_from_db()
    services.recommendation_set(
        user=jurors[0],
        call=closed,
        amounts={applications[0].pk: "4800", applications[1].pk: "8000", applications[2].pk: "12000"},
    )
    decided_on = datetime.date(last_year, 11, 20)
    for application, outcome, amount in (
        (applications[0], "approved", None),
        (applications[1], "approved", None),
        (applications[2], "changed", Decimal("11000")),
        (applications[3], "rejected", None),
    ):
        services.decision_record(
            user=coordinator,
            application=application,
            outcome=outcome,
            amount=amount,
            decided_on=decided_on,
            session_reference="Internationaler Ausschuss, Sitzung 9 (Demo)",
        )
    grants = [application.grant for application in applications[:3]]
    for grant, first, second in ((grants[0], "2400", "2400"), (grants[1], "4000", "4000"), (grants[2], "5500", None)):
        services.grant_pay(user=coordinator, grant=grant, amount=first, booked_on=datetime.date(last_year, 12, 5))
        if second:
            services.grant_pay(
                user=coordinator,
                grant=grant,
                amount=second,
                booked_on=timezone.localdate() - datetime.timedelta(days=40),
            )
    services.ledger_entry_record(
        user=coordinator,
        fund=fund,
        kind="repayment",
        amount="180.40",
        year=last_year,
        booked_on=timezone.localdate() - datetime.timedelta(days=20),
        grant=grants[0],
        reason="Nicht verbrauchte Mittel zurückgezahlt (Demo)",
    )
    entry = services.ledger_entry_record(
        user=coordinator,
        fund=fund,
        kind="commitment",
        amount="2500",
        year=last_year,
        booked_on=datetime.date(last_year, 3, 1),
        reason="Kleinprojekt Nachbarschaftsfest (Demo)",
    )
    services.ledger_entry_record(
        user=coordinator,
        fund=fund,
        kind="commitment",
        amount="-250",
        corrects=entry,
        reason="Betrag korrigiert: Angebot war günstiger (Demo)",
    )
    services.ledger_entry_record(
        user=coordinator,
        fund=fund,
        kind="release",
        amount="2250",
        year=last_year,
        booked_on=datetime.date(last_year, 12, 15),
        reason="Fest ausgefallen, Mittel freigegeben (Demo)",
    )
    for grant, people in ((grants[0], 64), (grants[1], 120)):
        grantee = grant.application.applicant
        services.grant_report_submit(
            user=grantee,
            grant=grant,
            kind="progress",
            people_reached=people,
            text="Die Treffen laufen, viele neue Gesichter, die Sprachen mischen sich.",
        )
        services.grant_consent_set(user=grantee, grant=grant, consent=True)
    services.grant_report_submit(
        user=grants[0].application.applicant,
        grant=grants[0],
        kind="final",
        people_reached=82,
        text="Abschlussbericht: Das Sprachcafé geht als offener Treff weiter.",
    )
    moved = datetime.timedelta(days=365)
    Call.objects.filter(pk=closed.pk).update(
        opens=closed.opens - moved - datetime.timedelta(days=60),
        closes=closed.closes - moved,
        scoring_closed_at=now - moved + datetime.timedelta(days=30),
        recommended_at=now - moved + datetime.timedelta(days=31),
    )
    Application.objects.filter(call=closed).update(submitted_at=now - moved)

    # This year's open call: tiers and criteria from the fund, a jury of four (one recusal), every state.
    if not open_call.tiers.exists():
        for up_to, kind, share in TIERS:
            services.tier_add(user=coordinator, call=open_call, up_to=up_to, kind=kind, min_own_share=share)
    if not open_call.criteria.exists():
        for name, description in CRITERIA:
            services.criterion_add(user=coordinator, call=open_call, name=name, description=description, weight=1)
    data = {name: getattr(open_call, name) for name in services.CALL_FIELDS}
    open_call = services.call_update(  # with a public support phase, open now
        user=coordinator,
        call=open_call,
        **{
            **data,
            "budget": Decimal("60000"),
            "max_months": 18,
            "support_opens": max(open_call.opens, now - datetime.timedelta(days=1)),
            "support_closes": now + datetime.timedelta(days=21),
        },
    )
    open_call = services.call_publish(user=coordinator, call=open_call)
    jurors = _jury(open_call, personas)
    representative = personas[Role.ORGANISATION_REPRESENTATIVE]
    submitted = [_apply(open_call, residents[30 + n], p, process, city) for n, p in enumerate(OPEN_PROJECTS[:4])]
    _apply(open_call, residents[40], OPEN_PROJECTS[4], process, city, submit=False)  # a draft
    withdrawn = _apply(open_call, residents[41], OPEN_PROJECTS[5], process, city)
    services.application_withdraw(user=residents[41], application=withdrawn)
    broken = services.application_create(
        user=representative,
        call=open_call,
        kind="organisation",
        organisation=representative.representations.first().organisation,
        title="Nachhilfe im Verein (Demo)",
    )
    services.application_update(  # asks €8,000 with €1,000 own contribution: breaks the 20 % rule, cannot submit
        user=representative,
        application=broken,
        description="Ein Entwurf, der die 20-%-Regel noch verletzt.",
        requested=Decimal("8000"),
        own_contribution=Decimal("1000"),
        other_funding=Decimal("1000"),
        lines=[("Honorare", Decimal("10000"))],
    )
    for channel, project in (
        ("letter", ("Seniorentreff mehrsprachig", "Seniorenkreis Kleefeld", "2500", "0", "0", ["2500"])),
        ("email", ("Nähwerkstatt", "Nähgruppe Misburg", "4000", "0", "0", ["4000"])),
    ):
        title, group, requested, own, other, lines = project
        services.application_enter_paper(
            user=coordinator,
            call=open_call,
            channel=channel,
            received_on=timezone.localdate(),
            scan=SimpleUploadedFile("scan.pdf", PDF),
            kind="group",
            contact_name=f"Kontakt {group}",
            language="tr",
            title=title,
            group_name=group,
            description=f"{title} (auf Papier eingegangen, Demo).",
            target_groups=list(process.target_groups.all()[:1]),
            districts=[city.districts.order_by("number").first()],
            fields_of_action=[process.fields_of_action.order_by("order").first()],
            starts_on=timezone.localdate() + datetime.timedelta(days=90),
            ends_on=timezone.localdate() + datetime.timedelta(days=200),
            requested=Decimal(requested),
            own_contribution=Decimal(own),
            other_funding=Decimal(other),
            lines=[("Kosten", Decimal(amount)) for amount in lines],
        )
    for application in submitted[:3]:
        services.eligibility_record(user=coordinator, application=application, checklist=ALL, is_eligible=True)
    services.eligibility_record(
        user=coordinator,
        application=submitted[3],
        checklist={**ALL, "not_funded_twice": False},
        is_eligible=False,
        reason="Die Hausaufgabenhilfe wird bereits aus dem Bildungsbudget gefördert.",
    )
    # The public support phase: two eligible projects shown with their applicants' consent, supported online by
    # residents, and one tally counted at a neighbourhood party.
    for number, application in enumerate(submitted[:2]):
        services.application_summary_consent_set(user=residents[30 + number], application=application, consent=True)
        application.refresh_from_db()
        for resident in residents[: 9 - 4 * number]:
            services.application_support_add(user=resident, application=application)
    services.support_tally_enter(
        user=coordinator,
        application=submitted[1],
        count=23,
        channel="event",
        provenance="Stadtteilfest Bothfeld, Klebepunkte am Stand des Integrationsbeirats (Demo)",
    )
    # Scoring under way: the curator and two jurors scored, the fourth is recused from one application.
    services.conflict_declare(
        user=jurors[3], application=submitted[0], has_conflict=True, note="Ich bin Mitglied der Werkstattgruppe (Demo)."
    )
    for number, juror in enumerate(jurors[:3]):
        for index, application in enumerate(submitted[:3]):
            if number == 2 and index == 2:
                continue  # still to do
            _score(juror, application, 7 - index + number)
