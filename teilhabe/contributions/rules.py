"""Who may do what with contributions. Views, templates and tests ask these names."""

import rules

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


is_authenticated = rules.is_authenticated

rules.add_perm("contributions.add_contribution", phase_allows_contribute)
rules.add_perm("contributions.add_contribution_for_organisation", phase_allows_contribute & is_verified_representative)
rules.add_perm("contributions.add_comment", is_authenticated & is_published & phase_allows_comment)
rules.add_perm("contributions.add_support", is_authenticated & is_published & phase_allows_support)
rules.add_perm("contributions.flag_contribution", is_authenticated & is_published)
rules.add_perm("contributions.moderate_contribution", is_coordinator)
rules.add_perm("contributions.view_contribution", is_published | is_author | is_coordinator)
