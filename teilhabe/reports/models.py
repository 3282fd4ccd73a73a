"""Council committees, their report schedules and sessions, and the council reports made for them.

A report (Bericht an den Ausschuss) is made for a committee, a process and a period (a quarter). It is a draft until
a coordinator freezes it; then its files and their hashes never change, and a correction is a new version that
names the one it corrects. Published reports form the public archive.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel


class Committee(TimeStampedModel):
    """A committee of the city council (Ausschuss), an OParl Organization: the council reports go to it."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="committees", verbose_name=_("city"))
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    # OParl's organizationType and classification ("Gremium", "Ausschuss").
    organization_type = models.CharField(_("type of organisation"), max_length=80, default="Gremium")
    classification = models.CharField(_("classification"), max_length=80, default="Ausschuss")
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="reports_committee_unique_name")]

    def __str__(self):
        return self.name


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("every half year")
    YEARLY = "yearly", _("yearly")


class ReportSchedule(TimeStampedModel):
    """How often a committee gets a report on a process (Berichtsturnus), from which quarter on."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("committee")
    )
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="report_schedules", verbose_name=_("process")
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY)
    first_period = models.CharField(_("first period"), max_length=7)

    class Meta:
        ordering = ["committee__name", "process_id"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.UniqueConstraint(fields=["committee", "process"], name="reports_schedule_one_per_process")
        ]


class Meeting(TimeStampedModel):
    """A session of a committee (Sitzung), an OParl Meeting: a report is submitted to one."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")

    def __str__(self):
        return self.name


class ReportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being made")
    DRAFT = "draft", _("draft")
    FAILED = "failed", _("failed")
    FROZEN = "frozen", _("frozen")
    PUBLISHED = "published", _("published")


WORKING_STATES = (ReportState.QUEUED, ReportState.RUNNING)
FINAL_STATES = (ReportState.FROZEN, ReportState.PUBLISHED)


class CouncilReport(TimeStampedModel):
    """One version of the report to a committee on a process for a period (Bericht an den Ausschuss).

    States: queued → being made → draft | failed; a draft (or a failed one) is made again in place; draft →
    frozen → published. A frozen report's content, files and hashes never change; a correction is a new version
    (``corrects``)."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="council_reports", verbose_name=_("process")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="reports", verbose_name=_("committee")
    )
    period = models.CharField(_("period"), max_length=7)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name=_("corrects")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("session")
    )
    language = models.CharField(_("language"), max_length=10, default="de")
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    step = models.CharField(_("step"), max_length=40, blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(_("made"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    audit_count = models.PositiveBigIntegerField(_("audit entries at freezing"), null=True, blank=True)
    audit_hash = models.CharField(_("audit chain head at freezing"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    data_package = models.FileField(_("data package"), upload_to="reports/%Y/", blank=True)
    oparl = models.FileField(_("OParl JSON"), upload_to="reports/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha512 = models.CharField(max_length=128, blank=True)
    data_sha256 = models.CharField(max_length=64, blank=True)
    oparl_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-period", "committee__name", "-version"]
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "committee", "period", "version"], name="reports_report_unique_version"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reports_report_progress_range"),
        ]
        indexes = [models.Index(fields=["state", "published_at"], name="reports_archive")]

    def __str__(self):
        return f"{self.committee} {self.period} v{self.version}"

    @property
    def reference(self) -> str:
        """The paper's reference (Drucksachennummer) as OParl and the PDF print it."""
        short = self.committee.short_name or "".join(word[0] for word in self.committee.name.split() if word)
        return f"{short.upper()}-{self.period}-{self.process.slug}-v{self.version}"

    @property
    def period_label(self) -> str:
        """The period isolated left to right (U+2066 … U+2069), so that "2027-Q1" keeps its order in an Arabic
        sentence."""
        return f"\u2066{self.period}\u2069"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES
