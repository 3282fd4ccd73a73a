"""Who may do what in the evaluation of a process. Views, services and tests ask these names (docs/roles.md).

Evaluators and coordinators count for the processes they are members of (``ProcessMembership``); committee members
read the aggregated results of every process (they receive them in the council reports anyway); the questionnaire
and the indicator page are public.
"""

import rules

from teilhabe.evaluation.selectors import is_committee_member, process_ids_evaluated_by
from teilhabe.processes.models import Process
from teilhabe.processes.rules import is_coordinator


@rules.predicate
def is_evaluator(user, process):
    return isinstance(process, Process) and process.pk in process_ids_evaluated_by(user)


@rules.predicate
def is_published(user, process):
    return isinstance(process, Process) and process.is_published


@rules.predicate
def reads_reports(user, process):
    return isinstance(process, Process) and is_committee_member(user)


evaluation_team = is_evaluator | is_coordinator

rules.add_perm("evaluation.answer_questionnaire", is_published)
rules.add_perm("evaluation.enter_paper_responses", is_coordinator)
rules.add_perm("evaluation.view_results", evaluation_team | reads_reports)
rules.add_perm("evaluation.view_free_texts", evaluation_team)
rules.add_perm("evaluation.assess_quality", evaluation_team)
rules.add_perm("evaluation.view_quality", evaluation_team | reads_reports)
rules.add_perm("evaluation.view_notes", evaluation_team)
rules.add_perm("evaluation.add_note", evaluation_team)
rules.add_perm("evaluation.manage_indicators", is_coordinator)
rules.add_perm("evaluation.view_indicators", is_published | is_coordinator)
