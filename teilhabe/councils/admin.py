from django.contrib import admin

from teilhabe.councils.models import CouncilMembership, DistrictSpace


class CouncilMembershipInline(admin.TabularInline):
    model = CouncilMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(DistrictSpace)
class DistrictSpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    inlines = [CouncilMembershipInline]
