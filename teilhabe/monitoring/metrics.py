"""Every figure a person sees is defined here once (docs/metrics.md says what each one means).

Pages, reports, exports and the API read these functions, so one question always gets one number.
Figures over a whole process are read from its tallies (``contributions.ContributionTally``: contributions,
supports and published comments per status, channel, language and district, kept exact by the services in
the transaction of every change), so that computing them costs a few small rows whatever the number of
contributions. They are cached as well (shared cache: Redis in production); the services that change what
they count bump the process's cache version when they commit, so the next page reads them afresh.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from teilhabe.administration.models import AnswerPath, AnswerState, Outcome
from teilhabe.administration.selectors import ANSWER_NAMESPACE
from teilhabe.competitions.models import Application, ApplicationState, Call, Decision, Grant
from teilhabe.contributions.models import (
    Channel,
    Comment,
    Contribution,
    ContributionTally,
    Language,
    Status,
    Support,
)
from teilhabe.contributions.selectors import LISTS_NAMESPACE
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version, cache_versions_many
from teilhabe.core.compiled import compiled_rows
from teilhabe.core.disclosure import protect_series, protect_table
from teilhabe.events.models import (
    PUBLIC_STATES,
    AgeBand,
    AttendanceCount,
    CompositionDimension,
    Event,
    EventState,
    EventType,
    Registration,
    RegistrationState,
)
from teilhabe.events.selectors import EVENTS_NAMESPACE
from teilhabe.places.models import District
from teilhabe.plan.models import Measure, MeasureStatus
from teilhabe.processes.models import TargetGroup
from teilhabe.profiles.models import (
    BaselineDimension,
    Gender,
    MigrationExperience,
    PopulationBaseline,
    SelfDescribedLanguage,
    SelfDescription,
)

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
# Process indicators (issue 15; docs/metrics.md, "Process indicators") -----------------------------------------
# Plain data only (dicts and lists of keys and numbers), so that a page, a PDF, a CSV and a JSON file render the
# same figures. Counts of people are protected against small cells (``teilhabe.core.disclosure``): a suppressed
# count is None, which every output shows as "< k". Counts of things (contributions, events, measures,
# applications, statements) are not counts of people and are given as they are.


def protected_count(value: int | None) -> int | None:
    """One count of people on its own: None (shown as "< k") when it is small but not zero."""
    return protect_series({"n": int(value or 0)}, total=False).value("n")


def protected_counts(counts: dict) -> dict:
    """Counts of people per group, protected as one series (complementary suppression included)."""
    series = protect_series(counts)
    return {"groups": dict(series.items()), "total": series.total}


def participant_figures(*, process) -> dict:
    """The people who took part, by how they took part (docs/metrics.md, "Participants"). The parts are different
    kinds of count and are never added up: ``registered`` distinct accounts (each once, whatever they did),
    ``anonymous_online`` contributions sent online without an account (people cannot be told apart: counted per
    contribution), ``registered_without_account`` confirmed event registrations without an account, ``attendance``
    head counts at held events (one person at three events counts three times), ``in_group_results`` the people
    behind analog group results (the group sizes entered with them), ``self_descriptions`` the voluntary
    self-descriptions given online or on paper."""
    received = Contribution.objects.filter(process_id=process.pk, status__in=RECEIVED_STATUSES)
    published = Contribution.objects.filter(process_id=process.pk, status=Status.PUBLISHED)
    # Each account once: the accounts for which any of the ways of taking part exists. EXISTS stops at the first
    # match per account (through the indexes by user), where a UNION of the ids would read every support.
    took_part = (
        Exists(received.filter(author_id=OuterRef("pk")))
        | Exists(Comment.objects.filter(author_id=OuterRef("pk"), status=Status.PUBLISHED, contribution__in=published))
        | Exists(Support.objects.filter(user_id=OuterRef("pk"), contribution__in=published))
        | Exists(
            Registration.objects.filter(
                user_id=OuterRef("pk"), event__process_id=process.pk, state=RegistrationState.CONFIRMED
            )
        )
        | Exists(
            Application.objects.filter(
                applicant_id=OuterRef("pk"), call__process_id=process.pk, state=ApplicationState.SUBMITTED
            )
        )
    )
    registered = get_user_model().objects.filter(took_part).count()
    anonymous = received.filter(author__isnull=True, channel=Channel.ONLINE).count()
    without_account = Registration.objects.filter(
        event__process_id=process.pk, state=RegistrationState.CONFIRMED, user__isnull=True
    ).count()
    groups = received.exclude(channel=Channel.ONLINE).aggregate(people=Sum("group_size"))["people"] or 0
    return {
        "registered": protected_count(registered),
        "anonymous_online": anonymous,
        "registered_without_account": protected_count(without_account),
        "attendance": protected_count(event_figures(process=process)["attendance"]),
        "in_group_results": protected_count(groups),
        "self_descriptions": protected_count(SelfDescription.objects.filter(process_id=process.pk).count()),
    }


def contributions_by(*, process, dimension: str) -> dict[str, int]:
    """Published contributions per ``dimension``: ``channel``, ``language`` and ``district`` (the district's
    number; "" for none) from the tallies, each contribution once; ``field_of_action`` and ``target_group`` (their
    slugs) from the contributions' links, a contribution once per field or group it names (so these do not add up
    to the total; "" counts those naming none)."""
    if dimension in ("channel", "language", "district"):
        column = "district__number" if dimension == "district" else dimension
        rows = (
            ContributionTally.objects.filter(process_id=process.pk, status=Status.PUBLISHED)
            .values_list(column)
            .annotate(n=Sum("contributions"))
            .order_by()
        )
        return {("" if key is None else str(key)): int(n) for key, n in rows if n}
    if dimension not in ("field_of_action", "target_group"):
        raise ValueError(f"unknown dimension {dimension!r}")
    relation = "fields_of_action" if dimension == "field_of_action" else "target_groups"
    through = getattr(Contribution, relation).through
    target = "fieldofaction" if dimension == "field_of_action" else "targetgroup"
    rows = (
        through.objects.filter(contribution__process_id=process.pk, contribution__status=Status.PUBLISHED)
        .values_list(f"{target}__slug")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = {slug: n for slug, n in rows}
    named = through.objects.filter(contribution__process_id=process.pk, contribution__status=Status.PUBLISHED)
    none = (
        Contribution.objects.filter(process_id=process.pk, status=Status.PUBLISHED)
        .exclude(pk__in=named.values("contribution_id"))
        .count()
    )
    if none:
        counts[""] = none
    return counts


def contributions_over_time(*, process, period: str = "month") -> list[tuple[str, int]]:
    """Published contributions per calendar month ("2026-03") or ISO week ("2026-W11") of their arrival on the
    platform (``created_at``: online when sent, analog when entered; the date on a paper original may be earlier),
    oldest first; periods without contributions are left out."""
    if period not in ("month", "week"):
        raise ValueError(f"unknown period {period!r}")
    published = Contribution.objects.filter(process_id=process.pk, status=Status.PUBLISHED)
    span = published.aggregate(first=Min("created_at"), last=Max("created_at"))
    if span["first"] is None:
        return []
    # One pass over the process's contributions with a plain comparison per period (the database's date functions
    # run per row, on SQLite in Python: ten times slower at 100,000 contributions).
    zone = timezone.get_current_timezone()
    starts = _period_starts(
        timezone.localtime(span["first"], zone).date(), timezone.localtime(span["last"], zone).date(), period
    )
    bounds = [datetime.datetime.combine(day, datetime.time(), tzinfo=zone) for day in starts]
    counts = published.aggregate(
        **{
            f"p{index}": Count("pk", filter=Q(created_at__gte=start, created_at__lt=end))
            for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False))
        }
    )
    result = []
    for index, day in enumerate(starts[:-1]):
        n = counts[f"p{index}"]
        if n:
            if period == "month":
                label = f"{day:%Y-%m}"
            else:
                year, week, _weekday = day.isocalendar()
                label = f"{year}-W{week:02d}"
            result.append((label, n))
    return result


def _period_starts(first: datetime.date, last: datetime.date, period: str) -> list[datetime.date]:
    """The first days of the months (or Mondays of the weeks) from ``first``'s to the one after ``last``'s."""
    if period == "month":
        day = first.replace(day=1)
    else:
        day = first - datetime.timedelta(days=first.weekday())
    starts = [day]
    while starts[-1] <= last:
        current = starts[-1]
        if period == "month":
            starts.append((current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1))
        else:
            starts.append(current + datetime.timedelta(days=7))
    return starts


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def answer_rate_figures(*, process) -> dict:
    """Routing and answer rates (docs/metrics.md): of the contributions that get an answer (``answerable``, as in
    ``answer_figures``), how many were routed to a department (any state after *received*), answered (a
    statement published, or decided) and decided; rates in per cent, one decimal (None without answerable
    contributions)."""
    figures = answer_figures(process=process)
    by_state = figures["by_state"]
    answerable = figures["answerable"]
    routed = answerable - by_state[AnswerState.RECEIVED]
    return {
        "answerable": answerable,
        "routed": routed,
        "answered": figures["answered"],
        "disposed": by_state[AnswerState.DISPOSED],
        "routed_rate": _rate(routed, answerable),
        "answered_rate": _rate(figures["answered"], answerable),
        "disposed_rate": _rate(by_state[AnswerState.DISPOSED], answerable),
    }


def median_days_to_statement(*, process) -> dict:
    """The median time from routing to the published statement, in days (one decimal), over the contributions of
    the process (not removed) whose statement is published (``AnswerPath.routed_at`` to ``answered_at``; a
    contribution routed twice counts from its last routing). None without any. Found by the database: it orders
    the durations and reads the middle one or two."""
    timed = (
        AnswerPath.objects.filter(process_id=process.pk, routed_at__isnull=False, answered_at__isnull=False)
        .exclude(contribution__status=Status.REMOVED)
        .annotate(took=ExpressionWrapper(F("answered_at") - F("routed_at"), output_field=DurationField()))
    )
    count = timed.count()
    if not count:
        return {"answered": 0, "median_days": None}
    middle = list(timed.order_by("took").values_list("took", flat=True)[(count - 1) // 2 : count // 2 + 1])
    seconds = sum(value.total_seconds() for value in middle) / len(middle)
    return {"answered": count, "median_days": round(seconds / 86400, 1)}


def disposition_shares(*, process) -> dict:
    """The decisions on the process's contributions (not removed; the current decision of each, from its answer
    path) per outcome, and each outcome's share of all decisions in per cent (one decimal)."""
    rows = (
        AnswerPath.objects.filter(process_id=process.pk, state=AnswerState.DISPOSED)
        .exclude(contribution__status=Status.REMOVED)
        .values_list("outcome")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = dict.fromkeys(Outcome.values, 0)
    for outcome, n in rows:
        if outcome:
            counts[outcome] += n
    total = sum(counts.values())
    return {
        "decided": total,
        "by_outcome": counts,
        "shares": {outcome: _rate(n, total) for outcome, n in counts.items()},
    }


def measures_by_status(*, process) -> dict[str, int]:
    """The measures of the process's plan per status (planned, in progress, in regular operation, completed,
    discontinued): every measure once, whichever version of the plan names it."""
    counts = dict.fromkeys(MeasureStatus.values, 0)
    rows = Measure.objects.filter(process_id=process.pk).values_list("status").annotate(n=Count("*")).order_by()
    for status, n in rows:
        counts[status] += n
    return counts


def competition_figures(*, process) -> dict:
    """The ideas competition of the process: per call (by id, with its title) the applications submitted (not
    drafts; withdrawn ones apart), the committee's decisions per outcome, and the grants with their sum (EUR, as
    a string with two decimals); ``totals`` over all calls."""
    calls = {
        pk: {
            "call": pk,
            "title": title,
            "submitted": 0,
            "withdrawn": 0,
            "approved": 0,
            "changed": 0,
            "rejected": 0,
            "grants": 0,
            "granted": Decimal("0.00"),
        }
        for pk, title in Call.objects.filter(process_id=process.pk).order_by("opens", "pk").values_list("pk", "title")
    }
    applications = (
        Application.objects.filter(call__process_id=process.pk)
        .exclude(state=ApplicationState.DRAFT)
        .values_list("call_id", "state")
        .annotate(n=Count("*"))
        .order_by()
    )
    for call, state, n in applications:
        calls[call]["submitted" if state == ApplicationState.SUBMITTED else "withdrawn"] += n
    decisions = (
        Decision.objects.filter(application__call__process_id=process.pk)
        .values_list("application__call_id", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    )
    for call, outcome, n in decisions:
        calls[call][outcome] += n
    grants = (
        Grant.objects.filter(application__call__process_id=process.pk)
        .values_list("application__call_id")
        .annotate(n=Count("*"), amount=Sum("amount"))
        .order_by()
    )
    for call, n, amount in grants:
        calls[call]["grants"], calls[call]["granted"] = n, amount or Decimal("0.00")
    rows = list(calls.values())
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("submitted", "withdrawn", "approved", "changed", "rejected", "grants", "granted")
    }
    for row in [*rows, totals]:
        row["granted"] = f"{Decimal(row['granted'] or 0):.2f}"
    return {"calls": rows, "totals": totals}


def council_statement_figures(*, process) -> dict:
    """The formal statements of the district integration councils in the process that were routed to a department
    (each is then a contribution of the process with the statement as its origin) and how many of them are
    answered (a statement published, or decided), in total and per district (its number)."""
    rows = (
        Contribution.objects.filter(process_id=process.pk, council_position__isnull=False)
        .exclude(status=Status.REMOVED)
        .values_list("council_position__space__district__number")
        .annotate(
            n=Count("*"),
            answered=Count("pk", filter=Q(answer_path__state__in=ANSWERED_STATES)),
        )
        .order_by("council_position__space__district__number")
    )
    by_district = {str(number): {"statements": n, "answered": answered} for number, n, answered in rows}
    return {
        "statements": sum(row["statements"] for row in by_district.values()),
        "answered": sum(row["answered"] for row in by_district.values()),
        "by_district": by_district,
    }


# Representativeness (docs/representativeness.md) --------------------------------------------------------------

SELF_DESCRIPTION_DIMENSIONS = ("age_band", "gender", "district", "migration_experience", "language", "target_group")


def self_description_counts(*, process) -> dict[str, dict[str, int]]:
    """Unprotected counts of the people who described themselves, per dimension and group: the voluntary
    self-descriptions (online and paper) plus the composition counted at the process's held events (age band,
district, target group, gender, migration experience; not languages). Groups are
    keys: an age band, gender or migration answer; a district's number; a language code; a target group's slug.
    Unanswered questions are not counted. For the metrics module only: every output reads
    ``representativeness`` (protected)."""
    descriptions = SelfDescription.objects.filter(process_id=process.pk)
    counts = {dimension: {} for dimension in SELF_DESCRIPTION_DIMENSIONS}

    def add(dimension, key, n):
        if key not in (None, ""):
            counts[dimension][str(key)] = counts[dimension].get(str(key), 0) + int(n)

    for column, dimension in (
        ("age_band", "age_band"),
        ("gender", "gender"),
        ("district__number", "district"),
        ("migration_experience", "migration_experience"),
    ):
        for key, n in descriptions.values_list(column).annotate(n=Count("*")).order_by():
            add(dimension, key, n)
    for key, n in (
        SelfDescribedLanguage.objects.filter(description__process_id=process.pk)
        .values_list("language")
        .annotate(n=Count("*"))
        .order_by()
    ):
        add("language", key, n)
    for key, n in (
        SelfDescription.target_groups.through.objects.filter(selfdescription__process_id=process.pk)
        .values_list("targetgroup__slug")
        .annotate(n=Count("*"))
        .order_by()
    ):
        add("target_group", key, n)
    # The events' tallies name districts and target groups by id: translate them to the keys above in the query.
    tallies = AttendanceCount.objects.filter(event__process_id=process.pk, event__state=EventState.HELD)
    for tallied, dimension in (
        (CompositionDimension.AGE_BAND, "age_band"),
        (CompositionDimension.GENDER, "gender"),
        (CompositionDimension.MIGRATION, "migration_experience"),
    ):
        for key, n in tallies.filter(dimension=tallied).values_list("key").annotate(n=Sum("count")).order_by():
            add(dimension, key, n)
    districts = dict(District.objects.filter(city_id=process.city_id).values_list("pk", "number"))
    groups = dict(TargetGroup.objects.filter(process_id=process.pk).values_list("pk", "slug"))
    for dimension, names in (("district", districts), ("target_group", groups)):
        rows = tallies.filter(dimension=dimension).values_list("key").annotate(n=Sum("count")).order_by()
        for key, n in rows:
            if key.isdigit() and int(key) in names:
                add(dimension, names[int(key)], n)
    return counts


def population_shares(*, process) -> dict[str, dict[str, float]]:
    """The population's shares per dimension and group that a baseline exists for (docs/representativeness.md):
    ``district`` from the districts' populations (only when every district of the city has one: a share of an
    incomplete whole would be invented), ``migration_experience`` from the city's baseline ("own" and "family"
    together, the statistics' migration background, as ``own_or_family``; ``none`` the rest). Dimensions and
    groups without a baseline are missing: unknown."""
    shares: dict[str, dict[str, float]] = {}
    populations = list(District.objects.filter(city_id=process.city_id).values_list("number", "population"))
    if populations and all(population for _number, population in populations):
        whole = sum(population for _number, population in populations)
        shares["district"] = {str(number): population / whole for number, population in populations}
    city_share = (
        PopulationBaseline.objects.filter(
            city_id=process.city_id,
            district__isnull=True,
            dimension=BaselineDimension.MIGRATION_EXPERIENCE,
            value="own_or_family",
        )
        .values_list("share", flat=True)
        .first()
    )
    if city_share is not None:
        shares["migration_experience"] = {"own_or_family": float(city_share), "none": 1 - float(city_share)}
    return shares


def _ordered(dimension: str, keys, process) -> list[str]:
    """The groups of a dimension in their natural order (age bands from young to old, districts by number, …)."""
    if dimension == "district":
        return sorted(keys, key=lambda key: int(key) if key.isdigit() else 0)
    order = {
        "age_band": AgeBand.values,
        "gender": Gender.values,
        "migration_experience": ["own_or_family", *MigrationExperience.values],
        "language": Language.values,
    }.get(dimension)
    if order is None:
        order = list(
            TargetGroup.objects.filter(process_id=process.pk).order_by("order", "name").values_list("slug", flat=True)
        )
    position = {key: index for index, key in enumerate(order)}
    return sorted(keys, key=lambda key: (position.get(key, len(position)), key))


def _grouped(dimension: str, counts: dict[str, int]) -> dict[str, int]:
    """Counts in the groups the baseline knows: migration experience "own" and "family" are one group."""
    if dimension != "migration_experience":
        return counts
    return {
        "own_or_family": counts.get("own", 0) + counts.get("family", 0),
        "none": counts.get("none", 0),
    }


def representativeness(*, process) -> dict:
    """Who described themselves, compared with the population (docs/representativeness.md). Per dimension: the
    groups with their protected count (None: fewer than k, or suppressed to protect another), their share among
    those who answered that question (None where the count is), the population's share (None: unknown) and the
    ratio of the two (participants' share / population's share, two decimals; None where either is unknown);
    ``answered`` (protected) and the dimension's ``index``. ``index``: the mean of the dimensions' indices over
    the dimensions with a baseline (None if none has one). The index of a dimension is ``1 - ½ Σ |p_g - q_g|``
    over its groups, computed from the published counts only: suppressed groups are merged into one remainder
    group (its count is the published total minus the published groups, its population share theirs)."""
    counts = self_description_counts(process=process)
    population = population_shares(process=process)
    dimensions = {}
    for dimension in SELF_DESCRIPTION_DIMENSIONS:
        baseline = population.get(dimension)
        grouped = _grouped(dimension, counts[dimension]) if baseline else counts[dimension]
        if baseline:
            grouped = {key: grouped.get(key, 0) for key in baseline} | grouped
        grouped = {key: grouped[key] for key in _ordered(dimension, grouped, process)}
        protected = protect_series(grouped)
        # Languages and target groups: one person may name several, so the groups add up to more than the people.
        answered = protected.total
        rows = []
        for key, count in protected.items():
            share = count / answered if count is not None and answered else None
            population_share = baseline.get(key) if baseline else None
            ratio = round(share / population_share, 2) if share is not None and population_share else None
            rows.append(
                {
                    "key": key,
                    "count": count,
                    "share": None if share is None else round(100 * share, 1),
                    "population_share": None if population_share is None else round(100 * population_share, 1),
                    "ratio": ratio,
                }
            )
        index = None
        if baseline and answered:
            index = _dimension_index(rows, answered, baseline)
        dimensions[dimension] = {"groups": rows, "answered": answered, "index": index}
    indices = [figures["index"] for figures in dimensions.values() if figures["index"] is not None]
    return {
        "dimensions": dimensions,
        "index": round(sum(indices) / len(indices), 2) if indices else None,
    }


def _dimension_index(rows: list[dict], answered: int, baseline: dict[str, float]) -> float:
    """``1 - ½ Σ |p_g - q_g|`` from published numbers: suppressed groups merged into one remainder."""
    distance = 0.0
    rest_count, rest_population = answered, 0.0
    for row in rows:
        if row["count"] is None:
            rest_population += baseline.get(row["key"], 0.0)
            continue
        rest_count -= row["count"]
        distance += abs(row["count"] / answered - baseline.get(row["key"], 0.0))
    if rest_count or rest_population:
        distance += abs(rest_count / answered - rest_population)
    return round(1 - distance / 2, 2)


def representativeness_by_district(*, process) -> list[dict]:
    """Per district (number): the self-descriptions from the district that answered the migration question, how
    many of them have a migration experience (own or family; protected as a table with the other districts), their
    share, the district's population share with a migration background (None: unknown, no baseline) and the
    ratio. From the self-descriptions only (event tallies count districts and no migration)."""
    rows = (
        SelfDescription.objects.filter(process_id=process.pk, district__isnull=False)
        .exclude(migration_experience="")
        .values_list("district__number")
        .annotate(
            migrant=Count("pk", filter=Q(migration_experience__in=("own", "family"))),
            none=Count("pk", filter=Q(migration_experience="none")),
        )
        .order_by()
    )
    cells = {}
    for number, migrant, none in rows:
        cells[(str(number), "own_or_family")] = migrant
        cells[(str(number), "none")] = none
    baselines = dict(
        PopulationBaseline.objects.filter(
            city_id=process.city_id, district__isnull=False, dimension=BaselineDimension.MIGRATION_EXPERIENCE
        ).values_list("district__number", "share")
    )
    numbers = [
        str(number)
        for number in District.objects.filter(city_id=process.city_id)
        .values_list("number", flat=True)
        .order_by("number")
    ]
    table = protect_table(cells, numbers, ["own_or_family", "none"])
    result = []
    for number in numbers:
        answered = table.row_total(number)
        migrant = table.cell(number, "own_or_family")
        share = migrant / answered if migrant is not None and answered else None
        baseline = baselines.get(int(number))
        result.append(
            {
                "district": number,
                "answered": answered,
                "with_migration_experience": migrant,
                "share": None if share is None else round(100 * share, 1),
                "population_share": None if baseline is None else round(100 * float(baseline), 1),
                "ratio": round(share / float(baseline), 2) if share is not None and baseline else None,
            }
        )
    return result
