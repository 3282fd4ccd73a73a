"""District integration councils and their workspaces.

Hannover has 13 district integration councils (Integrationsbeiräte), one per Stadtbezirk: advisory bodies of
residents with a migration history and of district politicians that meet in public at least quarterly. Facts and
sources: docs/councils.md.
"""

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


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    MEMBER = "member", _("Member")


class CouncilMembership(models.Model):
    """A person's seat on a council, with their role and term. Their name is public only with their consent
    (``name_public``); without it the public page counts them without naming them."""

    space = models.ForeignKey(
        DistrictSpace, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("district council space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="council_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    term_start = models.DateField(_("term begins"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    name_public = models.BooleanField(
        _("name shown publicly"), default=False, help_text=_("Only with the member's consent.")
    )

    class Meta:
        ordering = ["space", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="council_membership_unique"),
            models.UniqueConstraint(
                fields=["space"], condition=models.Q(role="chair"), name="council_membership_one_chair"
            ),
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="council_membership_term_order",
            ),
        ]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")

    def __str__(self):
        return f"{self.space} – {self.get_role_display()}"


AGENDA_TITLE_MAX = 200
AGENDA_TEXT_MAX = 5000


class AgendaItem(models.Model):
    """An item on the agenda of a council session (Tagesordnungspunkt), with what the council decided on it.

    A session is an event of type "district council session" organised by the council (``teilhabe.events``):
    its place, accessibility, documents, minutes and attendance are the event's."""

    session = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("session")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=AGENDA_TITLE_MAX)
    description = models.TextField(_("description"), max_length=AGENDA_TEXT_MAX, blank=True)
    decision = models.TextField(_("decision"), max_length=AGENDA_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="agenda_item_unique_position")]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return f"{self.position}. {self.title}"
