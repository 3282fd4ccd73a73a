"""Writes of self-descriptions and baselines (docs/representativeness.md).

A self-description is written without an audit entry on purpose: the audit log names its actor and the time to
the second, which would tie the answers to the person who just contributed or registered (or to the coordinator
entering that person's paper form). Nothing else is stored that could: see ``models.SelfDescription``.
"""

import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.contributions.models import Language
from teilhabe.core.errors import ApplicationError
from teilhabe.core.services import audit_record
from teilhabe.events.models import AgeBand
from teilhabe.places.models import City, District
from teilhabe.processes.models import Process, TargetGroup
from teilhabe.profiles.models import (
    BaselineDimension,
    Gender,
    MigrationExperience,
    PopulationBaseline,
    SelfDescribedLanguage,
    SelfDescription,
    Source,
)


def _month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(day=1)


def self_description_create(
    *,
    process: Process,
    source: str,
    age_band: str = "",
    gender: str = "",
    district: District | None = None,
    migration_experience: str = "",
    languages: Iterable[str] = (),
    target_groups: Iterable[TargetGroup] = (),
) -> SelfDescription | None:
    """Store one voluntary self-description; an entirely empty one (everything left out) is not stored (None)."""
    errors = {}
    if source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    for field, value, choices in (
        ("age_band", age_band, AgeBand.values),
        ("gender", gender, Gender.values),
        ("migration_experience", migration_experience, MigrationExperience.values),
    ):
        if value and value not in choices:
            errors[field] = [_("Choose one of the answers offered.")]
    languages = sorted(set(languages))
    if any(language not in Language.values for language in languages):
        errors["languages"] = [_("Choose languages from the list.")]
    if district is not None and district.city_id != process.city_id:
        errors["district"] = [_("Choose a district of this city.")]
    target_groups = list(target_groups)
    if any(group.process_id != process.pk for group in target_groups):
        errors["target_groups"] = [_("Choose target groups of this process.")]
    if errors:
        raise ApplicationError(_("Please check the self-description."), field_errors=errors)
    if not (age_band or gender or district or migration_experience or languages or target_groups):
        return None
    with transaction.atomic():
        description = SelfDescription.objects.create(
            process=process,
            source=source,
            month=_month(),
            age_band=age_band,
            gender=gender,
            district=district,
            migration_experience=migration_experience,
        )
        SelfDescribedLanguage.objects.bulk_create(
            SelfDescribedLanguage(description=description, language=language) for language in languages
        )
        if target_groups:
            description.target_groups.set(target_groups)
    return description


BASELINE_COLUMNS = ("stadtbezirk_nr", "stadtbezirk", "migration_background_share", "migration_background_year")


def baselines_load(*, actor, city: City, path: Path, source: str, city_share: str = "", city_year: int = 0) -> int:
    """Load the population baselines of ``city`` from a CSV (columns ``BASELINE_COLUMNS``; an empty share is
    unknown and gets no row), replacing the city's earlier ones. ``city_share``: the city-wide share with
    migration background, if known. Returns how many baselines were stored. Audited."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            share = (row.get("migration_background_share") or "").strip()
            if not share:
                continue
            try:
                district = District.objects.get(city=city, number=int(row["stadtbezirk_nr"]))
                value = Decimal(share)
                year = int(row["migration_background_year"])
            except (District.DoesNotExist, ValueError, KeyError, InvalidOperation):
                raise ApplicationError(_("Line %(line)s of the baselines cannot be read.") % {"line": line})
            rows.append((district, value, year))
    if city_share:
        rows.append((None, Decimal(city_share), city_year))
    with transaction.atomic():
        PopulationBaseline.objects.filter(city=city).delete()
        PopulationBaseline.objects.bulk_create(
            PopulationBaseline(
                city=city,
                district=district,
                dimension=BaselineDimension.MIGRATION_EXPERIENCE,
                value="own_or_family",
                share=share,
                year=year,
                source=source,
            )
            for district, share, year in rows
        )
        audit_record(actor=actor, action="baselines.loaded", obj=city, data={"baselines": len(rows)})
    return len(rows)
