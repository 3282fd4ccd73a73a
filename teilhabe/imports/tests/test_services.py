"""The dry run, the import all or nothing, idempotence, the audit entry and the background path."""

import datetime

import pytest
from django.utils import timezone, translation

from teilhabe.contributions.models import Contribution, Status
from teilhabe.contributions.tallies import tally_differences
from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events.models import EventState
from teilhabe.imports import services
from teilhabe.imports.columns import ROW_ERRORS, error_message
from teilhabe.imports.models import ImportedRow, ImportRun, RunState
from teilhabe.imports.tests.conftest import HEADER_EN, csv_bytes, held_event, row, run_import
from teilhabe.stakeholders.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db

FULL_HEADER = [*HEADER_EN, "event id", "group size", "target groups", "language", "organisation", "key"]


def _full(n, *, event="", size="", groups="", language="de", organisation="", key="", **overrides):
    return [*row(n, **overrides), event, size, groups, language, organisation, key]


def _codes(run):
    return {line: [code for code, _params in errors] for line, _title, result, errors in run.rows if errors}


def test_dry_run_writes_nothing_but_the_run(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(1), row(2)]), execute=False)
    assert run.state == RunState.CHECKED
    assert (run.rows_total, run.rows_valid, run.rows_invalid) == (2, 2, 0)
    assert not Contribution.objects.exists()
    assert not ImportedRow.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="import").exists()


def test_every_kind_of_row_error_is_reported(process, coordinator, personas):
    planned = held_event(process, state=EventState.PLANNED, title="Geplant")
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    rows = [
        _full(1, fields="bildung; unbekannt"),
        _full(2, district="Atlantis"),
        _full(3, event="999999"),
        _full(4, event=str(planned.pk)),
        _full(5, text="x" * 5001),
        _full(6, title="t" * 161),
        _full(7, date="31.02.2025"),
        _full(8, date=future),
        _full(9, size="null"),
        _full(10, consent="vielleicht"),
        _full(11, language="klingonisch"),
        _full(12, channel="brieftaube"),
        _full(13, organisation="Unbekannter Verein"),
        _full(14, groups="niemand"),
        _full(15, title="", text="", fields=""),
        _full(16, key="k" * 201),
        _full(17, key="same"),
        _full(18, key="same"),
    ]
    run = run_import(process, coordinator, csv_bytes(rows, header=FULL_HEADER))
    codes = _codes(run)
    assert codes == {
        2: ["unknown_field"],
        3: ["unknown_district"],
        4: ["unknown_event"],
        5: ["event_not_held"],
        6: ["text_too_long"],
        7: ["title_too_long"],
        8: ["bad_date"],
        9: ["future_date"],
        10: ["bad_group_size"],
        11: ["bad_consent"],
        12: ["unknown_language"],
        13: ["unknown_channel"],
        14: ["unknown_organisation"],
        15: ["unknown_target_group"],
        16: ["title_missing", "text_missing", "field_missing"],
        17: ["key_too_long"],
        19: ["duplicate"],
    }
    assert run.state == RunState.CHECKED and run.rows_invalid == 17 and run.rows_valid == 1
    assert not Contribution.objects.exists()
    with translation.override("en"):
        for _line, _title, _result, errors in run.rows:
            for code, params in errors:
                assert code in ROW_ERRORS
                assert "%(" not in error_message(code, params)
        assert error_message("duplicate", {"line": 18}) == "The same row as line 18 of this file."


def test_an_invalid_row_blocks_the_whole_file(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(1), row(2, district="99"), row(3)]))
    assert run.state == RunState.CHECKED and run.rows_invalid == 1
    with pytest.raises(Conflict):
        services.import_run_request(run=run, user=coordinator)
    assert not Contribution.objects.exists()


def test_import_is_all_or_nothing_when_the_process_changed_after_the_dry_run(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(1), row(2, fields="soziales")]), execute=False)
    process.fields_of_action.filter(slug="soziales").delete()  # a row that was valid is not any more
    run = services.import_run_dispatch(run=services.import_run_request(run=run, user=coordinator))
    assert run.state == RunState.REFUSED
    assert _codes(run) == {3: ["unknown_field"]}
    assert not Contribution.objects.exists() and not ImportedRow.objects.exists()


def test_import_creates_contributions_as_analog_input(process, coordinator):
    organisation = Organisation.objects.create(name="Verein Miteinander", type=OrganisationType.MIGRANT_ORGANISATION)
    rows = [
        _full(1, size="7", groups="gefluechtete", organisation="verein miteinander", fields="bildung; Soziales"),
        _full(2, consent="nein", channel="Letter", district="Nord", language="en"),
    ]
    run = run_import(process, coordinator, csv_bytes(rows, header=FULL_HEADER))
    assert run.state == RunState.IMPORTED and run.rows_imported == 2
    first, second = Contribution.objects.filter(pk__in=[run.first_contribution, run.last_contribution]).order_by("pk")
    assert (first.channel, first.status, first.group_size, first.organisation) == (
        "workshop",
        Status.PUBLISHED,
        7,
        organisation,
    )
    assert first.original_date == datetime.date(2025, 3, 12)
    assert first.entered_by == coordinator
    assert sorted(first.fields_of_action.values_list("slug", flat=True)) == ["bildung", "soziales"]
    assert list(first.target_groups.values_list("slug", flat=True)) == ["gefluechtete"]
    assert (second.channel, second.status, second.district.name, second.language) == (
        "letter",
        Status.IN_MODERATION,
        "Nord",
        "en",
    )
    assert tally_differences(process) == []


