"""Reads of the ideas competition: funds, their yearly balances derived from the ledger, and who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from teilhabe.competitions.models import (
    ApplicantKind,
    Application,
    ApplicationFile,
    ApplicationState,
    ApplicationSupport,
    ApplicationSupportTally,
    BudgetLine,
    Call,
    Criterion,
    EntryKind,
    Fund,
    FundingTier,
    FundYear,
    JuryMembership,
    LedgerEntry,
    TierKind,
)
from teilhabe.processes.models import Process
from teilhabe.processes.selectors import process_ids_coordinated_by

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    """A fund's figures for one budget year, all derived from the ledger (euros, two decimals).

    committed: commitments − releases − repayments (what the year's money is promised for);
    paid: payments − repayments (what has left the fund, net);
    outstanding: committed − paid (promised, not paid yet);
    remaining: budget − committed (still free to commit; negative after an override).
    """

    year: int
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.committed - self.paid

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    @property
    def has_budget(self) -> bool:
        return self.budget is not None


def euro(value) -> str:
    """An amount in euros with two decimals, grouped as the page's language writes numbers ("1.250,50 €")."""
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True) + "\u00a0€"


def _sums_by_kind(fund_id: int, year: int | None = None) -> dict[tuple[int, str], Decimal]:
    entries = LedgerEntry.objects.filter(fund_id=fund_id)
    if year is not None:
        entries = entries.filter(year=year)
    rows = entries.order_by().values_list("year", "kind").annotate(total=Sum("amount"))
    return {(row_year, kind): total for row_year, kind, total in rows}


def _balance(year: int, budget: Decimal, sums: dict) -> Balance:
    def total(kind):
        return sums.get((year, kind)) or ZERO

    repaid = total(EntryKind.REPAYMENT)
    return Balance(
        year=year,
        budget=budget,
        committed=total(EntryKind.COMMITMENT) - total(EntryKind.RELEASE) - repaid,
        paid=total(EntryKind.PAYMENT) - repaid,
    )


def fund_year_budget(fund: Fund, year: int) -> Decimal:
    """The year's budget as set for the year, else the fund's annual budget, else nothing (zero)."""
    budget = FundYear.objects.filter(fund=fund, year=year).values_list("budget", flat=True).first()
    if budget is None:
        budget = fund.annual_budget
    return budget if budget is not None else ZERO


def fund_balance(fund: Fund, year: int) -> Balance:
    """One year's balance: two small queries (the budget, and one aggregate over the year's entries by kind)."""
    return _balance(year, fund_year_budget(fund, year), _sums_by_kind(fund.pk, year))


def fund_balances(fund: Fund) -> list[Balance]:
    """Every year that has a budget or an entry, newest first."""
    sums = _sums_by_kind(fund.pk)
    budgets = dict(FundYear.objects.filter(fund=fund).values_list("year", "budget"))
    years = sorted(set(budgets) | {year for year, _kind in sums}, reverse=True)
    default = fund.annual_budget if fund.annual_budget is not None else ZERO
    return [_balance(year, budgets.get(year, default), sums) for year in years]


def fund_ids_of(user) -> set[int]:
    """Funds whose books a person keeps: those of the cities of the processes they coordinate."""
    process_ids = process_ids_coordinated_by(user)
    if not process_ids:
        return set()
    cached = getattr(user, "_fund_ids", None)
    if cached is None:
        city_ids = Process.objects.filter(pk__in=process_ids).values_list("city_id", flat=True)
        cached = set(Fund.objects.filter(city_id__in=city_ids).values_list("pk", flat=True))
        user._fund_ids = cached
    return cached


def funds_of(user) -> list[Fund]:
    return list(Fund.objects.filter(pk__in=fund_ids_of(user)).select_related("city"))


def funds_of_city(city_id: int) -> list[Fund]:
    return list(Fund.objects.filter(city_id=city_id).order_by("name"))


def fund_get(pk: int) -> Fund | None:
    return Fund.objects.select_related("city").filter(pk=pk).first()


