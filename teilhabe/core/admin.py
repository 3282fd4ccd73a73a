from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from teilhabe.core.cache_versions import content_version_bump
from teilhabe.core.models import AccessibilityFeedback, AuditEntry, ContentTranslation
from teilhabe.core.services import audit_record


def admin_audit(request, obj, event: str, fields=()) -> None:
    """One audit entry for one admin write: ``<model>.admin_added|admin_changed|admin_deleted``.

    Every admin write passes here, so here it also makes site content stale (cached pages, processes, texts).
    """
    audit_record(
        actor=request.user,
        action=f"{obj._meta.model_name}.admin_{event}",
        obj=obj,
        data={"fields": sorted(fields)},
    )
    content_version_bump()


_model_backend = ModelBackend()


class ModelPermissionsOnly:
    """The admin asks Django's model permissions (the role groups), never the `rules` permissions.

    Both share names: ``contributions.view_contribution`` is a rules permission that lets anyone read a
    published contribution on the site, and must not open the contributions admin to every staff account.
    """

    def _has_model_permission(self, request, action: str) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        codename = get_permission_codename(action, self.opts)
        return user.is_superuser or _model_backend.has_perm(user, f"{self.opts.app_label}.{codename}")

    def has_view_permission(self, request, obj=None):
        return self._has_model_permission(request, "view") or self._has_model_permission(request, "change")

    def has_add_permission(self, request, *args):
        return self._has_model_permission(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._has_model_permission(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._has_model_permission(request, "delete")


class AuditedModelAdmin(ModelPermissionsOnly, admin.ModelAdmin):
    """Every write through this admin, its inlines included, is atomic and leaves an audit entry.

    The entry names the changed fields, not their values, so that the log carries no personal data.
    """

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            admin_audit(request, obj, "changed" if change else "added", form.changed_data)

    def delete_model(self, request, obj):
        with transaction.atomic():
            admin_audit(request, obj, "deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                admin_audit(request, obj, "deleted")
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            formset.save(commit=False)
            for obj in formset.deleted_objects:
                admin_audit(request, obj, "deleted")
                obj.delete()
            for obj in formset.new_objects:
                obj.save()
            for inline_form in formset.forms:
                if inline_form.instance in formset.new_objects:
                    admin_audit(request, inline_form.instance, "added", inline_form.changed_data)
            for obj, fields in formset.changed_objects:
                obj.save()
                admin_audit(request, obj, "changed", fields)
            formset.save_m2m()


class AccountByEmailField(forms.ModelChoiceField):
    """An account chosen by typing its e-mail address, so that no list of all accounts is shown."""

    widget = forms.EmailInput
    default_error_messages = {"invalid_choice": _("No active account has this e-mail address.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(to_field_name="email", **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):  # the stored id of an existing row
            return get_user_model().objects.filter(pk=value).values_list("email", flat=True).first() or ""
        return super().prepare_value(value)

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class AccountByEmailMixin:
    """For inlines and admins with a ``user`` field: pick the person by e-mail address."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            return AccountByEmailField(label=db_field.verbose_name, required=not db_field.blank)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
class AccessibilityFeedbackAdmin(AuditedModelAdmin):
    list_display = ["created_at", "page_url", "language", "handled_at"]
    list_filter = ["language"]
    readonly_fields = ["created_at", "page_url", "message", "name", "email", "language"]
