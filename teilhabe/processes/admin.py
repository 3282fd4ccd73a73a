from django.contrib import admin

from teilhabe.core.admin import AccountByEmailMixin, AuditedModelAdmin, ContentTranslationInline
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, TargetGroup
from teilhabe.processes.selectors import process_ids_coordinated_by


class ScopedToCoordinatedProcess:
    """Admin (or inline) whose rows belong to a process: non-superusers see and choose only the processes
    they coordinate (``ProcessMembership``), in lists, change pages, process choices and submitted forms.
    """

    process_path = "process"  # the lookup from a row to its process

    @staticmethod
    def coordinated(request) -> set[int] | None:
        """Process ids in scope, or None for a superuser (everything)."""
        return None if request.user.is_superuser else process_ids_coordinated_by(request.user)

    def process_id_of(self, obj) -> int | None:
        for part in self.process_path.split("__"):
            obj = getattr(obj, part, None)
        return getattr(obj, "pk", None)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = self.coordinated(request)
        if scope is None:
            return queryset
        return queryset.filter(**{f"{self.process_path}__in": scope})

    def in_scope(self, request, obj) -> bool:
        scope = self.coordinated(request)
        return obj is None or scope is None or self.process_id_of(obj) in scope

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self.coordinated(request)
        if db_field.related_model is Process and scope is not None:
            kwargs["queryset"] = Process.objects.filter(pk__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


class MembershipInline(AccountByEmailMixin, admin.TabularInline):
    """Who coordinates or evaluates the process: the person is entered by e-mail address."""

    model = ProcessMembership
    extra = 0


@admin.register(Process)
class ProcessAdmin(ScopedToCoordinatedProcess, AuditedModelAdmin):
    """Coordinators configure their own processes here; other processes stay out of their sight."""

    process_path = "pk"
    list_display = ["title", "city", "moderation", "is_published"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PhaseInline, FieldOfActionInline, TargetGroupInline, MembershipInline, ContentTranslationInline]

    def process_id_of(self, obj):
        return obj.pk


class ProcessPartAdmin(ScopedToCoordinatedProcess, AuditedModelAdmin):
    """Phases, fields and groups of the processes the coordinator coordinates, with their translations."""

    inlines = [ContentTranslationInline]
    list_filter = [("process", admin.RelatedOnlyFieldListFilter)]


@admin.register(Phase)
class PhaseAdmin(ProcessPartAdmin):
    list_display = ["name", "process", "start", "end", "allows_contribute", "allows_comment", "allows_support"]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(ProcessPartAdmin):
    list_display = ["name", "process", "order"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TargetGroup)
class TargetGroupAdmin(ProcessPartAdmin):
    list_display = ["name", "process", "order"]
    prepopulated_fields = {"slug": ("name",)}
