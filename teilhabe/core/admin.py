from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from teilhabe.core.models import AccessibilityFeedback, AuditEntry, ContentTranslation


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "action", "object_type", "object_id", "actor"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContentTranslationInline(GenericTabularInline):
    """Translations of a staff-written text, one row per field and language, with their state."""

    model = ContentTranslation
    extra = 0
    fields = ["field", "language", "text", "state"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "field" and self.parent_model is not None:
            parent = self.parent_model
            choices = [(name, parent._meta.get_field(name).verbose_name) for name in parent.translatable_fields]
            return forms.ChoiceField(choices=choices, label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "language", "handled_at"]
    list_filter = ["language"]
    readonly_fields = ["created_at", "page_url", "message", "name", "email", "language"]
