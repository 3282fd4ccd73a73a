from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.sites.admin import SiteAdmin as BaseSiteAdmin
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from teilhabe.accounts.models import Role, User
from teilhabe.accounts.services import role_assign, role_revoke
from teilhabe.core.admin import AuditedModelAdmin, admin_audit

# Only superusers change who holds which rights; everyone else sees these fields read-only.
PRIVILEGE_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Accounts. Administrators (IT operations) edit ordinary accounts and their own; roles, staff and
    superuser flags and the accounts of staff and superusers stay with superusers (docs/roles.md).
    """

    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "preferred_language")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, *PRIVILEGE_FIELDS]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        return not (obj.is_superuser or obj.is_staff)  # no taking over an account with more rights

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.pk != request.user.pk)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)  # only in the form of a superuser
        super().save_related(request, form, formsets, change)
        if groups is not None:
            self._groups_set(request, form.instance, set(groups))

    def _groups_set(self, request, user, wanted):
        """Role groups change through the audited role services; other groups directly."""
        current = set(user.groups.all())
        for group in wanted - current:
            if group.name in Role.values:
                role_assign(actor=request.user, user=user, role=group.name)
            else:
                user.groups.add(group)
        for group in current - wanted:
            if group.name in Role.values:
                role_revoke(actor=request.user, user=user, role=group.name)
            else:
                user.groups.remove(group)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                admin_audit(request, self.get_object(request, unquote(id)), "changed", ["password"])
        return response


admin.site.unregister(Site)


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin, BaseSiteAdmin):
    """Shown, not edited: name and domain come from SITE_NAME and SITE_URL and are set by every migrate."""

    readonly_fields = ["domain", "name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
