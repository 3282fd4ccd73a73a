"""Writes of involvement: invitations (sent by mail in each organisation's language), their responses and
reminders, and the steering group. Each change is checked, atomic and audited; mails go out after the commit.

Mails go to an organisation's contact persons and verified representatives, one mail per address, so that no
recipient sees another's address; their text names the organisation and what it is invited to, never a contact
person.
"""

from __future__ import annotations

import datetime

import rules
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.mail import send_localised_mail, supported_language
from teilhabe.core.selectors import localise
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.involvement.models import (
    DECISION_MAX,
    RECORD_MAX,
    Invitation,
    InvitationResponse,
    InvitationTarget,
    SteeringDecision,
    SteeringGroup,
    SteeringMeeting,
    SteeringMember,
)
from teilhabe.stakeholders.models import Organisation, Representative
from teilhabe.stakeholders.selectors import contact_recipients

INVITATIONS_MAX = 5000


def _require(user, perm: str, obj) -> None:
    if not (getattr(user, "is_superuser", False) or rules.has_perm(perm, user, obj)):
        raise NotAllowed()


def _target_key(process, target, *, phase, event, expert_group) -> str:
    """The thing invited to, checked to belong to ``process``, as ``"<target>:<id>"``."""
    if target == InvitationTarget.PHASE:
        if phase is None or phase.process_id != process.pk:
            raise ApplicationError(
                _("Please choose a phase of this process."),
                field_errors={"phase": _("Please choose a phase of this process.")},
            )
        return f"phase:{phase.pk}"
    if target == InvitationTarget.EVENT:
        if event is None or event.process_id != process.pk:
            raise ApplicationError(
                _("Please choose an event of this process."),
                field_errors={"event": _("Please choose an event of this process.")},
            )
        return f"event:{event.pk}"
    if target == InvitationTarget.EXPERT_GROUP:
        if expert_group is None or expert_group.process_id != process.pk:
            message = _("Please choose an expert group of this process.")
            raise ApplicationError(message, field_errors={"expert_group": message})
        return f"expert_group:{expert_group.pk}"
    if target == InvitationTarget.STEERING_GROUP:
        if not SteeringGroup.objects.filter(process=process).exists():
            message = _("This process has no steering group yet: set it up first.")
            raise ApplicationError(message, field_errors={"target": message})
        return f"steering_group:{process.pk}"
    raise ApplicationError(
        _("Please choose what to invite to."), field_errors={"target": _("Please choose what to invite to.")}
    )


@transaction.atomic
def invitation_send(
    *, actor, process, organisations, target: str, phase=None, event=None, expert_group=None
) -> tuple[list[Invitation], int]:
    """Invite organisations (one, a filtered set or all of a type) to a phase, an event, an expert group or the
    steering group of ``process``. Organisations invited to the same thing already are skipped. Returns the new
    invitations and the number skipped."""
    _require(actor, "involvement.invite_organisations", process)
    key = _target_key(process, target, phase=phase, event=event, expert_group=expert_group)
    ids = sorted({organisation.pk for organisation in organisations})
    if not ids:
        raise ApplicationError(_("No organisation matches: nobody was invited."))
    if len(ids) > INVITATIONS_MAX:
        raise ApplicationError(_("Please invite at most %(count)d organisations at once.") % {"count": INVITATIONS_MAX})
    already = set(
        Invitation.objects.filter(target_key=key, organisation_id__in=ids).values_list("organisation_id", flat=True)
    )
    new_ids = [pk for pk in ids if pk not in already]
    recipients = _recipients(new_ids)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                process=process,
                organisation_id=pk,
                target=target,
                phase=phase if target == InvitationTarget.PHASE else None,
                event=event if target == InvitationTarget.EVENT else None,
                expert_group=expert_group if target == InvitationTarget.EXPERT_GROUP else None,
                target_key=key,
                invited_by=actor,
                mails_sent=len(recipients.get(pk, ())),
            )
            for pk in new_ids
        ]
    )
    invitations = list(Invitation.objects.filter(target_key=key, organisation_id__in=new_ids))
    for invitation in invitations:
        audit_record(
            actor=actor,
            action="invitation.sent",
            obj=invitation,
            data={"organisation": invitation.organisation_id, "target": key, "mails": invitation.mails_sent},
        )
    invitation_ids = [invitation.pk for invitation in invitations]
    transaction.on_commit(lambda: invitation_mails_send(invitation_ids=invitation_ids, kind="invitation"), robust=True)
    return invitations, len(already)


