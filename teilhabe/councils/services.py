"""Changing the district integration councils. Every change: permission checked, one transaction, an audit entry,
and the council's public page made stale on commit (``council_changed``)."""

from __future__ import annotations

import datetime

import rules
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.core.cache_versions import cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.councils.models import (
    AGENDA_TEXT_MAX,
    AGENDA_TITLE_MAX,
    AgendaItem,
    CouncilMembership,
    CouncilRole,
    DistrictSpace,
)
from teilhabe.councils.selectors import COUNCIL_NAMESPACE
from teilhabe.events.models import Event, EventState

AGENDA_ITEMS_MAX = 60


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


def council_changed(space_id: int) -> None:
    """After commit: the council's public page is stale."""
    cache_version_bump(COUNCIL_NAMESPACE, space_id)


def _check_seat(space: DistrictSpace, role, term_start, term_end, *, membership=None, errors: dict) -> None:
    if role not in CouncilRole.values:
        errors["role"] = _("Please choose a role from the list.")
    elif role == CouncilRole.CHAIR:
        chairs = CouncilMembership.objects.filter(space=space, role=CouncilRole.CHAIR)
        if membership is not None:
            chairs = chairs.exclude(pk=membership.pk)
        if chairs.exists():
            errors["role"] = _("The council has a chair already. Change the current chair's role first.")
    for field, value in (("term_start", term_start), ("term_end", term_end)):
        if value is not None and not isinstance(value, datetime.date):
            errors[field] = _("Please give a date, for example 2027-01-31.")
    if isinstance(term_start, datetime.date) and isinstance(term_end, datetime.date) and term_end < term_start:
        errors["term_end"] = _("The term cannot end before it begins.")


def _seat_data(membership: CouncilMembership) -> dict:
    return {
        "space": membership.space_id,
        "person": membership.user_id,
        "role": membership.role,
        "term_start": membership.term_start.isoformat() if membership.term_start else None,
        "term_end": membership.term_end.isoformat() if membership.term_end else None,
        "name_public": membership.name_public,
    }


@transaction.atomic
def membership_add(
    *,
    user,
    space: DistrictSpace,
    person,
    role: str = CouncilRole.MEMBER,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
    name_public: bool = False,
) -> CouncilMembership:
    """A person joins the council (a coordinator records it)."""
    _require(user, "councils.manage_members", space)
    DistrictSpace.objects.select_for_update().get(pk=space.pk)  # one chair: memberships of a space one at a time
    errors = {}
    if person is None or not person.is_active:
        errors["person"] = _("Please choose a person with an account.")
    elif CouncilMembership.objects.filter(space=space, user=person).exists():
        errors["person"] = _("This person is a member already.")
    _check_seat(space, role, term_start, term_end, errors=errors)
    _raise(errors)
    membership = CouncilMembership.objects.create(
        space=space,
        user=person,
        role=role,
        term_start=term_start,
        term_end=term_end,
        name_public=bool(name_public),
    )
    audit_record(actor=user, action="council.member_added", obj=membership, data=_seat_data(membership))
    council_changed(space.pk)
    return membership


@transaction.atomic
def membership_change(
    *,
    user,
    membership: CouncilMembership,
    role: str,
    term_start: datetime.date | None,
    term_end: datetime.date | None,
    name_public: bool,
) -> CouncilMembership:
    """A member's role, term or consent to be named publicly changes."""
    space = membership.space
    _require(user, "councils.manage_members", space)
    DistrictSpace.objects.select_for_update().get(pk=space.pk)
    membership = CouncilMembership.objects.select_for_update().get(pk=membership.pk)
    errors = {}
    _check_seat(space, role, term_start, term_end, membership=membership, errors=errors)
    _raise(errors)
    before = _seat_data(membership)
    membership.role = role
    membership.term_start = term_start
    membership.term_end = term_end
    membership.name_public = bool(name_public)
    membership.save(update_fields=["role", "term_start", "term_end", "name_public"])
    after = _seat_data(membership)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit_record(actor=user, action="council.member_changed", obj=membership, data={"space": space.pk, **changed})
    council_changed(space.pk)
    return membership


@transaction.atomic
def membership_remove(*, user, membership: CouncilMembership) -> None:
    """A person leaves the council."""
    space = membership.space
    _require(user, "councils.manage_members", space)
    audit_record(actor=user, action="council.member_removed", obj=membership, data=_seat_data(membership))
    membership.delete()
    council_changed(space.pk)


# --- the agenda of a session ----------------------------------------------------------------------------------


def _agenda_text(title: str, description: str, errors: dict) -> tuple[str, str]:
    title = clean_plain_text(title or "")
    description = clean_plain_text(description or "")
    if not title:
        errors["title"] = _("Please give the agenda item a title.")
    elif len(title) > AGENDA_TITLE_MAX:
        errors["title"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TITLE_MAX}
    if len(description) > AGENDA_TEXT_MAX:
        errors["description"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TEXT_MAX}
    return title, description


def _open_session(user, session):
    """The session, locked, if ``user`` may edit its agenda and it is neither declined nor cancelled."""
    _require(user, "councils.edit_agenda", session)
    session = Event.objects.select_for_update().get(pk=session.pk)
    if session.state in (EventState.DECLINED, EventState.CANCELLED):
        raise Conflict(_("The agenda of a cancelled or declined session is no longer changed."))
    return session


@transaction.atomic
def agenda_item_add(*, user, session, title: str, description: str = "") -> AgendaItem:
    """Put an item at the end of a session's agenda (a member of the council or a coordinator)."""
    session = _open_session(user, session)
    errors = {}
    title, description = _agenda_text(title, description, errors)
    _raise(errors)
    last = AgendaItem.objects.filter(session=session).aggregate(last=Max("position"))["last"] or 0
    if last >= AGENDA_ITEMS_MAX:
        raise ApplicationError(_("A session has at most %(max)d agenda items.") % {"max": AGENDA_ITEMS_MAX})
    item = AgendaItem.objects.create(session=session, position=last + 1, title=title, description=description)
    audit_record(actor=user, action="council.agenda_item_added", obj=item, data={"session": session.pk, "title": title})
    council_changed(session.organiser_council_id)
    return item


@transaction.atomic
def agenda_decision_record(*, user, item: AgendaItem, decision: str) -> AgendaItem:
    """Record what the council decided on an agenda item, once the session has begun."""
    session = _open_session(user, item.session)
    if session.starts_at > timezone.now():
        raise Conflict(_("A decision is recorded once the session has begun."))
    decision = clean_plain_text(decision or "")
    errors = {}
    if not decision:
        errors["decision"] = _("Please write what the council decided.")
    elif len(decision) > AGENDA_TEXT_MAX:
        errors["decision"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TEXT_MAX}
    _raise(errors)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = item.decision
    item.decision = decision
    item.save(update_fields=["decision"])
    audit_record(
        actor=user,
        action="council.agenda_decision_recorded",
        obj=item,
        data={"session": session.pk, "before": before, "decision": decision},
    )
    council_changed(session.organiser_council_id)
    return item


@transaction.atomic
def agenda_item_remove(*, user, item: AgendaItem) -> None:
    """Take an item off the agenda (before a decision is recorded on it); the later items move up."""
    session = _open_session(user, item.session)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.decision:
        raise Conflict(_("An item with a recorded decision stays on the agenda."))
    audit_record(
        actor=user, action="council.agenda_item_removed", obj=item, data={"session": session.pk, "title": item.title}
    )
    position = item.position
    item.delete()
    for later in AgendaItem.objects.filter(session=session, position__gt=position).order_by("position"):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position - 1)
    council_changed(session.organiser_council_id)
