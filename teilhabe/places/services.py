"""Writes for geography: loading a city from its data file."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from teilhabe.core.cache_versions import content_version_bump
from teilhabe.places.models import City, District, Neighbourhood

DATA_DIR = Path(__file__).resolve().parent / "data"
HANNOVER_CSV = DATA_DIR / "hannover_stadtteile.csv"
HANNOVER_SOURCE = (
    "Landeshauptstadt Hannover (Stadtteile/Stadtbezirke); Bevölkerungsprognose Region Hannover "
    "2025–2035, Tabelle 7 (Bevölkerung 31.12.2024)"
)


@transaction.atomic
def city_load_from_csv(
    *,
    name: str,
    slug: str,
    path: Path = HANNOVER_CSV,
    population_date=datetime.date(2024, 12, 31),
    source: str = HANNOVER_SOURCE,
) -> City:
    """Create or update a city with its districts and neighbourhoods; safe to run again."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Population is given per forecast unit, which may span neighbourhoods: count each unit once.
    unit_population: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (int(row["stadtbezirk_nr"]), row["prognosebezirk_id"])
        unit_population[key] = int(row["prognosebezirk_pop_31_12_2024"])
    district_population: dict[int, int] = {}
    for (district_number, _unit), population in unit_population.items():
        district_population[district_number] = district_population.get(district_number, 0) + population

    city, _ = City.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "population": sum(district_population.values()),
            "population_date": population_date,
            "population_source": source,
        },
    )
    districts: dict[int, District] = {}
    for row in rows:
        number = int(row["stadtbezirk_nr"])
        if number not in districts:
            districts[number], _ = District.objects.update_or_create(
                city=city,
                number=number,
                defaults={"name": row["stadtbezirk"], "population": district_population[number]},
            )
        Neighbourhood.objects.update_or_create(
            district=districts[number], number=int(row["stadtteil_nr"]), defaults={"name": row["stadtteil"]}
        )
    content_version_bump()  # cached district lists and pages naming them
    return city
