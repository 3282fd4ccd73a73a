"""The consideration table as files: each format opens and holds the rows, texts without consent to publication
are withheld, no text becomes a formula; the management command; the background export."""

import csv
import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import translation
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from teilhabe.administration import services
from teilhabe.administration.consideration import (
    COLUMNS,
    ConsiderationFilters,
    consideration_rows,
    consideration_table_write,
)
from teilhabe.administration.models import ConsiderationExport, ExportState, Outcome
from teilhabe.administration.tasks import consideration_export_make
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services as contribution_services
from teilhabe.core.models import AuditEntry

INJECTED_TITLE = '=HYPERLINK("https://example.org/x","klick")'
INJECTED_BODY = "+49 30 1234 – und @alle: -1"
SECRET_TITLE = "Geheimer Titel ohne Zustimmung"
SECRET_BODY = "Geheimer Text ohne Zustimmung"
WITHHELD = "Text withheld: no consent to publication"
STATEMENT = "Wir richten zwei Kurse mit Betreuung ein."
JUSTIFICATION = "Die Kurse sind im Haushalt vorgesehen."


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def build_table(process, personas, department, other_department):
    """A published contribution (its title and text look like formulas) routed, answered and decided; analog
    input without consent to publication, decided too; a plain contribution nobody has answered yet."""
    coordinator, staff, head = personas["coordinator"], personas["department_staff"], personas["department_head"]
    district = process.city.districts.first()
    answered = make_contribution(
        process, personas["participant"], title=INJECTED_TITLE, body=INJECTED_BODY, district=district
    )
    secret = contribution_services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="letter",
        title=SECRET_TITLE,
        body=SECRET_BODY,
        fields_of_action=[process.fields_of_action.last()],
        publication_consent=False,
    )
    waiting = make_contribution(
        process, personas["participant"], title="Noch offen", body="Noch niemand hat geantwortet."
    )
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[answered, secret],
        lead=department,
        contributing=[other_department],
    )
    statement = services.statement_save(user=staff, contribution=answered, text=STATEMENT)
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True)
    services.statement_publish(user=staff, statement=statement)
    services.disposition_decide(
        user=coordinator, process=process, contributions=[answered], outcome=Outcome.ADOPTED, justification="Erst."
    )
    services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[answered],
        outcome=Outcome.ADOPTED,
        justification=JUSTIFICATION,
    )
    services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[secret],
        outcome=Outcome.OUTSIDE_COMPETENCE,
        justification="Das Land ist zuständig.",
        forwarded_to="Land Niedersachsen",
    )
    return answered, secret, waiting


@pytest.fixture
def table(process, personas, department, other_department):
    return build_table(process, personas, department, other_department)


def _write(process, fmt, language="en", **kwargs) -> bytes:
    out = io.BytesIO()
    consideration_table_write(process=process, format=fmt, out=out, language=language, **kwargs)
    return out.getvalue()


def _headings(language="en"):
    with translation.override(language):
        return [str(label) for _key, label in COLUMNS]


def _ods_rows(data: bytes) -> list[list[str]]:
    document = load_ods(io.BytesIO(data))
    sheet = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in sheet.getElementsByType(TableRow):
        rows.append([teletype.extractText(cell) for cell in row.getElementsByType(TableCell)])
    return rows


def test_rows_hold_every_answerable_contribution_with_statement_and_decision(table):
    answered, secret, waiting = table
    with translation.override("en"):
        rows = {row.pk: row for row in consideration_rows(answered.process, ConsiderationFilters())}
    assert set(rows) == {answered.pk, secret.pk, waiting.pk}
    row = rows[answered.pk]
    assert row.lead == "50 Soziales" and row.contributing == ["40 Bildung"]
    assert row.statement == STATEMENT and row.statement_department == "50 Soziales" and row.statement_date
    assert row.outcome_value == Outcome.ADOPTED and row.justification == JUSTIFICATION and row.version == 2
    assert row.district == "Mitte" and row.fields == ["Bildung"]
    assert rows[secret.pk].withheld and rows[secret.pk].title == WITHHELD and rows[secret.pk].text == ""
    assert rows[secret.pk].forwarded_to == "Land Niedersachsen" and rows[secret.pk].channel == "Letter"
    assert rows[waiting.pk].outcome == "" and rows[waiting.pk].lead == ""


