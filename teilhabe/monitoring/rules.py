"""Who sees the internal dashboard: the process's coordinators and evaluators, and the council's committee
members. The public dashboard is for everyone (its figures are the same, fewer of them, all protected)."""

import rules

from teilhabe.accounts.models import Role
from teilhabe.processes.models import ProcessMembership, ProcessRole
from teilhabe.processes.rules import is_coordinator, process_of


@rules.predicate
def is_evaluator(user, obj):
    if not getattr(user, "is_authenticated", False) or obj is None:
        return False
    return ProcessMembership.objects.filter(user=user, process=process_of(obj), role=ProcessRole.EVALUATOR).exists()


rules.add_perm(
    "monitoring.view_internal_dashboard",
    is_coordinator | is_evaluator | rules.is_group_member(Role.COMMITTEE_MEMBER.value),
)
