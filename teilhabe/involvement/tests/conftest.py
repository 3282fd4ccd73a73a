import datetime

import pytest
from django.utils import timezone, translation

from teilhabe.administration.models import Department
from teilhabe.events.models import Event
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import OrganisationType


@pytest.fixture
def workshop(process, personas):
    start = timezone.now() + datetime.timedelta(days=7)
    return Event.objects.create(
        process=process,
        type="workshop",
        title="Werkstatt Integration",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state="planned",
        organiser_department=Department.objects.get(code="50"),
    )


@pytest.fixture
def registry_orgs(personas, process, city):
    """Four checked organisations: two welfare associations (one in Mitte interested in Bildung, one in Nord), a
    migrant organisation in Mitte writing in Arabic, and a party without district or field."""
    coordinator = personas["coordinator"]
    mitte, nord = city.districts.order_by("number")
    bildung, soziales = process.fields_of_action.order_by("order")

    def make(name, type, **extra):
        return registry.organisation_create(actor=coordinator, name=name, type=type, listed_publicly=True, **extra)

    return {
        "awo": make("AWO Mitte", OrganisationType.WELFARE, districts=[mitte], fields_of_interest=[bildung]),
        "diakonie": make("Diakonie Nord", OrganisationType.WELFARE, districts=[nord], fields_of_interest=[soziales]),
        "verein": make(
            "Syrischer Verein",
            OrganisationType.MIGRANT_ORGANISATION,
            districts=[mitte],
            fields_of_interest=[bildung],
            mail_language="ar",
        ),
        "partei": make("Partei X", OrganisationType.POLITICS),
    }


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the interface's English source texts: requests without a language choice get English, and
    so do messages made outside a request. The German pages are checked by the browser tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
