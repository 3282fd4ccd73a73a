"""Voluntary self-descriptions (Selbstauskunft) and the population baselines they are compared with.

A self-description is kept apart from everything that names a person: it has no link to an account, a
contribution, a registration or an audit entry, a random id (so the order of rows tells nothing) and only the month
it was given (so its time cannot be matched with a contribution's). Nothing can join it back to a person; only
its counts are ever shown (docs/representativeness.md).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.contributions.models import Language
from teilhabe.events.models import AgeBand, Gender, MigrationExperience  # noqa: F401 — the vocabulary is shared


class Source(models.TextChoices):
    ONLINE = "online", _("Online, after taking part")
    PAPER_FORM = "paper_form", _("Paper form")


class SelfDescription(models.Model):
    """One person's voluntary answers about themselves; every answer may be left out ("not said")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    source = models.CharField(_("given"), max_length=12, choices=Source.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month it was given; never the day."))
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    migration_experience = models.CharField(
        _("migration experience"), max_length=8, choices=MigrationExperience.choices, blank=True
    )
    target_groups = models.ManyToManyField(
        "processes.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )

    class Meta:
        indexes = [models.Index(fields=["process", "source"], name="self_description_process")]
        verbose_name = _("self-description")
        verbose_name_plural = _("self-descriptions")


class SelfDescribedLanguage(models.Model):
    """A language a person said they speak at home (one row per language of a self-description)."""

    description = models.ForeignKey(
        SelfDescription, on_delete=models.CASCADE, related_name="languages", verbose_name=_("self-description")
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["description", "language"], name="self_described_language_unique")
        ]
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class BaselineDimension(models.TextChoices):
    MIGRATION_EXPERIENCE = "migration_experience", _("Migration experience")


class PopulationBaseline(models.Model):
    """The share of a group in a district's (or, without a district, the whole city's) population, from official
    statistics, with its source. Shares of districts in the city come from ``places.District.population``. A
    group without a baseline has no row: it is shown as unknown, never estimated."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+", verbose_name=_("city"))
    district = models.ForeignKey(
        "places.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    dimension = models.CharField(_("group of"), max_length=24, choices=BaselineDimension.choices)
    value = models.CharField(_("group"), max_length=40)
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "district", "dimension", "value"], name="baseline_unique"),
            models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=1), name="baseline_share_range"),
        ]
        verbose_name = _("population baseline")
        verbose_name_plural = _("population baselines")
