"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are read from its tallies (``contributions.ContributionTally``: contributions,
supports and published comments per status, channel, language and district, kept exact by the services in
the transaction of every change), so that computing them costs a few small rows whatever the number of
contributions. They are cached as well (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page reads them afresh.
"""

from django.core.cache import cache
from django.db.models import Count

from teilhabe.administration.models import AnswerPath, AnswerState
from teilhabe.administration.selectors import ANSWER_NAMESPACE
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.contributions.selectors import LISTS_NAMESPACE
from teilhabe.contributions.tallies import tally_counts_by, tally_totals
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version, cache_versions_many

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


ANSWERED_STATES = (AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED)


def answer_figures(*, process) -> dict:
    """How many contributions of the process are answered (a statement published, or decided) out of those that
    get an answer, and how many are in each answer state (docs/metrics.md, "answered").

    Read from the answer paths' index by (process, state); the few contributions removed after they were routed
    are taken off by a count that starts from the (process, status) index;
    the answerable ones are the published tallies plus the analog input kept unpublished without consent.
    Cached under the versions that change it: the answer path's (every answer service) and the process's lists
    (a contribution arriving, published, removed) — not under every support or comment.
    """
    versions = cache_versions_many([(ANSWER_NAMESPACE, process.pk), (LISTS_NAMESPACE, process.pk)])
    key = f"answer-figures:{process.pk}:" + ":".join(str(version) for version in versions.values())
    figures = cache.get(key)
    if figures is None:
        by_state = dict.fromkeys(AnswerState.values, 0)
        for state, count in (
            AnswerPath.objects.filter(process=process).values_list("state").annotate(n=Count("*")).order_by()
        ):
            by_state[state] += count
        # A routed contribution leaves the answerable ones only by being removed: moderation publishes or
        # removes, and a contribution awaiting confirmation or pre-moderation was never answerable (no path).
        removed = Contribution.objects.filter(process=process, status=Status.REMOVED)
        for state, count in (
            AnswerPath.objects.filter(contribution_id__in=removed.values("pk"))
            .values_list("state")
            .annotate(n=Count("*"))
            .order_by()
        ):
            by_state[state] -= count
        answerable = tally_totals(process=process, status=Status.PUBLISHED)["contributions"]
        answerable += (
            Contribution.objects.filter(process=process, status=Status.IN_MODERATION, publication_consent=False)
            .exclude(channel=Channel.ONLINE)
            .count()
        )
        by_state[AnswerState.RECEIVED] = answerable - sum(
            count for state, count in by_state.items() if state != AnswerState.RECEIVED
        )
        figures = {
            "answered": sum(by_state[state] for state in ANSWERED_STATES),
            "answerable": answerable,
            "by_state": by_state,
        }
        cache.set(key, figures, CACHE_SECONDS)
    return figures
