"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are read from its tallies (``contributions.ContributionTally``: contributions,
supports and published comments per status, channel, language and district, kept exact by the services in
the transaction of every change), so that computing them costs a few small rows whatever the number of
contributions. They are cached as well (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page reads them afresh.
"""

from django.core.cache import cache
from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from teilhabe.administration.models import AnswerPath, AnswerState
from teilhabe.administration.selectors import ANSWER_NAMESPACE
from teilhabe.contributions.models import Channel, Contribution, ContributionTally, Status
from teilhabe.contributions.selectors import LISTS_NAMESPACE
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version, cache_versions_many
from teilhabe.core.compiled import compiled_rows
from teilhabe.events.models import PUBLIC_STATES, Event, EventState, EventType, Registration, RegistrationState
from teilhabe.events.selectors import EVENTS_NAMESPACE

CACHE_SECONDS = 300


def _rows(name: str, build, process) -> list[tuple]:
    """The rows of ``build(process id)``, a ``values_list`` query of plain columns, counts and sums (no values that
    need the ORM's converters), by its SQL compiled once per worker: an emptied cache computes every figure of the
    process page afresh, and building and compiling a dozen querysets cost as much as running them."""
    return compiled_rows(name, build, process.pk)


def published_contributions(*, process):
    return Contribution.objects.filter(process=process, status=Status.PUBLISHED)


def published_by_channel(*, process) -> dict[str, tuple[int, int, int, int]]:
    """The process's published tallies summed per channel, in one query: (contributions, online supports, supports
    counted at events, comments) of every channel that occurs. Every figure of published contributions is read from
    it (the totals, the split by channel, the answerable ones); cached under the process's figures version. The
    functions reading it take it as ``published`` when a page shows more of them (its cache entry is then read
    once)."""
    key = f"published-by-channel:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    found = cache.get(key)
    if found is None:
        rows = _rows("published-by-channel", _published_by_channel, process)
        # A tally row's amounts are sums over the contributions it counts: a channel without contributions has none.
        found = {channel: tuple(int(amount) for amount in amounts) for channel, *amounts in rows if amounts[0]}
        cache.set(key, found, CACHE_SECONDS)
    return found


def _published_by_channel(process_id):
    return (
        ContributionTally.objects.filter(process_id=process_id, status=Status.PUBLISHED)
        .values_list("channel")
        .annotate(
            contributions=Sum("contributions"),
            supports=Sum("supports"),
            analog_supports=Sum("analog_supports"),
            comments=Sum("comments"),
        )
        .order_by()
    )


def published_totals(*, process, published: dict | None = None) -> dict:
    """The sums of the process's published tallies (contributions, online supports, supports counted at events,
    comments), cached under its figures version."""
    by_channel = (published if published is not None else published_by_channel(process=process)).values()
    return {
        "contributions": sum(row[0] for row in by_channel),
        "supports": sum(row[1] for row in by_channel),
        "analog_supports": sum(row[2] for row in by_channel),
        "comments": sum(row[3] for row in by_channel),
    }


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


def contributions_by_channel(*, process, published: dict | None = None) -> dict[str, int]:
    """Published contributions per channel (from the tallies); only channels that occur are keys."""
    published = published if published is not None else published_by_channel(process=process)
    return {channel: row[0] for channel, row in published.items()}


# Contributions that count as participation from a district: every one received (not those never confirmed or
# removed), of every process.
RECEIVED_STATUSES = (Status.PUBLISHED, Status.IN_MODERATION)


def district_participation_by_channel(*, district, year: int) -> list[tuple[str, int]]:
    """Contributions from a district received in a calendar year, of every process, per channel (most first):
    published ones and those awaiting moderation. A district integration council's annual report shows them."""
    rows = (
        Contribution.objects.filter(district=district, status__in=RECEIVED_STATUSES, created_at__year=year)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by("-n", "channel")
    )
    return list(rows)


