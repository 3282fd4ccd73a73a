"""District integration councils and their workspaces.

Hannover has 13 district integration councils (Integrationsbeiräte), one per Stadtbezirk: advisory bodies of
residents with a migration history and of district politicians that meet in public at least quarterly. Facts and
sources: docs/councils.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictSpace(models.Model):
    """The workspace of a district integration council — Integrationsbeirat."""

    district = models.OneToOneField(
        "places.District", on_delete=models.CASCADE, related_name="council_space", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["district__number"]
        verbose_name = _("district council space")
        verbose_name_plural = _("district council spaces")

    def __str__(self):
        return self.name


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    MEMBER = "member", _("Member")


class CouncilMembership(models.Model):
    """A person's seat on a council, with their role and term. Their name is public only with their consent
    (``name_public``); without it the public page counts them without naming them."""

    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("district council space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="council_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    term_start = models.DateField(_("term begins"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    name_public = models.BooleanField(
        _("name shown publicly"), default=False, help_text=_("Only with the member's consent.")
    )
    # The member's photo, kept privately (default storage) and served through a view that shows it only while the
    # member consents to it and to their name being shown; it is deleted when the consent or the seat ends.
    photo = models.FileField(_("photo"), upload_to="councils/photos/", blank=True)
    photo_public = models.BooleanField(
        _("photo shown publicly"), default=False, help_text=_("Only with the member's consent.")
    )

    class Meta:
        ordering = ["space", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="council_membership_unique"),
            models.UniqueConstraint(
                fields=["space"], condition=models.Q(role="chair"), name="council_membership_one_chair"
            ),
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="council_membership_term_order",
            ),
        ]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")

    def __str__(self):
        return f"{self.space} – {self.get_role_display()}"


AGENDA_TITLE_MAX = 200
AGENDA_TEXT_MAX = 5000


class AgendaItem(models.Model):
    """An item on the agenda of a council session (Tagesordnungspunkt), with what the council decided on it.

    A session is an event of type "district council session" organised by the council (``teilhabe.events``):
    its place, accessibility, documents, minutes and attendance are the event's."""

    session = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("session")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=AGENDA_TITLE_MAX)
    description = models.TextField(_("description"), max_length=AGENDA_TEXT_MAX, blank=True)
    decision = models.TextField(_("decision"), max_length=AGENDA_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="agenda_item_unique_position")]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return f"{self.position}. {self.title}"


STATEMENT_TITLE_MAX = 200  # a contribution's title holds as much
STATEMENT_TEXT_MAX = 10000


class PositionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting routing")
    FORWARDED = "forwarded", _("Routed to the department")
    WITHDRAWN = "withdrawn", _("Withdrawn by the council")