def ledger_entries(fund: Fund, *, year: int | None = None):
    """The fund's entries, newest first (ids for the paginator)."""
    entries = LedgerEntry.objects.filter(fund=fund)
    if year is not None:
        entries = entries.filter(year=year)
    return entries.order_by("-booked_on", "-pk")


def ledger_rows(ids) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(pk__in=ids).select_related("call", "recorded_by"))


def ledger_entry_get(fund: Fund, pk: int) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(fund=fund, pk=pk).first()


def entry_net(entry: LedgerEntry) -> Decimal:
    """An entry's amount with the corrections of it."""
    corrected = entry.corrections.aggregate(total=Sum("amount"))["total"] or ZERO
    return entry.amount + corrected


def fund_calls(fund: Fund):
    return fund.calls.order_by("-opens")


# --- calls -----------------------------------------------------------------------------------------------------

CALLS_NAMESPACE = "competition-calls"  # object id: the process; bumped by every change of a call's public page


class CallState:
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def call_state(call, now=None) -> str:
    """Whether applications are taken now: before ``opens`` upcoming, from ``opens`` until (not including)
    ``closes`` open, afterwards closed. The services ask this, not the pages."""
    now = now or timezone.now()
    if now < call.opens:
        return CallState.UPCOMING
    if now < call.closes:
        return CallState.OPEN
    return CallState.CLOSED


def call_config_locked(call, now=None) -> bool:
    """The rules of a published call that has opened (tiers, criteria, scale, limits) stay as published."""
    return call.is_published and (now or timezone.now()) >= call.opens


def calls_of_process(process, *, published_only: bool):
    calls = Call.objects.filter(process=process).select_related("fund")
    if published_only:
        calls = calls.filter(is_published=True)
    return list(calls.order_by("-opens", "-pk"))


def call_get(pk: int) -> Call | None:
    return Call.objects.select_related("process", "fund", "process__city").filter(pk=pk).first()


def call_tiers(call) -> list[FundingTier]:
    return list(call.tiers.order_by(F("up_to").asc(nulls_last=True), "pk"))


def call_criteria(call) -> list[Criterion]:
    return list(call.criteria.order_by("position", "pk"))


