"""Reads on events, including who may see which event (one visibility selector for every view of an event)."""

from teilhabe.administration.selectors import department_ids_of
from teilhabe.councils.models import CouncilMembership
from teilhabe.stakeholders.selectors import organisations_represented_by

# --- Visibility and public reads (calendar, event page, feeds) -------------------------------------------------


# --- Organiser work (workspace lists, registrations for the door) ----------------------------------------------

# Cache namespaces of events, read by the public pages and bumped by every event write on commit
# (``services.events_changed``): a process's calendar, feeds and next events; one event's page, .ics and results.
EVENTS_NAMESPACE = "events"  # object id: the process
EVENT_NAMESPACE = "event"  # object id: the event


def council_space_ids_of(user) -> frozenset[int]:
    """The district council spaces a person is a member of; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_council_space_ids", None)
    if cached is None:
        cached = frozenset(CouncilMembership.objects.filter(user=user).values_list("space_id", flat=True))
        user._council_space_ids = cached
    return cached


def organisation_ids_represented_by(user) -> frozenset[int]:
    """The organisations a person is a verified representative of; remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_represented_organisation_ids", None)
    if cached is None:
        cached = set(organisations_represented_by(user).values_list("id", flat=True))
        user._represented_organisation_ids = cached
    return frozenset(cached)


def user_organises(user, event) -> bool:
    """Whether ``user`` is on the organising side of ``event``: staff of its department, a verified representative
    of its organisation or a member of its district council (whatever the event's state)."""
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    if event.organiser_department_id is not None:
        return event.organiser_department_id in department_ids_of(user)
    if event.organiser_organisation_id is not None:
        return event.organiser_organisation_id in organisation_ids_represented_by(user)
    if event.organiser_council_id is not None:
        return event.organiser_council_id in council_space_ids_of(user)
    return False
