"""Changing the district integration councils. Every change: permission checked, one transaction, an audit entry,
and the council's public page made stale on commit (``council_changed``)."""

from __future__ import annotations

import datetime

import rules
from django.db import transaction
from django.utils.translation import gettext as _

from teilhabe.core.cache_versions import cache_version_bump
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.councils.models import CouncilMembership, CouncilRole, DistrictSpace
from teilhabe.councils.selectors import COUNCIL_NAMESPACE


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
