"""Print runs of paper participation forms and posters (Druckauflage).

Every printed sheet of a form carries a serial number of its process; a run holds the contiguous range
``first_number .. first_number + count - 1``. Ranges never overlap within a process (``services.print_run_create``
allocates them under a lock on the process row). The serial's text form is in ``teilhabe.paper.serials``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel

COUNT_MAX = 1000
PLACE_MAX = 200
# The sheet's number has six digits in its serial, so a process prints at most this many sheets.
NUMBER_MAX = 999_999
# Runs up to this many sheets are rendered in the request; larger ones in the background.
INLINE_MAX = 50


class PrintKind(models.TextChoices):
    FORM = "form", _("Participation forms")
    POSTER = "poster", _("Poster or flyer")


class PrintState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class PrintRun(TimeStampedModel):
    """One print run (Druckauflage): forms with serials ``first_number`` … ``last_number``, or posters."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="print_runs", verbose_name=_("process")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=PrintKind.choices, default=PrintKind.FORM)
    language = models.CharField(_("language"), max_length=10, choices=languages)
    count = models.PositiveIntegerField(_("number of sheets"))
    # 0 for posters (they carry no serial).
    first_number = models.PositiveIntegerField(_("first serial number"), default=0)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="print_runs",
        verbose_name=_("event"),
    )
    place = models.CharField(_("place"), max_length=PLACE_MAX, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("printed by"),
    )
    state = models.CharField(_("state"), max_length=8, choices=PrintState.choices, default=PrintState.QUEUED)
    file = models.FileField(_("file"), upload_to="paper/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("print run")
        verbose_name_plural = _("print runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1, count__lte=COUNT_MAX), name="paper_printrun_count_range"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="poster", first_number=0) | models.Q(kind="form", first_number__gte=1),
                name="paper_printrun_first_number",
            ),
            models.UniqueConstraint(
                fields=["process", "first_number"],
                condition=models.Q(kind="form"),
                name="paper_printrun_first_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["process", "kind", "first_number"], name="paper_run_process_numbers")]

    def __str__(self):
        return f"{self.process_id}: {self.count} × {self.kind} ({self.language})"

    @property
    def last_number(self) -> int:
        return self.first_number + self.count - 1 if self.kind == PrintKind.FORM else 0
