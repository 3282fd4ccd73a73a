"""Who may do what with events. Views, templates, services and tests ask these names (docs/roles.md)."""

import rules

from teilhabe.events.models import PUBLIC_STATES, EventState
from teilhabe.events.selectors import council_spaces_in_city, user_organises
from teilhabe.processes.rules import is_coordinator, process_of
from teilhabe.stakeholders.rules import is_verified_representative

# --- Organiser work ---------------------------------------------------------------------------------------------


@rules.predicate
def is_event_organiser(user, event):
    """On the organising side of the event: staff of the organising department, a verified representative of the
    organising organisation or a member of the organising district council (in any state of the event)."""
    return user_organises(user, event)


@rules.predicate
def is_event_coordinator(user, event):
    """A coordinator of the event's process: they manage every event of it."""
    return event is not None and is_coordinator(user, event.process)


def event_in(*states):
    @rules.predicate(name=f"event_in_{'_'.join(states)}")
    def predicate(user, event):
        return event is not None and event.state in states

    return predicate


@rules.predicate
def is_council_member_in_city(user, process):
    """A member of a district integration council of the process's city."""
    return process is not None and bool(council_spaces_in_city(user, process_of(process).city_id))


@rules.predicate
def is_attachment_public(user, attachment):
    """A public attachment of an event the public sees (planned, cancelled or held, of a published process)."""
    if attachment is None or not attachment.is_public:
        return False
    event = attachment.event
    return event.state in PUBLIC_STATES and event.process.is_published


@rules.predicate
def manages_attachment_event(user, attachment):
    return attachment is not None and (
        is_event_coordinator(user, attachment.event) or is_event_organiser(user, attachment.event)
    )


manages_event = is_event_coordinator | is_event_organiser

# Coordinators plan events of their processes at once; representatives and council members propose one.
rules.add_perm("events.add_event", is_coordinator)
rules.add_perm("events.propose_event", is_verified_representative | is_council_member_in_city)
rules.add_perm("events.decide_proposal", event_in(EventState.PROPOSED) & is_event_coordinator)
# The organising side (staff of the organising department, representatives of the organising organisation,
# members of the organising council) works on its own event: its proposal, and once approved.
rules.add_perm("events.manage_event", manages_event)
rules.add_perm("events.change_event", event_in(EventState.PROPOSED, EventState.PLANNED) & manages_event)
rules.add_perm("events.translate_event", ~event_in(EventState.DECLINED) & manages_event)
rules.add_perm("events.cancel_event", event_in(EventState.PLANNED) & manages_event)
rules.add_perm("events.record_outcome", event_in(EventState.PLANNED, EventState.HELD) & manages_event)
rules.add_perm("events.enter_results", event_in(EventState.HELD) & manages_event)
rules.add_perm("events.view_attachment", is_attachment_public | manages_attachment_event)


# --- Registrations -----------------------------------------------------------------------------------------------

# The door list (names, states, needs, interpretation requested, the waiting list) and its export: the
# coordinators of the process and the organising side, never the public or other organisers.
rules.add_perm("events.view_registrations", manages_event)
