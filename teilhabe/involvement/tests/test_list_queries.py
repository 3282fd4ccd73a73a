"""Every list page of the registry and involvement: the number of queries does not grow with its rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teilhabe.administration.models import Department
from teilhabe.conftest import make_contribution
from teilhabe.involvement import services
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import Organisation, Representative


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_drill_down(client, personas, process, registry_orgs):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("involvement:cell", args=[process.slug]) + "?by=field&type=welfare&all=1"
    few = _queries(client, url)
    for number in range(8):
        registry.organisation_create(
            actor=coordinator, name=f"Verband {number}", type="welfare", districts=[], fields_of_interest=[]
        )
    assert _queries(client, url) == few


def test_steering_group_page(client, personas, process, registry_orgs):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("involvement:steering", args=[process.slug])
    group = services.steering_group_create(actor=coordinator, process=process, name="LG")
    services.steering_member_add(actor=coordinator, group=group, name="A", organisation=registry_orgs["awo"])
    services.steering_meeting_record(
        actor=coordinator, group=group, date=timezone.localdate(), title="1", decisions=["x"]
    )
    few = _queries(client, url)
    department = Department.objects.get(code="50")
    for number in range(6):
        services.steering_member_add(actor=coordinator, group=group, name=f"D{number}", department=department)
        services.steering_member_add(
            actor=coordinator, group=group, name=f"O{number}", organisation=registry_orgs["partei"]
        )
        services.steering_meeting_record(
            actor=coordinator, group=group, date=timezone.localdate(), title=f"M{number}", decisions=["a", "b"]
        )
    assert _queries(client, url) == few


def test_my_organisations(client, personas):
    coordinator = personas["coordinator"]
    participant = personas["participant"]
    client.force_login(participant)
    url = reverse("stakeholders:mine")
    organisation = Organisation.objects.get(name="Verein")
    Representative.objects.create(organisation=organisation, user=participant)
    few = _queries(client, url)
    for number in range(6):
        other = registry.organisation_create(actor=coordinator, name=f"Org {number}", type="other")
        Representative.objects.create(
            organisation=other, user=participant, verified_at=timezone.now(), verified_by=coordinator
        )
    assert _queries(client, url) == few


def test_organisation_page_with_its_contributions(client, personas, process, registry_orgs):
    coordinator = personas["coordinator"]
    representative = personas["organisation_representative"]
    organisation = registry_orgs["verein"]
    Representative.objects.create(
        organisation=organisation, user=representative, verified_at=timezone.now(), verified_by=coordinator
    )
    url = reverse("involvement:organisation", args=[process.slug, organisation.pk])
    make_contribution(process, representative, organisation=organisation)
    few = _queries(client, url)
    for number in range(6):
        make_contribution(process, representative, organisation=organisation, title=f"Beitrag {number}")
    response = client.get(url)
    assert response.context["page"].paginator.count == 7
    assert _queries(client, url) == few
