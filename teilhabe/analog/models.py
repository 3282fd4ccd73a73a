"""Analog input's own records: the private scans of the originals (paper forms, letters) behind contributions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import Contribution


class Scan(models.Model):
    """The scan of an original (a paper form, a letter) kept with its transcribed contribution — Scan des Originals.

    Private: stored in the default storage under ``analog/scans/`` and served only to the coordinators of the
    process through ``analog:scan``. Images are re-encoded before they are stored (metadata stripped); ``sha256``
    and ``size`` are of the stored file. After ``TEILHABE_SCAN_RETENTION_DAYS`` the file is deleted
    (``purge_scans``) and ``removed_at`` set; the row and the contribution stay.
    """

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="scans", verbose_name=_("contribution")
    )
    file = models.FileField(_("file"), upload_to="analog/scans/%Y/%m/", blank=True)
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["contribution", "id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [
            # The retention run reads the kept scans by age.
            models.Index(fields=["uploaded_at"], condition=models.Q(removed_at__isnull=True), name="scan_kept_age")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=False) | ~models.Q(file=""), name="scan_kept_has_file"
            )
        ]

    def __str__(self):
        return f"{self.contribution_id}: {self.content_type}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