class CouncilPosition(models.Model):
    """A formal statement of a council — Stellungnahme des Beirats — on a measure of the plan, on a contribution
    or on a topic of its own, adopted by vote in a session and addressed to a department with a due date.

    Members draft it and record the vote; the chair (or a coordinator on their behalf) submits it; a coordinator
    routes it (at once, when a coordinator submits): it then becomes a contribution of channel
    ``district_council`` with the session as its provenance (``contribution``), routed to the department, and
    travels the answer path like every contribution. (Called "position" in the code so as not to be confused
    with ``administration.Statement``, a department's answer.)"""

    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="positions", verbose_name=_("district council space")
    )
    title = models.CharField(_("title"), max_length=STATEMENT_TITLE_MAX)
    text = models.TextField(_("statement"), max_length=STATEMENT_TEXT_MAX)
    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="+", verbose_name=_("process")
    )
    field_of_action = models.ForeignKey(
        "processes.FieldOfAction", on_delete=models.PROTECT, related_name="+", verbose_name=_("field of action")
    )
    measure = models.ForeignKey(
        "plan.Measure", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("measure")
    )
    about_contribution = models.ForeignKey(
        "contributions.Contribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on the contribution"),
    )
    section = models.ForeignKey(
        "plan.Section",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on the section of the plan"),
    )
    department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("addressed to"),
    )
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    session = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("adopted in the session"),
    )
    votes_yes = models.PositiveSmallIntegerField(_("votes in favour"), null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=PositionState.choices, default=PositionState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_on_behalf = models.BooleanField(_("submitted by a coordinator on the chair's behalf"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    contribution = models.OneToOneField(
        "contributions.Contribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_position",
        verbose_name=_("contribution on the answer path"),
    )
    forwarded_at = models.DateTimeField(_("routed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["space", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(measure__isnull=True) & models.Q(about_contribution__isnull=True))
                | (models.Q(measure__isnull=True) & models.Q(section__isnull=True))
                | (models.Q(about_contribution__isnull=True) & models.Q(section__isnull=True)),
                name="council_position_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | (
                    models.Q(session__isnull=False)
                    & models.Q(votes_yes__isnull=False)
                    & models.Q(department__isnull=False)
                    & models.Q(due_date__isnull=False)
                    & models.Q(submitted_at__isnull=False)
                ),
                name="council_position_submitted_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="forwarded") | models.Q(contribution__isnull=False),
                name="council_position_forwarded_has_contribution",
            ),
        ]
        verbose_name = _("council statement")
        verbose_name_plural = _("council statements")

    def __str__(self):
        return self.title


class RevisionKind(models.TextChoices):
    CORRECTED = "corrected", _("Corrected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PositionRevision(models.Model):
    """A step in the history of a submitted statement: a correction (with the title and text it had before) or its
    withdrawal, by the chair or by a coordinator on the chair's behalf, with the reason. The council's members see
    the history in their space."""

    position = models.ForeignKey(
        CouncilPosition, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("council statement")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RevisionKind.choices)
    previous_title = models.CharField(_("title before"), max_length=STATEMENT_TITLE_MAX)
    previous_text = models.TextField(_("text before"), max_length=STATEMENT_TEXT_MAX)
    reason = models.TextField(_("reason"), max_length=2000)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    on_behalf = models.BooleanField(_("by a coordinator on the chair's behalf"), default=False)
    made_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["position", "made_at", "id"]
        verbose_name = _("statement revision")
        verbose_name_plural = _("statement revisions")


class AllocationRule(models.TextChoices):
    POPULATION = "population", _("By population share")
    EQUAL = "equal", _("In equal shares")


class BudgetYear(models.Model):
    """The yearly budget of all councils of a city and how it is shared among them (Beiratsbudget). The shares
    are computed once, when the budget is set (``CouncilAllocation``), by the rule chosen, in whole euros."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+", verbose_name=_("city"))
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("total (EUR)"))
    rule = models.CharField(_("shared"), max_length=12, choices=AllocationRule.choices)

    class Meta:
        ordering = ["city", "-year"]
        constraints = [models.UniqueConstraint(fields=["city", "year"], name="budget_year_unique")]
        verbose_name = _("council budget year")
        verbose_name_plural = _("council budget years")

    def __str__(self):
        return f"{self.city} {self.year}"


class CouncilAllocation(models.Model):
    """A council's share of a year's budget, in whole euros."""

    budget = models.ForeignKey(
        BudgetYear, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("budget")
    )
    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("district council space")
    )
    amount = models.PositiveIntegerField(_("amount (EUR)"))
    basis = models.PositiveIntegerField(_("basis (population or 1)"))

    class Meta:
        ordering = ["budget", "space__district__number"]
        constraints = [models.UniqueConstraint(fields=["budget", "space"], name="allocation_unique")]
        verbose_name = _("council allocation")
        verbose_name_plural = _("council allocations")


ACTIVITY_MAX = 300


class FundedActivity(models.Model):
    """What a council funded from its budget: an activity, the amount, the date and the session that decided it.
    Balances are derived from these entries, never stored. An entry that spends more than is left needs an
    explicit, audited override by a coordinator (``override_reason``)."""

    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="funded", verbose_name=_("district council space")
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    activity = models.CharField(_("activity"), max_length=ACTIVITY_MAX)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=9, decimal_places=2)
    date = models.DateField(_("date"))
    session = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided in the session")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    override_reason = models.TextField(_("reason for spending beyond the balance"), max_length=2000, blank=True)

    class Meta:
        ordering = ["space", "year", "date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funded_activity_positive")]
        verbose_name = _("funded activity")
        verbose_name_plural = _("funded activities")

    def __str__(self):
        return self.activity


class DistrictConsultation(models.Model):
    """A council's own consultation within the process (Beteiligung im Stadtbezirk): a question, open between two
    dates, for contributions about the council's district. What comes in — online or on paper — is an ordinary
    contribution of the process (its district the council's), linked here, and feeds the city-wide process."""

    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("district council space")
    )
    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="+", verbose_name=_("process")
    )
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    field_of_action = models.ForeignKey(
        "processes.FieldOfAction", on_delete=models.PROTECT, related_name="+", verbose_name=_("field of action")
    )
    starts_on = models.DateField(_("open from"))
    ends_on = models.DateField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    contributions = models.ManyToManyField(
        "contributions.Contribution", blank=True, related_name="district_consultations", verbose_name=_("contributions")
    )

    class Meta:
        ordering = ["space", "-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="consultation_dates")
        ]
        verbose_name = _("district consultation")
        verbose_name_plural = _("district consultations")

    def __str__(self):
        return self.question


class SessionAttendance(models.Model):
    """Who of the council was present at a session, and how many guests came (a count, never names)."""

    session = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="council_attendance", verbose_name=_("session")
    )
    members = models.ManyToManyField(CouncilMembership, blank=True, related_name="+", verbose_name=_("members present"))
    guests = models.PositiveIntegerField(_("guests"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendances")
