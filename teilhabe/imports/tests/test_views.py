"""The import pages: who may use them, bad files (4xx), the progress page, the report, the public list after."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from teilhabe.accounts.models import Role
from teilhabe.conftest import PASSWORD
from teilhabe.contributions.models import Contribution
from teilhabe.imports.models import ImportRun, RunState
from teilhabe.imports.tests.conftest import csv_bytes, held_event, row, run_import, xlsx_bytes
from teilhabe.processes.models import ProcessMembership

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _upload(client, process, data: bytes, name="ergebnisse.csv", **extra):
    return client.post(
        reverse("imports:upload", kwargs={"slug": process.slug}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra},
    )


def test_roles(process, personas):
    url = reverse("imports:upload", kwargs={"slug": process.slug})
    assert Client().get(url).status_code == 302
    for role in Role:
        response = client_for(personas[role.value]).get(url)
        assert response.status_code == (200 if role == Role.COORDINATOR else 403), role
    assert client_for(personas["coordinator"]).get(url.replace(process.slug, "unbekannt")).status_code == 404


def test_coordinator_of_another_process_gets_403(process, personas, city):
    from teilhabe.conftest import make_process

    other = make_process(city, slug="anderer")
    url = reverse("imports:upload", kwargs={"slug": other.slug})
    ProcessMembership.objects.filter(process=other).delete()
    assert client_for(personas["coordinator"]).get(url).status_code == 403


def test_upload_checks_then_import_imports(process, coordinator):
    client = client_for(coordinator)
    response = _upload(client, process, csv_bytes([row(1), row(2)]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:run", kwargs={"pk": run.pk})
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="checked"' in html and 'id="import-button"' in html
    assert 'http-equiv="refresh"' not in html
    assert not Contribution.objects.exists()
    response = client.post(reverse("imports:run_import", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.IMPORTED and Contribution.objects.count() == 2
    # Asked twice (a double click): a conflict, nothing doubles.
    assert client.post(reverse("imports:run_import", kwargs={"pk": run.pk})).status_code == 409
    assert Contribution.objects.count() == 2


def test_xlsx_upload(process, coordinator):
    response = _upload(client_for(coordinator), process, xlsx_bytes([row(1)]), name="ergebnisse.xlsx")
    assert response.status_code == 302
    assert ImportRun.objects.get().file_format == "xlsx"


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4\n%%EOF", b"\x00\x01\x02\x03binary", b"title;district\r\nA;1\r\n"],
    ids=["empty", "pdf named csv", "binary", "missing columns"],
)
def test_bad_files_get_400_with_the_message(process, coordinator, data):
    response = _upload(client_for(coordinator), process, data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_no_file_and_foreign_event_are_400(process, coordinator, city):
    client = client_for(coordinator)
    url = reverse("imports:upload", kwargs={"slug": process.slug})
    assert client.post(url, {}).status_code == 400
    assert _upload(client, process, csv_bytes([row(1)]), event="999999").status_code == 400
    assert not ImportRun.objects.exists()


def test_too_large_file_is_400(process, coordinator, settings):
    settings.TEILHABE_IMPORT_MAX_BYTES = 50
    assert _upload(client_for(coordinator), process, csv_bytes([row(1), row(2)])).status_code == 400


def test_invalid_rows_are_shown_and_no_import_offered(process, coordinator):
    client = client_for(coordinator)
    _upload(client, process, csv_bytes([row(1), row(2, fields="Raumfahrt")]))
    run = ImportRun.objects.get()
    html = client.get(reverse("imports:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="import-button"' not in html
    assert 'data-result="invalid"' in html and "Raumfahrt" in html
    everything = client.get(reverse("imports:run", kwargs={"pk": run.pk}) + "?rows=all").content.decode()
    assert everything.count("data-result=") == 2
    assert client.post(reverse("imports:run_import", kwargs={"pk": run.pk})).status_code == 409


def test_progress_page_refreshes_itself_while_working(process, coordinator, settings):
    settings.TEILHABE_IMPORT_BACKGROUND_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(coordinator)
    _upload(client, process, csv_bytes([row(1), row(2), row(3)]))
    run = ImportRun.objects.get()
    assert run.state == RunState.QUEUED
    html = client.get(reverse("imports:run", kwargs={"pk": run.pk})).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert 'id="import-progress"' in html and 'id="rows-checked">0<' in html
    stopped = client.get(reverse("imports:run", kwargs={"pk": run.pk}) + "?auto=0").content.decode()
    assert 'http-equiv="refresh"' not in stopped
    assert client.get(reverse("imports:report", kwargs={"pk": run.pk})).status_code == 404  # not ready yet


def test_report_download(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(1), row(2, date="gestern")]))
    response = client_for(coordinator).get(reverse("imports:report", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [line[0] for line in rows[1:]] == ["2", "3"]
    assert "gestern" in rows[2][3]


def test_run_pages_for_others_are_404(process, coordinator, personas):
    run = run_import(process, coordinator, csv_bytes([row(1)]), execute=False)
    for name in ("run", "report"):
        url = reverse(f"imports:{name}", kwargs={"pk": run.pk})
        assert client_for(personas["participant"]).get(url).status_code == 404
        assert client_for(coordinator).get(reverse(f"imports:{name}", kwargs={"pk": "abc"})).status_code == 404
    assert (
        client_for(personas["evaluator"]).post(reverse("imports:run_import", kwargs={"pk": run.pk})).status_code == 404
    )
    assert client_for(coordinator).get(reverse("imports:run_import", kwargs={"pk": run.pk})).status_code == 405


@pytest.mark.parametrize(("language", "fmt"), [("de", "csv"), ("en", "csv"), ("de", "xlsx"), ("en", "xlsx")])
def test_templates(process, coordinator, language, fmt):
    url = reverse("imports:template", kwargs={"slug": process.slug, "language": language, "fmt": fmt})
    response = client_for(coordinator).get(url)
    assert response.status_code == 200
    if fmt == "csv":
        header = response.content.decode("utf-8-sig").splitlines()[0]
        assert ("Titel" if language == "de" else "title") in header
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 2
        assert sheet.cell(1, 2).value == ("Titel" if language == "de" else "title")


def test_template_refusals(process, coordinator, personas):
    url = reverse("imports:template", kwargs={"slug": process.slug, "language": "fr", "fmt": "csv"})
    assert client_for(coordinator).get(url).status_code == 404
    url = reverse("imports:template", kwargs={"slug": process.slug, "language": "de", "fmt": "ods"})
    assert client_for(coordinator).get(url).status_code == 404
    url = reverse("imports:template", kwargs={"slug": process.slug, "language": "de", "fmt": "csv"})
    assert client_for(personas["participant"]).get(url).status_code == 403


def test_recent_imports_list_queries_do_not_grow(process, coordinator):
    client = client_for(coordinator)
    url = reverse("imports:upload", kwargs={"slug": process.slug})
    run_import(process, coordinator, csv_bytes([row(1)]), execute=False)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 8):
        run_import(process, coordinator, csv_bytes([row(n)]), execute=False)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('href="/verwaltung/importe/') == 7
    assert len(many) == len(few)


def test_imported_rows_appear_in_the_public_list_with_channel_and_event(client, process, coordinator, personas):
    event = held_event(process)
    run = run_import(process, coordinator, csv_bytes([row(1, title="Nachbarschaftsgarten Linden")]), event=event)
    assert run.state == RunState.IMPORTED
    contribution = Contribution.objects.get()
    list_url = reverse("contributions:list", kwargs={"slug": process.slug})
    listed = client.get(list_url + "?" + urlencode({"channel": event.channel}))
    assert [card.pk for card in listed.context["page"].object_list] == [contribution.pk]
    found = client.get(list_url + "?" + urlencode({"q": "Nachbarschaftsgarten"}))
    assert [card.pk for card in found.context["page"].object_list] == [contribution.pk]
    page = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk})).content.decode()
    assert reverse("events:detail", kwargs={"pk": event.pk}) in page and event.title in page


def test_an_encoding_other_than_utf8_is_named(process, coordinator):
    client = client_for(coordinator)
    _upload(client, process, csv_bytes([row(1, title="Grünflächen für alle")], delimiter=";", encoding="cp1252"))
    run = ImportRun.objects.get()
    html = client.get(reverse("imports:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Windows-1252" in html and "Grünflächen für alle" in html


def test_the_journey_bad_row_fixed_imported_again(process, coordinator):
    """Issue 10's walk: one bad row (the dry run shows it), fixed (it imports), imported again (nothing doubles)."""
    client = client_for(coordinator)
    rows = [row(1), row(2), row(3, fields="Bildung; Weltraum")]
    _upload(client, process, csv_bytes(rows))
    bad = ImportRun.objects.latest("pk")
    assert (bad.rows_invalid, bad.rows_valid) == (1, 2)
    rows[2] = row(3, fields="Bildung; Soziales")
    _upload(client, process, csv_bytes(rows))
    fixed = ImportRun.objects.latest("pk")
    assert fixed.rows_invalid == 0
    client.post(reverse("imports:run_import", kwargs={"pk": fixed.pk}))
    fixed.refresh_from_db()
    assert fixed.state == RunState.IMPORTED and Contribution.objects.count() == 3
    _upload(client, process, csv_bytes(rows))
    again = ImportRun.objects.latest("pk")
    assert (again.rows_already, again.rows_valid) == (3, 0)
    html = client.get(reverse("imports:run", kwargs={"pk": again.pk})).content.decode()
    assert 'id="import-button"' not in html
    assert client.post(reverse("imports:run_import", kwargs={"pk": again.pk})).status_code == 409
    assert Contribution.objects.count() == 3


def test_the_report_page_queries_do_not_grow_with_its_rows(process, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(coordinator)
    small = run_import(process, coordinator, csv_bytes([row(n, district="9") for n in range(2)]), execute=False)
    large = run_import(process, coordinator, csv_bytes([row(n, district="9") for n in range(40)]), execute=False)
    counts = []
    for run in (small, large):
        url = reverse("imports:run", kwargs={"pk": run.pk}) + "?rows=all"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        counts.append(len(queries))
        assert html.count('data-result="invalid"') == run.rows_total
    assert counts[0] == counts[1]