ANSWERED_STATES = (AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED)


def _answer_paths(every_state: bool):
    in_scope = {} if every_state else {"state__in": ANSWERED_STATES}
    return lambda process_id: (
        AnswerPath.objects.filter(process_id=process_id, **in_scope)
        .values_list("state", "channel")
        .annotate(n=Count("*"))
        .order_by()
    )


def _answer_paths_removed(every_state: bool):
    in_scope = {} if every_state else {"state__in": ANSWERED_STATES}
    return lambda process_id: (
        AnswerPath.objects.filter(
            contribution_id__in=Contribution.objects.filter(process_id=process_id, status=Status.REMOVED).values("pk"),
            **in_scope,
        )
        .values_list("state", "channel")
        .annotate(n=Count("*"))
        .order_by()
    )


def _answerable_unpublished(process_id):
    """Analog input kept unpublished for want of consent, per channel: answerable too."""
    return (
        Contribution.objects.filter(process_id=process_id, status=Status.IN_MODERATION, publication_consent=False)
        .exclude(channel=Channel.ONLINE)
        .values_list("channel")
        .annotate(n=Count("*"))
        .order_by()
    )


def answer_counts(*, process, every_state: bool = False, published: dict | None = None) -> dict:
    """The counts the answer figures are made of: answer paths per (state, channel), and answerable contributions
    per channel. The paths of the answered states only (what ``answered_figures`` and ``answer_figures_by_channel``
    need; a fifth of the time of all paths at 30,000 of them), or with ``every_state`` those of every state (for the
    split by state of ``answer_figures``).

    Read from the answer paths' (process, state, channel) index; the few contributions removed after they were
    routed are taken off by a count that starts from the (process, status) index; the answerable ones are the
    published contributions per channel (``published_by_channel``) plus the analog input kept unpublished without
    consent. Cached under the versions that change them: the answer path's (every answer service) and the process's
    lists (a contribution arriving, published, removed) — not under every support or comment.
    """
    versions = cache_versions_many([(ANSWER_NAMESPACE, process.pk), (LISTS_NAMESPACE, process.pk)])
    scope = "every" if every_state else "answered"
    key = f"answer-counts:{scope}:{process.pk}:" + ":".join(str(version) for version in versions.values())
    counts = cache.get(key)
    if counts is not None:
        return counts
    paths = {}
    for state, channel, count in _rows(f"answer-paths:{scope}", _answer_paths(every_state), process):
        paths[(state, channel)] = count
    # A routed contribution leaves the answerable ones only by being removed: moderation publishes or removes,
    # and a contribution awaiting confirmation or pre-moderation was never answerable (no path).
    for state, channel, count in _rows(f"answer-paths-removed:{scope}", _answer_paths_removed(every_state), process):
        paths[(state, channel)] -= count
    answerable = contributions_by_channel(process=process, published=published)
    for channel, count in _rows("answerable-unpublished", _answerable_unpublished, process):
        answerable[channel] = answerable.get(channel, 0) + count
    counts = {"paths": paths, "answerable": answerable, "every_state": every_state}
    cache.set(key, counts, CACHE_SECONDS)
    return counts


def answered_figures(*, process, counts: dict | None = None) -> dict:
    """How many contributions of the process are answered (a statement published, or decided) out of those that
    get an answer (docs/metrics.md, "answered"): ``answer_figures`` without the split by state, from the paths of
    the answered states only. ``counts``: what ``answer_counts`` returned, when a page shows more answer figures
    (its cache entry is then read once)."""
    counts = counts or answer_counts(process=process)
    return {
        "answered": sum(count for (state, _channel), count in counts["paths"].items() if state in ANSWERED_STATES),
        "answerable": sum(counts["answerable"].values()),
    }


