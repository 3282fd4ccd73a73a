import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.plan.documents import FORMATS, plan_document
from teilhabe.plan.selectors import version_get
from teilhabe.processes.models import Process


class Command(BaseCommand):
    help = (
        "Writes a version of a process's plan as a tagged PDF, or its measures as XLSX, ODS or CSV (any version, "
        "the working draft included): "
        "plan_export --process SLUG --version N --format pdf|xlsx|ods|csv --output FILE [--language de]."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # ``--version`` is the plan version's number here, not Django's version: the later option replaces it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--process", required=True, help="the process's slug")
        parser.add_argument("--version", required=True, help="the version's number (1, 2, …)")
        parser.add_argument("--format", required=True, help="pdf, xlsx, ods or csv")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"language of the texts, headings and labels (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, process, version, format, output, language, **options):
        if format not in FORMATS:
            raise CommandError(f"Unknown format {format!r}: choose one of {', '.join(FORMATS)}.")
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        found = Process.objects.filter(slug=process).first()
        if found is None:
            raise CommandError(f"No process with the slug {process!r}.")
        number = version
        version = version_get(found, number)
        if version is None or str(version.number) != str(number).strip():
            raise CommandError(f"The process {process!r} has no plan version {number!r}.")
        version.process = found
        started = time.monotonic()
        data = plan_document(version, format, language)
        try:
            with open(output, "wb") as out:
                out.write(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(
            f"Wrote version {version.number} of the plan of {found.slug} ({format}, {language}, {len(data):,} bytes) "
            f"to {output} in {time.monotonic() - started:.1f} s."
        )
