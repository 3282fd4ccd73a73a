import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core.errors import ApplicationError
from teilhabe.events.models import Event
from teilhabe.imports import services
from teilhabe.imports.columns import error_message, notice_message, template_csv
from teilhabe.imports.models import RunState
from teilhabe.processes.models import Process, ProcessRole

EXIT_INVALID_ROWS = 1
EXIT_BAD_FILE = 2


class Command(BaseCommand):
    help = (
        "Imports workshop results from a CSV or XLSX file into a process, all or nothing (docs/imports.md): every "
        "row is checked first; with --dry-run nothing is imported. Rows imported before (same key) are skipped. "
        "Exit code 1 when any row is invalid, 2 when the file cannot be read. --template de|en writes the template "
        "(CSV: header and one example row) to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        parser.add_argument("--process", help="the process's slug")
        parser.add_argument("--event", type=int, help="id of the held event whose results rows without one are")
        parser.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
        parser.add_argument("--template", choices=["de", "en"], help="write the template in this language and stop")
        parser.add_argument(
            "--user", help="e-mail address of the coordinator entering the rows (default: the only coordinator)"
        )

    def handle(self, *args, file, process, event, dry_run, template, user, **options):
        if template:
            self.stdout.write(template_csv(template), ending="")
            return
        if not file or not process:
            raise CommandError("Give the FILE and --process SLUG (or --template de|en).")
        found = Process.objects.filter(slug=process).select_related("city").first()
        if found is None:
            raise CommandError(f"No process with the slug {process!r}.")
        actor = self._actor(found, user)
        default_event = None
        if event is not None:
            default_event = Event.objects.filter(pk=event, process=found).first()
            if default_event is None:
                raise CommandError(f"No event {event} in the process {process!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}", returncode=EXIT_BAD_FILE) from error
        started = time.monotonic()
        try:
            run = services.import_run_create(
                user=actor, process=found, file_name=Path(file).name, data=data, event=default_event
            )
        except ApplicationError as error:
            raise CommandError(str(error.message), returncode=EXIT_BAD_FILE) from error
        for code, params in run.notices:
            self.stderr.write(notice_message(code, params))
        if not dry_run:  # the import checks every row itself, and imports nothing when one is invalid
            services.import_run_request(run=run, user=actor, unchecked=True)
        services.import_run_work(run_id=run.pk)
        run.refresh_from_db()
        for line, _title, result, errors in run.rows:
            if result == "invalid":
                messages = " ".join(error_message(code, params) for code, params in errors)
                self.stderr.write(f"line {line}: {messages}")
        if run.state == RunState.FAILED:
            raise CommandError(f"The import failed (import run {run.pk}); nothing was imported.")
        self.stdout.write(
            f"import run {run.pk}: rows: {run.rows_total}, valid: {run.rows_valid}, invalid: {run.rows_invalid}, "
            f"imported: {run.rows_imported}, already imported: {run.rows_already} "
            f"({'dry run, ' if dry_run else ''}{time.monotonic() - started:.1f} s)"
        )
        if run.rows_invalid:
            sys.exit(EXIT_INVALID_ROWS)

    def _actor(self, process, email):
        coordinators = process.memberships.filter(role=ProcessRole.COORDINATOR).select_related("user")
        if email:
            coordinators = coordinators.filter(user__email__iexact=email)
        found = [membership.user for membership in coordinators[:2]]
        if len(found) != 1:
            raise CommandError(
                f"No coordinator of {process.slug!r} with the address {email!r}."
                if email
                else f"The process {process.slug!r} has {'no' if not found else 'several'} coordinators: "
                "name one with --user EMAIL."
            )
        return found[0]
