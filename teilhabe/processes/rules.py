"""Permission predicates about processes; other apps build on ``is_coordinator`` and ``phase_allows``."""

import rules

from teilhabe.processes.selectors import phase_allows, process_ids_coordinated_by


def process_of(obj):
    """The process an object belongs to (a process is its own)."""
    return getattr(obj, "process", obj)


@rules.predicate
def is_coordinator(user, obj):
    if obj is None:
        return bool(process_ids_coordinated_by(user))
    return process_of(obj).pk in process_ids_coordinated_by(user)


def phase_allows_predicate(action: str):
    @rules.predicate(name=f"phase_allows_{action}")
    def predicate(user, obj):
        return obj is not None and phase_allows(process_of(obj), action)

    return predicate


phase_allows_contribute = phase_allows_predicate("contribute")
phase_allows_comment = phase_allows_predicate("comment")
phase_allows_support = phase_allows_predicate("support")

rules.add_perm("processes.change_process", is_coordinator)