def call_ids_judged_by(user) -> set[int]:
    """The calls a person sits on the jury of; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_jury_call_ids", None)
    if cached is None:
        cached = set(JuryMembership.objects.filter(user=user).values_list("call_id", flat=True))
        user._jury_call_ids = cached
    return cached


def tier_for(tiers, amount: Decimal):
    """The tier an amount asked for falls in: the first (by ``up_to``) whose ``up_to`` is at least the amount, or
    the open-ended one; None when the amount is above every tier."""
    for tier in tiers:
        if tier.up_to is None or amount <= tier.up_to:
            return tier
    return None


@dataclass(frozen=True)
class TierRule:
    """A tier in words: from ``lower`` (exclusive; None for the first) up to ``upper`` (None: no limit)."""

    tier: FundingTier
    lower: Decimal | None
    upper: Decimal | None


def tier_rules(tiers) -> list[TierRule]:
    rules_, lower = [], None
    for tier in tiers:
        rules_.append(TierRule(tier=tier, lower=lower, upper=tier.up_to))
        lower = tier.up_to
    return rules_


def tier_problem(tiers, *, requested: Decimal, total_costs: Decimal, own_contribution: Decimal) -> str | None:
    """Why an application's figures break the call's funding rules, naming the rule; None when they keep them."""
    ordered = list(tiers)
    tier = tier_for(ordered, requested)
    if tier is None:
        return _("The amount asked for, %(requested)s, is above every funding tier of this call.") % {
            "requested": euro(requested)
        }
    rule = next(rule for rule in tier_rules(ordered) if rule.tier.pk == tier.pk)
    name = tier_rule_text(rule)
    share = (own_contribution / total_costs * 100) if total_costs > 0 else Decimal(0)
    if tier.min_own_share > 0 and share < tier.min_own_share:
        return _(
            "Rule “%(rule)s”: your own contribution is %(share)s %% of the costs (%(own)s of %(costs)s); it must be at"
            " least %(minimum)s %%."
        ) % {
            "rule": name,
            "share": _percent(share),
            "own": euro(own_contribution),
            "costs": euro(total_costs),
            "minimum": _percent(tier.min_own_share),
        }
    if tier.kind == TierKind.PARTIAL and requested >= total_costs:
        return _(
            "Rule “%(rule)s”: the fund pays only part of the costs, so the amount asked for (%(requested)s) must be"
            " less than the costs (%(costs)s)."
        ) % {"rule": name, "requested": euro(requested), "costs": euro(total_costs)}
    return None


def _percent(value: Decimal) -> str:
    return formats.number_format(Decimal(value).quantize(Decimal("0.1")), decimal_pos=1, use_l10n=True)


def tier_rule_text(rule: TierRule) -> str:
    """A tier in plain language, such as “from €5,000.01 up to €10,000: only with at least 20 % own
    contribution”."""
    tier = rule.tier
    if rule.lower is None and rule.upper is not None:
        span = _("up to %(upper)s") % {"upper": euro(rule.upper)}
    elif rule.upper is None and rule.lower is not None:
        span = _("above %(lower)s") % {"lower": euro(rule.lower)}
    elif rule.upper is None:
        span = _("any amount")
    else:
        span = _("above %(lower)s up to %(upper)s") % {"lower": euro(rule.lower), "upper": euro(rule.upper)}
    if tier.kind == TierKind.FIXED:
        how = _("paid as a fixed amount")
    elif tier.kind == TierKind.OWN_CONTRIBUTION:
        how = _("only with an own contribution of at least %(share)s %% of the costs") % {
            "share": _percent(tier.min_own_share)
        }
    else:
        how = _("partial financing: the fund pays part of the costs, the rest comes from your own or other money")
        if tier.min_own_share > 0:
            how += " " + _("(own contribution at least %(share)s %%)") % {"share": _percent(tier.min_own_share)}
    return f"{span}: {how}"


def call_applicant_kinds(call) -> list[str]:
    """Who may apply, in words."""
    kinds = []
    if call.allows_organisations:
        kinds.append(_("organisations, through a representative verified by the city"))
    if call.allows_groups:
        kinds.append(_("informal groups and initiatives, through their contact person"))
    if call.allows_individuals:
        kinds.append(_("individuals"))
    return kinds


# --- applications ----------------------------------------------------------------------------------------------


def organisations_represented_by(user) -> list:
    """The organisations a person is a verified representative of."""
    from teilhabe.stakeholders.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(representatives__user=user, representatives__verified_at__isnull=False).order_by(
            "name"
        )
    )


def applicant_kinds_for(user, call) -> list[str]:
    """How a person may apply to a call: for an organisation they represent (verified), as a group's contact
    person, as an individual — as far as the call allows."""
    if not getattr(user, "is_authenticated", False):
        return []
    kinds = []
    if call.allows_organisations and organisations_represented_by(user):
        kinds.append(ApplicantKind.ORGANISATION)
    if call.allows_groups:
        kinds.append(ApplicantKind.GROUP)
    if call.allows_individuals:
        kinds.append(ApplicantKind.INDIVIDUAL)
    return kinds


def applications_of(user):
    """A person's own applications, newest first."""
    return list(
        Application.objects.filter(applicant=user)
        .select_related("call", "call__process", "organisation")
        .order_by("-created_at")
    )


def application_get(pk: int) -> Application | None:
    return (
        Application.objects.select_related("call", "call__process", "call__fund", "organisation", "applicant")
        .filter(pk=pk)
        .first()
    )


def application_lines(application) -> list[BudgetLine]:
    return list(application.budget_lines.order_by("position", "pk"))


def application_total_costs(application) -> Decimal:
    return application.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO


def application_files(application, *, scans: bool | None = None) -> list[ApplicationFile]:
    files = application.files.all()
    if scans is not None:
        files = files.filter(is_scan=scans)
    return list(files.order_by("uploaded_at", "pk"))


def call_applications(call, *, include_drafts: bool = False):
    """The applications of a call as staff see them: drafts are the applicants' own until submitted."""
    applications = Application.objects.filter(call=call).select_related("organisation")
    if not include_drafts:
        applications = applications.exclude(state=ApplicationState.DRAFT)
    return list(applications.order_by("submitted_at", "pk"))


