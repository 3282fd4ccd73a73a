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
    grant = models.ForeignKey(
        "Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("grant")
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


TITLE_MAX = 200
TEXT_MAX = 20000
NAME_MAX = 200


class Call(TimeStampedModel):
    """A call for project ideas within a process, funded by a fund (Ausschreibung / Ideenwettbewerb).

    The application period (``opens``–``closes``) is enforced by the services; ``budget`` is what the call may
    award in total, ``max_grant`` and ``max_months`` bound one project. Who may apply: organisations (through a
    verified representative), informal groups (through their contact person) and individuals, each switched on
    or off. Funding tiers (``FundingTier``) and weighted criteria (``Criterion``) are configuration of the call,
    copied from the fund's defaults when the call is created; jurors score each criterion on the call's scale.
    A call is public once published.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="calls", verbose_name=_("process")
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="calls", verbose_name=_("fund"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    theme = models.CharField(_("theme"), max_length=TITLE_MAX, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    opens = models.DateTimeField(_("applications open"))
    closes = models.DateTimeField(_("applications close"))
    budget = models.DecimalField(_("call budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_grant = models.DecimalField(_("maximum grant (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_months = models.PositiveSmallIntegerField(_("maximum duration (months)"), null=True, blank=True)
    allows_organisations = models.BooleanField(_("organisations may apply"), default=True)
    allows_groups = models.BooleanField(_("informal groups may apply"), default=True)
    allows_individuals = models.BooleanField(_("individuals may apply"), default=False)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    is_published = models.BooleanField(_("published"), default=False)
    scoring_closed_at = models.DateTimeField(_("scoring closed"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("recommendation recorded"), null=True, blank=True)
    support_opens = models.DateTimeField(_("public support opens"), null=True, blank=True)
    support_closes = models.DateTimeField(_("public support closes"), null=True, blank=True)

    translatable_fields = ("title", "theme", "description")

    class Meta:
        ordering = ["-opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="call_closes_after_opens"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="call_scale_max_above_min"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0), name="call_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(support_opens__isnull=True, support_closes__isnull=True)
                | models.Q(support_closes__gt=models.F("support_opens")),
                name="call_support_phase_dates",
            ),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title


class TierKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    OWN_CONTRIBUTION = "own_contribution", _("With own contribution")
    PARTIAL = "partial", _("Partial financing")


class FundingTier(models.Model):
    """A funding rule by the amount asked for (Förderstufe): up to ``up_to`` euros (no limit when empty), funded
    as a fixed amount, only with an own contribution of at least ``min_own_share`` per cent of the costs, or as
    partial financing (the rest of the costs comes from own or other money). A fund's tiers without a call are
    its defaults, copied to each new call."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("fund"))
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("call")
    )
    up_to = models.DecimalField(_("up to (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    kind = models.CharField(_("kind of funding"), max_length=20, choices=TierKind.choices)
    min_own_share = models.DecimalField(
        # "%" is a percent sign here, not a placeholder:
        # xgettext:no-python-format
        _("minimum own contribution (% of the costs)"), max_digits=5, decimal_places=2, default=0
    )

    class Meta:
        ordering = [models.F("up_to").asc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_own_share__gte=0, min_own_share__lte=100), name="tier_share_is_a_percentage"
            ),
            models.CheckConstraint(
                condition=models.Q(up_to__isnull=True) | models.Q(up_to__gt=0), name="tier_up_to_positive"
            ),
        ]
        verbose_name = _("funding tier")
        verbose_name_plural = _("funding tiers")

    def __str__(self):
        return f"{self.get_kind_display()} ≤ {self.up_to}"


