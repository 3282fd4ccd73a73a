import rules

from teilhabe.processes.rules import is_coordinator
from teilhabe.processes.selectors import process_ids_coordinated_by
from teilhabe.stakeholders.selectors import organisations_represented_by


@rules.predicate
def is_verified_representative(user):
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_represented_organisation_ids", None)
    if cached is None:
        cached = set(organisations_represented_by(user).values_list("id", flat=True))
        user._represented_organisation_ids = cached
    return bool(cached)


@rules.predicate
def coordinates_a_process(user):
    return bool(process_ids_coordinated_by(user))


@rules.predicate
def is_someone_else(user, representative):
    """Four eyes: the person being verified is not the one verifying."""
    return representative is None or representative.user_id != user.pk


rules.add_perm("stakeholders.verify_representative", coordinates_a_process & is_someone_else)
# The registry is city-wide: a coordinator of a process keeps it (asked with the process, or with None).
rules.add_perm("stakeholders.manage_registry", is_coordinator)
rules.add_perm("stakeholders.view_contacts", is_coordinator)
rules.add_perm("stakeholders.register_organisation", rules.is_authenticated)
