"""Writes of the ideas competition: every change is a keyword-only, atomic, audited function here.

The fund's ledger: a year's budget, and entries (commitment, payment, repayment, release). An entry is never
changed or deleted; a correction is a new entry naming the one it corrects. No entry takes a year's
commitments over its budget unless a coordinator overrides it explicitly, with a reason (audited as such);
payments never exceed what the year has committed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

import rules
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from teilhabe.competitions.models import AMOUNT_MAX, REASON_MAX, EntryKind, Fund, FundYear, LedgerEntry
from teilhabe.competitions.selectors import _balance, _sums_by_kind, entry_net, fund_year_budget
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text

YEAR_MIN, YEAR_MAX = 2000, 2100


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


def _refuse(field: str, message) -> None:
    """Refuse with the whole message at the field it concerns (where the form shows it)."""
    raise ApplicationError(message, field_errors={field: message})


def _money(value) -> str:
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True) + " €"


def _amount(value, field: str, errors: dict, *, allow_negative=False, allow_zero=False) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = _("Please enter an amount in euros, such as 1250.50.")
        return None
    if not amount.is_finite() or abs(amount) > AMOUNT_MAX:
        errors[field] = _("Please enter an amount in euros, such as 1250.50.")
        return None
    if (amount == 0 and not allow_zero) or (amount < 0 and not allow_negative):
        errors[field] = _("Please enter an amount greater than zero.")
        return None
    return amount


def _year(value, errors: dict) -> int | None:
    if not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        errors["year"] = _("Please enter a year between %(min)d and %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX}
        return None
    return value


def _reason(value, field: str, errors: dict, message: str) -> str:
    value = clean_plain_text(value or "")
    if not value:
        errors[field] = message
    elif len(value) > REASON_MAX:
        errors[field] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    return value


@transaction.atomic
def fund_year_set(*, user, fund: Fund, year: int, budget) -> FundYear:
    """Set (or change) a year's budget. Refused below what the year has committed already."""
    _require(user, "competitions.keep_ledger", fund)
    errors: dict = {}
    year = _year(year, errors)
    amount = _amount(budget, "budget", errors, allow_zero=True)
    _raise(errors)
    Fund.objects.select_for_update().get(pk=fund.pk)  # one writer of the fund's books at a time
    balance = _balance(year, amount, _sums_by_kind(fund.pk, year))
    if balance.remaining < 0:
        _refuse(
            "budget",
            _("The year %(year)d has %(committed)s committed already; its budget cannot be lower than that.")
            % {"year": year, "committed": _money(balance.committed)},
        )
    previous = FundYear.objects.filter(fund=fund, year=year).first()
    fund_year, _created = FundYear.objects.update_or_create(fund=fund, year=year, defaults={"budget": amount})
    audit_record(
        actor=user,
        action="fund.budget_set",
        obj=fund_year,
        data={
            "fund": fund.pk,
            "year": year,
            "budget": str(amount),
            "previous": str(previous.budget) if previous else None,
        },
    )
    return fund_year


@transaction.atomic
def ledger_entry_record(
    *,
    user,
    fund: Fund,
    kind: str,
    amount,
    year: int | None = None,
    booked_on: datetime.date | None = None,
    reason: str,
    call=None,
    corrects: LedgerEntry | None = None,
    override_reason: str = "",
) -> LedgerEntry:
    """Book one entry. ``corrects``: the entry this one corrects (same fund, kind and year; the amount may be
    negative, down to the corrected entry's zero). ``override_reason``: a coordinator's explicit reason to let the
    year's commitments exceed its budget; without it such an entry is refused, and with it the entry is audited as
    an override. Payments never exceed the year's commitments."""
    _require(user, "competitions.keep_ledger", fund)
    errors: dict = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("Please choose the kind of entry.")
    if corrects is not None:
        if corrects.fund_id != fund.pk:
            errors["corrects"] = _("A correction must name an entry of the same fund.")
        else:
            kind = corrects.kind
            year = corrects.year
    amount = _amount(amount, "amount", errors, allow_negative=corrects is not None)
    if corrects is None:
        year = _year(year if year is not None else (booked_on or timezone.localdate()).year, errors)
    booked_on = booked_on or timezone.localdate()
    reason = _reason(reason, "reason", errors, _("Please say why this entry is booked."))
    override_reason = clean_plain_text(override_reason or "")
    if len(override_reason) > REASON_MAX:
        errors["override_reason"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    if call is not None and call.fund_id != fund.pk:
        errors["call"] = _("The call is paid from another fund.")
    _raise(errors)

    Fund.objects.select_for_update().get(pk=fund.pk)  # balances are checked and booked by one writer at a time
    if corrects is not None and entry_net(corrects) + amount < 0:
        _refuse(
            "amount",
            _("A correction cannot take the entry below zero: it stands at %(net)s.")
            % {"net": _money(entry_net(corrects))},
        )
    budget = fund_year_budget(fund, year)
    sums = _sums_by_kind(fund.pk, year)
    before = _balance(year, budget, sums)
    sums[(year, kind)] = (sums.get((year, kind)) or Decimal("0.00")) + amount
    after = _balance(year, budget, sums)
    if after.paid > after.committed and after.paid > before.paid:
        _refuse(
            "amount",
            _(
                "This payment would take the payments of %(year)d to %(paid)s, more than the %(committed)s committed:"
                " book the commitment first."
            )
            % {"year": year, "paid": _money(after.paid), "committed": _money(after.committed)},
        )
    if after.paid < 0:
        _refuse(
            "amount",
            _("More would be repaid than was paid in %(year)d (%(paid)s).")
            % {"year": year, "paid": _money(before.paid)},
        )
    if after.committed < after.paid:
        _refuse(
            "amount",
            _("This would release more than is committed and not paid in %(year)d (%(outstanding)s).")
            % {"year": year, "outstanding": _money(before.outstanding)},
        )
    overspends = after.remaining < 0 and after.committed > before.committed
    if overspends and not override_reason:
        _refuse(
            "amount",
            _(
                "This entry would commit %(committed)s in %(year)d, %(over)s more than the budget of %(budget)s."
                " Only a coordinator can allow this, by giving a reason for exceeding the budget."
            )
            % {
                "committed": _money(after.committed),
                "year": year,
                "over": _money(-after.remaining),
                "budget": _money(budget),
            },
        )
    entry = LedgerEntry.objects.create(
        fund=fund,
        year=year,
        kind=kind,
        amount=amount,
        booked_on=booked_on,
        call=call,
        reason=reason,
        corrects=corrects,
        override_reason=override_reason if overspends else "",
        recorded_by=user,
    )
    data = {
        "fund": fund.pk,
        "year": year,
        "kind": kind,
        "amount": str(amount),
        "booked_on": booked_on.isoformat(),
        "call": call.pk if call else None,
        "corrects": corrects.pk if corrects else None,
        "reason": reason,
    }
    audit_record(actor=user, action="ledger.entry_recorded", obj=entry, data=data)
    if overspends:
        audit_record(
            actor=user,
            action="ledger.budget_override",
            obj=entry,
            data={**data, "override_reason": override_reason, "budget": str(budget), "committed": str(after.committed)},
        )
    return entry