def application_eligibility(application):
    from teilhabe.competitions.models import Eligibility

    return Eligibility.objects.filter(application=application).select_related("checked_by").first()


def call_eligibility(call) -> dict[int, bool]:
    """Application id → eligible or not, for the applications of a call that were checked."""
    from teilhabe.competitions.models import Eligibility

    return dict(Eligibility.objects.filter(application__call=call).values_list("application_id", "is_eligible"))


# --- the jury ----------------------------------------------------------------------------------------------------


def seat_of(user, call):
    """A person's seat on a call's jury, or None; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or call is None:
        return None
    seats = getattr(user, "_jury_seats", None)
    if seats is None:
        seats = {seat.call_id: seat for seat in JuryMembership.objects.filter(user=user)}
        user._jury_seats = seats
    return seats.get(call.pk)


def is_for_jury(application) -> bool:
    """Submitted (not withdrawn) and found eligible: what the jury scores."""
    if application.state != ApplicationState.SUBMITTED:
        return False
    eligibility = application_eligibility(application)
    return eligibility is not None and eligibility.is_eligible


def jury_applications(call):
    """The applications the jury scores: submitted and eligible, in the order they came."""
    return (
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED, eligibility__is_eligible=True)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def declaration_of(seat, application):
    """True (conflict: recused), False (declared: no conflict) or None (not declared yet)."""
    from teilhabe.competitions.models import ConflictDeclaration

    if seat is None:
        return None
    return (
        ConflictDeclaration.objects.filter(seat=seat, application=application)
        .values_list("has_conflict", flat=True)
        .first()
    )


def scores_of_seat(seat, application) -> dict[int, tuple[int, str]]:
    from teilhabe.competitions.models import Score

    rows = Score.objects.filter(seat=seat, application=application).values_list("criterion_id", "value", "comment")
    return {criterion_id: (value, comment) for criterion_id, value, comment in rows}


@dataclass(frozen=True)
class JurorTotal:
    seat_id: int
    juror: str
    total: Decimal  # the weighted mean of the juror's scores of the criteria


@dataclass
class JuryRow:
    """One application in the jury's overview: the viewer's own state, and — after closing, for those who may see
    them — the weighted mean over the non-recused jurors who scored every criterion, the spread (highest − lowest
    juror's weighted mean) and the rank."""

    application: Application
    declaration: bool | None = None
    scored: int = 0
    mean: Decimal | None = None
    spread: Decimal | None = None
    jurors: int = 0
    recused: int = 0
    rank: int | None = None
    recommended: Decimal | None = None


def _weighted_totals(call, criteria) -> dict[int, list[tuple[int, Decimal]]]:
    """Application id → [(seat id, weighted mean)] for the seats that scored every criterion and are not recused;
    one aggregate query."""
    from teilhabe.competitions.models import ConflictDeclaration, Score

    weights = {criterion.pk: criterion.weight for criterion in criteria}
    total_weight = sum(weights.values()) or 1
    recused = set(
        ConflictDeclaration.objects.filter(application__call=call, has_conflict=True).values_list(
            "application_id", "seat_id"
        )
    )
    rows = (
        Score.objects.filter(application__call=call, criterion_id__in=list(weights))
        .order_by()
        .values_list("application_id", "seat_id")
        .annotate(weighted=Sum(F("value") * F("criterion__weight")), count=Count("pk"))
    )
    totals: dict[int, list[tuple[int, Decimal]]] = {}
    for application_id, seat_id, weighted, count in rows:
        if count != len(weights) or (application_id, seat_id) in recused:
            continue
        mean = (Decimal(weighted) / total_weight).quantize(Decimal("0.01"))
        totals.setdefault(application_id, []).append((seat_id, mean))
    return totals


def jury_overview(call, *, seat=None, show_results: bool) -> list[JuryRow]:
    """The jury's overview of a call: every application the jury scores with the viewer's declaration and progress
    (``seat``), and, when ``show_results``, the results — except for applications the viewer is recused from.
    A fixed number of queries whatever the number of applications."""
    from teilhabe.competitions.models import ConflictDeclaration, Recommendation, Score

    criteria = call_criteria(call)
    applications = list(
        jury_applications(call).only(
            "pk", "call_id", "title", "group_name", "contact_name", "requested", "organisation_id", "organisation__name"
        )
    )
    rows = [JuryRow(application=application) for application in applications]
    by_id = {row.application.pk: row for row in rows}
    if seat is not None:
        for application_id, has_conflict in ConflictDeclaration.objects.filter(seat=seat).values_list(
            "application_id", "has_conflict"
        ):
            if application_id in by_id:
                by_id[application_id].declaration = has_conflict
        counts = Score.objects.filter(seat=seat).order_by().values_list("application_id").annotate(count=Count("pk"))
        for application_id, count in counts:
            if application_id in by_id:
                by_id[application_id].scored = count
    if not show_results:
        return rows
    recused_counts = (
        ConflictDeclaration.objects.filter(application__call=call, has_conflict=True)
        .order_by()
        .values_list("application_id")
        .annotate(count=Count("pk"))
    )
    for application_id, count in recused_counts:
        if application_id in by_id:
            by_id[application_id].recused = count
    for application_id, amount in Recommendation.objects.filter(application__call=call).values_list(
        "application_id", "amount"
    ):
        if application_id in by_id:
            by_id[application_id].recommended = amount
    totals = _weighted_totals(call, criteria)
    for row in rows:
        if row.declaration is True:
            continue  # recused: no scores of it are shown to this juror
        values = [total for _seat, total in totals.get(row.application.pk, [])]
        if values:
            row.jurors = len(values)
            row.mean = (sum(values) / len(values)).quantize(Decimal("0.01"))
            row.spread = max(values) - min(values)
    ranked = sorted(
        (row for row in rows if row.mean is not None), key=lambda row: (-row.mean, row.spread, row.application.pk)
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.application.pk))
    return rows


