"""The demo's monitoring (issue 15): the population baselines of Hannover (shares with a migration background where
the city published one, teilhabe/profiles/data/README.md) and 240 fictional voluntary self-descriptions, online
and from paper forms, so that the dashboards compare something. The answers are drawn with a fixed seed to look
like a process that reaches the inner city and young people better than the outskirts and the old; they are
invented, not measured. Events add their composition counts of their own (teilhabe/demo/events.py)."""

import random
from pathlib import Path

from django.db import transaction

from teilhabe.contributions.models import Language
from teilhabe.places.models import District
from teilhabe.profiles.models import PopulationBaseline, SelfDescription, Source
from teilhabe.profiles.services import baselines_load, self_description_create

BASELINES = Path(__file__).resolve().parents[1] / "profiles" / "data" / "hannover_baselines.csv"
BASELINE_SOURCE = (
    "Landeshauptstadt Hannover, Statistik: Bevölkerung mit Migrationshintergrund nach Stadtbezirken (2019) "
    "und in der Stadt (2016)"
)
SELF_DESCRIPTIONS = 240
AGE_WEIGHTS = {"under_18": 4, "18_29": 30, "30_44": 34, "45_64": 22, "65_plus": 10}
GENDER_WEIGHTS = {"female": 52, "male": 44, "diverse": 2, "": 2}
MIGRATION_WEIGHTS = {"own": 38, "family": 14, "none": 40, "": 8}
LANGUAGE_WEIGHTS = {"de": 70, "tr": 10, "ar": 9, "pl": 3, "ru": 4, "fa": 3, "uk": 4, "en": 6}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@transaction.atomic
def demo_monitoring(process, personas) -> None:
    city = process.city
    if not PopulationBaseline.objects.filter(city=city).exists():
        baselines_load(
            actor=personas["coordinator"],
            city=city,
            path=BASELINES,
            source=BASELINE_SOURCE,
            city_share="0.293",
            city_year=2016,
        )
    if SelfDescription.objects.filter(process=process).exists():
        return
    rng = random.Random(15)  # noqa: S311 — fictional demo answers, reproducible
    districts = list(District.objects.filter(city=city).order_by("number"))
    # Inner districts (low numbers) answer more often than the outskirts.
    district_weights = [max(1, 16 - district.number) for district in districts]
    groups = list(process.target_groups.all())
    for number in range(SELF_DESCRIPTIONS):
        languages = {_pick(rng, LANGUAGE_WEIGHTS) for _ in range(rng.choice((1, 1, 2)))}
        self_description_create(
            process=process,
            source=Source.PAPER_FORM if number % 4 == 0 else Source.ONLINE,
            age_band=_pick(rng, AGE_WEIGHTS),
            gender=_pick(rng, GENDER_WEIGHTS),
            district=rng.choices(districts, weights=district_weights)[0] if rng.random() < 0.9 else None,
            migration_experience=_pick(rng, MIGRATION_WEIGHTS),
            languages=[language for language in languages if language in Language.values],
            target_groups=[group for group in groups if rng.random() < 0.15],
        )
