"""The city administration and the answer to every contribution.

Departments (Fachbereiche) and their staff; routing of contributions to departments (Weiterleitung), the
departments' statements (Stellungnahmen) with the head's sign-off, the coordinators' dispositions (Abwägung),
internal notes, notifications of residents, and exports of the consideration table (Abwägungstabelle).
The states and their transitions are described in docs/answers.md; every transition is a service.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import Channel
from teilhabe.core.models import TimeStampedModel


class Department(models.Model):
    """A unit of the administration that answers for its part — Fachbereich / Dezernat."""

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="departments", verbose_name=_("city")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)

    translatable_fields = ("name",)

    class Meta:
        ordering = ["city", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="department_unique_code")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.code} {self.name}"


class DepartmentMembership(models.Model):
    """Staff of a department; heads sign off statements."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("department")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_memberships",
        verbose_name=_("person"),
    )
    is_head = models.BooleanField(_("head of department"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="department_membership_unique")]
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")


class AnswerState(models.TextChoices):
    """Where a contribution stands on its way to an answer (the second dimension beside moderation)."""

    RECEIVED = "received", _("Received")
    ROUTED = "routed", _("Routed to a department")
    STATEMENT_IN_PROGRESS = "statement_in_progress", _("Statement in progress")
    STATEMENT_PUBLISHED = "statement_published", _("Statement published")
    DISPOSED = "disposed", _("Decided")


class Outcome(models.TextChoices):
    """The coordinators' decision on a contribution (Abwägungsergebnis)."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    ALREADY_IN_PLACE = "already_in_place", _("Already in place")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    OUTSIDE_COMPETENCE = "outside_competence", _("Outside municipal competence")


class AnswerPath(models.Model):
    """A contribution's answer path, one row per contribution that left "received" — Antwortweg.

    Derived from the routings, statements and dispositions and kept by their services in the same
    transaction, so that queues, counts and figures read one narrow row. No row: the contribution is received.
    """

    contribution = models.OneToOneField(
        "contributions.Contribution",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="answer_path",
        verbose_name=_("contribution"),
    )
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    state = models.CharField(_("state"), max_length=24, choices=AnswerState.choices, default=AnswerState.RECEIVED)
    # The contribution's channel (set once: a contribution keeps the channel it came in by), so that the answered
    # figures split by channel count from this table's index alone.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, editable=False)
    lead_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead department"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("statement published"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Set when the lead department handed the contribution back, until it is routed again.
    returned_at = models.DateTimeField(_("handed back"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=24, choices=Outcome.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["process", "state", "channel"], name="answer_path_by_state"),
            models.Index(fields=["lead_department", "state", "due_date"], name="answer_path_queue"),
        ]
        verbose_name = _("answer path")
        verbose_name_plural = _("answer paths")


class RoutingRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    CONTRIBUTING = "contributing", _("Contributing department")


class RoutingState(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETURNED = "returned", _("Handed back")
    SUPERSEDED = "superseded", _("Re-routed")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")


class Routing(TimeStampedModel):
    """A contribution routed to a department, as lead or contributing department — Weiterleitung.

    Re-routing and handing back end a row and keep it: the rows are the routing history.
    """

    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="routings", verbose_name=_("contribution")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="routings", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=14, choices=RoutingRole.choices)
    state = models.CharField(_("state"), max_length=12, choices=RoutingState.choices, default=RoutingState.ACTIVE)
    due_date = models.DateField(_("due"))
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("routed by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_routings",
        verbose_name=_("assigned to"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )
    return_reason = models.TextField(_("reason for handing back"), max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "department"],
                condition=models.Q(state="active"),
                name="routing_active_once_per_department",
            ),
            models.UniqueConstraint(
                fields=["contribution"],
                condition=models.Q(state="active", role="lead"),
                name="routing_one_active_lead",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="returned") | ~models.Q(return_reason=""),
                name="routing_returned_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state", "due_date"], name="routing_queue"),
            models.Index(fields=["contribution", "state"], name="routing_by_contribution"),
        ]
        verbose_name = _("routing")
        verbose_name_plural = _("routings")

    @property
    def is_active(self) -> bool:
        return self.state == RoutingState.ACTIVE


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Statement(TimeStampedModel):
    """The lead department's answer to a contribution — Stellungnahme. Published only after sign-off."""

    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("contribution"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="statements", verbose_name=_("department")
    )
    text = models.TextField(_("statement"), max_length=10000, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=StatementState.choices, default=StatementState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    submitted_at = models.DateTimeField(_("submitted for sign-off"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    translatable_fields = ("text",)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One statement in the works or published per contribution; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["contribution"], condition=~models.Q(state="withdrawn"), name="statement_one_current"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["signed_off", "published"]) | models.Q(signed_off_by__isnull=False),
                name="statement_published_is_signed_off",
            ),
        ]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")


