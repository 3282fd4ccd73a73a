"""Contributions in the admin: for IT operations and inspection. Moderation happens in the site, through
the services; here title, text, channel, provenance, status and counters cannot be changed, and the only
editable fields (the classification) are audited like every admin write.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import Comment, Contribution, Flag
from teilhabe.contributions.services import contribution_admin_change
from teilhabe.core.admin import AuditedModelAdmin
from teilhabe.processes.admin import ScopedToCoordinatedProcess

CLASSIFICATION_FIELDS = ["fields_of_action", "target_groups", "district", "neighbourhood"]


def plain(field: str, label):
    """A related object shown as text: a link could lead to a page the viewer may not open."""

    @admin.display(description=label)
    def show(model_admin, obj):
        value = getattr(obj, field)
        return str(value) if value is not None else "–"

    show.__name__ = f"{field}_shown"
    return show


class ReadOnlyAdmin(ScopedToCoordinatedProcess, AuditedModelAdmin):
    def has_add_permission(self, request):
        return False  # created only by services (online form, analog entry)

    def has_delete_permission(self, request, obj=None):
        return False  # removed by moderation, deleted by the data-lifecycle services


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["title", "process", "channel", "language", "status", "support_count", "comment_count", "created_at"]
    list_filter = [("process", admin.RelatedOnlyFieldListFilter), "status", "channel", "language"]
    search_fields = ["title", "body"]
    list_select_related = ["process"]
    process_shown = plain("process", _("process"))
    author_shown = plain("author", _("author"))
    organisation_shown = plain("organisation", _("on behalf of"))
    entered_by_shown = plain("entered_by", _("entered by"))
    readonly_fields = [
        "process_shown",
        "title",
        "body",
        "language",
        "language_source",
        "author_language",
        "author_shown",
        "organisation_shown",
        "author_email",
        "email_confirmed_at",
        "channel",
        "entered_by_shown",
        "original_date",
        "form_serial",
        "scan",
        "group_size",
        "publication_consent",
        "licence",
        "status",
        "removal_reason",
        "published_at",
        "support_count",
        "comment_count",
        "open_flag_count",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields[:3], *CLASSIFICATION_FIELDS, *readonly_fields[3:]]
    district_shown = plain("district", _("district"))
    neighbourhood_shown = plain("neighbourhood", _("neighbourhood"))

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        # View only: every field is shown read-only, and related objects as text instead of links.
        return [f"{name}_shown" if name in ("district", "neighbourhood") else name for name in self.fields]

    def save_model(self, request, obj, form, change):
        # The district counts in the tallies, and lists and pages show the classification.
        with contribution_admin_change(contribution=obj):
            super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:  # choices from the contribution's own process and city only
            fields = form.base_fields
            if "fields_of_action" in fields:
                fields["fields_of_action"].queryset = obj.process.fields_of_action.all()
                fields["target_groups"].queryset = obj.process.target_groups.all()
                fields["district"].queryset = obj.process.city.districts.all()
                fields["neighbourhood"].queryset = fields["neighbourhood"].queryset.filter(
                    district__city=obj.process.city_id
                )
        return form


class ViewOnlyAdmin(ReadOnlyAdmin):
    def has_change_permission(self, request, obj=None):
        return False  # hidden, restored and resolved only through the moderation services


@admin.register(Comment)
class CommentAdmin(ViewOnlyAdmin):
    process_path = "contribution__process"
    list_display = ["__str__", "contribution", "status", "created_at"]
    list_filter = ["status"]
    contribution_shown = plain("contribution", _("contribution"))
    author_shown = plain("author", _("author"))
    parent_shown = plain("parent", _("reply to"))
    readonly_fields = [
        "contribution_shown",
        "parent_shown",
        "author_shown",
        "body",
        "language",
        "status",
        "removal_reason",
        "open_flag_count",
        "created_at",
    ]
    fields = readonly_fields


@admin.register(Flag)
class FlagAdmin(ViewOnlyAdmin):
    process_path = "contribution__process"
    list_display = ["contribution", "comment", "reason", "created_at", "resolved_at"]
    list_filter = ["reason"]
    contribution_shown = plain("contribution", _("contribution"))
    comment_shown = plain("comment", _("comment"))
    reporter_shown = plain("reporter", _("reported by"))
    resolved_by_shown = plain("resolved_by", _("resolved by"))
    readonly_fields = [
        "contribution_shown",
        "comment_shown",
        "reporter_shown",
        "reason",
        "note",
        "created_at",
        "resolved_at",
        "resolved_by_shown",
    ]
    fields = readonly_fields
