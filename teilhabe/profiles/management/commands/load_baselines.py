from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core.errors import ApplicationError
from teilhabe.places.models import City
from teilhabe.profiles.services import BASELINE_COLUMNS, baselines_load


class Command(BaseCommand):
    help = (
        "Loads a city's population baselines (share with a migration background per district; an empty share is "
        "unknown) from a CSV with the columns " + ", ".join(BASELINE_COLUMNS) + ", replacing the city's earlier ones: "
        "load_baselines --city SLUG --file CSV --source TEXT [--city-share 0.293 --city-year 2016]. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's short name (slug)")
        parser.add_argument("--file", required=True, help="the CSV file")
        parser.add_argument("--source", required=True, help="where the figures come from (shown with them)")
        parser.add_argument("--city-share", default="", help="the city-wide share with a migration background, 0–1")
        parser.add_argument("--city-year", type=int, default=0, help="the year of the city-wide share")

    def handle(self, *args, city, file, source, city_share, city_year, **options):
        found = City.objects.filter(slug=city).first()
        if found is None:
            raise CommandError(f"No city with the short name {city!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file!r}.")
        if city_share:
            try:
                share = Decimal(city_share)
            except InvalidOperation:
                share = Decimal(-1)
            if not 0 <= share <= 1 or not city_year:
                raise CommandError("--city-share is a fraction from 0 to 1 and needs --city-year.")
        try:
            count = baselines_load(
                actor=None, city=found, path=path, source=source, city_share=city_share, city_year=city_year
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"Loaded {count} baselines for {found.name}.")
