"""District integration councils and their workspaces."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictSpace(models.Model):
    """The workspace of a district integration council — Integrationsbeirat."""

    district = models.OneToOneField(
        "places.District", on_delete=models.CASCADE, related_name="council_space", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["district__number"]
        verbose_name = _("district council space")
        verbose_name_plural = _("district council spaces")

    def __str__(self):
        return self.name


class CouncilMembership(models.Model):
    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("district council space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="council_memberships",
        verbose_name=_("person"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="council_membership_unique")]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
