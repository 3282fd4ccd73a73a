"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are cached (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page computes them afresh.
"""

from django.core.cache import cache
from django.db.models import Count, Sum

from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version

CACHE_SECONDS = 300


def published_contributions(*, process):
    return Contribution.objects.filter(process=process, status=Status.PUBLISHED)


def process_figures(*, process) -> dict:
    """Published contributions, and the supports and published comments on them."""
    key = f"figures:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    figures = cache.get(key)
    if figures is None:
        totals = published_contributions(process=process).aggregate(
            contributions=Count("id"), supports=Sum("support_count"), comments=Sum("comment_count")
        )
        figures = {name: value or 0 for name, value in totals.items()}
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def contributions_by_channel(*, process) -> dict[str, int]:
    rows = published_contributions(process=process).values("channel").annotate(n=Count("id")).order_by()
    return {row["channel"]: row["n"] for row in rows}
