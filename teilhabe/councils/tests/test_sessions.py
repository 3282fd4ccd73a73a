"""Council sessions: the agenda, its decisions, who keeps them, the public session page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import AgendaItem
from teilhabe.councils.tests.conftest import EN
from teilhabe.events.models import Event, EventState, EventType

pytestmark = pytest.mark.django_db


def make_session(process, space, *, days=7, state=EventState.PLANNED, **extra):
    start = timezone.now() + datetime.timedelta(days=days)
    return Event.objects.create(
        process=process,
        type=EventType.COUNCIL_SESSION,
        title="Öffentliche Sitzung",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state=state,
        organiser_council=space,
        district=space.district,
        **extra,
    )


def test_members_keep_the_agenda_and_record_decisions_once_the_session_has_begun(process, space, member):
    upcoming = make_session(process, space)
    first = services.agenda_item_add(user=member, session=upcoming, title="Begrüßung")
    second = services.agenda_item_add(user=member, session=upcoming, title="Sprachcafé", description="Antrag")
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(Conflict):
        services.agenda_decision_record(user=member, item=second, decision="Angenommen")
    Event.objects.filter(pk=upcoming.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    second.refresh_from_db()
    services.agenda_decision_record(user=member, item=second, decision="Einstimmig angenommen")
    second.refresh_from_db()
    assert second.decision == "Einstimmig angenommen"
    with pytest.raises(Conflict):
        services.agenda_item_remove(user=member, item=second)  # decided: it stays
    services.agenda_item_remove(user=member, item=AgendaItem.objects.get(pk=first.pk))
    assert list(AgendaItem.objects.filter(session=upcoming).values_list("position", "title")) == [(1, "Sprachcafé")]
    actions = list(
        AuditEntry.objects.filter(object_type="councils.agendaitem").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "council.agenda_item_added",
        "council.agenda_item_added",
        "council.agenda_decision_recorded",
        "council.agenda_item_removed",
    ]


def test_bad_agenda_input_is_refused(process, space, member):
    session = make_session(process, space)
    for title in ("", "   ", "x" * 201):
        with pytest.raises(ApplicationError) as refused:
            services.agenda_item_add(user=member, session=session, title=title)
        assert "title" in refused.value.field_errors
    cancelled = make_session(process, space, state=EventState.CANCELLED, cancel_reason="Krankheit")
    with pytest.raises(Conflict):
        services.agenda_item_add(user=member, session=cancelled, title="Punkt")
    assert not AgendaItem.objects.exists()


def test_only_the_councils_members_and_coordinators_keep_its_agenda(
    process, personas, space, other_space, other_member, coordinator
):
    session = make_session(process, space)
    services.agenda_item_add(user=coordinator, session=session, title="Vom Koordinator")
    for user in (other_member, personas["participant"], personas["department_staff"]):
        with pytest.raises(NotAllowed):
            services.agenda_item_add(user=user, session=session, title="Fremd")
    workshop = make_session(process, space)
    Event.objects.filter(pk=workshop.pk).update(type=EventType.WORKSHOP)
    workshop.refresh_from_db()
    with pytest.raises(NotAllowed):  # not a council session
        services.agenda_item_add(user=personas["district_council_member"], session=workshop, title="Punkt")


def session_url(process, space, session):
    return reverse("councils:session", kwargs={"slug": process.slug, "number": space.district.number, "pk": session.pk})


def test_the_public_session_page_shows_place_access_agenda_and_decisions(client, process, space, member):
    session = make_session(
        process, space, days=-1, state=EventState.HELD, venue_name="Rathaus Mitte", step_free=True, attendance_total=14
    )
    item = services.agenda_item_add(user=member, session=session, title="Sprachcafé im Stadtteil")
    services.agenda_decision_record(user=member, item=item, decision="Der Beirat unterstützt das Sprachcafé.")
    html = client.get(session_url(process, space, session), **EN).content.decode()
    assert "Rathaus Mitte" in html and "step-free access" in html and "14 people" in html
    assert "Sprachcafé im Stadtteil" in html and "Der Beirat unterstützt das Sprachcafé." in html
    district = client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": 1}), **EN)
    assert session_url(process, space, session) in district.content.decode()


def test_a_session_page_is_found_only_under_its_councils_district_and_when_public(client, process, space, other_space):
    session = make_session(process, space)
    assert client.get(session_url(process, other_space, session), **EN).status_code == 404
    proposed = make_session(process, space, state=EventState.PROPOSED)
    assert client.get(session_url(process, space, proposed), **EN).status_code == 404
    bad = reverse("councils:session", kwargs={"slug": process.slug, "number": "1", "pk": "x1"})
    assert client.get(bad, **EN).status_code == 404


def test_a_member_adds_items_and_records_a_decision_on_the_page(client, process, space, member, other_member):
    session = make_session(process, space, days=-1, state=EventState.HELD)
    client.force_login(member)
    agenda = reverse("councils:session_agenda", kwargs={"pk": space.pk, "session": session.pk})
    assert "Add an agenda item" in client.get(agenda, **EN).content.decode()
    assert client.post(agenda, {"title": ""}, **EN).status_code == 400
    assert client.post(agenda, {"title": "Haushalt", "description": ""}, **EN).status_code == 302
    item = AgendaItem.objects.get(session=session)
    decide = reverse("councils:agenda_decision", kwargs={"pk": space.pk, "session": session.pk, "item": item.pk})
    response = client.post(decide, {f"d{item.pk}-decision": ""}, **EN)
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert client.post(decide, {f"d{item.pk}-decision": "Beschlossen"}, **EN).status_code == 302
    item.refresh_from_db()
    assert item.decision == "Beschlossen"
    client.force_login(other_member)
    assert client.get(agenda, **EN).status_code == 403


def test_members_present_and_guests_are_recorded_once_the_session_has_begun(
    client, process, space, member, other_space, other_member, coordinator
):
    from teilhabe.councils.models import CouncilMembership, SessionAttendance

    upcoming = make_session(process, space)
    seat = CouncilMembership.objects.get(space=space, user=member)
    with pytest.raises(Conflict):
        services.attendance_record(user=member, session=upcoming, members=[seat], guests=3)
    held = make_session(process, space, days=-1, state=EventState.HELD)
    foreign = CouncilMembership.objects.get(space=other_space, user=other_member)
    with pytest.raises(ApplicationError) as refused:
        services.attendance_record(user=member, session=held, members=[foreign], guests=3)
    assert "members" in refused.value.field_errors
    with pytest.raises(NotAllowed):
        services.attendance_record(user=other_member, session=held, members=[], guests=1)
    services.attendance_record(user=member, session=held, members=[seat], guests=12)
    services.attendance_record(user=coordinator, session=held, members=[seat], guests=14)  # corrected
    record = SessionAttendance.objects.get(session=held)
    assert record.guests == 14 and list(record.members.all()) == [seat]
    entries = AuditEntry.objects.filter(action="council.attendance_recorded").order_by("pk")
    assert [entry.data["guests"] for entry in entries] == [12, 14]
    html = client.get(session_url(process, space, held), **EN).content.decode()
    assert "1 of 1; 14 guests" in html

    client.force_login(member)
    url = reverse("councils:session_attendance", kwargs={"pk": space.pk, "session": held.pk})
    assert client.post(url, {"members": [seat.pk], "guests": "-1"}, **EN).status_code == 400
    assert client.post(url, {"members": [seat.pk], "guests": "5"}, **EN).status_code == 302
    assert SessionAttendance.objects.get(session=held).guests == 5
