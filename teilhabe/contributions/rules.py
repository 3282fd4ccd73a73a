"""Who may do what with contributions. Views, templates and tests ask these names."""

import rules

from teilhabe.contributions.models import Status
from teilhabe.processes.rules import (
    is_coordinator,
    phase_allows_comment,
    phase_allows_contribute,
    phase_allows_support,
)
from teilhabe.stakeholders.rules import is_verified_representative


@rules.predicate
def is_published(user, contribution):
    return contribution is not None and contribution.is_published


@rules.predicate
def is_author(user, contribution):
    return contribution is not None and user.is_authenticated and contribution.author_id == user.pk


@rules.predicate
def is_comment_published(user, comment):
    return comment is not None and comment.status == Status.PUBLISHED


@rules.predicate
def is_comment_author(user, comment):
    return comment is not None and user.is_authenticated and comment.author_id == user.pk


@rules.predicate
def is_comment_coordinator(user, comment):
    return comment is not None and is_coordinator(user, comment.contribution)


@rules.predicate
def phase_allows_comment_on(user, comment):
    return comment is not None and phase_allows_comment(user, comment.contribution)


is_authenticated = rules.is_authenticated

rules.add_perm("contributions.add_contribution", phase_allows_contribute)
rules.add_perm("contributions.add_contribution_for_organisation", phase_allows_contribute & is_verified_representative)
rules.add_perm("contributions.add_comment", is_authenticated & is_published & phase_allows_comment)
rules.add_perm("contributions.add_support", is_authenticated & is_published & phase_allows_support)
rules.add_perm("contributions.flag_contribution", is_authenticated & is_published)
rules.add_perm("contributions.moderate_contribution", is_coordinator)
# Analog input (workshops, paper forms, letters, council sessions) is entered by the process's coordinators,
# also after the contribution phase: the originals often arrive later.
rules.add_perm("contributions.enter_analog", is_coordinator)
rules.add_perm("contributions.view_contribution", is_published | is_author | is_coordinator)
# Comments: removed ones stay as placeholders in threads; unpublished ones only their author and coordinators see.
# Only published comments can be replied to or reported (their contribution must allow it too).
rules.add_perm("contributions.view_comment", is_comment_published | is_comment_author | is_comment_coordinator)
rules.add_perm("contributions.reply_to_comment", is_authenticated & is_comment_published & phase_allows_comment_on)
rules.add_perm("contributions.flag_comment", is_authenticated & is_comment_published)
