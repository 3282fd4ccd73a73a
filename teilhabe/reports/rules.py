"""Who may do what with council reports (docs/roles.md). Views, services and tests ask these names.

Coordinators of a process keep its committees, schedules and sessions, make its reports, freeze and publish them.
The process's evaluators and the committee members read the drafts; published reports are public (the archive
needs no permission: its selectors show published reports only).
"""

import rules

from teilhabe.processes.rules import is_coordinator, process_of
from teilhabe.processes.selectors import is_committee_member as is_committee_member_user
from teilhabe.processes.selectors import process_ids_evaluated_by


@rules.predicate
def is_evaluator(user, obj):
    return obj is not None and process_of(obj).pk in process_ids_evaluated_by(user)


@rules.predicate
def is_committee_member(user):
    return is_committee_member_user(user)


rules.add_perm("reports.manage_committees", is_coordinator)
rules.add_perm("reports.generate_report", is_coordinator)
rules.add_perm("reports.view_drafts", is_coordinator | is_evaluator | is_committee_member)
rules.add_perm("reports.freeze_report", is_coordinator)
rules.add_perm("reports.publish_report", is_coordinator)
