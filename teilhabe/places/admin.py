from django.contrib import admin

from teilhabe.core.admin import AuditedModelAdmin
from teilhabe.places.models import City, District, Neighbourhood


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


@admin.register(City)
class CityAdmin(AuditedModelAdmin):
    list_display = ["name", "population", "population_date"]
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ["number", "name", "city", "population"]
    list_filter = ["city"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AuditedModelAdmin):
    list_display = ["number", "name", "district"]
    list_filter = ["district"]
