"""Who may do what with events. Views, templates, services and tests ask these names (docs/roles.md)."""

import rules  # noqa: F401

from teilhabe.events.selectors import user_organises

# --- Organiser work ---------------------------------------------------------------------------------------------


@rules.predicate
def is_event_organiser(user, event):
    """On the organising side of the event: staff of the organising department, a verified representative of the
    organising organisation or a member of the organising district council (in any state of the event)."""
    return user_organises(user, event)


# --- Registrations -----------------------------------------------------------------------------------------------