def answer_figures(*, process, counts: dict | None = None) -> dict:
    """``answered_figures``, and how many contributions are in each answer state (docs/metrics.md, "answered").
    ``counts``: what ``answer_counts(every_state=True)`` returned."""
    counts = counts or answer_counts(process=process, every_state=True)
    if not counts["every_state"]:
        raise ValueError("the split by state needs the counts of every state: answer_counts(every_state=True)")
    by_state = dict.fromkeys(AnswerState.values, 0)
    for (state, _channel), count in counts["paths"].items():
        by_state[state] += count
    figures = answered_figures(process=process, counts=counts)
    by_state[AnswerState.RECEIVED] = figures["answerable"] - sum(
        count for state, count in by_state.items() if state != AnswerState.RECEIVED
    )
    return {**figures, "by_state": by_state}


# Split by channel --------------------------------------------------------------------------------------------
# Every figure of a process can be split by the channel its contributions came in by (online, workshop, paper
# form, …): the split's values add up to the figure.


def process_figures_by_channel(*, process, published: dict | None = None) -> dict[str, dict[str, int]]:
    """``process_figures`` per channel: published contributions, their supports (online and counted at events) and
    published comments, from the published tallies (only channels that occur are keys)."""
    published = published if published is not None else published_by_channel(process=process)
    # Supports as in process_figures: online and counted at events, under the contribution's channel.
    return {
        channel: {"contributions": contributions, "supports": supports + analog_supports, "comments": comments}
        for channel, (contributions, supports, analog_supports, comments) in published.items()
    }


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


def _aggregated(queryset, **aggregates):
    """``queryset.aggregate(**aggregates)`` as a query to compile: one row of the aggregates, without the GROUP BY
    that ``values_list(column).annotate(…)`` would add (for which SQLite would rather walk an index on the column
    and look up every row than read the table once)."""
    return queryset.order_by().values(whole=Value(1)).annotate(**aggregates).values_list(*aggregates)


def _events_by_state(process_id):
    return Event.objects.filter(process_id=process_id).values_list("state", "type").annotate(n=Count("*")).order_by()


def _events_held(process_id):
    """The held events and their head counts (from the index ``event_attendance`` alone)."""
    return _aggregated(
        Event.objects.filter(process_id=process_id, state=EventState.HELD),
        held=Count("*"),
        people=Sum("attendance_total"),
        counted=Count("attendance_total"),
    )


def _events_registered(process_id):
    return _aggregated(
        Registration.objects.filter(event__process_id=process_id, state=RegistrationState.CONFIRMED), n=Count("*")
    )


def _events_summary(process_id):
    """The confirmed registrations that were deleted after the retention period, kept as counts on their event."""
    confirmed = Cast(KT(f"registration_summary__{RegistrationState.CONFIRMED}"), IntegerField())
    return _aggregated(Event.objects.filter(process_id=process_id).exclude(registration_summary={}), n=Sum(confirmed))


def _events_results(process_id):
    """Published contributions that came out of an event, per channel."""
    return (
        Contribution.objects.filter(process_id=process_id, status=Status.PUBLISHED, event__isnull=False)
        .values_list("channel")
        .annotate(n=Count("*"))
        .order_by()
    )


def _event_outcomes(process) -> dict:
    [(held, people, counted)] = _rows("events-held", _events_held, process)
    results_by_channel = dict(_rows("events-results", _events_results, process))
    return {
        "held": held,
        "attendance": people or 0,
        "attendance_counted": counted,
        "results": sum(results_by_channel.values()),
        "results_by_channel": results_by_channel,
    }


def _event_figures_key(name: str, process) -> str:
    versions = cache_versions_many([(EVENTS_NAMESPACE, process.pk), (FIGURES_NAMESPACE, process.pk)])
    return f"{name}:{process.pk}:" + ":".join(str(version) for version in versions.values())