def test_importing_the_same_file_again_doubles_nothing(process, coordinator):
    data = csv_bytes([row(1), row(2)])
    first = run_import(process, coordinator, data)
    assert first.rows_imported == 2
    again = run_import(process, coordinator, data)
    assert (again.state, again.rows_already, again.rows_valid, again.rows_imported) == (RunState.CHECKED, 2, 0, 0)
    with pytest.raises(Conflict):
        services.import_run_request(run=again, user=coordinator)
    # One new row in a longer file: only that one is imported.
    third = run_import(process, coordinator, csv_bytes([row(1), row(2), row(3)]))
    assert (third.state, third.rows_already, third.rows_imported) == (RunState.IMPORTED, 2, 1)
    assert Contribution.objects.count() == 3
    assert ImportedRow.objects.count() == 3


def test_a_run_is_imported_once(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(1)]), execute=False)
    services.import_run_request(run=run, user=coordinator)
    assert services.import_run_work(run_id=run.pk) == "imported"
    assert services.import_run_work(run_id=run.pk) == "skipped"  # the task run twice
    with pytest.raises(Conflict):
        services.import_run_request(run=run, user=coordinator)
    assert Contribution.objects.count() == 1


def test_one_audit_entry_per_import(process, coordinator):
    run = run_import(process, coordinator, csv_bytes([row(n) for n in range(5)]))
    entry = AuditEntry.objects.get(action="import_run.imported")
    assert entry.actor == coordinator
    assert entry.object_id == str(run.pk)
    assert entry.data["sha256"] == run.sha256
    assert (entry.data["rows"], entry.data["imported"], entry.data["already_imported"]) == (5, 5, 0)
    assert entry.data["contributions"] == [run.first_contribution, run.last_contribution]


def test_results_of_a_held_event(process, coordinator, personas):
    event = held_event(process)
    run = run_import(process, coordinator, csv_bytes([row(1, channel="letter"), row(2)]), event=event)
    assert run.state == RunState.IMPORTED
    made = Contribution.objects.filter(event=event)
    assert made.count() == 2
    assert set(made.values_list("channel", flat=True)) == {event.channel}
    assert set(made.values_list("original_date", flat=True)) == {timezone.localdate(event.starts_at)}
    # A paper form handed in at the event stays a paper form with its own date (as contribution_record_analog).
    run = run_import(process, coordinator, csv_bytes([row(3, channel="paper_form", date="01.02.2025")]), event=event)
    paper = Contribution.objects.get(pk=run.first_contribution)
    assert (paper.channel, paper.original_date, paper.event) == ("paper_form", datetime.date(2025, 2, 1), event)


def test_only_coordinators_import(process, personas):
    for role in ("participant", "department_staff", "evaluator", "administrator"):
        with pytest.raises(NotAllowed):
            services.import_run_create(
                user=personas[role], process=process, file_name="x.csv", data=csv_bytes([row(1)])
            )
    assert not ImportRun.objects.exists()


def test_large_files_run_through_the_task(process, coordinator, settings):
    settings.TEILHABE_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    from teilhabe.imports.tasks import import_run_work

    run = services.import_run_create(
        user=coordinator, process=process, file_name="x.csv", data=csv_bytes([row(n) for n in range(5)])
    )
    run = services.import_run_dispatch(run=run)
    assert run.state == RunState.QUEUED  # waiting for the worker
    queued = default_task_backend.results
    assert [result.task.func for result in queued] == [import_run_work.func]
    assert queued[0].args == [] and queued[0].kwargs == {"run_id": run.pk}
    assert import_run_work.call(run_id=run.pk) == "checked"
    assert import_run_work.call(run_id=run.pk) == "skipped"
    run = services.import_run_dispatch(run=services.import_run_request(run=run, user=coordinator))
    assert run.state == RunState.IMPORT_QUEUED
    assert import_run_work.call(run_id=run.pk) == "imported"
    run.refresh_from_db()
    assert run.rows_imported == 5 and Contribution.objects.count() == 5


def test_runs_whose_worker_died_are_queued_again(process, coordinator, django_capture_on_commit_callbacks):
    run = run_import(process, coordinator, csv_bytes([row(1)]), execute=False)
    ImportRun.objects.filter(pk=run.pk).update(state=RunState.IMPORTING)  # a worker took it, then died
    assert services.import_runs_recover() == 0  # still beating
    later = timezone.now() + services.STALE_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_runs_recover(now=later) == 1
    run.refresh_from_db()
    assert run.state == RunState.IMPORTED and Contribution.objects.count() == 1  # the task ran (immediate backend)
    assert AuditEntry.objects.filter(action="import_run.requeued", object_id=str(run.pk)).exists()
    assert services.import_runs_recover(now=later) == 0


def test_an_xlsx_workbook_is_imported(process, coordinator):
    from teilhabe.imports.tests.conftest import xlsx_bytes

    data = xlsx_bytes([["Titel A", "Text A", "bildung", 2, "Infostand", datetime.datetime(2025, 5, 6), "x"]])
    run = run_import(process, coordinator, data, name="ergebnisse.xlsx")
    assert (run.file_format, run.state, run.rows_imported) == ("xlsx", RunState.IMPORTED, 1)
    made = Contribution.objects.get()
    assert (made.channel, made.district.number, made.original_date, made.status) == (
        "info_stand",
        2,
        datetime.date(2025, 5, 6),
        Status.PUBLISHED,
    )
