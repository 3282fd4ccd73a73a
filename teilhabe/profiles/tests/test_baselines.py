from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from teilhabe.core.models import AuditEntry
from teilhabe.profiles.models import PopulationBaseline

HANNOVER = Path(__file__).resolve().parents[1] / "data" / "hannover_baselines.csv"


def test_the_command_loads_known_shares_and_leaves_unknown_ones_out(city, tmp_path):
    data = tmp_path / "b.csv"
    data.write_text(
        "stadtbezirk_nr,stadtbezirk,migration_background_share,migration_background_year\n1,Mitte,0.291,2019\n2,Nord,,\n",
        encoding="utf-8",
    )
    call_command("load_baselines", city=city.slug, file=str(data), source="Test", city_share="0.293", city_year=2016)
    rows = {
        (row.district.number if row.district else None): float(row.share) for row in PopulationBaseline.objects.all()
    }
    assert rows == {1: 0.291, None: 0.293}  # district 2 has no figure: no row, "unknown"
    assert AuditEntry.objects.filter(action="baselines.loaded").count() == 1
    call_command("load_baselines", city=city.slug, file=str(data), source="Test")
    assert PopulationBaseline.objects.count() == 1  # replaced, not added


@pytest.mark.parametrize(
    ("content", "options"),
    [
        ("stadtbezirk_nr,stadtbezirk,migration_background_share,migration_background_year\n99,X,0.2,2019\n", {}),
        ("stadtbezirk_nr,stadtbezirk,migration_background_share,migration_background_year\n1,X,viel,2019\n", {}),
        (
            "stadtbezirk_nr,stadtbezirk,migration_background_share,migration_background_year\n1,X,0.2,2019\n",
            {"city_share": "2"},
        ),
    ],
)
def test_bad_baselines_are_refused_and_nothing_changes(city, tmp_path, content, options):
    data = tmp_path / "b.csv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_baselines", city=city.slug, file=str(data), source="Test", **options)
    assert not PopulationBaseline.objects.exists()


def test_the_hannover_file_has_every_district_and_invents_nothing():
    lines = HANNOVER.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == 13
    assert sum(1 for line in lines if line.split(",")[2]) == 6  # the six districts with a published figure