def event_outcome_figures(*, process) -> dict:
    """What came of a process's events: ``event_figures``' held events, attendance and results (in total and per
    channel), what the process page shows, without the counts per state and type and the registrations (which read
    every event of the process). Cached under the same versions."""
    key = _event_figures_key("event-outcomes", process)
    figures = cache.get(key)
    if figures is None:
        figures = _event_outcomes(process)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def event_figures(*, process) -> dict:
    """The events of a process and what came of them (docs/metrics.md, "Events"): events per state and per type,
    held events, the people who attended them (head counts), the people registered for them, and their results
    (published contributions that came out of an event, in total and per channel).

    Attendance counts people at the door; registrations count people who signed up; the two are never added up
    (a registered person who came is in both). Cached under the process's events and figures versions (every
    event, registration and contribution service bumps one of them).
    """
    key = _event_figures_key("event-figures", process)
    figures = cache.get(key)
    if figures is not None:
        return figures
    by_state = dict.fromkeys(EventState.values, 0)
    by_type = dict.fromkeys(EventType.values, 0)
    for state, kind, count in _rows("events-by-state", _events_by_state, process):
        by_state[state] += count
        if state in PUBLIC_STATES:
            by_type[kind] += count
    [(registered,)] = _rows("events-registered", _events_registered, process)
    [(registered_before,)] = _rows("events-registered-before", _events_summary, process)
    figures = {
        "events": sum(by_state[state] for state in PUBLIC_STATES),
        "by_state": by_state,
        "by_type": by_type,
        "registrations": registered + (registered_before or 0),
        **_event_outcomes(process),  # its held events are by_state's
    }
    cache.set(key, figures, CACHE_SECONDS)
    return figures


# == Sectors (issue 14): civil society, politics, administration ===============================================
# The rule that attributes a contribution, a statement or a steering group seat to a sector is
# ``teilhabe.involvement.sectors`` (docs/metrics.md, "Sectors"); these functions count with it. Imported here
# rather than at the top so that this block stays apart from the rest of the module.


def contributions_by_sector(*, process) -> dict[str, int]:
    """Published contributions of the process per sector (every sector present, zeros included); they add up to
    ``process_figures()["contributions"]``. Counted from the contributions (the tallies have no sector), cached
    under the process's figures version."""
    from teilhabe.involvement.models import Sector
    from teilhabe.involvement.sectors import contribution_sector_expression

    key = f"contributions-by-sector:{process.pk}:{cache_version(FIGURES_NAMESPACE, process.pk)}"
    found = cache.get(key)
    if found is None:
        rows = (
            published_contributions(process=process)
            .annotate(sector=contribution_sector_expression())
            .values_list("sector")
            .annotate(count=Count("id"))
            .order_by()
        )
        counted = dict(rows)
        found = {value: counted.get(value, 0) for value in Sector.values}
        cache.set(key, found, CACHE_SECONDS)
    return found


def statements_by_sector(*, process) -> dict[str, int]:
    """Published statements of departments on the process's contributions per sector: all of them are the
    administration's (the sector rule), the other sectors are zero."""
    from teilhabe.administration.models import Statement, StatementState
    from teilhabe.involvement.models import Sector

    published = Statement.objects.filter(contribution__process=process, state=StatementState.PUBLISHED).count()
    return {value: published if value == Sector.ADMINISTRATION else 0 for value in Sector.values}


def voices_by_sector(*, process) -> dict[str, int]:
    """Published contributions and published statements together, per sector."""
    contributions = contributions_by_sector(process=process)
    statements = statements_by_sector(process=process)
    return {sector: contributions[sector] + statements[sector] for sector in contributions}


def steering_group_by_sector(*, process) -> dict[str, int]:
    """Seats of the process's steering group per sector (zeros when it has none)."""
    from teilhabe.involvement.models import Sector, SteeringMember
    from teilhabe.involvement.sectors import steering_member_sector

    counts = dict.fromkeys(Sector.values, 0)
    for member in SteeringMember.objects.filter(group__process=process).select_related("organisation"):
        counts[steering_member_sector(member)] += 1
    return counts
