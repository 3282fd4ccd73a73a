from django.contrib import admin

from teilhabe.contributions.models import Comment, Contribution, Flag


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "channel", "language", "status", "support_count", "comment_count", "created_at"]
    list_filter = ["process", "status", "channel", "language"]
    search_fields = ["title", "body"]
    # Counters and status change only through services, so they stay exact and audited.
    readonly_fields = [
        "status",
        "removal_reason",
        "support_count",
        "comment_count",
        "open_flag_count",
        "author",
        "published_at",
    ]
    raw_id_fields = ["entered_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contribution", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "removal_reason", "open_flag_count"]
    raw_id_fields = ["contribution", "parent", "author"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["contribution", "comment", "reason", "created_at", "resolved_at"]
    list_filter = ["reason"]
    raw_id_fields = ["contribution", "comment", "reporter", "resolved_by"]
