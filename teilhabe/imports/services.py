"""Imports of workshop results: upload, dry run, import all or nothing, report. Keyword-only, audited.

A run goes queued → checking → checked (the dry run: nothing is written but the run and its report) →
import_queued → importing → imported, or refused when the check before the import finds invalid rows (nothing is
imported). Files of more than ``TEILHABE_IMPORT_BACKGROUND_ROWS`` rows are checked and imported by the task
``imports.tasks.import_run_work``; each step is claimed with a conditional update, so a task that runs twice
does the work once.
"""

import csv
import datetime
import hashlib
import io
import logging

import rules
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.contributions.services import contributions_record_analog_bulk
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.services import audit_record
from teilhabe.events.services import events_changed
from teilhabe.imports.checking import RowChecker
from teilhabe.imports.columns import RESULTS, error_message
from teilhabe.imports.models import ImportedRow, ImportRun, RunState
from teilhabe.imports.parsing import ImportFileError, encoding_name, max_rows, spreadsheet_open, spreadsheet_read

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000  # rows between two progress updates
BATCH = 5000  # contributions per insert (and per move of the tallies)


def background_rows() -> int:
    return settings.TEILHABE_IMPORT_BACKGROUND_ROWS


def _require(user, process) -> None:
    if not rules.has_perm("imports.import_contributions", user, process):
        raise NotAllowed()


def _progress_key(run_id: int, what: str = "imported") -> str:
    return f"imports:progress:{run_id}:{what}"


def import_progress(run: ImportRun) -> tuple[int, int]:
    """Rows checked and rows imported so far. While an import's transaction is open its writes are invisible to
    others, so it notes its progress in the (shared) cache; afterwards the run holds the figures."""
    if run.state == RunState.IMPORTING:
        found = cache.get_many([_progress_key(run.pk, "checked"), _progress_key(run.pk)])
        return found.get(_progress_key(run.pk, "checked"), 0), found.get(_progress_key(run.pk), 0)
    return run.rows_checked, run.rows_imported


@transaction.atomic
def import_run_create(*, user, process, file_name: str, data: bytes, event=None) -> ImportRun:
    """Take an uploaded file: read its header (a file that cannot be read is refused with the reason), count its
    rows, keep it privately with its SHA-256 and queue its dry run. Call ``import_run_dispatch`` afterwards."""
    _require(user, process)
    if event is not None and event.process_id != process.pk:
        raise NotFound(_("This event belongs to another process."))
    sheet = spreadsheet_read(data)
    total = sheet.count_rows()
    if not total:
        raise ImportFileError(_("The file has no rows below its header."))
    if total > max_rows():
        raise ImportFileError(
            _("The file has %(count)s rows; at most %(max)s are imported at once. Please split it.")
            % {"count": total, "max": max_rows()}
        )
    notices = []
    if sheet.encoding not in ("", "utf-8"):
        notices.append(["encoding", {"encoding": encoding_name(sheet.encoding)}])
    if sheet.unknown:
        notices.append(["ignored_columns", {"columns": ", ".join(sheet.unknown)}])
    digest = hashlib.sha256(data).hexdigest()
    run = ImportRun(
        process=process,
        requested_by=user,
        event=event,
        file_name=(file_name or "import")[-200:],
        file_format=sheet.file_format,
        sha256=digest,
        encoding=sheet.encoding,
        delimiter=sheet.delimiter,
        rows_total=total,
        notices=notices,
    )
    run.file.save(f"{digest[:16]}.{sheet.file_format}", ContentFile(data), save=False)
    run.save()
    return run


def import_run_dispatch(*, run: ImportRun) -> ImportRun:
    """Do the run's next step now (a small file) or in the background (more than a few hundred rows)."""
    if run.rows_total > background_rows():
        from teilhabe.imports.tasks import import_run_work as task

        task.enqueue(run_id=run.pk)
    else:
        import_run_work(run_id=run.pk)
    run.refresh_from_db()
    return run