class StatementInput(TimeStampedModel):
    """A contributing department's input for the lead department's statement — Zulieferung."""

    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="statement_inputs",
        verbose_name=_("contribution"),
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("input"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("statement input")
        verbose_name_plural = _("statement inputs")


class ReviewDecision(models.TextChoices):
    SIGNED_OFF = "signed_off", _("Signed off")
    RETURNED = "returned", _("Returned for revision")


class StatementReview(TimeStampedModel):
    """A head of department's decision on a statement submitted for sign-off (Freigabe / Rückgabe)."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("statement")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="returned") | ~models.Q(comment=""), name="review_return_has_comment"
            )
        ]
        verbose_name = _("statement review")
        verbose_name_plural = _("statement reviews")


class DispositionGroup(TimeStampedModel):
    """Similar contributions decided together; each keeps its own disposition record (Sammelabwägung)."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("group of similar contributions")
        verbose_name_plural = _("groups of similar contributions")

    def __str__(self):
        return self.title


class Disposition(TimeStampedModel):
    """The coordinators' decision on one contribution with its justification — Abwägung.

    Changing a decision adds a version; the earlier ones stay (``is_current`` marks the newest).
    """

    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="dispositions",
        verbose_name=_("contribution"),
    )
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    outcome = models.CharField(_("decision"), max_length=24, choices=Outcome.choices)
    justification = models.TextField(_("justification"), max_length=5000)
    forwarded_to = models.CharField(_("forwarded to"), max_length=300, blank=True)
    group = models.ForeignKey(
        DispositionGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispositions",
        verbose_name=_("group of similar contributions"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )

    translatable_fields = ("justification",)

    class Meta:
        ordering = ["contribution", "version"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "version"], name="disposition_unique_version"),
            models.UniqueConstraint(
                fields=["contribution"], condition=models.Q(is_current=True), name="disposition_one_current"
            ),
            models.CheckConstraint(condition=~models.Q(justification=""), name="disposition_has_justification"),
            models.CheckConstraint(
                condition=~models.Q(outcome="outside_competence") | ~models.Q(forwarded_to=""),
                name="disposition_outside_competence_forwarded",
            ),
        ]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")


class MeasureLink(TimeStampedModel):
    """A contribution that led to a measure of the plan (Verknüpfung), usually set with its disposition.

    It sits here, beside the dispositions, so that the consideration table and the timeline can name a
    contribution's measures; the plan (``teilhabe.plan``, above this app) writes the links and owns the measures.
    """

    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+", verbose_name=_("contribution")
    )
    measure = models.ForeignKey(
        "plan.Measure", on_delete=models.CASCADE, related_name="links", verbose_name=_("measure")
    )
    disposition = models.ForeignKey(
        Disposition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("disposition"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("linked by")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contribution", "measure"], name="measure_link_once")]
        indexes = [models.Index(fields=["measure", "contribution"], name="measure_link_measure")]
        verbose_name = _("link to a measure")
        verbose_name_plural = _("links to measures")


class InternalNote(TimeStampedModel):
    """A note on a contribution for its departments and coordinators only — never public (interne Notiz)."""

    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="internal_notes",
        verbose_name=_("contribution"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("department")
    )
    text = models.TextField(_("note"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")


class PublicStepKind(models.TextChoices):
    ROUTED = "routed", _("Routed")
    STATEMENT_PUBLISHED = "statement_published", _("Statement published")
    DISPOSED = "disposed", _("Decided")


class PublicStep(models.Model):
    """A public step on a contribution's answer path, written by the service that takes it (öffentlicher
    Schritt). Its notifications are sent from these rows, once per recipient and step."""

    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+", verbose_name=_("contribution")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PublicStepKind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))  # the routing, statement or disposition
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "kind", "object_id"], name="public_step_once"),
        ]
        verbose_name = _("public step")
        verbose_name_plural = _("public steps")


class SubscriptionReason(models.TextChoices):
    AUTHOR = "author", _("Author")
    SUPPORTER = "supporter", _("Supporter")


class Delivery(models.TextChoices):
    EACH_STEP = "each_step", _("A mail at each step")
    DAILY_DIGEST = "daily_digest", _("One daily summary")


class Subscription(TimeStampedModel):
    """Someone who gets a mail when a contribution takes a public step (Benachrichtigung).

    An author is subscribed when the first step is taken (unless they have unsubscribed); a supporter only by
    opting in. Anonymous authors are reached at their confirmed address. ``token`` is the one-click unsubscribe.
    """

    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contribution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)  # anonymous authors only
    reason = models.CharField(_("reason"), max_length=10, choices=SubscriptionReason.choices)
    language = models.CharField(_("language"), max_length=8)
    delivery = models.CharField(_("delivery"), max_length=14, choices=Delivery.choices, default=Delivery.EACH_STEP)
    token = models.CharField(_("unsubscribe token"), max_length=64, unique=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "user"], condition=models.Q(user__isnull=False), name="subscription_once_user"
            ),
            models.UniqueConstraint(
                fields=["contribution", "email"], condition=~models.Q(email=""), name="subscription_once_email"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""), name="subscription_has_recipient"
            ),
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")


class Notification(models.Model):
    """One mail owed to one subscriber for one public step; ``sent_at`` is set when the mail left.

    Unique per subscription and step, and claimed with a conditional update before sending, so that a task
    that runs twice sends nothing twice.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("subscription")
    )
    step = models.ForeignKey(PublicStep, on_delete=models.CASCADE, related_name="+", verbose_name=_("step"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "step"], name="notification_once")]
        indexes = [models.Index(fields=["sent_at", "subscription"], name="notification_pending")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX (Excel)"
    ODS = "ods", "ODS (LibreOffice)"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ConsiderationExport(TimeStampedModel):
    """An export of a process's consideration table (Abwägungstabelle), made in the background."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    state = models.CharField(_("state"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consideration table export")
        verbose_name_plural = _("consideration table exports")
