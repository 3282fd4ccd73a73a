from django.contrib import admin

from teilhabe.administration.models import Department, DepartmentMembership


class DepartmentMembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city"]
    inlines = [DepartmentMembershipInline]
