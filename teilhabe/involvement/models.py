"""Involvement (Beteiligung) of the registry's organisations in a process: invitations and their responses, and
the process's steering group (Lenkungsgruppe) with its members, meetings and decisions.

Who took part is not stored: it is derived from the records of the apps below (contributions on behalf, event
registrations, expert group membership, statements) by ``selectors.participation``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel

RECORD_MAX = 10000
DECISION_MAX = 2000


class Sector(models.TextChoices):
    """The three sectors of the plan's governance (docs/metrics.md, "Sectors")."""

    CIVIL_SOCIETY = "civil_society", _("Civil society")
    POLITICS = "politics", _("Politics")
    ADMINISTRATION = "administration", _("Administration")


class InvitationTarget(models.TextChoices):
    PHASE = "phase", _("A phase of the process")
    EVENT = "event", _("An event")
    EXPERT_GROUP = "expert_group", _("An expert group")
    STEERING_GROUP = "steering_group", _("The steering group")


class InvitationResponse(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    NO_ANSWER = "no_answer", _("No answer")


class Invitation(TimeStampedModel):
    """An organisation invited to take part in something of a process (Einladung), with its response."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("process")
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    target = models.CharField(_("invited to"), max_length=20, choices=InvitationTarget.choices)
    phase = models.ForeignKey(
        "processes.Phase", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("phase")
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    expert_group = models.ForeignKey(
        "plan.ExpertGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("expert group"),
    )
    # "<target>:<id>" (the steering group: "steering_group:<process id>"): one invitation per organisation and thing.
    target_key = models.CharField(_("target"), max_length=40)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    mails_sent = models.PositiveIntegerField(_("mails sent"), default=0)
    response = models.CharField(
        _("response"), max_length=12, choices=InvitationResponse.choices, default=InvitationResponse.OPEN
    )
    responded_at = models.DateTimeField(_("response recorded"), null=True, blank=True)
    reminder_count = models.PositiveIntegerField(_("reminders"), default=0)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "target_key"], name="invitation_once"),
        ]
        indexes = [models.Index(fields=["process", "organisation"], name="invitation_process_org")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.organisation} – {self.get_target_display()}"


class SteeringGroup(TimeStampedModel):
    """A process's steering group (Lenkungsgruppe): heads of departments, organisations' and district councils'
    delegates."""

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="steering_group", verbose_name=_("process")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("steering group")
        verbose_name_plural = _("steering groups")

    def __str__(self):
        return self.name


class SteeringMember(TimeStampedModel):
    """A seat in the steering group, for exactly one of: a department, an organisation, a district council."""

    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group"))
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steering_seats",
        verbose_name=_("organisation"),
    )
    # A relation up to the councils' layer by name only: involvement never imports councils.
    council = models.ForeignKey(
        "councils.DistrictSpace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district council"),
    )

    class Meta:
        ordering = ["group", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(department__isnull=False, organisation__isnull=True, council__isnull=True)
                    | models.Q(department__isnull=True, organisation__isnull=False, council__isnull=True)
                    | models.Q(department__isnull=True, organisation__isnull=True, council__isnull=False)
                ),
                name="steering_member_one_seat",
            )
        ]
        verbose_name = _("steering group member")
        verbose_name_plural = _("steering group members")

    def __str__(self):
        return self.name


class SteeringMeeting(TimeStampedModel):
    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    record = models.TextField(_("record"), max_length=RECORD_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["group", "-date", "-id"]
        verbose_name = _("steering group meeting")
        verbose_name_plural = _("steering group meetings")


class SteeringDecision(TimeStampedModel):
    meeting = models.ForeignKey(
        SteeringMeeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"), max_length=DECISION_MAX)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("steering group decision")
        verbose_name_plural = _("steering group decisions")
