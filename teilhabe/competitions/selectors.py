"""Reads of the ideas competition: funds, their yearly balances derived from the ledger, and who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from teilhabe.competitions.models import EntryKind, Fund, FundYear, LedgerEntry
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
