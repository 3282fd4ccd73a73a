"""After the event: the head count and its composition (counts only; a dimension's sum never above the total),
the minutes; recorded for held events, a planned one that has begun being marked as held on the way."""

import pytest
from django.utils.translation import gettext

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import AttendanceCount, EventState
from teilhabe.events.tests.organiser_support import make_event, organisers, outsiders

pytestmark = pytest.mark.django_db


def counts(event) -> set:
    return set(AttendanceCount.objects.filter(event=event).values_list("dimension", "key", "count"))


def test_total_and_composition_are_recorded_and_replaced(process, personas):
    event = make_event(process, days=-1, organiser=organisers(personas)["council"])
    member = personas["district_council_member"]
    district = process.city.districts.get(number=2)
    group = process.target_groups.first()
    services.event_attendance_record(
        user=member,
        event=event,
        total=40,
        composition={
            "age_band": {"18_29": 10, "30_44": 20, "65_plus": 0},
            "district": {str(district.pk): 15},
            "target_group": {group.pk: 12},
        },
    )
    event.refresh_from_db()
    assert event.state == EventState.HELD and event.attendance_total == 40 and event.sequence == 1
    assert counts(event) == {
        ("age_band", "18_29", 10),
        ("age_band", "30_44", 20),
        ("district", str(district.pk), 15),
        ("target_group", str(group.pk), 12),
    }
    entry = AuditEntry.objects.get(action="event.attendance_recorded", object_id=str(event.pk))
    assert entry.data == {"total": 40, "composition": {"age_band": 30, "district": 15, "target_group": 12}}
    services.event_attendance_record(user=member, event=event, total=41)
    event.refresh_from_db()
    assert event.attendance_total == 41 and counts(event) == set()
    actions = AuditEntry.objects.filter(object_id=str(event.pk)).order_by("id").values_list("action", flat=True)
    assert list(actions) == ["event.held", "event.attendance_recorded", "event.attendance_recorded"]


def test_a_dimension_may_not_add_up_to_more_than_the_total(process, coordinator, personas):
    event = make_event(process, state=EventState.HELD, days=-1)
    with pytest.raises(ApplicationError) as caught:
        services.event_attendance_record(
            user=coordinator, event=event, total=20, composition={"age_band": {"18_29": 15, "45_64": 10}}
        )
    expected = gettext(
        "The counts in “%(dimension)s” add up to %(sum)s, more than the %(total)s people who attended."
    ) % {"dimension": gettext("Age band"), "sum": 25, "total": 20}
    assert caught.value.field_errors == {"age_band": expected}
    event.refresh_from_db()
    assert event.attendance_total is None and counts(event) == set()


def test_exactly_the_total_is_fine(process, coordinator, personas):
    event = make_event(process, state=EventState.HELD, days=-1)
    services.event_attendance_record(user=coordinator, event=event, total=5, composition={"age_band": {"18_29": 5}})
    assert counts(event) == {("age_band", "18_29", 5)}


@pytest.mark.parametrize(
    ("total", "composition", "field"),
    [
        (-1, None, "total"),
        ("zehn", None, "total"),
        (True, None, "total"),
        (10, {"age_band": {"100_plus": 1}}, "age_band"),
        (10, {"district": {"999999": 1}}, "district"),
        (10, {"target_group": {"abc": 1}}, "target_group"),
        (10, {"age_band": {"18_29": -2}}, "age_band"),
        (10, {"age_band": {"18_29": 2.5}}, "age_band"),
    ],
)
def test_bad_counts_are_refused(process, coordinator, personas, total, composition, field):
    event = make_event(process, state=EventState.HELD, days=-1)
    with pytest.raises(ApplicationError) as caught:
        services.event_attendance_record(user=coordinator, event=event, total=total, composition=composition)
    assert field in caught.value.field_errors
    assert not AttendanceCount.objects.exists()


def test_unknown_dimension_is_refused(process, coordinator, personas):
    event = make_event(process, state=EventState.HELD, days=-1)
    with pytest.raises(ApplicationError):
        services.event_attendance_record(user=coordinator, event=event, total=3, composition={"gender": {"f": 1}})


def test_a_district_of_another_city_is_no_group(process, coordinator, personas):
    from teilhabe.places.models import City, District

    elsewhere = City.objects.create(name="Anderswo", slug="anderswo", population=1)
    foreign = District.objects.create(city=elsewhere, number=1, name="Fremd", population=1)
    event = make_event(process, state=EventState.HELD, days=-1)
    with pytest.raises(ApplicationError):
        services.event_attendance_record(
            user=coordinator, event=event, total=3, composition={"district": {str(foreign.pk): 1}}
        )


@pytest.mark.parametrize(
    ("state", "days"), [(EventState.PLANNED, 3), (EventState.CANCELLED, -1), (EventState.PROPOSED, -1)]
)
def test_attendance_only_once_the_event_has_begun_and_is_not_cancelled(process, coordinator, personas, state, days):
    event = make_event(process, state=state, days=days)
    with pytest.raises(Conflict):
        services.event_attendance_record(user=coordinator, event=event, total=3)
    event.refresh_from_db()
    assert event.state == state and event.attendance_total is None


def test_outsiders_record_nothing(process, personas, city):
    others = outsiders(city)
    event = make_event(process, state=EventState.HELD, days=-1, organiser=organisers(personas)["organisation"])
    for user in (others["other_representative"], personas["department_staff"], personas["participant"]):
        with pytest.raises(NotAllowed):
            services.event_attendance_record(user=user, event=event, total=3)
        with pytest.raises(NotAllowed):
            services.event_minutes_set(user=user, event=event, text="x", public=True)


def test_minutes_text_and_public_flag(process, personas):
    event = make_event(process, days=-1, organiser=organisers(personas)["organisation"])
    representative = personas["organisation_representative"]
    services.event_minutes_set(user=representative, event=event, text="  Protokoll\r\nZeile 2 ", public=True)
    event.refresh_from_db()
    assert event.state == EventState.HELD
    assert (event.minutes, event.minutes_public) == ("Protokoll\nZeile 2", True)
    services.event_minutes_set(user=representative, event=event, text="", public=True)
    event.refresh_from_db()
    assert event.minutes == "" and not event.minutes_public  # nothing to publish
    with pytest.raises(ApplicationError):
        services.event_minutes_set(user=representative, event=event, text="x" * 50001, public=False)