def import_run_request(*, run: ImportRun, user, unchecked: bool = False) -> ImportRun:
    """Ask for the import of a checked run without invalid rows; the import runs as ``import_run_dispatch`` says.

    ``unchecked``: import a run that has not been checked yet (the command without ``--dry-run``): the import
    checks every row anyway and imports nothing when one is invalid; it saves reading the file twice."""
    _require(user, run.process)
    ready = ImportRun.objects.filter(pk=run.pk, state=RunState.CHECKED, rows_invalid=0, rows_valid__gt=0)
    if unchecked:
        ready = ready | ImportRun.objects.filter(pk=run.pk, state=RunState.QUEUED)
    claimed = ready.update(state=RunState.IMPORT_QUEUED, imported_by=user, updated_at=timezone.now())
    if not claimed:
        run.refresh_from_db()
        if run.rows_invalid:
            raise Conflict(_("Rows of this file have errors: nothing can be imported. Please correct the file."))
        if run.state == RunState.CHECKED:
            raise Conflict(_("Every row of this file has been imported before: there is nothing to import."))
        raise Conflict(_("This file is being imported or has been imported already."))
    run.refresh_from_db()
    return run


def import_run_work(*, run_id: int) -> str:
    """The next step of a run, claimed first (a second call finds nothing to claim and returns "skipped")."""
    if ImportRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.CHECKING, rows_checked=0, updated_at=timezone.now()
    ):
        step, done = _check, RunState.CHECKED
    elif ImportRun.objects.filter(pk=run_id, state=RunState.IMPORT_QUEUED).update(
        state=RunState.IMPORTING, rows_checked=0, updated_at=timezone.now()
    ):
        step, done = _import, RunState.IMPORTED
    else:
        return "skipped"
    run = ImportRun.objects.select_related("process", "event", "requested_by", "imported_by").get(pk=run_id)
    try:
        return step(run)
    except Exception:
        logger.exception("Import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).exclude(state=done).update(state=RunState.FAILED, updated_at=timezone.now())
        return "failed"


def _stored_sheet(run: ImportRun):
    return spreadsheet_open(
        lambda: run.file.open("rb"), file_format=run.file_format, encoding=run.encoding, delimiter=run.delimiter
    )


def _results(run: ImportRun, checker: RowChecker) -> tuple[list, dict]:
    """Check every row, noting the progress; returns the stored results and the counts."""
    sheet = _stored_sheet(run)
    stored, counts = [], {"valid": 0, "invalid": 0, "already": 0}
    for result in checker.check(sheet.rows()):
        stored.append(result.stored())
        counts[result.result] += 1
        if len(stored) % PROGRESS_EVERY == 0:
            ImportRun.objects.filter(pk=run.pk).update(rows_checked=len(stored), updated_at=timezone.now())
    return stored, counts


def _check(run: ImportRun) -> str:
    """The dry run: every row with its errors; nothing is written but the run."""
    stored, counts = _results(run, RowChecker(run.process, default_event=run.event))
    ImportRun.objects.filter(pk=run.pk).update(
        state=RunState.CHECKED,
        rows=stored,
        rows_total=len(stored),
        rows_checked=len(stored),
        rows_valid=counts["valid"],
        rows_invalid=counts["invalid"],
        rows_already=counts["already"],
        checked_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return "checked"


def _imported_rows_insert(run: ImportRun, keys: list[str], ids: list[int]) -> None:
    """The imported rows' keys (``ImportedRow``), a batch at a time in one ``executemany`` each: ``bulk_create``
    would make and prepare a model instance per row."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(ImportedRow._meta.get_field(name).column) for name in ("process", "key", "contribution", "run")
    )
    sql = f"INSERT INTO {quote(ImportedRow._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            cursor.executemany(
                sql,
                [
                    (run.process_id, key, pk, run.pk)
                    for key, pk in zip(keys[start : start + BATCH], ids[start : start + BATCH], strict=True)
                ],
            )


class _InvalidRows(Exception):
    """Raised after the last row when a row was invalid: the import's transaction is rolled back."""


def _import(run: ImportRun) -> str:
    """Check every row again (the process may have changed since the dry run) while handing the valid new ones to
    ``contributions_record_analog_bulk`` in one transaction; one invalid row and nothing is imported. One pass over
    the file: the bulk service inserts only after it has taken the last row, and an invalid row ends the pass
    with ``_InvalidRows``."""
    user = run.imported_by or run.requested_by
    sheet = _stored_sheet(run)
    stored, counts, keys, event_ids = [], {"valid": 0, "invalid": 0, "already": 0}, [], set()

    def prepared_rows():
        for result in RowChecker(run.process, default_event=run.event).check(sheet.rows()):
            stored.append(result.stored())
            counts[result.result] += 1
            if len(stored) % PROGRESS_EVERY == 0:  # the transaction hides the run's own row until it commits
                cache.set(_progress_key(run.pk, "checked"), len(stored), 3600)
            if result.result == "valid" and not counts["invalid"]:
                keys.append(result.key)
                if result.prepared["event"] is not None:
                    event_ids.add(result.prepared["event"].pk)
                yield result.prepared
        if counts["invalid"]:
            raise _InvalidRows()

    def progress(done: int) -> None:
        cache.set(_progress_key(run.pk), done, 3600)

    def checked() -> dict:
        return {
            "rows": stored,
            "rows_total": len(stored),
            "rows_checked": len(stored),
            "rows_valid": counts["valid"],
            "rows_invalid": counts["invalid"],
            "rows_already": counts["already"],
            "checked_at": timezone.now(),
            "updated_at": timezone.now(),
        }

    try:
        with transaction.atomic():
            ids = contributions_record_analog_bulk(
                process=run.process, user=user, rows=prepared_rows(), batch_size=BATCH, progress=progress
            )
            _imported_rows_insert(run, keys, ids)
            for row in stored:
                if row[2] == "valid":
                    row[2] = "imported"
            ImportRun.objects.filter(pk=run.pk).update(
                state=RunState.IMPORTED,
                rows_imported=len(ids),
                first_contribution=min(ids) if ids else None,
                last_contribution=max(ids) if ids else None,
                imported_at=timezone.now(),
                **checked(),
            )
            audit_record(
                actor=user,
                action="import_run.imported",
                obj=run,
                data={
                    "process": run.process_id,
                    "file": run.file_name,
                    "sha256": run.sha256,
                    "rows": len(stored),
                    "imported": len(ids),
                    "already_imported": counts["already"],
                    "contributions": [min(ids), max(ids)] if ids else None,
                    "events": sorted(event_ids),
                },
            )
            if event_ids:
                events_changed(process_id=run.process_id, event_ids=event_ids)
    except _InvalidRows:
        ImportRun.objects.filter(pk=run.pk).update(state=RunState.REFUSED, **checked())
        return "refused"
    except IntegrityError:
        # The same rows imported by another run at the same moment: nothing of this one was written.
        ImportRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, notices=[*run.notices, ["concurrent", {}]], updated_at=timezone.now()
        )
        return "failed"
    except ApplicationError as error:
        # The bulk service refused a row the check let through (the data changed meanwhile): nothing was written.
        ImportRun.objects.filter(pk=run.pk).update(
            state=RunState.REFUSED,
            notices=[*run.notices, ["not_saved", {"message": str(error.message)}]],
            **checked(),
        )
        return "refused"
    finally:
        cache.delete_many([_progress_key(run.pk), _progress_key(run.pk, "checked")])
    return "imported"


STALE_AFTER = datetime.timedelta(minutes=15)  # no progress for this long: the worker doing it is gone


def import_runs_recover(*, now=None) -> int:
    """Queue again the runs whose worker died while checking or importing (no heartbeat for ``STALE_AFTER``) or
    whose task never reached the queue; a housekeeping job. Nothing of an import is written before its commit, so
    a run taken back is checked or imported from the start. Each is taken back with a conditional update on its
    last heartbeat, and the task claims it again, so two runs at once do the work once. Returns how many."""
    from teilhabe.imports.tasks import import_run_work as task

    now = now or timezone.now()
    back = {
        RunState.QUEUED: RunState.QUEUED,
        RunState.CHECKING: RunState.QUEUED,
        RunState.IMPORT_QUEUED: RunState.IMPORT_QUEUED,
        RunState.IMPORTING: RunState.IMPORT_QUEUED,
    }
    stale = ImportRun.objects.filter(state__in=list(back), updated_at__lt=now - STALE_AFTER)
    requeued = 0
    for pk, state, beat in stale.values_list("pk", "state", "updated_at"):
        if ImportRun.objects.filter(pk=pk, state=state, updated_at=beat).update(state=back[state], updated_at=now):
            audit_record(actor=None, action="import_run.requeued", obj=ImportRun(pk=pk), data={"state": state})
            transaction.on_commit(lambda pk=pk: task.enqueue(run_id=pk), robust=True)
            requeued += 1
    return requeued


def import_report_csv(run: ImportRun) -> str:
    """The run's report as CSV, in the active language: line, title, result, errors."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Line"), _("Title"), _("Result"), _("Errors")])
    for line, title, result, errors in run.rows:
        writer.writerow(
            [
                line,
                title,
                str(RESULTS.get(result, result)),
                " ".join(error_message(code, params) for code, params in errors),
            ]
        )
    return out.getvalue()
