"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are read from its tallies (``contributions.ContributionTally``: contributions,
supports and published comments per status, channel, language and district, kept exact by the services in
the transaction of every change), so that computing them costs a few small rows whatever the number of
contributions. They are cached as well (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page reads them afresh.
"""

from django.core.cache import cache
from django.db.models import Count, Sum

from teilhabe.administration.models import AnswerPath, AnswerState
from teilhabe.administration.selectors import ANSWER_NAMESPACE
from teilhabe.contributions.models import Channel, Contribution, ContributionTally, Status
from teilhabe.contributions.selectors import LISTS_NAMESPACE
from teilhabe.contributions.tallies import tally_counts_by, tally_totals
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version, cache_versions_many
from teilhabe.events.models import PUBLIC_STATES, Event, EventState, EventType, Registration, RegistrationState
from teilhabe.events.selectors import EVENTS_NAMESPACE

CACHE_SECONDS = 300


def published_contributions(*, process):
    return Contribution.objects.filter(process=process, status=Status.PUBLISHED)


def published_totals(*, process) -> dict:
    """The sums of the process's published tallies (contributions, online supports, supports counted at events,
    comments), cached under its figures version."""
    key = f"published-totals:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    totals = cache.get(key)
    if totals is None:
        totals = tally_totals(process=process, status=Status.PUBLISHED)
        cache.set(key, totals, CACHE_SECONDS)
    return totals


def process_figures(*, process, totals: dict | None = None) -> dict:
    """Published contributions, and the supports and published comments on them (sums of the published tallies).

    ``supports`` is every support: online, and counted at events (``support_figures`` splits it). ``totals``: what
    ``published_totals`` returned, when a page shows both (its cache entry is then read once)."""
    totals = totals or published_totals(process=process)
    return {
        "contributions": totals["contributions"],
        "supports": totals["supports"] + totals["analog_supports"],
        "comments": totals["comments"],
    }


def support_figures(*, process, totals: dict | None = None) -> dict[str, int]:
    """The supports of the process's published contributions: ``supports`` (all, as in ``process_figures``) and its
    two parts, ``online`` (one per person and contribution) and ``analog`` (counted at events: dot-voting, ballot
    sheets; ``contributions.AnalogSupportTally``). Never added twice: the parts add up to the total."""
    totals = totals or published_totals(process=process)
    online, analog = totals["supports"], totals["analog_supports"]
    return {"supports": online + analog, "online": online, "analog": analog}


def contributions_by_channel(*, process) -> dict[str, int]:
    """Published contributions per channel (from the tallies); only channels that occur are keys."""
    return tally_counts_by(process=process, status=Status.PUBLISHED, fields=["channel"])["channel"]


ANSWERED_STATES = (AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED)


def answer_counts(*, process) -> dict:
    """The counts both answer figures are made of: answer paths per (state, channel), and answerable contributions
    per channel. Read from the answer paths' (process, state, channel) index; the few contributions removed after
    they were routed are taken off by a count that starts from the (process, status) index; the answerable ones
    are the published tallies plus the analog input kept unpublished without consent. Cached under the versions
    that change them: the answer path's (every answer service) and the process's lists (a contribution arriving,
    published, removed) — not under every support or comment.
    """
    versions = cache_versions_many([(ANSWER_NAMESPACE, process.pk), (LISTS_NAMESPACE, process.pk)])
    key = f"answer-counts:{process.pk}:" + ":".join(str(version) for version in versions.values())
    counts = cache.get(key)
    if counts is not None:
        return counts
    paths = {}
    for state, channel, count in (
        AnswerPath.objects.filter(process=process).values_list("state", "channel").annotate(n=Count("*")).order_by()
    ):
        paths[(state, channel)] = count
    # A routed contribution leaves the answerable ones only by being removed: moderation publishes or removes,
    # and a contribution awaiting confirmation or pre-moderation was never answerable (no path).
    removed = Contribution.objects.filter(process=process, status=Status.REMOVED)
    for state, channel, count in (
        AnswerPath.objects.filter(contribution_id__in=removed.values("pk"))
        .values_list("state", "channel")
        .annotate(n=Count("*"))
        .order_by()
    ):
        paths[(state, channel)] -= count
    answerable = dict(tally_counts_by(process=process, status=Status.PUBLISHED, fields=["channel"])["channel"])
    for channel, count in (
        Contribution.objects.filter(process=process, status=Status.IN_MODERATION, publication_consent=False)
        .exclude(channel=Channel.ONLINE)
        .values_list("channel")
        .annotate(n=Count("*"))
        .order_by()
    ):
        answerable[channel] = answerable.get(channel, 0) + count
    counts = {"paths": paths, "answerable": answerable}
    cache.set(key, counts, CACHE_SECONDS)
    return counts


def answer_figures(*, process, counts: dict | None = None) -> dict:
    """How many contributions of the process are answered (a statement published, or decided) out of those that
    get an answer, and how many are in each answer state (docs/metrics.md, "answered"). ``counts``: what
    ``answer_counts`` returned, when a page shows both answer figures (its cache entry is then read once)."""
    counts = counts or answer_counts(process=process)
    by_state = dict.fromkeys(AnswerState.values, 0)
    for (state, _channel), count in counts["paths"].items():
        by_state[state] += count
    answerable = sum(counts["answerable"].values())
    by_state[AnswerState.RECEIVED] = answerable - sum(
        count for state, count in by_state.items() if state != AnswerState.RECEIVED
    )
    return {
        "answered": sum(by_state[state] for state in ANSWERED_STATES),
        "answerable": answerable,
        "by_state": by_state,
    }


# Split by channel --------------------------------------------------------------------------------------------
# Every figure of a process can be split by the channel its contributions came in by (online, workshop, paper
# form, …): the split's values add up to the figure.


def process_figures_by_channel(*, process) -> dict[str, dict[str, int]]:
    """``process_figures`` per channel: published contributions, their supports (online and counted at events) and
    published comments, from the published tallies (only channels that occur are keys)."""
    key = f"figures-by-channel:2:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    figures = cache.get(key)
    if figures is None:
        rows = (
            ContributionTally.objects.filter(process=process, status=Status.PUBLISHED, contributions__gt=0)
            .values_list("channel")
            .annotate(
                contributions=Sum("contributions"),
                supports=Sum("supports"),
                comments=Sum("comments"),
                analog_supports=Sum("analog_supports"),
            )
            .order_by()
        )
        # Supports as in process_figures: online and counted at events, under the contribution's channel.
        figures = {
            channel: {"contributions": contributions, "supports": supports + analog_supports, "comments": comments}
            for channel, contributions, supports, comments, analog_supports in rows
        }
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def answer_figures_by_channel(*, process, counts: dict | None = None) -> dict[str, dict[str, int]]:
    """``answer_figures``' answered and answerable per channel (only channels with answerable contributions are
    keys)."""
    counts = counts or answer_counts(process=process)
    answered = {}
    for (state, channel), count in counts["paths"].items():
        if state in ANSWERED_STATES:
            answered[channel] = answered.get(channel, 0) + count
    return {
        channel: {"answered": answered.get(channel, 0), "answerable": count}
        for channel, count in counts["answerable"].items()
        if count
    }


# Events ------------------------------------------------------------------------------------------------------


def event_figures(*, process) -> dict:
    """The events of a process and what came of them (docs/metrics.md, "Events"): events per state and per type,
    held events, the people who attended them (head counts), the people registered for them, and their results
    (published contributions that came out of an event, in total and per channel).

    Attendance counts people at the door; registrations count people who signed up; the two are never added up
    (a registered person who came is in both). Cached under the process's events and figures versions (every
    event, registration and contribution service bumps one of them).
    """
    versions = cache_versions_many([(EVENTS_NAMESPACE, process.pk), (FIGURES_NAMESPACE, process.pk)])
    key = f"event-figures:{process.pk}:" + ":".join(str(version) for version in versions.values())
    figures = cache.get(key)
    if figures is not None:
        return figures
    events = Event.objects.filter(process=process).order_by()
    by_state = dict.fromkeys(EventState.values, 0)
    by_type = dict.fromkeys(EventType.values, 0)
    for state, kind, count in events.values_list("state", "type").annotate(n=Count("*")):
        by_state[state] += count
        if state in PUBLIC_STATES:
            by_type[kind] += count
    held = events.filter(state=EventState.HELD)
    attendance = held.aggregate(people=Sum("attendance_total"), counted=Count("attendance_total"))
    registered = Registration.objects.filter(event__process=process, state=RegistrationState.CONFIRMED).count()
    for summary in events.exclude(registration_summary={}).values_list("registration_summary", flat=True):
        registered += int((summary or {}).get(RegistrationState.CONFIRMED, 0))
    results_by_channel = dict(
        Contribution.objects.filter(process=process, status=Status.PUBLISHED, event__isnull=False)
        .values_list("channel")
        .annotate(n=Count("*"))
        .order_by()
    )
    figures = {
        "events": sum(by_state[state] for state in PUBLIC_STATES),
        "by_state": by_state,
        "by_type": by_type,
        "held": by_state[EventState.HELD],
        "attendance": attendance["people"] or 0,
        "attendance_counted": attendance["counted"],
        "registrations": registered,
        "results": sum(results_by_channel.values()),
        "results_by_channel": results_by_channel,
    }
    cache.set(key, figures, CACHE_SECONDS)
    return figures
