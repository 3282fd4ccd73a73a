"""The ideas competition: funds, calls and their juries (Ideenwettbewerb)."""

from django.conf import settings
from django.db import models
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
