"""Representativeness: self-descriptions and event tallies compared with population baselines."""

import datetime

from django.utils import timezone

from teilhabe.events.models import AttendanceCount, Event
from teilhabe.monitoring import metrics
from teilhabe.profiles.models import PopulationBaseline, SelfDescription, Source
from teilhabe.profiles.services import self_description_create


def describe(process, count, **answers):
    for _ in range(count):
        self_description_create(process=process, source=Source.ONLINE, **answers)


def city_baseline(city, share="0.3000"):
    PopulationBaseline.objects.create(
        city=city, dimension="migration_experience", value="own_or_family", share=share, year=2016, source="Test"
    )


def test_shares_ratios_and_index_against_the_baselines(process, city):
    city_baseline(city)
    mitte, nord = city.districts.order_by("number")
    describe(process, 12, district=mitte, migration_experience="own")
    describe(process, 3, district=nord, migration_experience="family")
    describe(process, 5, district=nord, migration_experience="none")
    figures = metrics.representativeness(process=process)
    district = {row["key"]: row for row in figures["dimensions"]["district"]["groups"]}
    # 12 of 20 from Mitte (60 %), which holds half of the population: ratio 1.2.
    assert district["1"]["count"] == 12 and district["1"]["share"] == 60.0
    assert district["1"]["population_share"] == 50.0 and district["1"]["ratio"] == 1.2
    assert figures["dimensions"]["district"]["index"] == 0.9  # 1 - ½ (|0.6 - 0.5| + |0.4 - 0.5|)
    migration = {row["key"]: row for row in figures["dimensions"]["migration_experience"]["groups"]}
    assert migration["own_or_family"]["count"] == 15 and migration["own_or_family"]["ratio"] == 2.5
    assert migration["none"]["count"] == 5 and migration["none"]["population_share"] == 70.0
    assert figures["dimensions"]["migration_experience"]["index"] == 0.55  # 1 - ½ (0.45 + 0.45)
    assert figures["index"] == round((0.9 + 0.55) / 2, 2)


def test_a_missing_baseline_is_unknown_never_invented(process, city):
    describe(process, 6, gender="female", migration_experience="own")
    figures = metrics.representativeness(process=process)
    gender = figures["dimensions"]["gender"]
    assert gender["index"] is None
    assert [row["population_share"] for row in gender["groups"]] == [None]
    assert all(row["ratio"] is None for row in figures["dimensions"]["migration_experience"]["groups"])
    assert figures["dimensions"]["migration_experience"]["index"] is None


def test_an_incomplete_district_population_is_unknown(process, city):
    nord = city.districts.get(number=2)
    nord.population = None
    nord.save()
    describe(process, 6, district=nord)
    assert metrics.representativeness(process=process)["dimensions"]["district"]["index"] is None


def test_small_groups_are_suppressed_with_a_complement(process, city):
    mitte, nord = city.districts.order_by("number")
    describe(process, 9, district=mitte)
    describe(process, 2, district=nord)
    groups = {
        row["key"]: row for row in metrics.representativeness(process=process)["dimensions"]["district"]["groups"]
    }
    assert groups["2"]["count"] is None and groups["2"]["share"] is None and groups["2"]["ratio"] is None
    # The total is published, so the other district is hidden too: 11 - 9 would reveal the 2.
    assert groups["1"]["count"] is None


def test_event_tallies_count_with_the_self_descriptions(process, city, personas):
    from teilhabe.administration.models import Department

    start = timezone.now() - datetime.timedelta(days=1)
    event = Event.objects.create(
        process=process,
        type="workshop",
        title="Werkstatt",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state="held",
        organiser_department=Department.objects.get(code="50"),
    )
    mitte = city.districts.get(number=1)
    group = process.target_groups.first()
    AttendanceCount.objects.create(event=event, dimension="age_band", key="18_29", count=7)
    AttendanceCount.objects.create(event=event, dimension="district", key=str(mitte.pk), count=8)
    AttendanceCount.objects.create(event=event, dimension="target_group", key=str(group.pk), count=6)
    AttendanceCount.objects.create(event=event, dimension="gender", key="female", count=5)
    AttendanceCount.objects.create(event=event, dimension="migration", key="own", count=4)
    describe(process, 3, age_band="18_29", migration_experience="own")
    counts = metrics.self_description_counts(process=process)
    assert counts["age_band"] == {"18_29": 10}
    assert counts["district"] == {"1": 8}
    assert counts["target_group"] == {group.slug: 6}
    assert counts["gender"] == {"female": 5} and counts["migration_experience"] == {"own": 7}


def test_by_district_compares_with_the_district_baseline(process, city):
    mitte, nord = city.districts.order_by("number")
    PopulationBaseline.objects.create(
        city=city,
        district=mitte,
        dimension="migration_experience",
        value="own_or_family",
        share="0.2500",
        year=2019,
        source="Test",
    )
    describe(process, 5, district=mitte, migration_experience="own")
    describe(process, 5, district=mitte, migration_experience="none")
    describe(process, 6, district=nord, migration_experience="none")
    rows = {row["district"]: row for row in metrics.representativeness_by_district(process=process)}
    assert rows["1"]["with_migration_experience"] == 5 and rows["1"]["answered"] == 10
    assert rows["1"]["share"] == 50.0 and rows["1"]["population_share"] == 25.0 and rows["1"]["ratio"] == 2.0
    assert rows["2"]["population_share"] is None and rows["2"]["ratio"] is None


def test_no_self_description_row_joins_to_a_person():
    related = {field.related_model._meta.label for field in SelfDescription._meta.get_fields() if field.is_relation}
    assert related <= {
        "processes.Process",
        "places.District",
        "processes.TargetGroup",
        "profiles.SelfDescribedLanguage",
    }
