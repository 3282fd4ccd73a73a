"""Who may do what on a contribution's answer path. Views, templates, services and tests ask these names.

Department staff act for the departments they belong to (``DepartmentMembership``), heads sign off; the
coordinators of a process route, decide and see everything of it. Answers are given after the contribution
phase too, so no permission here depends on the phase.
"""

import rules

from teilhabe.administration.models import RoutingRole, StatementState
from teilhabe.administration.selectors import (
    contribution_answerable,
    department_ids_headed_by,
    department_ids_of,
    routed_department_ids,
    withdrawn_department_ids,
)
from teilhabe.contributions.models import Contribution
from teilhabe.contributions.rules import is_published
from teilhabe.processes.rules import is_coordinator


def _contribution_of(obj):
    return getattr(obj, "contribution", obj)


def _routed(obj, role: str | None = None) -> frozenset[int]:
    """The departments ``obj``'s contribution is actively routed to (as ``role``, or either). The work page's
    selector (``contribution_work``) has just read them: its contribution carries them, and every question of
    that page is answered without asking the database again; any other contribution asks it."""
    if isinstance(obj, Contribution):
        contribution, contribution_id = obj, obj.pk
    else:  # a statement, routing or decision: its contribution only if already loaded
        state = getattr(obj, "_state", None)
        contribution = state.fields_cache.get("contribution") if state is not None else None
        contribution_id = getattr(obj, "contribution_id", None) or _contribution_of(obj).pk
    known = getattr(contribution, "active_routing_roles", None)
    if known is not None:
        return frozenset(department for department, routed_as in known if role is None or routed_as == role)
    return routed_department_ids(contribution_id, role=role)


@rules.predicate
def is_answerable(user, contribution):
    return contribution is not None and contribution_answerable(contribution)


@rules.predicate
def is_any_coordinator(user, obj):
    return is_coordinator(user, None)


@rules.predicate
def is_contribution_coordinator(user, obj):
    return obj is not None and is_coordinator(user, _contribution_of(obj))


@rules.predicate
def is_routed_staff(user, obj):
    """Staff of a department the contribution is routed to (lead or contributing, active routing)."""
    if obj is None or not user.is_authenticated:
        return False
    mine = department_ids_of(user)
    return bool(mine) and bool(mine & _routed(obj))


@rules.predicate
def was_routed_until_withdrawn(user, obj):
    """Staff of a department the contribution was routed to until its author withdrew it: they still read its page
    (and see there that it was withdrawn), as they read it while it was theirs; they can no longer act on it."""
    if not isinstance(obj, Contribution) or not user.is_authenticated:
        return False
    mine = department_ids_of(user)
    return bool(mine) and bool(mine & withdrawn_department_ids(obj.pk))


@rules.predicate
def is_lead_staff(user, obj):
    if obj is None or not user.is_authenticated:
        return False
    mine = department_ids_of(user)
    return bool(mine) and bool(mine & _routed(obj, RoutingRole.LEAD))


@rules.predicate
def is_contributing_staff(user, obj):
    if obj is None or not user.is_authenticated:
        return False
    mine = department_ids_of(user)
    return bool(mine) and bool(mine & _routed(obj, RoutingRole.CONTRIBUTING))


@rules.predicate
def is_department_member(user, department):
    return department is not None and user.is_authenticated and department.pk in department_ids_of(user)


@rules.predicate
def is_staff_of_routing(user, routing):
    return routing is not None and user.is_authenticated and routing.department_id in department_ids_of(user)


@rules.predicate
def is_routing_active(user, routing):
    return routing is not None and routing.is_active


@rules.predicate
def is_statement_department_staff(user, statement):
    return statement is not None and user.is_authenticated and statement.department_id in department_ids_of(user)


@rules.predicate
def is_statement_department_head(user, statement):
    return statement is not None and user.is_authenticated and statement.department_id in department_ids_headed_by(user)


def statement_in(*states):
    @rules.predicate(name=f"statement_in_{'_'.join(states)}")
    def predicate(user, statement):
        return statement is not None and statement.state in states

    return predicate


@rules.predicate
def statement_department_leads(user, statement):
    """The statement's department is still the contribution's active lead department."""
    return statement is not None and statement.department_id in _routed(statement, RoutingRole.LEAD)


# Coordinators: routing, decisions, the consideration table; every queue (for their processes' contributions).
rules.add_perm("administration.route_contributions", is_coordinator)
rules.add_perm("administration.dispose_contribution", is_answerable & is_contribution_coordinator)
rules.add_perm("administration.view_consideration_table", is_coordinator)
rules.add_perm("administration.view_queue", is_department_member | is_any_coordinator)
# Internal work on a contribution: its departments and its coordinators, never the public.
rules.add_perm(
    "administration.view_internal", is_routed_staff | is_contribution_coordinator | was_routed_until_withdrawn
)
rules.add_perm("administration.add_note", is_routed_staff | is_contribution_coordinator)
# The department's own handling of a routing.
rules.add_perm("administration.assign_routing", is_routing_active & (is_staff_of_routing | is_contribution_coordinator))
rules.add_perm("administration.return_routing", is_routing_active & is_staff_of_routing)
# Statements: the lead department drafts, contributing departments give input, the lead's head signs off.
rules.add_perm("administration.draft_statement", is_answerable & is_lead_staff)
rules.add_perm("administration.add_statement_input", is_answerable & is_contributing_staff)
rules.add_perm(
    "administration.submit_statement",
    statement_in(StatementState.DRAFT) & statement_department_leads & is_statement_department_staff,
)
rules.add_perm(
    "administration.sign_off_statement",
    statement_in(StatementState.IN_REVIEW) & statement_department_leads & is_statement_department_head,
)
rules.add_perm(
    "administration.publish_statement",
    statement_in(StatementState.SIGNED_OFF)
    & statement_department_leads
    & (is_statement_department_staff | is_contribution_coordinator),
)
rules.add_perm(
    "administration.translate_statement",
    ~statement_in(StatementState.WITHDRAWN) & (is_statement_department_staff | is_contribution_coordinator),
)
# Residents: notifications about a contribution they can see.
rules.add_perm("administration.subscribe", rules.is_authenticated & is_published)
