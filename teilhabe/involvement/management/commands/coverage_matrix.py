import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from teilhabe.involvement.exports import WRITERS, matrix_write
from teilhabe.involvement.selectors import BY_CHOICES, coverage_matrix
from teilhabe.processes.models import Process


class Command(BaseCommand):
    help = (
        "Writes a process's coverage matrix — organisation type × field of action or × district, with the "
        "organisations registered, invited and taking part, gaps marked — as XLSX, ODS or CSV (counts only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--process", required=True, help="the process's slug")
        parser.add_argument("--by", required=True, help="field or district")
        parser.add_argument("--format", required=True, help="xlsx, ods or csv")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"language of the headings and labels (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, process, by, format, output, language, **options):
        if by not in BY_CHOICES:
            raise CommandError(f"Unknown --by {by!r}: choose one of {', '.join(BY_CHOICES)}.")
        if format not in WRITERS:
            raise CommandError(f"Unknown format {format!r}: choose one of {', '.join(WRITERS)}.")
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        found = Process.objects.filter(slug=process).select_related("city").first()
        if found is None:
            raise CommandError(f"No process with the slug {process!r}.")
        started = time.monotonic()
        with translation.override(language):
            matrix = coverage_matrix(found, by=by)
            try:
                with open(output, "wb") as out:
                    matrix_write(matrix, format=format, out=out)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error}") from error
        registered, invited, taking_part = matrix.total.counts
        self.stdout.write(
            f"Wrote the coverage matrix by {by} to {output} ({format}): {registered} organisation(s) registered, "
            f"{invited} invited, {taking_part} taking part, in {time.monotonic() - started:.1f} s."
        )
