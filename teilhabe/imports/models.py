"""Imports of workshop results from spreadsheets: each upload is an ImportRun, each imported row an ImportedRow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel


class RunState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    IMPORT_QUEUED = "import_queued", _("Waiting to be imported")
    IMPORTING = "importing", _("Being imported")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Not imported: rows with errors")
    FAILED = "failed", _("Failed")


WORKING_STATES = (RunState.QUEUED, RunState.CHECKING, RunState.IMPORT_QUEUED, RunState.IMPORTING)


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportRun(TimeStampedModel):
    """One uploaded spreadsheet of results (Import), from its dry run to its import, with its report.

    The file is kept privately (default storage) with its SHA-256. ``rows`` holds every row's result as
    ``[line, title, result, [[error code, parameters], …]]``; the messages are written in the reader's language
    when the report is shown or downloaded (``teilhabe.imports.columns.error_message``).
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("event of rows without one"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("separator"), max_length=1, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    rows_already = models.PositiveIntegerField(_("rows imported before"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows = models.JSONField(_("results per row"), default=list, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    first_contribution = models.PositiveBigIntegerField(_("first contribution"), null=True, blank=True)
    last_contribution = models.PositiveBigIntegerField(_("last contribution"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["process", "-created_at"], name="import_run_recent")]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.file_name

    @property
    def is_working(self) -> bool:
        return self.state in WORKING_STATES


class ImportedRow(models.Model):
    """The stable key of one imported row (Importzeile): a row whose key a process has seen is not imported again."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    key = models.CharField(_("row key"), max_length=200)
    contribution = models.OneToOneField(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+", verbose_name=_("contribution")
    )
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("import"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "key"], name="imported_row_unique_key")]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
