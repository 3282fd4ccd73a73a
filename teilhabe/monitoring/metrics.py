"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are read from its tallies (``contributions.ContributionTally``: contributions,
supports and published comments per status, channel, language and district, kept exact by the services in
the transaction of every change), so that computing them costs a few small rows whatever the number of
contributions. They are cached as well (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page reads them afresh.
"""

from django.core.cache import cache

from teilhabe.contributions.models import Contribution, Status
from teilhabe.contributions.tallies import tally_counts_by, tally_totals
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version

CACHE_SECONDS = 300


def published_contributions(*, process):
    return Contribution.objects.filter(process=process, status=Status.PUBLISHED)


def process_figures(*, process) -> dict:
    """Published contributions, and the supports and published comments on them (sums of the published tallies)."""
    key = f"figures:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    figures = cache.get(key)
    if figures is None:
        figures = tally_totals(process=process, status=Status.PUBLISHED)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def contributions_by_channel(*, process) -> dict[str, int]:
    """Published contributions per channel (from the tallies); only channels that occur are keys."""
    return tally_counts_by(process=process, status=Status.PUBLISHED, fields=["channel"])["channel"]