def test_rows_follow_the_filters(table, department, other_department):
    answered, secret, waiting = table
    process = answered.process

    def pks(**filters):
        return {row.pk for row in consideration_rows(process, ConsiderationFilters(**filters))}

    assert pks(channel="letter") == {secret.pk}
    assert pks(outcome=Outcome.OUTSIDE_COMPETENCE) == {secret.pk}
    assert pks(department=other_department.pk) == {answered.pk, secret.pk}
    assert pks(answer_state="received") == {waiting.pk}
    assert pks(answer_state="disposed") == {answered.pk, secret.pk}
    assert pks(district=process.city.districts.first().pk) == {answered.pk}
    assert pks(field=process.fields_of_action.last().pk) == {secret.pk}


def test_rows_are_read_in_chunks(table):
    answered, secret, waiting = table
    done = []
    rows = list(consideration_rows(answered.process, ConsiderationFilters(), chunk=2, progress=done.append))
    assert [row.pk for row in rows] == sorted([answered.pk, secret.pk, waiting.pk])
    assert done == [2, 3]


def test_xlsx_opens_and_keeps_user_text_as_text(table):
    answered, secret, _waiting = table
    workbook = load_workbook(io.BytesIO(_write(answered.process, "xlsx")))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == _headings()
    by_id = {row[0]: row for row in values[1:]}
    assert set(by_id) == {answered.pk, secret.pk, table[2].pk}
    title_cell = sheet.cell(row=[row[0] for row in values].index(answered.pk) + 1, column=8)
    assert title_cell.value == INJECTED_TITLE
    assert title_cell.data_type == "s" and title_cell.quotePrefix  # a string, never a formula
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert by_id[answered.pk][9] == STATEMENT and by_id[answered.pk][13] == JUSTIFICATION
    assert by_id[secret.pk][7] == WITHHELD
    assert SECRET_TITLE not in str(values) and SECRET_BODY not in str(values)


def test_xlsx_headings_in_the_requested_language(table):
    workbook = load_workbook(io.BytesIO(_write(table[0].process, "xlsx", language="de")))
    headings = [cell.value for cell in next(workbook.active.iter_rows())]
    assert headings == _headings("de")


def test_ods_opens_with_every_row(table):
    answered, secret, waiting = table
    rows = _ods_rows(_write(answered.process, "ods"))
    assert rows[0] == _headings()
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {str(answered.pk), str(secret.pk), str(waiting.pk)}
    assert by_id[str(answered.pk)][7] == INJECTED_TITLE
    assert by_id[str(answered.pk)][9] == STATEMENT
    assert by_id[str(secret.pk)][7] == WITHHELD
    assert SECRET_TITLE not in str(rows) and SECRET_BODY not in str(rows)


def test_ods_user_text_is_a_string_cell_never_a_formula(table):
    document = load_ods(io.BytesIO(_write(table[0].process, "ods")))
    cells = document.spreadsheet.getElementsByType(TableCell)
    formulas = [cell for cell in cells if cell.getAttribute("formula")]
    assert formulas == []
    injected = [cell for cell in cells if teletype.extractText(cell) == INJECTED_TITLE]
    assert injected and injected[0].getAttribute("valuetype") == "string"


