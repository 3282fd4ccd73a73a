"""Fixtures of the ideas competition's tests: the personas' fund with a budget for this year."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.competitions import services
from teilhabe.competitions.models import Call, EligibilityItem, Fund, JuryMembership
from teilhabe.competitions.services import fund_year_set
from teilhabe.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _english():
    """Services' messages and numbers in English (the msgids), whatever the catalogue says."""
    with translation.override("en"):
        yield


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def fund(personas, coordinator):
    """The personas' fund ("Fonds", city Teststadt) with a budget of €10,000 this year."""
    fund = Fund.objects.get(name="Fonds")
    fund_year_set(user=coordinator, fund=fund, year=timezone.localdate().year, budget=Decimal("10000"))
    return fund


@pytest.fixture
def year():
    return timezone.localdate().year


HANNOVER_TIERS = [("5000", "fixed", 0), ("10000", "own_contribution", 20), (None, "partial", 0)]
GFZ_CRITERIA = [
    "Size of the target group",
    "Innovative approach",
    "Participation of residents of different origins",
    "Impact beyond the project's duration",
]


@pytest.fixture
def defaults(fund, coordinator):
    for up_to, kind, share in HANNOVER_TIERS:
        services.tier_add(user=coordinator, fund=fund, up_to=up_to, kind=kind, min_own_share=share)
    for name in GFZ_CRITERIA:
        services.criterion_add(user=coordinator, fund=fund, name=name, weight=1)
    return fund


def call_data(**overrides):
    now = timezone.now()
    data = {
        "title": "Zusammen Wirken",
        "theme": "Nachbarschaft",
        "description": "Ideen für das Zusammenleben.",
        "opens": now + datetime.timedelta(days=1),
        "closes": now + datetime.timedelta(days=60),
        "budget": Decimal("60000"),
        "max_grant": Decimal("20000"),
        "max_months": 18,
        "allows_organisations": True,
        "allows_groups": True,
        "allows_individuals": False,
        "scale_min": 0,
        "scale_max": 10,
    }
    data.update(overrides)
    return data


@pytest.fixture
def call(defaults, coordinator, process):
    return services.call_create(user=coordinator, process=process, fund=defaults, **call_data())


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def open_call(call, coordinator, django_capture_on_commit_callbacks):
    services.call_publish(user=coordinator, call=call)
    Call.objects.filter(pk=call.pk).update(opens=timezone.now() - datetime.timedelta(days=1))
    call.refresh_from_db()
    return call


def complete(process, city, **overrides):
    data = {
        "description": "Ein Sprachcafé für Nachbarinnen und Nachbarn.",
        "target_groups": list(process.target_groups.all()),
        "districts": [city.districts.first()],
        "fields_of_action": [process.fields_of_action.first()],
        "starts_on": datetime.date(2027, 3, 1),
        "ends_on": datetime.date(2027, 12, 31),
        "timeline": "März: Start. Dezember: Abschluss.",
        "requested": Decimal("4000"),
        "own_contribution": Decimal("500"),
        "other_funding": Decimal("0"),
        "lines": [("Honorare", Decimal("3000")), ("Material", Decimal("1500"))],
    }
    data.update(overrides)
    return data


def draft(user, target, process, city, **overrides):
    application = services.application_create(user=user, call=target, kind="group", title="Sprachcafé", language="tr")
    return services.application_update(
        user=user, application=application, group_name="Nachbarschaft Nord", **complete(process, city, **overrides)
    )


ALL_ITEMS = {item: True for item in EligibilityItem.values}


@pytest.fixture
def scored(open_call, participant, coordinator, process, city):
    """Two eligible applications (€4,000 each) scored by the chair; scoring closed; the first recommended."""
    chair = user_create_verified(email="chair@example.org", password=PASSWORD, roles=[Role.JURY_MEMBER])
    JuryMembership.objects.create(call=open_call, user=chair, is_chair=True)
    applications = []
    for _number in range(2):
        application = draft(participant, open_call, process, city)
        services.application_submit(user=participant, application=application)
        services.eligibility_record(user=coordinator, application=application, checklist=ALL_ITEMS, is_eligible=True)
        services.conflict_declare(user=chair, application=application, has_conflict=False)
        criteria = application.call.criteria.all()
        services.scores_record(user=chair, application=application, scores={c.pk: (6, "") for c in criteria})
        applications.append(application)
    services.scoring_close(user=chair, call=open_call)
    open_call.refresh_from_db()
    services.recommendation_set(user=chair, call=open_call, amounts={applications[0].pk: "3500"})
    return applications
