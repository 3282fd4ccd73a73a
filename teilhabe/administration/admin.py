from django.contrib import admin

from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.core.admin import AccountByEmailMixin, AuditedModelAdmin


class DepartmentMembershipInline(AccountByEmailMixin, admin.TabularInline):
    model = DepartmentMembership
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "city"]
    inlines = [DepartmentMembershipInline]
