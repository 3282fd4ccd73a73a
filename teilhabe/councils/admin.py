from django.contrib import admin

from teilhabe.core.admin import AccountByEmailMixin, AuditedModelAdmin
from teilhabe.councils.models import CouncilMembership, DistrictSpace


class CouncilMembershipInline(AccountByEmailMixin, admin.TabularInline):
    model = CouncilMembership
    extra = 0


@admin.register(DistrictSpace)
class DistrictSpaceAdmin(AuditedModelAdmin):
    list_display = ["name", "district"]
    inlines = [CouncilMembershipInline]
