"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
"""

from django.db.models import Count, Sum

from teilhabe.contributions.models import Contribution, Status


def published_contributions(*, process):
    return Contribution.objects.filter(process=process, status=Status.PUBLISHED)


def process_figures(*, process) -> dict:
    """Published contributions, supports and comments on them, and distinct districts named."""
    totals = published_contributions(process=process).aggregate(
        contributions=Count("id"),
        supports=Sum("support_count"),
        comments=Sum("comment_count"),
        districts=Count("district", distinct=True),
    )
    return {key: value or 0 for key, value in totals.items()}


def contributions_by_channel(*, process) -> dict[str, int]:
    rows = published_contributions(process=process).values("channel").annotate(n=Count("id")).order_by()
    return {row["channel"]: row["n"] for row in rows}
