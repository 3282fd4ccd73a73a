"""The coordinators' routing screen: who may route, the filters, hand-picked and filtered routing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services
from teilhabe.administration.models import AnswerPath, Routing, RoutingState
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.conftest import PASSWORD, make_process
from teilhabe.contributions import services as contribution_services
from teilhabe.processes.models import ProcessMembership, ProcessRole

pytestmark = pytest.mark.django_db


def routing_url(process, **query):
    url = reverse("administration:routing", kwargs={"slug": process.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def shown(response):
    return [item.row.pk for item in response.context["page"].object_list]


def routed_ids():
    return set(Routing.objects.filter(state=RoutingState.ACTIVE).values_list("contribution_id", flat=True))


@pytest.fixture
def several(process, personas, city, paper_contribution):
    """Contributions in two districts and two fields of action, one from paper."""
    participant = personas["participant"]
    mitte, nord = city.districts.get(number=1), city.districts.get(number=2)
    bildung, soziales = process.fields_of_action.get(slug="bildung"), process.fields_of_action.get(slug="soziales")
    return {
        "mitte_bildung": another_contribution(
            process, participant, title="Sprachcafé", district=mitte, fields_of_action=[bildung]
        ),
        "mitte_soziales": another_contribution(
            process, participant, title="Beratung", district=mitte, fields_of_action=[soziales]
        ),
        "nord_bildung": another_contribution(
            process, participant, title="Hausaufgabenhilfe", district=nord, fields_of_action=[bildung]
        ),
        "paper": paper_contribution,
    }


def test_routing_asks_anonymous_visitors_to_sign_in(client, process):
    for method in (client.get, client.post):
        response = method(routing_url(process))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["participant", "department_staff", "department_head", "evaluator", "other_head"])
def test_routing_is_refused_to_everyone_but_the_process_coordinators(
    client, personas, process, other_department, department, contribution, who
):
    user = {"other_head": other_department.head}.get(who) or personas[who]
    client.force_login(user)
    assert client.get(routing_url(process)).status_code == 403
    response = client.post(
        routing_url(process), {"lead": department.pk, "selected": contribution.pk, "action": "selected"}
    )
    assert response.status_code == 403
    assert routed_ids() == set()


def test_a_coordinator_of_another_process_may_not_route_here(client, city, process, department, contribution):
    other = make_process(city, slug="anders")
    stranger = user_create_verified(email="coord3@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=other, user=stranger, role=ProcessRole.COORDINATOR)
    client.force_login(stranger)
    assert client.get(routing_url(process)).status_code == 403
    assert client.get(routing_url(other)).status_code == 200


def test_routing_of_an_unknown_process_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/verwaltung/p/gibt-es-nicht/weiterleiten/").status_code == 404


def test_routing_lists_answerable_contributions_of_every_channel(client, coordinator, process, several, personas):
    hidden = another_contribution(process, personas["participant"], title="Entfernt")
    contribution_services.contribution_moderate(
        contribution=hidden, user=coordinator, publish=False, reason="advertising"
    )
    unpublished_paper = contribution_services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="letter",
        title="Brief ohne Einwilligung",
        body="Bitte nicht veröffentlichen.",
        fields_of_action=[process.fields_of_action.first()],
        publication_consent=False,
    )
    client.force_login(coordinator)
    response = client.get(routing_url(process))
    assert response.status_code == 200
    assert shown(response) == sorted([*(c.pk for c in several.values()), unpublished_paper.pk])
    assert response.context["page"].paginator.count == 5


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"district": "mitte"}, ["mitte_bildung", "mitte_soziales"]),
        ({"field": "bildung"}, ["mitte_bildung", "nord_bildung", "paper"]),
        ({"field": "bildung", "district": "mitte"}, ["mitte_bildung"]),
        ({"channel": "paper_form"}, ["paper"]),
        ({"q": "hausaufgaben"}, ["nord_bildung"]),
        ({"state": "not_routed"}, ["mitte_soziales", "nord_bildung", "paper"]),
        ({"state": "routed"}, []),
        ({"state": "handed_back"}, ["mitte_bildung"]),
    ],
)
def test_routing_filters(client, coordinator, process, several, department, personas, city, query, expected):
    services.routing_route(user=coordinator, process=process, contributions=[several["mitte_bildung"]], lead=department)
    routing = Routing.objects.get(contribution=several["mitte_bildung"])
    services.routing_return(user=personas["department_staff"], routing=routing, reason="Nicht unser")
    if "district" in query:
        query["district"] = city.districts.get(number=1).pk
    client.force_login(coordinator)
    response = client.get(routing_url(process, **query))
    assert response.status_code == 200
    assert shown(response) == sorted(several[name].pk for name in expected)


@pytest.mark.parametrize("query", [{"district": "abc"}, {"field": "unbekannt"}, {"state": "lost"}, {"channel": "fax"}])
def test_routing_refuses_unknown_filter_values(client, coordinator, process, several, query):
    client.force_login(coordinator)
    response = client.get(routing_url(process, **query))
    assert response.status_code == 400
    assert len(shown(response)) == 4  # the unfiltered list, with the error


def test_route_hand_picked(client, coordinator, process, several, department, other_department):
    client.force_login(coordinator)
    picked = [several["paper"].pk, several["nord_bildung"].pk]
    response = client.post(
        routing_url(process),
        {"lead": department.pk, "contributing": [other_department.pk], "selected": picked, "action": "selected"},
    )
    assert response.status_code == 302 and response["Location"] == routing_url(process)
    assert routed_ids() == set(picked)
    for pk in picked:
        roles = dict(Routing.objects.filter(contribution_id=pk).values_list("department_id", "role"))
        assert roles == {department.pk: "lead", other_department.pk: "contributing"}
        assert AnswerPath.objects.get(contribution_id=pk).due_date == timezone.localdate() + datetime.timedelta(
            days=process.answer_due_days
        )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2" in message and "Soziales" in message


def test_route_all_matching_the_filter_routes_exactly_the_filtered_set(
    client, coordinator, process, several, department, city
):
    client.force_login(coordinator)
    mitte = city.districts.get(number=1).pk
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        routing_url(process, district=mitte),
        {
            "district": mitte,
            "lead": department.pk,
            "due_date": due.isoformat(),
            # A list of ids sent along is not what "all matching" routes.
            "selected": [several["paper"].pk],
            "action": "filter",
        },
    )
    assert response.status_code == 302 and response["Location"] == routing_url(process, district=mitte)
    assert routed_ids() == {several["mitte_bildung"].pk, several["mitte_soziales"].pk}
    assert set(Routing.objects.values_list("due_date", flat=True)) == {due}


def test_route_all_matching_with_a_field_and_a_state(
    client, coordinator, process, several, department, other_department
):
    services.routing_route(user=coordinator, process=process, contributions=[several["paper"]], lead=other_department)
    client.force_login(coordinator)
    response = client.post(
        routing_url(process),
        {"field": "bildung", "state": "not_routed", "lead": department.pk, "action": "filter"},
    )
    assert response.status_code == 302
    leads = dict(Routing.objects.filter(state="active", role="lead").values_list("contribution_id", "department_id"))
    assert leads == {
        several["paper"].pk: other_department.pk,  # already routed: not matched by "not routed yet"
        several["mitte_bildung"].pk: department.pk,
        several["nord_bildung"].pk: department.pk,
    }


def test_a_hand_picked_set_with_a_foreign_id_routes_nothing(client, coordinator, process, several, department, city):
    other = make_process(city, slug="anders")
    ProcessMembership.objects.create(process=other, user=coordinator, role=ProcessRole.COORDINATOR)
    foreign = another_contribution(other, coordinator, title="Anderer Prozess")
    client.force_login(coordinator)
    response = client.post(
        routing_url(process),
        {"lead": department.pk, "selected": [several["paper"].pk, foreign.pk], "action": "selected"},
    )
    assert response.status_code == 400
    assert routed_ids() == set()
    assert gettext("Only published contributions of this process can be routed.") in str(
        response.context["form"].errors
    )


@pytest.mark.parametrize(
    "data",
    [
        {"selected": ["abc"]},
        {"selected": [str(2**70)]},
        {"selected": []},
        {"lead": ""},
        {"lead": "abc"},
        {"lead": "999999"},
        {"contributing": ["abc"]},
        {"due_date": "2000-01-01"},
        {"due_date": "morgen"},
        {"action": "everything"},
        {"action": "filter", "district": "abc"},
    ],
)
def test_bad_routing_input_is_refused_and_routes_nothing(client, coordinator, process, several, department, data):
    client.force_login(coordinator)
    post = {"lead": department.pk, "selected": [several["paper"].pk], "action": "selected", **data}
    response = client.post(routing_url(process), post)
    assert response.status_code == 400
    assert routed_ids() == set()
    assert response.context["form"].errors or response.context["filter_form"].errors


def test_a_lead_of_another_city_is_refused(client, coordinator, process, several):
    from teilhabe.administration.models import Department
    from teilhabe.places.models import City

    elsewhere = City.objects.create(name="Anderswo", slug="anderswo", population=10)
    foreign_department = Department.objects.create(city=elsewhere, code="99", name="Fremd")
    client.force_login(coordinator)
    response = client.post(
        routing_url(process), {"lead": foreign_department.pk, "selected": [several["paper"].pk], "action": "selected"}
    )
    assert response.status_code == 400
    assert routed_ids() == set()


def test_routing_shows_the_current_lead_and_state(client, coordinator, process, several, department):
    services.routing_route(user=coordinator, process=process, contributions=[several["paper"]], lead=department)
    client.force_login(coordinator)
    response = client.get(routing_url(process))
    rows = {item.row.pk: item.row for item in response.context["page"].object_list}
    assert rows[several["paper"].pk].lead == "50 Soziales" and rows[several["paper"].pk].state == "routed"
    assert rows[several["nord_bildung"].pk].state == "not_routed" and rows[several["nord_bildung"].pk].lead == ""
    html = response.content.decode()
    assert reverse("administration:work", kwargs={"pk": several["paper"].pk}) in html
    assert 'name="action" value="filter"' in html and 'name="action" value="selected"' in html


def _queries(client, url):
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_routing_queries_do_not_grow_with_rows(client, coordinator, process, personas, department, settings):
    settings.TEILHABE_PAGE_SIZE = 50
    another_contribution(process, personas["participant"], title="Eins")
    client.force_login(coordinator)
    few = _queries(client, routing_url(process))
    many = [another_contribution(process, personas["participant"], title=f"Beitrag {n}") for n in range(12)]
    services.routing_route(user=coordinator, process=process, contributions=many[:6], lead=department)
    assert _queries(client, routing_url(process)) == few