def application_scores(application, criteria) -> list[dict]:
    """After closing: every non-recused juror's scores of an application, per criterion with comments, and their
    weighted mean."""
    from teilhabe.competitions.models import ConflictDeclaration, Score

    recused = set(
        ConflictDeclaration.objects.filter(application=application, has_conflict=True).values_list("seat_id", flat=True)
    )
    weights = {criterion.pk: criterion.weight for criterion in criteria}
    total_weight = sum(weights.values()) or 1
    jurors: dict[int, dict] = {}
    for score in Score.objects.filter(application=application).select_related("seat__user").order_by("seat_id"):
        if score.seat_id in recused:
            continue
        entry = jurors.setdefault(score.seat_id, {"juror": str(score.seat.user), "scores": {}, "total": None})
        entry["scores"][score.criterion_id] = (score.value, score.comment)
    for entry in jurors.values():
        if set(entry["scores"]) == set(weights):
            weighted = sum(weights[pk] * value for pk, (value, _comment) in entry["scores"].items())
            entry["total"] = (Decimal(weighted) / total_weight).quantize(Decimal("0.01"))
    return list(jurors.values())


def recommended_total(call) -> Decimal:
    from teilhabe.competitions.models import Recommendation

    return Recommendation.objects.filter(application__call=call).aggregate(total=Sum("amount"))["total"] or ZERO


def jury_seats(call) -> list:
    """A call's jurors, the chair first, each with how many applications they declared on and scored (a juror
    with either stays on the jury)."""
    return list(
        JuryMembership.objects.filter(call=call)
        .select_related("user")
        .annotate(declared=Count("declarations", distinct=True), scored=Count("scores__application", distinct=True))
        .order_by("-is_chair", "user__display_name", "user__email")
    )


