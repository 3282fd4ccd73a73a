from django.contrib import admin

from teilhabe.core.admin import ContentTranslationInline
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, TargetGroup
from teilhabe.processes.selectors import process_ids_coordinated_by


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class FieldOfActionInline(admin.TabularInline):
    model = FieldOfAction
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class TargetGroupInline(admin.TabularInline):
    model = TargetGroup
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.TabularInline):
    model = ProcessMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    """Coordinators configure their own processes here; other processes stay out of their sight."""

    list_display = ["title", "city", "moderation", "is_published"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PhaseInline, FieldOfActionInline, TargetGroupInline, MembershipInline, ContentTranslationInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=process_ids_coordinated_by(request.user))


class ScopedToCoordinatedProcess(admin.ModelAdmin):
    """Phases, fields and groups of the processes the coordinator coordinates, with their translations."""

    inlines = [ContentTranslationInline]
    list_filter = ["process"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(process_id__in=process_ids_coordinated_by(request.user))


@admin.register(Phase)
class PhaseAdmin(ScopedToCoordinatedProcess):
    list_display = ["name", "process", "start", "end", "allows_contribute", "allows_comment", "allows_support"]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(ScopedToCoordinatedProcess):
    list_display = ["name", "process", "order"]


@admin.register(TargetGroup)
class TargetGroupAdmin(ScopedToCoordinatedProcess):
    list_display = ["name", "process", "order"]
