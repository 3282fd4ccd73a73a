from django.contrib import admin

from teilhabe.competitions.models import Call, Fund, JuryMembership
from teilhabe.core.admin import ContentTranslationInline


class JuryInline(admin.TabularInline):
    model = JuryMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "annual_budget"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "fund", "opens", "closes"]
    inlines = [JuryInline, ContentTranslationInline]
