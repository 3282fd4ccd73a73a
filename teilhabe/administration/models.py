"""The city administration: departments (Fachbereiche) and their staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A unit of the administration that answers for its part — Fachbereich / Dezernat."""

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="departments", verbose_name=_("city")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["city", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="department_unique_code")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.code} {self.name}"


class DepartmentMembership(models.Model):
    """Staff of a department; heads sign off statements."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("department")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_memberships",
        verbose_name=_("person"),
    )
    is_head = models.BooleanField(_("head of department"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="department_membership_unique")]
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
