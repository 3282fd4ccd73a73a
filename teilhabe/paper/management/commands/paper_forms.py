"""python manage.py paper_forms --process SLUG --language LANG --count N --output FILE.pdf

Records a print run (forms with serial numbers, or ``--kind poster``) and writes its PDF to FILE.pdf; the file is
also kept with the run, so coordinators can download it again on the process's paper forms page.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.accounts.models import User
from teilhabe.core.errors import ApplicationError
from teilhabe.events.models import Event
from teilhabe.paper.models import COUNT_MAX, PrintKind, PrintState
from teilhabe.paper.serials import serial_format
from teilhabe.paper.services import print_run_create, print_run_make
from teilhabe.processes.models import Process


class Command(BaseCommand):
    help = "Print participation forms with serial numbers (or posters) of a process as one PDF, and record the run."

    def add_arguments(self, parser):
        parser.add_argument("--process", required=True, help="the process's short name (slug)")
        parser.add_argument("--language", required=True, help="one of: " + ", ".join(c for c, _n in settings.LANGUAGES))
        parser.add_argument("--count", required=True, type=int, help=f"number of sheets, 1 to {COUNT_MAX}")
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--kind", default=PrintKind.FORM, choices=PrintKind.values)
        parser.add_argument("--event", type=int, help="id of an event of the process the sheets are for")
        parser.add_argument("--place", default="", help='where the sheets are used, e.g. "Infostand Marktkirche"')
        parser.add_argument("--user", help="e-mail address of the coordinator printing (recorded with the run)")

    def handle(self, *args, **options):
        process = Process.objects.select_related("city").filter(slug=options["process"]).first()
        if process is None:
            raise CommandError(f"Unknown process: {options['process']!r}.")
        codes = [code for code, _name in settings.LANGUAGES]
        if options["language"] not in codes:
            raise CommandError(f"Unknown language: {options['language']!r}; one of {', '.join(codes)}.")
        if not 1 <= options["count"] <= COUNT_MAX:
            raise CommandError(f"--count must be from 1 to {COUNT_MAX}, not {options['count']}.")
        event = None
        if options["event"] is not None:
            event = Event.objects.filter(pk=options["event"], process=process).first()
            if event is None:
                raise CommandError(f"No event {options['event']} in process {process.slug!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user: {options['user']!r}.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The directory of {str(output)!r} does not exist.")
        try:
            run = print_run_create(
                user=user,
                process=process,
                kind=options["kind"],
                language=options["language"],
                count=options["count"],
                event=event,
                place=options["place"],
                enqueue=False,
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        print_run_make(run_id=run.pk)
        run.refresh_from_db()
        if run.state != PrintState.DONE:
            raise CommandError(f"The PDF of print run {run.pk} could not be made (see the log).")
        with run.file.open("rb") as source:
            output.write_bytes(source.read())
        serials = ""
        if run.kind == PrintKind.FORM:
            first = serial_format(process_id=process.pk, number=run.first_number)
            last = serial_format(process_id=process.pk, number=run.last_number)
            serials = f", serials {first} to {last}"
        done = f"Print run {run.pk}: {run.count} × {run.kind} in {run.language}{serials}; written to {output}"
        self.stdout.write(done)
