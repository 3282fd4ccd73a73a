"""The plan (Lokaler Integrationsplan) as a versioned document: versions, their sections — fields of action
(Handlungsfelder), goals (Ziele), measures (Maßnahmen) and free text — the measures' controlling status, the
contributions linked to measures, comments on a draft's sections, and the expert groups (Fachgruppen) that
write the drafts.

Identity across versions: every section has a ``key`` that stays the same in every version it is copied into
(the diff pairs sections by it); a measure's lasting identity is ``Measure`` — its status history and its
linked contributions belong to it, not to a version — while what the plan says about it (title, text,
department, budget, dates, …) is its section in each version.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teilhabe.administration.models import MeasureLink  # noqa: F401  (the plan's links live beside the dispositions)
from teilhabe.core.models import TimeStampedModel

TITLE_MAX = 300
BODY_MAX = 20000
NOTE_MAX = 2000
PARTNERS_MAX = 2000
DOCUMENT_NUMBER_MAX = 60
CODE_MAX = 20


class VersionState(models.TextChoices):
    WORKING = "working", _("Working draft")
    CONSULTATION = "consultation", _("Draft for consultation")
    ADOPTED = "adopted", pgettext_lazy("plan version", "Adopted")  # by the council (not a decision's "adopted")


# A version in one of these states is published: it is immutable and public.
PUBLISHED_STATES = (VersionState.CONSULTATION, VersionState.ADOPTED)


class PlanVersion(TimeStampedModel):
    """One version of a process's plan (Planfassung): a working draft, a draft for consultation, or adopted.

    Only a working draft can be edited; publishing it (for consultation, or as adopted) freezes it, and a change
    starts a new working draft copied from it. A process has at most one working draft at a time.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="plan_versions", verbose_name=_("process")
    )
    number = models.PositiveIntegerField(_("version number"))
    state = models.CharField(_("state"), max_length=16, choices=VersionState.choices, default=VersionState.WORKING)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    note = models.TextField(_("what this version is"), max_length=NOTE_MAX, blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("based on")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    consultation_phase = models.ForeignKey(
        "processes.Phase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consultation phase"),
        help_text=_("While this phase runs, residents can comment on the draft's sections."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    document_number = models.CharField(
        _("council document number"), max_length=DOCUMENT_NUMBER_MAX, blank=True, help_text=_("e.g. 1234/2027")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    translatable_fields = ("title", "note")

    class Meta:
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="plan_version_unique_number"),
            models.UniqueConstraint(
                fields=["process"], condition=models.Q(state="working"), name="plan_version_one_working_draft"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="adopted")
                | (models.Q(adopted_on__isnull=False) & ~models.Q(document_number="")),
                name="plan_version_adopted_has_date_and_document",
            ),
            models.CheckConstraint(
                condition=models.Q(state="working") | models.Q(published_at__isnull=False),
                name="plan_version_published_has_date",
            ),
        ]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self):
        return f"{self.title} ({self.number})"

    @property
    def is_published(self) -> bool:
        return self.state in PUBLISHED_STATES