def test_csv_parses_with_bom_and_neutralises_formulas(table):
    answered, secret, waiting = table
    data = _write(answered.process, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == _headings()
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {str(answered.pk), str(secret.pk), str(waiting.pk)}
    assert by_id[str(answered.pk)][7] == "'" + INJECTED_TITLE
    assert by_id[str(answered.pk)][8] == "'" + INJECTED_BODY
    assert by_id[str(secret.pk)][7] == WITHHELD
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@")), value
    assert SECRET_TITLE not in data.decode("utf-8-sig") and SECRET_BODY not in data.decode("utf-8-sig")


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "table.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make install) not installed")
def test_pdf_has_headings_rows_and_withholds_text(table, tmp_path):
    answered, secret, _waiting = table
    data = _write(answered.process, "pdf")
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    for heading in ("No.", "Contribution", "Departments", "Statement", "Decision"):
        assert heading in text
    assert "Wir richten zwei Kurse" in text and "Land Niedersachsen" in text
    assert "Text withheld: no consent to" in text
    assert "Geheimer" not in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "table.pdf")], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info, info
    assert "841.89 x 595.276 pts (A4)" in info  # landscape


def test_command_writes_every_format(table, tmp_path):
    process = table[0].process
    for fmt in ("xlsx", "ods", "csv"):
        target = tmp_path / f"table.{fmt}"
        out = io.StringIO()
        call_command("consideration_table", process=process.slug, format=fmt, output=str(target), stdout=out)
        assert "Wrote 3 row(s)" in out.getvalue()
        assert target.stat().st_size > 0
    load_workbook(tmp_path / "table.xlsx")
    assert len(_ods_rows((tmp_path / "table.ods").read_bytes())) == 4


