"""The organisers' door list and its exports (CSV, XLSX): who may see it, what it holds, no formulas from user text."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import EventState
from teilhabe.events.tests.conftest import ANONYMOUS, public_event
from teilhabe.events.tests.organiser_support import organisers, outsiders

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def filled(event, personas):
    """Two registered (one asking for a hearing loop and Kurdish), one waiting, one unconfirmed; a name and a text
    that start like spreadsheet formulas."""
    people = [user_create_verified(email=f"p{number}@example.org", password=PASSWORD) for number in range(3)]
    people[0].display_name = '=HYPERLINK("http://evil")'
    people[0].save()
    services.registration_create(
        event=event,
        user=people[0],
        needs=["hearing_loop"],
        interpretation_language="ku",
        needs_text="+49 bitte anrufen",
    )
    services.registration_create(event=event, user=people[1])
    services.registration_create(event=event, user=people[2])
    services.registration_create(event=event, user=ANONYMOUS, name="@Gast", email="gast@example.org")
    return event


def registrations_url(event):
    return reverse("events:registrations", kwargs={"pk": event.pk})


def export_url(event, fmt):
    return reverse("events:registrations_export", kwargs={"pk": event.pk, "fmt": fmt})


@pytest.mark.parametrize("role", ["coordinator", "department_staff", "department_head"])
def test_coordinators_and_the_organising_department_see_the_door_list(filled, personas, role):
    response = client_of(personas[role]).get(registrations_url(filled))
    assert response.status_code == 200
    page = response.content.decode()
    assert "p0@example.org" in page and "p2@example.org" in page and "gast@example.org" in page
    assert response["Cache-Control"] == "private, no-store"
    with translation.override("de"):
        assert gettext("Hearing loop") in page and gettext("Kurdish") in page


@pytest.mark.parametrize(
    "role",
    ["participant", "organisation_representative", "district_council_member", "evaluator", "jury_member"],
)
def test_others_may_not_see_it(filled, personas, role):
    assert client_of(personas[role]).get(registrations_url(filled)).status_code == 403
    assert client_of(personas[role]).get(export_url(filled, "csv")).status_code == 403


def test_organisers_of_other_units_may_not_see_it(filled, city, personas):
    for user in outsiders(city).values():
        if hasattr(user, "email"):
            assert client_of(user).get(registrations_url(filled)).status_code == 403


@pytest.mark.parametrize(
    "kind,role", [("organisation", "organisation_representative"), ("council", "district_council_member")]
)
def test_the_organising_organisation_or_council_sees_its_list(process, personas, kind, role):
    field = {"organisation": "organiser_organisation", "council": "organiser_council"}[kind]
    event = public_event(process, **{"organiser_department": None, field: organisers(personas)[kind]})
    assert client_of(personas[role]).get(registrations_url(event)).status_code == 200
    assert client_of(personas["department_staff"]).get(registrations_url(event)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(filled):
    response = client_of(None).get(registrations_url(filled))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_a_hidden_event_is_404_before_any_permission(process, personas):
    event = public_event(process, state=EventState.PROPOSED)
    assert client_of(personas["participant"]).get(registrations_url(event)).status_code == 404


def test_csv_export(filled, personas):
    response = client_of(personas["coordinator"]).get(export_url(filled, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="anmeldungen-veranstaltung-{filled.pk}.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    with translation.override("de"):
        assert rows[0][:4] == [gettext("No."), gettext("Name"), gettext("E-mail address"), gettext("State")]
    body = rows[1:]
    assert [row[2] for row in body] == ["p0@example.org", "p1@example.org", "p2@example.org", "gast@example.org"]
    assert body[0][1] == '\'=HYPERLINK("http://evil")'  # never a formula
    assert body[0][8] == "'+49 bitte anrufen"
    assert body[3][1] == "'@Gast"
    assert body[2][4] == "1"  # first on the waiting list
    entry = AuditEntry.objects.get(action="event.registrations_exported")
    assert entry.data == {"format": "csv", "rows": 4} and entry.actor == personas["coordinator"]


def test_xlsx_export(filled, personas):
    response = client_of(personas["department_staff"]).get(export_url(filled, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[1][1] == '=HYPERLINK("http://evil")'
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.quotePrefix  # a string, not a formula
    assert rows[1][6] and rows[1][7]  # needs and interpretation
    assert rows[3][4] == 1


def test_unknown_export_format_is_404(filled, personas):
    for fmt in ("pdf", "CSV", "x" * 200):
        assert client_of(personas["coordinator"]).get(export_url(filled, fmt)).status_code == 404
    assert not AuditEntry.objects.filter(action="event.registrations_exported").exists()


def test_the_service_refuses_an_export_record_without_permission(filled, personas):
    from teilhabe.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.registrations_export_record(event=filled, user=personas["participant"], file_format="csv", count=1)
