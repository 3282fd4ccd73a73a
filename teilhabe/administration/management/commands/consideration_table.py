import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.administration.consideration import (
    WRITERS,
    ConsiderationFilters,
    consideration_queryset,
    consideration_table_write,
    pdf_max_rows,
    pdf_refusal,
)
from teilhabe.processes.models import Process


class Command(BaseCommand):
    help = (
        "Writes the consideration table (Abwägungstabelle) of a process — every answerable contribution with its "
        "statement and decision — as XLSX, ODS, CSV or PDF. Contributions without consent to publication appear "
        "with their title and text withheld."
    )

    def add_arguments(self, parser):
        parser.add_argument("--process", required=True, help="the process's slug")
        parser.add_argument("--format", required=True, help="xlsx, ods, csv or pdf")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"language of the headings and labels (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, process, format, output, language, **options):
        if format not in WRITERS:
            raise CommandError(f"Unknown format {format!r}: choose one of {', '.join(WRITERS)}.")
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        found = Process.objects.filter(slug=process).select_related("city").first()
        if found is None:
            raise CommandError(f"No process with the slug {process!r}.")
        started = time.monotonic()
        rows = consideration_queryset(found, ConsiderationFilters()).count()
        if format == "pdf" and pdf_refusal(rows):
            raise CommandError(
                f"The table has {rows} rows; a PDF holds at most {pdf_max_rows()} "
                "(TEILHABE_CONSIDERATION_PDF_MAX_ROWS). Choose xlsx, ods or csv."
            )
        try:
            with open(output, "wb") as out:
                consideration_table_write(process=found, format=format, out=out, language=language)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(f"Wrote {rows} row(s) to {output} ({format}) in {time.monotonic() - started:.1f} s.")
