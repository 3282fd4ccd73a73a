"""The stakeholder registry: organisations and their verified representatives."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MIGRANT_ORGANISATION = "migrant_organisation", _("Migrant self-organisation")
    UNION = "union", _("Trade union")
    WELFARE = "welfare", _("Welfare association")
    RELIGIOUS = "religious", _("Religious community")
    SUPPORTER_CIRCLE = "supporter_circle", _("Supporter circle")
    POLITICS = "politics", _("Politics")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A stakeholder organisation — Organisation / Träger."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    districts = models.ManyToManyField(
        "places.District", blank=True, related_name="organisations", verbose_name=_("districts")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Representative(models.Model):
    """A person who may act on behalf of an organisation once verified by a coordinator.

    Verification is four-eyes: ``representative_verify`` refuses a coordinator verifying themselves.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations", verbose_name=_("person")
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="representative_unique"),
            # Four eyes: nobody verifies themselves.
            models.CheckConstraint(
                condition=~models.Q(verified_by=models.F("user")), name="representative_not_self_verified"
            ),
        ]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")

    def __str__(self):
        return f"{self.user} – {self.organisation}"
