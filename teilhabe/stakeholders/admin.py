from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.admin import AccountByEmailMixin, AuditedModelAdmin
from teilhabe.core.errors import ApplicationError
from teilhabe.stakeholders.models import Organisation, Representative
from teilhabe.stakeholders.services import representative_verify

VERIFICATION_FIELDS = ["verified_at", "verified_by"]


class RepresentativeInline(AccountByEmailMixin, admin.TabularInline):
    """New representatives are added here; verifying them is an action of the representatives list."""

    model = Representative
    extra = 0
    fields = ["user", *VERIFICATION_FIELDS]
    readonly_fields = VERIFICATION_FIELDS

    def has_change_permission(self, request, obj=None):
        return False  # a verified row must not be moved to another person


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    """Coordinators keep the registry in the site (/verwaltung/organisationen/); the check and its author are set by
    the registry's services only."""

    list_display = ["name", "type", "checked_at", "listed_publicly"]
    list_filter = ["type", "listed_publicly", "is_fictional"]
    readonly_fields = ["checked_at", "checked_by", "registered_by", "created_at"]
    search_fields = ["name"]
    inlines = [RepresentativeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Representative)
class RepresentativeAdmin(AccountByEmailMixin, AuditedModelAdmin):
    list_display = ["user", "organisation", *VERIFICATION_FIELDS]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "organisation", "verified_by"]
    fields = ["organisation", "user", *VERIFICATION_FIELDS]
    actions = ["verify"]

    def get_readonly_fields(self, request, obj=None):
        return VERIFICATION_FIELDS if obj is None else ["organisation", "user", *VERIFICATION_FIELDS]

    @admin.action(description=_("Verify the selected representatives"), permissions=["change"])
    def verify(self, request, queryset):
        verified = 0
        for representative in queryset.select_related("user", "organisation"):
            try:
                representative_verify(actor=request.user, representative=representative)
            except ApplicationError as error:
                self.message_user(request, f"{representative}: {error.message}", messages.ERROR)
            else:
                verified += 1
        if verified:
            self.message_user(request, _("Representatives verified: %(count)d") % {"count": verified})
