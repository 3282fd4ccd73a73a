"""A participation process (Beteiligungsverfahren), its phases, fields of action and target groups."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: contributions appear after review")
    POST = "post", _("Post-moderation: contributions appear at once and are reviewed afterwards")


class Process(TimeStampedModel):
    """A participation process such as the LIP 4.0 (Beteiligungsprozess)."""

    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="processes", verbose_name=_("city"))
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    how_to_take_part_offline = models.TextField(_("how to take part offline"), max_length=5000, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    contribution_licence = models.CharField(
        _("licence for published contributions"), max_length=120, default="CC BY 4.0"
    )
    is_published = models.BooleanField(_("published"), default=False)
    answer_due_days = models.PositiveSmallIntegerField(
        _("days a department has to answer"),
        default=42,
        help_text=_("The default due date of a routing: this many days after it."),
    )

    translatable_fields = ("title", "summary", "description", "how_to_take_part_offline")

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self):
        return self.title


class Phase(models.Model):
    """A dated phase of a process and what it allows (Phase)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    allows_contribute = models.BooleanField(_("contributions allowed"), default=False)
    allows_comment = models.BooleanField(_("comments allowed"), default=False)
    allows_support = models.BooleanField(_("supports allowed"), default=False)

    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["process", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="phase_end_after_start")
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name


class FieldOfAction(models.Model):
    """A thematic field of the plan — Handlungsfeld."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="fields_of_action", verbose_name=_("process")
    )
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["process", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["process", "slug"], name="field_of_action_unique_slug")]
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """A group the plan addresses — Zielgruppe."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="target_groups", verbose_name=_("process")
    )
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    translatable_fields = ("name",)

    class Meta:
        ordering = ["process", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["process", "slug"], name="target_group_unique_slug")]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.name


class ProcessRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    EVALUATOR = "evaluator", _("Evaluator")


class ProcessMembership(models.Model):
    """A person's role scoped to one process (coordinators, evaluators)."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("process")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="process_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=ProcessRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "user", "role"], name="process_membership_unique")]
        verbose_name = _("process membership")
        verbose_name_plural = _("process memberships")

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.process}"
