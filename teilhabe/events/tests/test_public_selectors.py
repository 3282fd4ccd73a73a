"""Who sees which event: one rule (``event_visible_q`` / ``event_for_user``) for every view of an event."""

import pytest

from teilhabe.events.models import Event, EventState
from teilhabe.events.selectors import calendar_next_change, event_for_user, event_map_url, event_visible_q
from teilhabe.events.tests.conftest import ANONYMOUS, public_event
from teilhabe.events.tests.organiser_support import organisers, outsiders

pytestmark = pytest.mark.django_db

PUBLIC = (EventState.PLANNED, EventState.CANCELLED, EventState.HELD)
HIDDEN = (EventState.PROPOSED, EventState.DECLINED)


def sees(user, event) -> bool:
    return event_for_user(user, event.pk) is not None


@pytest.mark.parametrize("state", PUBLIC)
def test_everyone_sees_public_events(process, personas, state):
    event = public_event(process, state=state)
    assert sees(ANONYMOUS, event)
    assert all(sees(user, event) for user in personas.values())


@pytest.mark.parametrize("state", HIDDEN)
def test_proposals_are_seen_by_coordinators_proposer_and_organisers_only(process, personas, city, state):
    units = organisers(personas)
    others = outsiders(city)
    for kind, organiser, insider in (
        ("department", units["department"], personas["department_staff"]),
        ("organisation", units["organisation"], personas["organisation_representative"]),
        ("council", units["council"], personas["district_council_member"]),
    ):
        field = {"department": "organiser_department", "organisation": "organiser_organisation"}.get(
            kind, "organiser_council"
        )
        event = public_event(process, state=state, **{"organiser_department": None, field: organiser})
        assert sees(insider, event), kind
        assert sees(personas["coordinator"], event), kind
        for outsider in (
            ANONYMOUS,
            personas["participant"],
            personas["evaluator"],
            personas["jury_member"],
            others["other_staff"],
            others["other_representative"],
            others["other_council_member"],
        ):
            assert not sees(outsider, event), (kind, outsider)
    proposer = personas["participant"]
    own = public_event(process, state=state, created_by=proposer)
    assert sees(proposer, own)


def test_a_coordinator_of_another_process_does_not_see_its_proposals(city, process, personas):
    from teilhabe.conftest import make_process

    other = make_process(city, slug="andere")
    event = public_event(
        other,
        state=EventState.PROPOSED,
        organiser_department=None,
        organiser_organisation=organisers(personas)["organisation"],
    )
    assert not sees(personas["coordinator"], event)


def test_events_of_an_unpublished_process_are_hidden_from_the_public(process, personas):
    event = public_event(process)
    process.is_published = False
    process.save()
    assert not sees(ANONYMOUS, event) and not sees(personas["participant"], event)
    assert sees(personas["coordinator"], event)


@pytest.mark.parametrize("pk", ["007", "abc", "", "0", "-3", "1.0", "99999999999999999999", None])
def test_ids_that_are_no_canonical_id_find_nothing(process, personas, pk):
    public_event(process)
    assert event_for_user(ANONYMOUS, pk) is None


def test_the_filter_is_usable_in_any_query(process, personas):
    public_event(process)
    public_event(process, state=EventState.PROPOSED)
    assert Event.objects.filter(event_visible_q(ANONYMOUS)).count() == 1
    assert Event.objects.filter(event_visible_q(personas["coordinator"])).count() == 2


def test_calendar_next_change_is_the_next_end(process, personas):
    first = public_event(process, days=1)
    public_event(process, days=2)
    public_event(process, days=0.5, state=EventState.PROPOSED)
    assert calendar_next_change(process.pk, "v1") == first.ends_at
    Event.objects.filter(pk=first.pk).delete()
    assert calendar_next_change(process.pk, "v1") == first.ends_at  # remembered under the same version
    assert calendar_next_change(process.pk, "v2") != first.ends_at


def test_map_link_goes_to_openstreetmap_only(process, personas):
    with_coordinates = public_event(process)
    assert event_map_url(with_coordinates).startswith("https://www.openstreetmap.org/?mlat=52.374500&mlon=9.738100")
    nowhere = public_event(process, latitude=None, longitude=None, venue_address="")
    assert event_map_url(nowhere) is None
