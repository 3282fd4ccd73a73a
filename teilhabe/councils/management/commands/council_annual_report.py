import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.councils.models import DistrictSpace
from teilhabe.councils.report import render_annual_report


class Command(BaseCommand):
    help = (
        "Writes the annual report of a district integration council as a tagged PDF: "
        "council_annual_report --district NUMBER --year YYYY --output FILE.pdf [--city SLUG] [--language de]."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's number (1, 2, …)")
        parser.add_argument("--year", required=True, help="the year, for example 2027")
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--city", help="the city's short name (needed when there is more than one city)")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"language of the headings and labels (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, district, year, output, city, language, **options):
        if not district.isdigit() or not 0 < int(district) < 1000:
            raise CommandError(f"The district number must be a number, not {district!r}.")
        if not (year.isdigit() and len(year) == 4):
            raise CommandError(f"The year must be four digits, not {year!r}.")
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        spaces = DistrictSpace.objects.filter(district__number=int(district)).select_related("district__city")
        if city:
            spaces = spaces.filter(district__city__slug=city)
        found = list(spaces[:2])
        if not found:
            raise CommandError(f"No district integration council for district {district}.")
        if len(found) > 1:
            raise CommandError("Several cities have this district number: name the city with --city.")
        space = found[0]
        started = time.monotonic()
        data = render_annual_report(space, int(year), language)
        try:
            with open(output, "wb") as out:
                out.write(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(
            f"Wrote the annual report {year} of {space.name} ({language}, {len(data):,} bytes) to {output} "
            f"in {time.monotonic() - started:.1f} s."
        )