@pytest.mark.slow
def test_command_writes_pdf(table, tmp_path):
    target = tmp_path / "table.pdf"
    call_command("consideration_table", "--process", table[0].process.slug, "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_command_refuses_bad_options(process, tmp_path):
    target = str(tmp_path / "x")
    with pytest.raises(CommandError, match="No process"):
        call_command("consideration_table", process="nope", format="csv", output=target)
    with pytest.raises(CommandError, match="Unknown format"):
        call_command("consideration_table", process=process.slug, format="docx", output=target)
    with pytest.raises(CommandError, match="Unknown language"):
        call_command("consideration_table", process=process.slug, format="csv", output=target, language="xx")
    with pytest.raises(CommandError):  # a required option missing
        call_command("consideration_table", process=process.slug, format="csv")


def test_command_exits_non_zero(process, tmp_path, capsys):
    """Run as from the shell: an unknown process or format ends with exit status 1 and a message."""
    for options in (["--process", "nope", "--format", "csv"], ["--process", process.slug, "--format", "docx"]):
        utility = ManagementUtility(["manage.py", "consideration_table", *options, "--output", str(tmp_path / "x")])
        with pytest.raises(SystemExit) as exit_info:
            utility.execute()
        assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert "No process with the slug 'nope'" in error and "Unknown format 'docx'" in error
    assert not (tmp_path / "x").exists()


def test_export_task_makes_the_file_once(table, coordinator, django_capture_on_commit_callbacks):
    process = table[0].process
    with django_capture_on_commit_callbacks(execute=True):
        export = services.consideration_export_request(
            user=coordinator, process=process, format="csv", filters={"channel": "letter"}, language="en"
        )
    export.refresh_from_db()  # the immediate backend ran the task on commit
    assert export.state == ExportState.DONE and export.rows_total == 1 and export.rows_done == 1
    data = export.file.read()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == export.sha256
    assert WITHHELD in data.decode("utf-8-sig") and SECRET_TITLE not in data.decode("utf-8-sig")
    name = export.file.name
    # A second run of the task does nothing: the export was claimed already.
    assert consideration_export_make.call(export_id=export.pk) == "skipped"
    export.refresh_from_db()
    assert export.file.name == name and export.state == ExportState.DONE
    actions = set(AuditEntry.objects.filter(object_id=str(export.pk)).values_list("action", flat=True))
    assert {"consideration_export.requested", "consideration_export.made"} <= actions


def test_export_request_checks_permission_and_format(process, personas):
    from teilhabe.core.errors import ApplicationError, NotAllowed

    with pytest.raises(NotAllowed):
        services.consideration_export_request(
            user=personas["department_staff"], process=process, format="csv", filters={}, language="de"
        )
    with pytest.raises(ApplicationError):
        services.consideration_export_request(
            user=personas["coordinator"], process=process, format="docx", filters={}, language="de"
        )
    assert not ConsiderationExport.objects.exists()


def test_failed_export_is_marked_failed(process, coordinator, monkeypatch, django_capture_on_commit_callbacks):
    from teilhabe.administration import consideration

    def broken(rows, out, *, title=""):
        raise RuntimeError("disk full")

    monkeypatch.setitem(consideration.WRITERS, "csv", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.consideration_export_request(
            user=coordinator, process=process, format="csv", filters={}, language="de"
        )
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and not export.file


def test_pdf_is_refused_above_its_limit(table, coordinator, settings, tmp_path):
    from teilhabe.core.errors import ApplicationError

    settings.TEILHABE_CONSIDERATION_PDF_MAX_ROWS = 2
    process = table[0].process
    with translation.override("en"):  # the messages are asserted in English
        with pytest.raises(ApplicationError, match="at most 2"):
            services.consideration_export_request(
                user=coordinator, process=process, format="pdf", filters={}, language="en"
            )
        with pytest.raises(ApplicationError, match="at most 2"):
            _write(process, "pdf")
        with pytest.raises(CommandError, match="at most 2"):
            call_command("consideration_table", process=process.slug, format="pdf", output=str(tmp_path / "x.pdf"))
    assert not ConsiderationExport.objects.exists()
    # Filtered down to the limit, it is allowed.
    services.consideration_export_request(
        user=coordinator, process=process, format="pdf", filters={"channel": "letter"}, language="en"
    )


def test_an_export_whose_worker_died_is_made_again(process, coordinator, django_capture_on_commit_callbacks):
    """Housekeeping queues again an export that stopped making progress (and only such a one)."""
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):  # the task never runs: the worker "died"
        stuck = services.consideration_export_request(
            user=coordinator, process=process, format="csv", filters={}, language="de"
        )
        fresh = services.consideration_export_request(
            user=coordinator, process=process, format="ods", filters={}, language="de"
        )
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ConsiderationExport.objects.filter(pk=stuck.pk).update(state=ExportState.RUNNING, updated_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consideration_exports_recover() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.state == ExportState.DONE and stuck.file and stuck.sha256
    assert fresh.state == ExportState.QUEUED  # still waiting for its task, not yet stale
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consideration_exports_recover() == 0  # nothing stale any more
    actions = list(AuditEntry.objects.filter(object_id=str(stuck.pk)).values_list("action", flat=True))
    assert "consideration_export.requeued" in actions


def test_rows_name_the_measures_a_contribution_led_to(table, personas, department):
    """Where a contribution landed in the plan: each linked measure by code, number, title and status, as the
    newest published version names it; a measure only in a working draft is not named yet."""
    from teilhabe.plan import services as plan

    answered, secret, waiting = table
    coordinator, process = personas["coordinator"], answered.process
    version = plan.version_create(user=coordinator, process=process, title="Plan")
    field = plan.section_add(
        user=coordinator, owner=version, kind="field", title="Bildung", field_of_action=process.fields_of_action.first()
    )
    goal = plan.section_add(user=coordinator, owner=version, kind="goal", parent=field, title="Ziel")
    measure = plan.section_add(
        user=coordinator, owner=version, kind="measure", parent=goal, title="Sprachkurse", department=department
    ).measure
    plan.measures_link(user=coordinator, contribution=answered, measures=[measure])
    with translation.override("en"):
        rows = {row.pk: row for row in consideration_rows(process, ConsiderationFilters())}
    assert rows[answered.pk].measures == []
    plan.version_publish_for_consultation(user=coordinator, version=version)
    with translation.override("en"):
        rows = {row.pk: row for row in consideration_rows(process, ConsiderationFilters())}
    assert rows[answered.pk].measures == ["M-001 1.1.1 Sprachkurse (Planned)"]
    assert rows[secret.pk].measures == [] and rows[waiting.pk].measures == []
    data = _write(process, "csv")
    assert "M-001 1.1.1 Sprachkurse (Planned)" in data.decode("utf-8-sig")
