"""Issue 14 (4, 5): participation is derived from the records; the coverage matrix counts registered, invited and
taking part per type × field and type × district, marks the gaps, drills down and exports."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odf.opendocument import load
from odf.table import TableRow

from teilhabe.conftest import make_contribution
from teilhabe.events.models import Registration, RegistrationState
from teilhabe.involvement import selectors, services
from teilhabe.plan import services as plan
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import Representative


def cell(matrix, type, column_name):
    index = [label for _key, label in matrix.columns].index(column_name)
    row = next(row for row in matrix.rows if row.key == type)
    return row.cells[index].counts


def test_participation_is_derived_from_contributions_events_and_expert_groups(
    personas, process, registry_orgs, workshop
):
    coordinator = personas["coordinator"]
    representative = personas["organisation_representative"]
    Representative.objects.create(
        organisation=registry_orgs["diakonie"],
        user=representative,
        verified_by=coordinator,
        verified_at=workshop.starts_at,
    )
    make_contribution(process, representative, organisation=registry_orgs["diakonie"])  # via the service
    Registration.objects.create(
        event=workshop,
        user=personas["participant"],
        name="P",
        email="p@example.org",
        language="de",
        state=RegistrationState.CONFIRMED,
        token="t1",
    )
    Representative.objects.create(
        organisation=registry_orgs["awo"],
        user=personas["participant"],
        verified_by=coordinator,
        verified_at=workshop.starts_at,
    )
    group = plan.expert_group_create(
        user=coordinator, process=process, field_of_action=process.fields_of_action.first(), name="Fachgruppe Bildung"
    )
    plan.expert_group_member_add(
        user=coordinator, group=group, person=personas["jury_member"], organisation=registry_orgs["partei"]
    )
    found = selectors.participation(process)
    assert found[registry_orgs["diakonie"].pk] == {"contribution"}
    assert found[registry_orgs["awo"].pk] == {"event"}
    assert found[registry_orgs["partei"].pk] == {"expert_group"}
    assert registry_orgs["verein"].pk not in found


def test_the_matrix_counts_and_marks_the_gaps(client, personas, process, registry_orgs, workshop):
    coordinator = personas["coordinator"]
    services.invitation_send(
        actor=coordinator,
        process=process,
        organisations=[registry_orgs["awo"], registry_orgs["verein"]],
        target="event",
        event=workshop,
    )
    Representative.objects.create(
        organisation=registry_orgs["awo"],
        user=personas["participant"],
        verified_by=coordinator,
        verified_at=workshop.starts_at,
    )
    make_contribution(process, personas["participant"], organisation=registry_orgs["awo"])
    by_field = selectors.coverage_matrix(process, by="field")
    assert [label for _key, label in by_field.columns] == ["Bildung", "Soziales", "No field given"]
    assert cell(by_field, "welfare", "Bildung") == (1, 1, 1)
    assert cell(by_field, "welfare", "Soziales") == (1, 0, 0)
    assert cell(by_field, "migrant_organisation", "Bildung") == (1, 1, 0)
    assert cell(by_field, "politics", "No field given") == (1, 0, 0)
    assert by_field.total.counts == (4, 2, 1)  # the personas' "Verein" was never checked: not counted
    gap_types = {row.key for row in by_field.gap_rows}
    assert "welfare" not in gap_types and {"migrant_organisation", "politics", "union"} <= gap_types
    assert by_field.gap_columns == ["Soziales"]
    by_district = selectors.coverage_matrix(process, by="district")
    assert cell(by_district, "welfare", "Mitte") == (1, 1, 1)
    assert cell(by_district, "welfare", "Nord") == (1, 0, 0)
    assert by_district.gap_columns == ["Nord"]
    client.force_login(coordinator)
    page = client.get(reverse("involvement:coverage", args=[process.slug]) + "?by=district")
    assert page.status_code == 200 and page.context["matrix"].by == "district"
    html = page.content.decode()
    assert "coverage-gap" in html
    links = re.findall(r'<td class="coverage-cell[^"]*"><a href="([^"]+)"', html)
    assert len(links) == (len(by_district.rows) + 1) * (len(by_district.columns) + 1)
    for link in links[:3] + links[-3:]:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    assert client.get(reverse("involvement:coverage", args=[process.slug]) + "?by=nonsense").status_code == 400


def test_the_drill_down_lists_the_organisations_behind_a_cell(client, personas, process, registry_orgs):
    client.force_login(personas["coordinator"])
    bildung = process.fields_of_action.get(slug="bildung")
    url = reverse("involvement:cell", args=[process.slug])
    response = client.get(url, {"by": "field", "type": "welfare", "column": bildung.pk})
    assert [row.organisation.name for row in response.context["rows"]] == ["AWO Mitte"]
    response = client.get(url, {"by": "field", "type": "politics", "column": ""})
    assert [row.organisation.name for row in response.context["rows"]] == ["Partei X"]
    response = client.get(url, {"by": "field", "type": "welfare", "all": "1"})
    assert [row.organisation.name for row in response.context["rows"]] == ["AWO Mitte", "Diakonie Nord"]
    assert client.get(url, {"by": "field", "type": "bogus"}).status_code == 404
    assert client.get(url, {"by": "field", "column": "999999"}).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "participant", "organisation_representative", "department_head"])
def test_only_coordinators_see_the_matrix(client, personas, process, role):
    if role != "anonymous":
        client.force_login(personas[role])
    for url in (
        reverse("involvement:coverage", args=[process.slug]),
        reverse("involvement:export", args=[process.slug, "csv"]),
        reverse("involvement:cell", args=[process.slug]),
        reverse("involvement:steering", args=[process.slug]),
    ):
        assert client.get(url).status_code in {302, 403}


def test_exports_open_as_spreadsheets(client, personas, process, registry_orgs):
    client.force_login(personas["coordinator"])
    url = reverse("involvement:export", args=[process.slug, "xlsx"]) + "?by=field"
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows[0]) == 6 and rows[-1][2] == 4
    response = client.get(reverse("involvement:export", args=[process.slug, "csv"]) + "?by=district")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(row[1] == "Nord" and row[2] == "1" for row in table[1:])
    response = client.get(reverse("involvement:export", args=[process.slug, "ods"]))
    document = load(io.BytesIO(response.content))
    assert len(document.spreadsheet.getElementsByType(TableRow)) == len(rows)
    assert client.get(reverse("involvement:export", args=[process.slug, "pdf"])).status_code == 404


def test_the_stable_command_writes_every_format(personas, process, registry_orgs, tmp_path):
    for by in ("field", "district"):
        for format in ("xlsx", "ods", "csv"):
            output = tmp_path / f"m-{by}.{format}"
            call_command(
                "coverage_matrix", process=process.slug, by=by, format=format, output=str(output), stdout=io.StringIO()
            )
            assert output.stat().st_size > 0
    text = (tmp_path / "m-field.csv").read_text(encoding="utf-8-sig")
    assert "Bildung" in text
    with pytest.raises(CommandError, match="by"):
        call_command("coverage_matrix", process=process.slug, by="age", format="csv", output=str(tmp_path / "x"))
    with pytest.raises(CommandError, match="slug"):
        call_command("coverage_matrix", process="nope", by="field", format="csv", output=str(tmp_path / "x"))
    with pytest.raises(CommandError, match="format"):
        call_command("coverage_matrix", process=process.slug, by="field", format="pdf", output=str(tmp_path / "x"))


def test_the_matrix_page_queries_do_not_grow(client, personas, process, city):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("involvement:coverage", args=[process.slug])

    def add(names):
        for name in names:
            registry.organisation_create(
                actor=coordinator,
                name=name,
                type="welfare",
                districts=list(city.districts.all()),
                fields_of_interest=list(process.fields_of_action.all()),
            )

    add(["A"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add([f"B{number}" for number in range(10)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
