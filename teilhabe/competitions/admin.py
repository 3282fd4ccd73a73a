from django.contrib import admin

from teilhabe.competitions.models import Call, Fund, JuryMembership
from teilhabe.core.admin import AccountByEmailMixin, AuditedModelAdmin, ContentTranslationInline
from teilhabe.processes.admin import ScopedToCoordinatedProcess


class JuryInline(AccountByEmailMixin, admin.TabularInline):
    model = JuryMembership
    extra = 0


@admin.register(Fund)
class FundAdmin(AuditedModelAdmin):
    list_display = ["name", "city", "annual_budget"]


@admin.register(Call)
class CallAdmin(ScopedToCoordinatedProcess, AuditedModelAdmin):
    """Calls of the processes the coordinator coordinates, with their juries and translations. Set-up (tiers,
    criteria, scale) and publishing happen on the call's page in the site (``competitions:call``)."""

    fields = [
        "process",
        "fund",
        "title",
        "theme",
        "description",
        "opens",
        "closes",
        "budget",
        "max_grant",
        "max_months",
    ]

    list_display = ["title", "process", "fund", "opens", "closes"]
    list_filter = [("process", admin.RelatedOnlyFieldListFilter)]
    inlines = [JuryInline, ContentTranslationInline]
