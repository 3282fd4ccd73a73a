import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.competitions.documents import FORMATS, call_summary_document
from teilhabe.competitions.models import Call


class Command(BaseCommand):
    help = (
        "Writes a call's summary for the council committee (applications, eligibility, the jury's results with spread "
        "and recusals, the recommendation, the budget) as a tagged PDF, XLSX or ODS: "
        "call_summary --call ID --format pdf|xlsx|ods --output FILE [--language de]."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="the call's id")
        parser.add_argument("--format", required=True, help="pdf, xlsx or ods")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="language of headings and labels")

    def handle(self, *args, call, format, output, language, **options):
        if format not in FORMATS:
            raise CommandError(f"Unknown format {format!r}: choose one of {', '.join(FORMATS)}.")
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        found = Call.objects.select_related("process", "fund").filter(pk=int(call) if call.isdigit() else None).first()
        if found is None:
            raise CommandError(f"No call with the id {call!r}.")
        started = time.monotonic()
        data = call_summary_document(found, format, language)
        try:
            with open(output, "wb") as out:
                out.write(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(
            f"Wrote the summary of call {found.pk} ({format}, {language}, {len(data):,} bytes) to {output} "
            f"in {time.monotonic() - started:.1f} s."
        )