class MeasureStatus(models.TextChoices):
    """The controlling scheme Hannover used for its 2008 plan."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REGULAR_OPERATION = "regular_operation", _("In regular operation")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class Measure(TimeStampedModel):
    """A measure's lasting identity across plan versions, with its controlling status (Maßnahme).

    What the plan says about the measure is its section (``Section.kind == "measure"``) in each version; the
    status, its dated history and the contributions that led to it belong here.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="measures", verbose_name=_("process")
    )
    code = models.CharField(_("code"), max_length=CODE_MAX, help_text=_("A short, lasting reference, e.g. M-017."))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    status_date = models.DateField(_("status since"), null=True, blank=True)
    spent = models.DecimalField(_("spent so far (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["process", "code"]
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="measure_unique_code"),
            models.CheckConstraint(
                condition=models.Q(spent__gte=0) | models.Q(spent__isnull=True), name="measure_spent_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["process", "status"], name="measure_process_status")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.code


class MeasureStatusChange(TimeStampedModel):
    """One dated change of a measure's status with a short progress note (Statusänderung); never edited."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("measure")
    )
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices)
    previous_status = models.CharField(_("previous status"), max_length=20, choices=MeasureStatus.choices, blank=True)
    date = models.DateField(_("date"))
    note = models.TextField(_("progress note"), max_length=NOTE_MAX, blank=True)
    spent = models.DecimalField(_("spent so far (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )

    translatable_fields = ("note",)

    class Meta:
        ordering = ["measure", "date", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class SectionKind(models.TextChoices):
    TEXT = "text", _("Text section")
    FIELD = "field", _("Field of action")
    GOAL = "goal", _("Goal")
    MEASURE = "measure", _("Measure")


# Which kind of section may hold which (None: the top level of a version or draft).
ALLOWED_CHILDREN = {
    None: (SectionKind.TEXT, SectionKind.FIELD),
    SectionKind.TEXT: (SectionKind.TEXT,),
    SectionKind.FIELD: (SectionKind.TEXT, SectionKind.GOAL),
    SectionKind.GOAL: (SectionKind.MEASURE,),
    SectionKind.MEASURE: (),
}


class Section(models.Model):
    """A section of a plan version or of an expert group's draft (Abschnitt): free text, a field of action, a
    goal or a measure, in a tree ordered by ``position``.

    It belongs to exactly one of ``version`` (a plan version) and ``group`` (an expert group's working draft).
    ``key`` is the same in every copy of the section, so versions can be compared. A measure section carries
    what this version says about its ``measure``.
    """

    version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="sections", verbose_name=_("version")
    )
    group = models.ForeignKey(
        "plan.ExpertGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="draft_sections",
        verbose_name=_("expert group"),
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("part of")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=SectionKind.choices)
    number = models.CharField(_("number"), max_length=20, blank=True)  # "2.3.1", set by the services
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX, blank=True)
    field_of_action = models.ForeignKey(
        "processes.FieldOfAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("field of action"),
    )
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="sections", verbose_name=_("measure")
    )
    department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    partners = models.TextField(_("partner organisations"), max_length=PARTNERS_MAX, blank=True)
    target_groups = models.ManyToManyField(
        "processes.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    districts = models.ManyToManyField("places.District", blank=True, related_name="+", verbose_name=_("districts"))
    budget = models.DecimalField(_("planned budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    translatable_fields = ("title", "body", "partners")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(version__isnull=False) & models.Q(group__isnull=True))
                | (models.Q(version__isnull=True) & models.Q(group__isnull=False)),
                name="section_in_version_or_draft",
            ),
            models.UniqueConstraint(fields=["version", "key"], name="section_key_unique_in_version"),
            models.UniqueConstraint(fields=["group", "key"], name="section_key_unique_in_draft"),
            models.CheckConstraint(
                condition=~models.Q(kind="measure") | models.Q(measure__isnull=False),
                name="section_measure_has_measure",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="field") | models.Q(field_of_action__isnull=False),
                name="section_field_has_field",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) | models.Q(budget__isnull=True), name="section_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="section_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["version", "kind"], name="section_version_kind"),
            models.Index(fields=["measure", "version"], name="section_measure_version"),
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def process(self):
        """The process of the version or expert group the section belongs to."""
        return self.version.process if self.version_id else self.group.process


class SectionComment(models.Model):
    """A contribution made on a section of a draft for consultation (Stellungnahme zu einem Abschnitt), from any
    channel: the contribution is routed and decided like every other; this row says which section it is on."""

    contribution = models.OneToOneField(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="plan_section_comment",
        verbose_name=_("contribution"),
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="comments", verbose_name=_("section"))
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version"))

    class Meta:
        indexes = [models.Index(fields=["section", "contribution"], name="section_comment_section")]
        verbose_name = _("comment on a section")
        verbose_name_plural = _("comments on sections")


class ExpertGroup(TimeStampedModel):
    """The expert group of one field of action (Fachgruppe): members from departments and organisations who
    write a position paper and a catalogue of goals and measures, which a coordinator adopts into the plan."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="expert_groups", verbose_name=_("process")
    )
    field_of_action = models.ForeignKey(
        "processes.FieldOfAction", on_delete=models.PROTECT, related_name="+", verbose_name=_("field of action")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=NOTE_MAX, blank=True)
    draft_changed_at = models.DateTimeField(_("draft last changed"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("draft last adopted"), null=True, blank=True)

    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["process", "name"]
        constraints = [
            models.UniqueConstraint(fields=["process", "field_of_action"], name="expert_group_one_per_field")
        ]
        verbose_name = _("expert group")
        verbose_name_plural = _("expert groups")

    def __str__(self):
        return self.name


class ExpertGroupRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class ExpertGroupMember(TimeStampedModel):
    """A member of an expert group, from a department or an organisation (Mitglied)."""

    group = models.ForeignKey(
        ExpertGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("expert group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=10, choices=ExpertGroupRole.choices, default=ExpertGroupRole.MEMBER)
    department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="expert_group_member_once")]
        verbose_name = _("expert group member")
        verbose_name_plural = _("expert group members")


class ExpertMeeting(TimeStampedModel):
    """The record of one meeting of an expert group (Sitzungsprotokoll)."""

    group = models.ForeignKey(
        ExpertGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("expert group")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    record = models.TextField(_("record"), max_length=BODY_MAX)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )

    class Meta:
        ordering = ["group", "-date", "-id"]
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
