"""Helpers of the organiser tests: events in each state, organisers of other units, uploads."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.conftest import PASSWORD
from teilhabe.councils.models import CouncilMembership, DistrictSpace
from teilhabe.events.models import Event, EventState, EventType
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def organisers(personas) -> dict:
    """The units the personas organise for: department 50, the organisation "Verein", the council of Mitte."""
    return {
        "department": Department.objects.get(code="50"),
        "organisation": Organisation.objects.get(name="Verein"),
        "council": DistrictSpace.objects.get(name="Integrationsbeirat Mitte"),
    }


def outsiders(city) -> dict:
    """People on the organising side of other units: another organisation's verified representative, a member of
    another district's council and staff of another department."""
    other_org = Organisation.objects.create(name="Anderer Verein", type=OrganisationType.OTHER)
    representative = user_create_verified(
        email="other-rep@example.org", password=PASSWORD, roles=[Role.ORGANISATION_REPRESENTATIVE]
    )
    Representative.objects.create(organisation=other_org, user=representative, verified_at=timezone.now())
    other_space = DistrictSpace.objects.create(district=city.districts.get(number=2), name="Integrationsbeirat Nord")
    council_member = user_create_verified(
        email="other-council@example.org", password=PASSWORD, roles=[Role.DISTRICT_COUNCIL_MEMBER]
    )
    CouncilMembership.objects.create(space=other_space, user=council_member)
    other_department = Department.objects.create(city=city, code="40", name="Bildung")
    staff = user_create_verified(email="staff40@example.org", password=PASSWORD, roles=[Role.DEPARTMENT_STAFF])
    DepartmentMembership.objects.create(department=other_department, user=staff)
    return {
        "other_representative": representative,
        "other_council_member": council_member,
        "other_staff": staff,
        "other_organisation": other_org,
        "other_space": other_space,
        "other_department": other_department,
    }


def make_event(process, *, state=EventState.PLANNED, organiser=None, days=7, **overrides) -> Event:
    """An event ``days`` from now (negative: in the past), organised by ``organiser`` (department 50 by
    default), created directly (the services are what the tests test)."""
    start = timezone.now() + datetime.timedelta(days=days)
    organiser = organiser or Department.objects.get(code="50")
    field = {
        "Department": "organiser_department",
        "Organisation": "organiser_organisation",
        "DistrictSpace": "organiser_council",
    }[type(organiser).__name__]
    data = {
        "process": process,
        "type": EventType.DISTRICT_DIALOGUE,
        "title": "Stadtteildialog Mitte",
        "description": "Wir sprechen über Sprachkurse.",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "venue_name": "Stadtteilzentrum",
        "venue_address": "Hauptstraße 1",
        "district": process.city.districts.get(number=1),
        "state": state,
        field: organiser,
    }
    if state == EventState.CANCELLED:
        data["cancel_reason"] = "Krankheit"
    if state == EventState.DECLINED:
        data["decline_reason"] = "Doppelt"
    data.update(overrides)
    return Event.objects.create(**data)


def event_details(process, **overrides) -> dict:
    """Details as the services take them: a district dialogue next week with Arabic and Turkish interpretation."""
    start = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    data = {
        "type": EventType.DISTRICT_DIALOGUE,
        "title": "Stadtteildialog Mitte",
        "description": "Wir sprechen über Sprachkurse mit Kinderbetreuung.",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "venue_name": "Stadtteilzentrum",
        "venue_address": "Hauptstraße 1, 30159 Hannover",
        "district": process.city.districts.get(number=1),
        "step_free": True,
        "languages": ["ar", "tr"],
        "fields_of_action": [process.fields_of_action.first()],
        "target_groups": [process.target_groups.first()],
        "capacity": 40,
        "takes_registrations": True,
    }
    data.update(overrides)
    return data


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
