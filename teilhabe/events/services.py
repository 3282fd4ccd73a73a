"""Writes on events: every state change is a keyword-only, atomic, audited function here.

Sections: lifecycle and organiser work (create, propose, approve, cancel, hold, attendance, minutes, results),
then registrations (register, confirm, cancel, waiting list, reminders, retention).
"""

from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump
from teilhabe.events.selectors import EVENT_NAMESPACE, EVENTS_NAMESPACE

# --- Lifecycle and organiser work -----------------------------------------------------------------------------


def events_changed(*, process_id: int, event_ids=()) -> None:
    """After commit: the process's calendar, feeds and figures (events and attendance are figures) and each
    event's page are stale. Every event write calls this (registrations too: places left, the door list)."""
    cache_version_bump(EVENTS_NAMESPACE, process_id)
    cache_version_bump(FIGURES_NAMESPACE, process_id)
    for event_id in sorted(set(event_ids)):
        cache_version_bump(EVENT_NAMESPACE, event_id)


# --- Registrations --------------------------------------------------------------------------------------------
