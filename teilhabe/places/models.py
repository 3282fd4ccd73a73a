"""Geography: city, districts (Stadtbezirke) and neighbourhoods (Stadtteile)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    population_source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self):
        return self.name


class District(models.Model):
    """A city district — Stadtbezirk."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts", verbose_name=_("city"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["city", "number"]
        constraints = [models.UniqueConstraint(fields=["city", "number"], name="district_unique_number")]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Neighbourhood(models.Model):
    """A neighbourhood within a district — Stadtteil."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="neighbourhoods", verbose_name=_("district")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["district__number", "number"]
        constraints = [models.UniqueConstraint(fields=["district", "number"], name="neighbourhood_unique_number")]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self):
        return self.name
