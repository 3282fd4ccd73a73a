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
from teilhabe.administration.selectors import answerable_q
from teilhabe.contributions.models import Channel, Contribution, Status
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


ANSWERED_STATES = (AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED)


def answer_figures(*, process) -> dict:
    """How many contributions of the process are answered (a statement published, or decided) out of those that
    get an answer, and how many are in each answer state (docs/metrics.md, "answered").

    Read from the answer paths' index by (process, state) and the published tallies; the few contributions
    that left the answerable ones after they were routed (removed, unpublished) are taken off by a second small
    count that starts from the contributions that are not published. Cached under the process's figures version,
    which every answer service bumps.
    """
    key = f"answer-figures:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    figures = cache.get(key)
    if figures is None:
        by_state = dict.fromkeys(AnswerState.values, 0)
        for state, count in (
            AnswerPath.objects.filter(process=process).values_list("state").annotate(n=Count("pk")).order_by()
        ):
            by_state[state] += count
        gone = Contribution.objects.filter(process=process).exclude(status=Status.PUBLISHED).exclude(answerable_q())
        for state, count in (
            AnswerPath.objects.filter(contribution__in=gone).values_list("state").annotate(n=Count("pk")).order_by()
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
