"""Issue 14 (6, 7): the three sectors and the steering group."""

import pytest
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration.models import Department
from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.errors import ApplicationError
from teilhabe.core.models import AuditEntry
from teilhabe.councils.models import DistrictSpace
from teilhabe.involvement import selectors, services
from teilhabe.involvement.models import SteeringDecision
from teilhabe.involvement.sectors import contribution_sector_expression, organisation_sector
from teilhabe.monitoring import metrics


def test_the_sector_rule(personas, process, registry_orgs):
    assert organisation_sector("politics") == "politics"
    assert organisation_sector("administration") == "administration"
    assert organisation_sector("welfare") == "civil_society"
    made = {
        "citizen": make_contribution(process, personas["participant"]),
        "staff": make_contribution(process, personas["department_staff"]),
        "council member": make_contribution(process, personas["district_council_member"]),
        "party": make_contribution(process, personas["participant"]),
        "welfare by staff": make_contribution(process, personas["department_staff"]),
    }
    # On behalf of: set directly (the contribution service asks for a verified representative, tested elsewhere).
    Contribution.objects.filter(pk=made["party"].pk).update(organisation=registry_orgs["partei"])
    Contribution.objects.filter(pk=made["welfare by staff"].pk).update(organisation=registry_orgs["awo"])
    Contribution.objects.update(status=Status.PUBLISHED)
    sectors = dict(Contribution.objects.annotate(sector=contribution_sector_expression()).values_list("pk", "sector"))
    assert {name: sectors[contribution.pk] for name, contribution in made.items()} == {
        "citizen": "civil_society",
        "staff": "administration",
        "council member": "politics",
        "party": "politics",
        "welfare by staff": "civil_society",
    }
    split = metrics.contributions_by_sector(process=process)
    assert split == {"civil_society": 2, "politics": 2, "administration": 1}
    assert sum(split.values()) == Contribution.objects.filter(process=process, status=Status.PUBLISHED).count()
    assert metrics.statements_by_sector(process=process) == {"civil_society": 0, "politics": 0, "administration": 0}


def test_a_user_in_several_groups_counts_once(personas, process):
    person = user_create_verified(
        email="viele@example.org", password=PASSWORD, roles=[Role.PARTICIPANT, Role.DISTRICT_COUNCIL_MEMBER]
    )
    make_contribution(process, person)
    Contribution.objects.update(status=Status.PUBLISHED)
    assert metrics.contributions_by_sector(process=process) == {"civil_society": 0, "politics": 1, "administration": 0}


def test_the_steering_group_records_members_meetings_and_its_composition(
    client, personas, process, registry_orgs, city
):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("involvement:steering", args=[process.slug])
    assert client.post(url, {"action": "group", "name": ""}).status_code == 400
    assert client.post(url, {"action": "group", "name": "Lenkungsgruppe LIP"}).status_code == 302
    department = Department.objects.get(code="50")
    council = DistrictSpace.objects.get(name="Integrationsbeirat Mitte")
    for data in (
        {"name": "Frau Dezernentin", "department": department.pk},
        {"name": "Herr Verband", "organisation": "awo mitte"},
        {"name": "Frau Partei", "organisation": registry_orgs["partei"].name},
        {"name": "Herr Beirat", "council": council.pk},
    ):
        assert client.post(url, {"action": "member", **data}).status_code == 302
    response = client.post(
        url, {"action": "member", "name": "Zwei Sitze", "department": department.pk, "council": council.pk}
    )
    assert response.status_code == 400
    response = client.post(
        url,
        {"action": "meeting", "date": "2027-02-01", "title": "Auftakt", "record": "Protokoll", "decisions": "A\n\nB"},
    )
    assert response.status_code == 302
    assert list(SteeringDecision.objects.values_list("text", flat=True)) == ["A", "B"]
    page = client.get(url)
    assert [(value, count) for value, _label, count in page.context["composition"]] == [
        ("civil_society", 1),
        ("politics", 2),
        ("administration", 1),
    ]
    assert metrics.steering_group_by_sector(process=process) == {
        "civil_society": 1,
        "politics": 2,
        "administration": 1,
    }
    assert registry_orgs["awo"].pk in selectors.participation(process)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"steering_group.created", "steering_member.added", "steering_meeting.recorded"} <= actions
    member = selectors.steering_group_of(process).members.get(name="Herr Verband")
    assert client.post(reverse("involvement:steering_member_remove", args=[process.slug, member.pk])).status_code == 302
    assert metrics.steering_group_by_sector(process=process)["civil_society"] == 0


def test_seats_come_from_the_process_city(personas, process):
    from teilhabe.places.models import City

    other = City.objects.create(name="Anderswo", slug="anderswo", population=1)
    foreign = Department.objects.create(city=other, code="1", name="Fremd")
    group = services.steering_group_create(actor=personas["coordinator"], process=process, name="LG")
    with pytest.raises(ApplicationError):
        services.steering_member_add(actor=personas["coordinator"], group=group, name="X", department=foreign)
    with pytest.raises(ApplicationError):
        services.steering_meeting_record(actor=personas["coordinator"], group=group, date="gestern", title="T")
    assert not group.members.exists() and not group.meetings.exists()
