"""Who may do what with the plan. Views, templates, services and tests ask these names.

Published versions (for consultation or adopted) are public; a working draft is seen by the process's
coordinators, its expert groups' members and department staff. Coordinators edit drafts, publish and adopt
versions, and link contributions to measures (with their dispositions). A measure's status is kept by the
coordinators and by the staff of the department responsible for it. Expert group members work on their
group's draft and meeting records; a coordinator adopts a group's draft into the plan's working draft.
"""

import rules

from teilhabe.administration.selectors import department_ids_of
from teilhabe.contributions.rules import phase_allows_contribute
from teilhabe.plan.models import ExpertGroup, Measure, PlanVersion, Section, VersionState
from teilhabe.plan.selectors import (
    expert_group_ids_of,
    measure_department_id,
    section_comments_open,
)
from teilhabe.processes.rules import is_coordinator, process_of


def _version_of(obj):
    if isinstance(obj, PlanVersion):
        return obj
    if isinstance(obj, Section):
        return obj.version
    return None


@rules.predicate
def is_published_version(user, obj):
    version = _version_of(obj)
    return version is not None and version.state != VersionState.WORKING


@rules.predicate
def is_working_version(user, obj):
    version = _version_of(obj)
    return version is not None and version.state == VersionState.WORKING


@rules.predicate
def is_plan_staff(user, obj):
    """Department staff (any department) and expert group members of the process see working drafts."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    process_id = process_of(obj).pk
    return bool(department_ids_of(user)) or bool(expert_group_ids_of(user, process_id=process_id))


@rules.predicate
def is_measure_department_staff(user, measure):
    if not isinstance(measure, Measure) or not getattr(user, "is_authenticated", False):
        return False
    department_id = measure_department_id(measure)
    return department_id is not None and department_id in department_ids_of(user)


@rules.predicate
def is_group_member(user, group):
    return isinstance(group, ExpertGroup) and group.pk in expert_group_ids_of(user, process_id=group.process_id)


@rules.predicate
def is_group_draft_section(user, section):
    return isinstance(section, Section) and section.group_id is not None


@rules.predicate
def is_member_of_section_group(user, section):
    return (
        isinstance(section, Section)
        and section.group_id is not None
        and section.group_id in expert_group_ids_of(user, process_id=None)
    )


@rules.predicate
def comments_open(user, section):
    """The section is in a version out for consultation and its consultation phase runs now."""
    return isinstance(section, Section) and section_comments_open(section)


def _process_of_section(user, section):
    return section.version.process if isinstance(section, Section) and section.version_id else None


@rules.predicate
def phase_allows_contribution_on_section(user, section):
    process = _process_of_section(user, section)
    return process is not None and phase_allows_contribute(user, process)


rules.add_perm("plan.view_version", is_published_version | is_coordinator | is_plan_staff)
rules.add_perm("plan.create_version", is_coordinator)
rules.add_perm("plan.edit_version", is_working_version & is_coordinator)
rules.add_perm("plan.publish_version", is_coordinator)
rules.add_perm("plan.edit_section", (is_working_version & is_coordinator) | is_member_of_section_group)
rules.add_perm("plan.translate_section", is_coordinator | is_member_of_section_group)
rules.add_perm("plan.translate_version", is_coordinator)
rules.add_perm("plan.change_measure_status", is_coordinator | is_measure_department_staff)
rules.add_perm("plan.link_measures", is_coordinator)
rules.add_perm("plan.comment_section", comments_open & phase_allows_contribution_on_section)
rules.add_perm("plan.enter_section_comment", comments_open & is_coordinator)
rules.add_perm("plan.manage_expert_groups", is_coordinator)
rules.add_perm("plan.view_expert_group", is_group_member | is_coordinator)
rules.add_perm("plan.work_in_expert_group", is_group_member | is_coordinator)
rules.add_perm("plan.adopt_group_draft", is_coordinator)