class Criterion(models.Model):
    """A criterion the jury scores, with its weight (Bewertungskriterium). A fund's criteria without a call are
    its defaults, copied to each new call."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("fund"))
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_positive")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


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


# --- applications ------------------------------------------------------------------------------------------------

DESCRIPTION_MAX = 10000
LINE_MAX = 300


class ApplicantKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Informal group")
    INDIVIDUAL = "individual", _("Individual")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("On paper")
    EMAIL = "email", _("By e-mail")
    LETTER = "letter", _("By letter")


class Application(TimeStampedModel):
    """An application to a call (Förderantrag): by a verified representative for their organisation, by the contact
    person of an informal group, or by an individual where the call allows it; or entered by staff from paper.

    A draft is changed freely by its applicant; ``application_submit`` checks it against the call's rules (period,
    limits, budget plan, funding tiers) and locks it. It is private: its applicant, the call's coordinators and,
    later, its jury see it — never the public, unless funded and consented.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="competition_applications",
        verbose_name=_("applicant"),
    )
    kind = models.CharField(_("applying as"), max_length=20, choices=ApplicantKind.choices)
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competition_applications",
        verbose_name=_("organisation"),
    )
    group_name = models.CharField(_("name of the group"), max_length=NAME_MAX, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=NAME_MAX, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("language for messages"), max_length=12, default="de")
    title = models.CharField(_("project title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    timeline = models.TextField(_("timeline"), max_length=DESCRIPTION_MAX, blank=True)
    starts_on = models.DateField(_("project starts"), null=True, blank=True)
    ends_on = models.DateField(_("project ends"), null=True, blank=True)
    target_groups = models.ManyToManyField("processes.TargetGroup", blank=True, verbose_name=_("target groups"))
    districts = models.ManyToManyField("places.District", blank=True, verbose_name=_("districts"))
    fields_of_action = models.ManyToManyField("processes.FieldOfAction", blank=True, verbose_name=_("fields of action"))
    requested = models.DecimalField(_("amount asked for (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    own_contribution = models.DecimalField(
        _("own contribution (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    other_funding = models.DecimalField(
        _("other funding (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=ApplicationChannel.choices, default=ApplicationChannel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    summary_consent = models.BooleanField(
        _("the applicant agrees to a public summary during the support phase"), default=False
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "state"], name="application_call_state")]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        return f"{self.call_id}-{self.pk:04d}"


class BudgetLine(models.Model):
    """One line of an application's cost plan (Kostenplan)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("application")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    item = models.CharField(_("what for"), max_length=LINE_MAX)
    amount = models.DecimalField(_("cost (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_line_positive")]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")


class ApplicationFile(models.Model):
    """A private file of an application: an attachment of the applicant, or the scan of a paper application.
    Stored under a random name, served only through ``competitions:application_file``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="files", verbose_name=_("application")
    )
    is_scan = models.BooleanField(_("scan of the original"), default=False)
    report = models.ForeignKey(
        "GrantReport", null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("report")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    file = models.FileField(_("file"), upload_to="competitions/applications/")
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("application file")
        verbose_name_plural = _("application files")


class EligibilityItem(models.TextChoices):
    """The checklist staff go through for every submitted application (Formalprüfung)."""

    IN_TIME = "in_time", _("Received within the application period")
    APPLICANT = "applicant", _("The applicant may apply to this call")
    THEME = "theme", _("The project fits the call's theme and serves the city's residents")
    BUDGET = "budget", _("The budget plan is complete and plausible")
    FUNDING_RULES = "funding_rules", _("The amount and own contribution keep the funding rules")
    NOT_FUNDED_TWICE = "not_funded_twice", _("The project is not funded by the city from another budget")


class Eligibility(models.Model):
    """The outcome of staff's check of an application against the call's rules (Förderfähigkeit): the checklist,
    eligible or not, and the reason. Changed only by a new check (audited each time)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="eligibility", verbose_name=_("application")
    )
    is_eligible = models.BooleanField(_("eligible"))
    checklist = models.JSONField(_("checklist"), default=dict)
    reason = models.TextField(_("reason"), max_length=REASON_MAX * 4, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")


# --- the jury ----------------------------------------------------------------------------------------------------


class ConflictDeclaration(models.Model):
    """A juror's declaration, for one application, whether they have a conflict of interest (Befangenheit). A juror
    with a conflict is recused: they neither score the application nor see its scores. Declared once."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("application")
    )
    seat = models.ForeignKey(
        JuryMembership, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("juror")
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    note = models.CharField(_("note"), max_length=REASON_MAX, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "seat"], name="declaration_once_per_juror")]
        indexes = [models.Index(fields=["seat", "application"], name="declaration_seat")]
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")


class Score(models.Model):
    """A juror's score of one criterion of one application, with a comment (Bewertung)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    seat = models.ForeignKey(JuryMembership, on_delete=models.CASCADE, related_name="scores", verbose_name=_("juror"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), max_length=REASON_MAX * 2, blank=True)
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "seat", "criterion"], name="score_once_per_criterion")
        ]
        indexes = [models.Index(fields=["application", "seat"], name="score_application_seat")]
        verbose_name = _("score")
        verbose_name_plural = _("scores")


class Recommendation(models.Model):
    """The jury's recommendation of an application for funding, with the amount (Förderempfehlung). The set of a
    call's recommendations never exceeds the call's budget."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="recommendation", verbose_name=_("application")
    )
    amount = models.DecimalField(_("recommended amount (EUR)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="recommendation_positive")]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")


# --- the committee's decision and grants -------------------------------------------------------------------------


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGED = "changed", _("Approved with a changed amount")
    REJECTED = "rejected", _("Rejected")


class Decision(models.Model):
    """The council committee's decision on an application (Ausschussbeschluss), recorded by a coordinator."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision", verbose_name=_("application")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    session_reference = models.CharField(_("session or document reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")


class Grant(models.Model):
    """A funded project (Förderung): the approved amount, paid in tranches (ledger payments naming the grant);
    its page is public once the grantee consents."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="grant", verbose_name=_("application")
    )
    amount = models.DecimalField(_("granted amount (EUR)"), max_digits=12, decimal_places=2)
    public_consent = models.BooleanField(_("the grantee agrees to a public page"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_positive")]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")


class GrantReport(models.Model):
    """A grantee's report on a funded project (Sachbericht): what was done and how many people were reached."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports", verbose_name=_("grant"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    text = models.TextField(_("report"), max_length=DESCRIPTION_MAX)
    people_reached = models.PositiveIntegerField(_("people reached"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")


# --- the public support phase ------------------------------------------------------------------------------------


class ApplicationSupport(models.Model):
    """A signed-in person's online support of an application in a call's public support phase (Unterstützung):
    one per person and application; advisory input for the jury, never part of the scores."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="supports", verbose_name=_("application")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="application_support_once")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")


class SupportChannel(models.TextChoices):
    EVENT = "event", _("At an event (dots, ballot)")
    LIST = "list", _("Signature list")
    BALLOT_BOX = "box", _("Ballot box")
    OTHER = "other", _("Other")


class ApplicationSupportTally(models.Model):
    """Supports of an application counted offline and entered by staff (analoge Unterstützung): a count, the
    channel and where it came from. Tallies are never changed: a correction is a new tally naming the one it
    replaces (``corrects``, with a reason; each tally is corrected at most once). The total is the sum of the
    tallies not corrected."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="support_tallies", verbose_name=_("application")
    )
    count = models.PositiveIntegerField(_("count"))
    channel = models.CharField(_("channel"), max_length=10, choices=SupportChannel.choices)
    provenance = models.CharField(_("where the count comes from"), max_length=REASON_MAX)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=REASON_MAX, blank=True)

    class Meta:
        ordering = ["entered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gt=0) | models.Q(corrects__isnull=False), name="support_tally_positive"
            )
        ]
        verbose_name = _("support tally")
        verbose_name_plural = _("support tallies")
