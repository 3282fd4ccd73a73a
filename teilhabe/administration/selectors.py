"""Reads for the answer path: who belongs to which department, what is routed where, a contribution's history."""

from django.db.models import Q

from teilhabe.administration.models import (
    DepartmentMembership,
    Routing,
    RoutingRole,
    RoutingState,
)
from teilhabe.contributions.models import Channel, Contribution, Status


def answerable_q(prefix: str = "") -> Q:
    """Contributions that get an answer: the published ones, and analog input given without consent to
    publication (kept unpublished, but answered and decided like every other)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED}) | (
        Q(**{f"{prefix}status": Status.IN_MODERATION, f"{prefix}publication_consent": False})
        & ~Q(**{f"{prefix}channel": Channel.ONLINE})
    )


def contribution_answerable(contribution: Contribution) -> bool:
    if contribution.status == Status.PUBLISHED:
        return True
    return (
        contribution.status == Status.IN_MODERATION
        and not contribution.publication_consent
        and contribution.channel != Channel.ONLINE
    )


def department_ids_of(user) -> frozenset[int]:
    """The departments a person works in; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        rows = list(DepartmentMembership.objects.filter(user=user).values_list("department_id", "is_head"))
        cached = frozenset(department for department, _head in rows)
        user._department_ids = cached
        user._headed_department_ids = frozenset(department for department, head in rows if head)
    return cached


def department_ids_headed_by(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    department_ids_of(user)
    return user._headed_department_ids


def routed_department_ids(contribution_id: int, *, role: str | None = None) -> frozenset[int]:
    """Departments a contribution is actively routed to (as lead, contributing, or either)."""
    routings = Routing.objects.filter(contribution_id=contribution_id, state=RoutingState.ACTIVE)
    if role is not None:
        routings = routings.filter(role=role)
    return frozenset(routings.values_list("department_id", flat=True))


def active_routings(contribution_id: int) -> list[Routing]:
    """The contribution's active routings, lead first."""
    routings = Routing.objects.filter(contribution_id=contribution_id, state=RoutingState.ACTIVE).select_related(
        "department"
    )
    return sorted(routings, key=lambda routing: (routing.role != RoutingRole.LEAD, routing.department.code))
