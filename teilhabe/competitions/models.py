"""The ideas competition: funds with their ledger, calls and their juries (Ideenwettbewerb).

A fund's money is never kept as a figure typed in by hand: each year's budget is set (``FundYear``) and every
commitment, payment, repayment and release is a ``LedgerEntry``; balances are derived from the entries by
``selectors.fund_balance``. Entries are never changed or deleted: a correction is a new entry that names the
entry it corrects.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel


class Fund(models.Model):
    """A source of money for calls, such as the Gesellschaftsfonds Zusammenleben (Fonds)."""

    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="funds", verbose_name=_("city"))
    name = models.CharField(_("name"), max_length=200)
    annual_budget = models.DecimalField(
        _("annual budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self):
        return self.name


AMOUNT_MAX = Decimal("9999999999.99")  # what a DecimalField(12, 2) holds
REASON_MAX = 1000


class FundYear(models.Model):
    """A fund's budget for one calendar year (Haushaltsjahr); the ledger's entries of that year draw on it."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="years", verbose_name=_("fund"))
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["fund", "year"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "year"], name="fund_year_unique"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="fund_year_budget_not_negative"),
        ]
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")

    def __str__(self):
        return f"{self.fund} {self.year}"


class EntryKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment")
    REPAYMENT = "repayment", _("Repayment")
    RELEASE = "release", _("Release")


class LedgerEntry(models.Model):
    """One booking in a fund's ledger (Buchung). Never changed nor deleted.

    ``amount`` is positive, except in a correction: an entry that names the entry it corrects (``corrects``,
    of the same kind, fund and year) and may lower it (a negative amount) down to zero, never below.
    ``override_reason`` is set when a coordinator let the entry take the year over its budget.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("fund"))
    year = models.PositiveSmallIntegerField(_("budget year"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    booked_on = models.DateField(_("date"))
    call = models.ForeignKey(
        "Call", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("call")
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    override_reason = models.CharField(_("reason for exceeding the budget"), max_length=REASON_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-booked_on", "-pk"]
        indexes = [
            models.Index(fields=["fund", "year", "kind"], name="ledger_fund_year_kind"),
            models.Index(fields=["fund", "-booked_on", "-id"], name="ledger_fund_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(corrects__isnull=False),
                name="ledger_negative_only_as_correction",
            ),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.year})"


class Call(TimeStampedModel):
    """A call for project ideas within a process, funded by a fund (Ausschreibung)."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="calls", verbose_name=_("process")
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="calls", verbose_name=_("fund"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    opens = models.DateTimeField(_("applications open"))
    closes = models.DateTimeField(_("applications close"))
    max_grant = models.DecimalField(_("maximum grant (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)

    translatable_fields = ("title", "description")

    class Meta:
        ordering = ["-opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="call_closes_after_opens")
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title


class JuryMembership(models.Model):
    """A jury member's seat for one call; scores come with the competition features."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="jury", verbose_name=_("call"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_seats", verbose_name=_("person")
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="jury_membership_unique")]
        verbose_name = _("jury membership")
        verbose_name_plural = _("jury memberships")
