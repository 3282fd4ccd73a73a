"""Reads for places: a city's districts, which every filter and form offers."""

from django.core.cache import cache

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version
from teilhabe.places.models import District

DISTRICTS_SECONDS = 3600  # an upper bound: a change in the admin bumps the content version


def district_choices(*, city_id: int) -> list[tuple[int, int, str]]:
    """(id, number, name) of the city's districts in their order, cached until site content changes."""
    key = f"districts:{city_id}:{cache_version(CONTENT_NAMESPACE, 'site')}"
    districts = cache.get(key)
    if districts is None:
        districts = list(District.objects.filter(city_id=city_id).values_list("pk", "number", "name"))
        cache.set(key, districts, DISTRICTS_SECONDS)
    return districts