def jury_seat_get(call, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return JuryMembership.objects.filter(call=call, pk=pk).select_related("user", "call").first()


def person_by_email(email: str):
    """The active account with this e-mail address (case does not matter), or None."""
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()


def calls_judged_by(user) -> list:
    return list(Call.objects.filter(pk__in=call_ids_judged_by(user)).select_related("process").order_by("-opens"))


# --- decisions and grants ----------------------------------------------------------------------------------------


def grant_paid(grant) -> Decimal:
    """What has been paid on a grant: its payments less repayments."""
    sums = dict(LedgerEntry.objects.filter(grant=grant).order_by().values_list("kind").annotate(total=Sum("amount")))
    return (sums.get(EntryKind.PAYMENT) or ZERO) - (sums.get(EntryKind.REPAYMENT) or ZERO)


def application_decision(application):
    from teilhabe.competitions.models import Decision

    return Decision.objects.filter(application=application).first()


def application_grant(application):
    from teilhabe.competitions.models import Grant

    return Grant.objects.filter(application=application).first()


def grant_get(pk: int):
    from teilhabe.competitions.models import Grant

    return (
        Grant.objects.select_related("application", "application__call", "application__call__process")
        .filter(pk=pk)
        .first()
    )


def grant_tranches(grant) -> list:
    return list(LedgerEntry.objects.filter(grant=grant).order_by("booked_on", "pk"))


def grant_reports(grant) -> list:
    return list(grant.reports.prefetch_related("files").order_by("submitted_at", "pk"))


def public_grants(call) -> list:
    """The funded projects of a call whose grantees agreed to a public page."""
    from teilhabe.competitions.models import Grant

    return list(
        Grant.objects.filter(application__call=call, public_consent=True)
        .select_related("application", "application__organisation")
        .prefetch_related("application__fields_of_action", "application__districts")
        .order_by("application__title")
    )


# --- the public support phase ------------------------------------------------------------------------------------


class SupportState:
    NONE = "none"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def support_state(call, now=None) -> str:
    """The call's public support phase: none (the call has none), upcoming, open (from ``support_opens`` until,
    not including, ``support_closes``) or closed. The services ask this, not the pages."""
    if call.support_opens is None or call.support_closes is None:
        return SupportState.NONE
    now = now or timezone.now()
    if now < call.support_opens:
        return SupportState.UPCOMING
    if now < call.support_closes:
        return SupportState.OPEN
    return SupportState.CLOSED


def is_supportable(application) -> bool:
    """Shown in the call's public support phase: submitted, found eligible, with the applicant's consent to a
    public summary, in a published call that has a support phase."""
    call = application.call
    return (
        call.is_published
        and support_state(call) != SupportState.NONE
        and application.summary_consent
        and is_for_jury(application)
    )


def supportable_applications(call) -> list:
    """What the public sees in a call's support phase (``is_supportable``), by title, with what the public summary
    shows; nothing before the phase opens."""
    if not call.is_published or support_state(call) in (SupportState.NONE, SupportState.UPCOMING):
        return []
    return list(
        jury_applications(call)
        .filter(summary_consent=True)
        .prefetch_related("fields_of_action", "districts")
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class SupportTotal:
    online: int
    analog: int

    @property
    def total(self) -> int:
        return self.online + self.analog


def support_totals(call) -> dict[int, SupportTotal]:
    """Per application of the call: its online supports and the sum of its analog tallies not corrected (two
    aggregates)."""
    online = dict(
        ApplicationSupport.objects.filter(application__call=call)
        .order_by()
        .values_list("application_id")
        .annotate(count=Count("pk"))
    )
    analog = dict(
        ApplicationSupportTally.objects.filter(application__call=call, correction__isnull=True)
        .order_by()
        .values_list("application_id")
        .annotate(count=Sum("count"))
    )
    return {pk: SupportTotal(online.get(pk, 0), analog.get(pk, 0)) for pk in set(online) | set(analog)}


def supported_by(user, call) -> set[int]:
    """The applications of the call a person supports online."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        ApplicationSupport.objects.filter(user=user, application__call=call).values_list("application_id", flat=True)
    )


def support_tallies(call) -> list:
    """The call's analog tallies, newest first, each knowing whether it was corrected (``correction_id``)."""
    return list(
        ApplicationSupportTally.objects.filter(application__call=call)
        .select_related("application", "entered_by", "correction")
        .order_by("-entered_at", "-pk")
    )


def support_tally_get(call, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return ApplicationSupportTally.objects.filter(application__call=call, pk=pk).select_related("application").first()
