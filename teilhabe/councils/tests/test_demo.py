"""The demo's councils: members with one chair each, two held and one planned session, nothing twice."""

import pytest
from django.utils import timezone

from teilhabe.councils.models import (
    AgendaItem,
    CouncilMembership,
    CouncilPosition,
    DistrictConsultation,
    DistrictSpace,
    SessionAttendance,
)
from teilhabe.councils.selectors import budget_summary, position_rows
from teilhabe.demo.councils import AGENDA, MEMBERS_PER_COUNCIL, demo_councils
from teilhabe.events.models import Event, EventState

pytestmark = pytest.mark.django_db


def test_every_council_gets_fictional_members_and_three_sessions(process, personas, space, other_space, client):
    from teilhabe.administration.models import Department
    from teilhabe.places.models import District

    Department.objects.get_or_create(city=process.city, code="50", defaults={"name": "Soziales"})
    third = District.objects.create(city=process.city, number=3, name="Süd", population=500)
    DistrictSpace.objects.create(district=third, name="Integrationsbeirat Süd")  # district 3: its answer is overdue
    demo_councils(process, personas)
    demo_councils(process, personas)  # a second run adds nothing
    for council in DistrictSpace.objects.filter(district__city=process.city):
        seats = CouncilMembership.objects.filter(space=council).exclude(user=personas["district_council_member"])
        assert seats.count() == MEMBERS_PER_COUNCIL
        assert seats.filter(role="chair").count() == 1 and seats.filter(role="deputy").count() == 1
        assert all("(fiktiv)" in seat.user.display_name for seat in seats.select_related("user"))
        sessions = Event.objects.filter(organiser_council=council, type="council_session")
        assert sorted(sessions.values_list("state", flat=True)) == [EventState.HELD, EventState.HELD, "planned"]
        assert SessionAttendance.objects.filter(session__in=sessions).count() == 2
        decided = AgendaItem.objects.filter(session__in=sessions).exclude(decision="")
        assert decided.count() == 2 * len(AGENDA) and all(item.session.state == "held" for item in decided)
    positions = CouncilPosition.objects.filter(process=process)
    assert set(positions.values_list("state", flat=True)) == {"draft", "submitted", "forwarded"}
    rows = [row for space_ in DistrictSpace.objects.all() for row in position_rows(space_, public=True)]
    assert any(row.answer for row in rows) and any(row.overdue for row in rows)
    for council in DistrictSpace.objects.filter(district__city=process.city):
        summary = budget_summary(council, timezone.localdate().year)
        assert summary.allocated == 50_000 and len(summary.entries) == 2 and summary.balance == 50_000 - 3700
    assert DistrictConsultation.objects.get().contributions.count() == 1
    html = client.get(f"/p/{process.slug}/beiraete/2/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(fiktiv)" in html and "Öffentliche Sitzung des Integrationsbeirat Nord" in html