@transaction.atomic
def invitation_respond(*, actor, invitation: Invitation, response: str) -> Invitation:
    """Record an organisation's answer (accepted, declined, no answer; or back to awaiting)."""
    _require(actor, "involvement.invite_organisations", invitation.process)
    if response not in InvitationResponse.values:
        raise ApplicationError(
            _("Please choose a response from the list."),
            field_errors={"response": _("Please choose a response from the list.")},
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    previous = invitation.response
    invitation.response = response
    invitation.responded_at = None if response == InvitationResponse.OPEN else timezone.now()
    invitation.save(update_fields=["response", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="invitation.response_recorded",
        obj=invitation,
        data={"from": previous, "to": response},
    )
    return invitation


@transaction.atomic
def invitation_remind(*, actor, invitation: Invitation) -> Invitation:
    """Send a reminder of an invitation that awaits an answer."""
    _require(actor, "involvement.invite_organisations", invitation.process)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.response != InvitationResponse.OPEN:
        raise Conflict(_("This invitation has been answered: there is nothing to remind of."))
    invitation.reminder_count += 1
    invitation.reminded_at = timezone.now()
    invitation.save(update_fields=["reminder_count", "reminded_at", "updated_at"])
    audit_record(
        actor=actor, action="invitation.reminded", obj=invitation, data={"reminder": invitation.reminder_count}
    )
    transaction.on_commit(lambda: invitation_mails_send(invitation_ids=[invitation.pk], kind="reminder"), robust=True)
    return invitation


def _recipients(organisation_ids) -> dict[int, list[str]]:
    """Addresses per organisation: its contact persons' and its verified representatives', each once."""
    result = contact_recipients(organisation_ids)
    representatives = Representative.objects.filter(
        organisation_id__in=organisation_ids, verified_at__isnull=False
    ).values_list("organisation_id", "user__email")
    for organisation_id, email in representatives:
        if email:
            result.setdefault(organisation_id, []).append(email)
    return {pk: list(dict.fromkeys(addresses)) for pk, addresses in result.items()}


def _target_text(invitation, language) -> tuple[str, str]:
    """What the invitation is to, and its page, in ``language``."""
    process = invitation.process
    site = settings.SITE_URL
    process_url = site + reverse("processes:detail", kwargs={"slug": process.slug})
    if invitation.target == InvitationTarget.EVENT:
        return localise(invitation.event, "title", language).text, site + reverse(
            "events:detail", kwargs={"pk": invitation.event_id}
        )
    if invitation.target == InvitationTarget.PHASE:
        return localise(invitation.phase, "name", language).text, process_url
    if invitation.target == InvitationTarget.EXPERT_GROUP:
        return localise(invitation.expert_group, "name", language).text, process_url
    return _("the steering group"), process_url


def invitation_mails_send(*, invitation_ids, kind: str) -> int:
    """Send the mails of invitations (``kind`` "invitation" or "reminder"), one per address, in each organisation's
    language. Returns the number of mails sent."""
    invitations = Invitation.objects.filter(pk__in=invitation_ids).select_related(
        "process", "organisation", "event", "phase", "expert_group"
    )
    recipients = _recipients([invitation.organisation_id for invitation in invitations])
    sent = 0
    for invitation in invitations:
        language = supported_language(invitation.organisation.mail_language)
        with translation.override(language):
            title, link = _target_text(invitation, language)
            subject = (
                _("You are invited: %(title)s") if kind == "invitation" else _("Reminder of an invitation: %(title)s")
            ) % {"title": title}
            context = {
                "kind": kind,
                "organisation": invitation.organisation.name,
                "process": localise(invitation.process, "title", language).text,
                "title": title,
                "link": link,
                "target": invitation.target,
            }
        for address in recipients.get(invitation.organisation_id, ()):
            send_localised_mail(
                to=[address],
                language=language,
                subject=subject,
                template="involvement/email/invitation",
                context=context,
            )
            sent += 1
    return sent


# == the steering group =========================================================================================


def _clean(value, *, limit: int, field: str, required: bool = True) -> str:
    text = clean_plain_text(value or "")
    if required and not text:
        raise ApplicationError(_("Please fill in this field."), field_errors={field: _("Please fill in this field.")})
    if len(text) > limit:
        raise ApplicationError(_("The text is too long."), field_errors={field: _("The text is too long.")})
    return text


@transaction.atomic
def steering_group_create(*, actor, process, name: str) -> SteeringGroup:
    _require(actor, "involvement.manage_steering_group", process)
    if SteeringGroup.objects.filter(process=process).exists():
        raise Conflict(_("This process has a steering group already."))
    group = SteeringGroup.objects.create(process=process, name=_clean(name, limit=200, field="name"))
    audit_record(actor=actor, action="steering_group.created", obj=group, data={"process": process.pk})
    return group


@transaction.atomic
def steering_member_add(
    *, actor, group: SteeringGroup, name: str, department=None, organisation: Organisation | None = None, council=None
) -> SteeringMember:
    """A seat for a department (its head), an organisation or a district council — exactly one of them."""
    _require(actor, "involvement.manage_steering_group", group.process)
    name = _clean(name, limit=120, field="name")
    if sum(item is not None for item in (department, organisation, council)) != 1:
        message = _("Please choose a department, an organisation or a district council — one of them.")
        raise ApplicationError(message, field_errors={"department": message})
    city_id = group.process.city_id
    if department is not None and department.city_id != city_id:
        raise ApplicationError(
            _("Please choose a department of this city."),
            field_errors={"department": _("Please choose a department of this city.")},
        )
    if council is not None and council.district.city_id != city_id:
        raise ApplicationError(
            _("Please choose a district council of this city."),
            field_errors={"council": _("Please choose a district council of this city.")},
        )
    if organisation is not None and organisation.checked_at is None:
        message = _("This organisation has not been checked yet.")
        raise ApplicationError(message, field_errors={"organisation": message})
    member = SteeringMember.objects.create(
        group=group, name=name, department=department, organisation=organisation, council=council
    )
    audit_record(
        actor=actor,
        action="steering_member.added",
        obj=member,
        data={
            "department": getattr(department, "pk", None),
            "organisation": getattr(organisation, "pk", None),
            "council": getattr(council, "pk", None),
        },
    )
    return member


@transaction.atomic
def steering_member_remove(*, actor, member: SteeringMember) -> None:
    _require(actor, "involvement.manage_steering_group", member.group.process)
    audit_record(actor=actor, action="steering_member.removed", obj=member, data={"group": member.group_id})
    SteeringMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
def steering_meeting_record(
    *, actor, group: SteeringGroup, date, title: str, record: str = "", decisions=()
) -> SteeringMeeting:
    """Record a meeting of the steering group with its decisions (one text each)."""
    _require(actor, "involvement.manage_steering_group", group.process)
    if not isinstance(date, datetime.date):
        raise ApplicationError(
            _("Please give a date, for example 2027-01-31."),
            field_errors={"date": _("Please give a date, for example 2027-01-31.")},
        )
    title = _clean(title, limit=200, field="title")
    record = _clean(record, limit=RECORD_MAX, field="record", required=False)
    texts = [_clean(text, limit=DECISION_MAX, field="decisions") for text in decisions if (text or "").strip()]
    meeting = SteeringMeeting.objects.create(group=group, date=date, title=title, record=record, recorded_by=actor)
    SteeringDecision.objects.bulk_create([SteeringDecision(meeting=meeting, text=text) for text in texts])
    audit_record(
        actor=actor, action="steering_meeting.recorded", obj=meeting, data={"decisions": len(texts), "date": str(date)}
    )
    return meeting
