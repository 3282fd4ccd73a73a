"""Evaluation of a process (Evaluation): questionnaire responses, quality self-assessments, evaluators' notes, and
the plan's outcome indicators with their measurements (Wirkungsindikatoren)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel
from teilhabe.evaluation.questions import ANSWERS, FREE_TEXT_MAX, RATINGS

NOTE_MAX = 4000
INDICATOR_NAME_MAX = 200
UNIT_MAX = 40
SOURCE_MAX = 300
SERIAL_MAX = 40


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class QuestionnaireResponse(models.Model):
    """One filled-in questionnaire (Fragebogen), online or typed in from paper.

    Online responses carry a keyed hash of the account or browser session (``respondent_key``) so that one person
    answers once; nothing else links a response to a person.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="questionnaire_responses", verbose_name=_("process")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ResponseChannel.choices)
    respondent_key = models.CharField(_("respondent"), max_length=64, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    form_serial = models.CharField(_("form number"), max_length=SERIAL_MAX, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    free_text = models.TextField(_("free text"), max_length=FREE_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["process", "respondent_key"],
                condition=~models.Q(respondent_key=""),
                name="questionnaire_one_response_per_respondent",
            ),
            models.UniqueConstraint(
                fields=["process", "form_serial"],
                condition=~models.Q(form_serial=""),
                name="questionnaire_unique_form_serial",
            ),
        ]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")


class QuestionnaireAnswer(models.Model):
    """The answer to one statement of a response; a statement left out has no row."""

    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.CharField(_("question"), max_length=40)
    value = models.SmallIntegerField(_("answer"), choices=ANSWERS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="questionnaire_answer_unique"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=5), name="questionnaire_answer_on_scale"
            ),
        ]
        indexes = [models.Index(fields=["question", "value"], name="questionnaire_answer_tally")]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")


class QualityRating(models.Model):
    """One rating of a quality principle for a phase, with its note (Selbstbewertung). Never changed: a new rating
    supersedes the last, so the history stays."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="quality_ratings", verbose_name=_("process")
    )
    phase = models.ForeignKey(
        "processes.Phase", on_delete=models.CASCADE, related_name="quality_ratings", verbose_name=_("phase")
    )
    principle = models.CharField(_("principle"), max_length=40)
    rating = models.SmallIntegerField(_("rating"), choices=RATINGS)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("rated by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=0, rating__lte=4), name="quality_rating_on_scale"),
        ]
        indexes = [models.Index(fields=["phase", "principle", "-created_at"], name="quality_rating_latest")]
        verbose_name = _("quality rating")
        verbose_name_plural = _("quality ratings")


class EvaluationNote(TimeStampedModel):
    """An evaluator's or coordinator's note on a process, optionally on one phase; internal (Evaluationsnotiz)."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="evaluation_notes", verbose_name=_("process")
    )
    phase = models.ForeignKey(
        "processes.Phase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_notes",
        verbose_name=_("phase"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evaluation note")
        verbose_name_plural = _("evaluation notes")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Indicator(TimeStampedModel):
    """An outcome indicator of the plan (Wirkungsindikator): what is measured, from where, from which baseline to
    which target."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("process")
    )
    name = models.CharField(_("name"), max_length=INDICATOR_NAME_MAX)
    unit = models.CharField(_("unit"), max_length=UNIT_MAX, blank=True, help_text=_("For example: %, people, days."))
    source = models.CharField(_("source"), max_length=SOURCE_MAX, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=3)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=3)
    target_date = models.DateField(_("target date"))
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    field_of_action = models.ForeignKey(
        "processes.FieldOfAction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("field of action"),
    )
    measures = models.ManyToManyField("plan.Measure", blank=True, related_name="indicators", verbose_name=_("measures"))

    class Meta:
        ordering = ["process", "name"]
        constraints = [
            models.UniqueConstraint(fields=["process", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=models.Q(target_date__gte=models.F("baseline_date")), name="indicator_target_after_baseline"
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class Measurement(TimeStampedModel):
    """One measured value of an indicator on a date (Messwert); one per indicator and date."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    measured_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=SOURCE_MAX, blank=True)
    source = models.CharField(_("source"), max_length=SOURCE_MAX, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("entered by")
    )

    class Meta:
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="measurement_one_per_date"),
        ]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
