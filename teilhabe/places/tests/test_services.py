from teilhabe.places.models import City, District, Neighbourhood
from teilhabe.places.services import city_load_from_csv


def test_hannover_loads_with_population_per_forecast_unit(db):
    city = city_load_from_csv(name="Hannover", slug="hannover")
    assert District.objects.filter(city=city).count() == 13
    assert Neighbourhood.objects.filter(district__city=city).count() == 51
    # Population is summed once per forecast unit, never per neighbourhood row.
    assert city.population == 558_051
    assert District.objects.get(city=city, number=1).population == 38_873
    assert District.objects.get(city=city, number=13).population == 33_396


def test_loading_twice_changes_nothing(db):
    city_load_from_csv(name="Hannover", slug="hannover")
    city_load_from_csv(name="Hannover", slug="hannover")
    assert City.objects.count() == 1
    assert District.objects.count() == 13 and Neighbourhood.objects.count() == 51
