"""The stakeholder registry (Akteursregister): organisations, the languages they work in, their contact persons
and their verified representatives."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DESCRIPTION_MAX = 2000
NAME_MAX = 200


class OrganisationType(models.TextChoices):
    MIGRANT_ORGANISATION = "migrant_organisation", _("Migrant self-organisation")
    UNION = "union", _("Trade union")
    POLITICS = "politics", _("Political party or group")
    WELFARE = "welfare", _("Welfare association")
    SUPPORTER_CIRCLE = "supporter_circle", _("Supporter circle")
    RELIGIOUS = "religious", _("Religious community")
    INTERFAITH = "interfaith", _("Interfaith body")
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business or chamber")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A stakeholder organisation — Organisation / Träger.

    Listed in the public directory only when it agreed (``listed_publicly``) and a coordinator has checked it
    (``checked_at``): coordinators' entries are checked when they make them, self-registrations wait.
    """

    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    districts = models.ManyToManyField(
        "places.District", blank=True, related_name="organisations", verbose_name=_("districts")
    )
    fields_of_interest = models.ManyToManyField(
        "processes.FieldOfAction", blank=True, related_name="organisations", verbose_name=_("fields of interest")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("short description"), max_length=DESCRIPTION_MAX, blank=True)
    mail_language = models.CharField(_("language for mail"), max_length=8, default="de")
    listed_publicly = models.BooleanField(_("agrees to be listed in the public directory"), default=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # An administration-type organisation may stand for a department: its statements count as its participation.
    department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    is_fictional = models.BooleanField(_("fictional (demo data)"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    translatable_fields = ("description",)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["listed_publicly", "checked_at", "name"], name="organisation_directory")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.listed_publicly and self.checked_at is not None


class OrganisationLanguage(models.Model):
    """A language an organisation works in (for the directory's language filter)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="languages", verbose_name=_("organisation")
    )
    language = models.CharField(_("language"), max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "language"], name="organisation_language_once")]
        indexes = [models.Index(fields=["language", "organisation"], name="organisation_language_filter")]
        verbose_name = _("language of an organisation")
        verbose_name_plural = _("languages of organisations")


class ContactPerson(models.Model):
    """A contact person of an organisation (Ansprechperson): seen by coordinators only, never published, exported
    or mailed to others; deleted on request or after ``TEILHABE_CONTACT_RETENTION_DAYS`` without a change."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name


class Representative(models.Model):
    """A person who may act on behalf of an organisation once verified by a coordinator.

    A person asks (``requested_at``); verification is four-eyes: ``representative_verify`` refuses a coordinator
    verifying themselves. Leaving deletes the row (audited).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations", verbose_name=_("person")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
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
