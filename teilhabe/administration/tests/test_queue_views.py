"""The staff workspace, a department's queue, and assigning or handing back a routing from the work page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services
from teilhabe.administration.models import AnswerPath, AnswerState, Routing, RoutingState
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.conftest import PASSWORD, make_process
from teilhabe.processes.models import ProcessMembership, ProcessRole

pytestmark = pytest.mark.django_db


def workspace_url():
    return reverse("administration:workspace")


def queue_url(department, **query):
    url = reverse("administration:queue", kwargs={"pk": department.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def assign_url(routing):
    return reverse("administration:routing_assign", kwargs={"pk": routing.pk})


def return_url(routing):
    return reverse("administration:routing_return", kwargs={"pk": routing.pk})


def work_url(contribution):
    return reverse("administration:work", kwargs={"pk": contribution.pk})


def lead_routing(contribution):
    return Routing.objects.get(contribution=contribution, state=RoutingState.ACTIVE, role="lead")


def shown_titles(response):
    return [item.row.title for item in response.context["page"].object_list]


def route(coordinator, process, contributions, lead, **kwargs):
    services.routing_route(user=coordinator, process=process, contributions=list(contributions), lead=lead, **kwargs)


@pytest.fixture
def foreign(city, personas, department):
    """A process the coordinator persona does not coordinate, with its own coordinator and a routed contribution."""
    process = make_process(city, slug="fremd")
    coordinator = user_create_verified(email="coord2@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=process, user=coordinator, role=ProcessRole.COORDINATOR)
    contribution = another_contribution(process, personas["participant"], title="Fremder Beitrag")
    route(coordinator, process, [contribution], department)
    return contribution


# The workspace ---------------------------------------------------------------------------------------------


def test_workspace_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(workspace_url())
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["participant", "organisation_representative", "jury_member", "administrator"])
def test_workspace_is_refused_without_department_or_process(client, personas, role):
    client.force_login(personas[role])
    assert client.get(workspace_url()).status_code == 403


def test_workspace_of_department_staff_counts_the_queue(client, personas, routed, department, process, coordinator):
    late = another_contribution(process, personas["participant"], title="Spät")
    route(coordinator, process, [late], department)
    Routing.objects.filter(contribution=late).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(personas["department_staff"])
    response = client.get(workspace_url())
    assert response.status_code == 200
    [summary] = response.context["departments"]
    assert summary.pk == department.pk and not summary.is_head
    assert summary.counts["routed"] == 2 and summary.counts["overdue"] == 1 and summary.counts["total"] == 2
    assert response.context["processes"] == []
    assert queue_url(department) in response.content.decode()


def test_workspace_of_a_head_counts_what_awaits_sign_off(client, personas, routed, department):
    services.statement_save(user=personas["department_staff"], contribution=routed, text="Wir prüfen das.")
    statement = routed.statements.get()
    services.statement_submit(user=personas["department_staff"], statement=statement)
    client.force_login(personas["department_head"])
    [summary] = client.get(workspace_url()).context["departments"]
    assert summary.is_head and summary.counts["awaiting_sign_off"] == 1
    assert summary.counts["statement_in_progress"] == 0


def test_workspace_of_a_coordinator_counts_routing_work(
    client, coordinator, process, routed, contribution, personas, department
):
    waiting = another_contribution(process, personas["participant"], title="Wartet")
    handed = another_contribution(process, personas["participant"], title="Zurück")
    route(coordinator, process, [handed], department)
    services.routing_return(user=personas["department_staff"], routing=lead_routing(handed), reason="Nicht unser")
    client.force_login(coordinator)
    response = client.get(workspace_url())
    assert response.status_code == 200
    summaries = {summary.slug: summary for summary in response.context["processes"]}
    assert summaries[process.slug].not_routed == 1  # "waiting"; the handed-back one is counted apart
    assert summaries[process.slug].handed_back == 1
    html = response.content.decode()
    assert reverse("administration:routing", kwargs={"slug": process.slug}) in html
    assert response.context["queues"] == [(department.pk, "50 Soziales")]
    assert queue_url(department) in html
    assert waiting.pk  # (created above)


def test_navigation_offers_the_workspace_to_staff_only(client, personas):
    link = f'href="{workspace_url()}"'
    assert link not in client.get("/").content.decode()  # the cached anonymous navigation
    client.force_login(personas["participant"])
    assert link not in client.get(reverse("core:how_to")).content.decode()
    for role in ("department_staff", "department_head", "coordinator"):
        client.force_login(personas[role])
        assert link in client.get(reverse("core:how_to")).content.decode(), role
    client.logout()
    assert link not in client.get(reverse("core:how_to")).content.decode()


# The queue -------------------------------------------------------------------------------------------------


def test_queue_asks_anonymous_visitors_to_sign_in(client, department):
    response = client.get(queue_url(department))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["participant", "other_staff", "other_head", "district_council_member", "evaluator"])
def test_queue_is_refused_to_everyone_else(client, personas, other_department, department, routed, who):
    user = {"other_staff": other_department.staff_member, "other_head": other_department.head}.get(who) or personas[who]
    client.force_login(user)
    assert client.get(queue_url(department)).status_code == 403


@pytest.mark.parametrize("role", ["department_staff", "department_head"])
def test_queue_shows_what_is_routed_to_the_department(client, personas, department, routed, paper_contribution, role):
    route(personas["coordinator"], routed.process, [paper_contribution], department)
    client.force_login(personas[role])
    response = client.get(queue_url(department))
    assert response.status_code == 200
    assert sorted(shown_titles(response)) == sorted([routed.title, paper_contribution.title])
    html = response.content.decode()
    assert work_url(routed) in html and work_url(paper_contribution) in html


def test_queue_shows_contributing_routings_with_their_role(
    client, personas, process, coordinator, contribution, department, other_department
):
    route(coordinator, process, [contribution], other_department, contributing=[department])
    client.force_login(personas["department_staff"])
    [item] = client.get(queue_url(department)).context["page"].object_list
    assert not item.row.is_lead and item.row.state == AnswerState.ROUTED
    client.force_login(other_department.staff_member)
    [item] = client.get(queue_url(other_department)).context["page"].object_list
    assert item.row.is_lead


def test_a_coordinator_sees_only_the_processes_they_coordinate(client, coordinator, department, routed, foreign):
    client.force_login(coordinator)
    response = client.get(queue_url(department))
    assert response.status_code == 200 and response.context["restricted"]
    assert shown_titles(response) == [routed.title]
    offered = set(dict(response.context["form"].fields["process"].choices))
    assert routed.process_id in offered and foreign.process_id not in offered
    assert client.get(queue_url(department, process=foreign.process_id)).status_code == 400


def test_department_staff_see_every_process(client, personas, department, routed, foreign):
    client.force_login(personas["department_staff"])
    response = client.get(queue_url(department))
    assert sorted(shown_titles(response)) == sorted([routed.title, foreign.title])
    assert shown_titles(client.get(queue_url(department, process=foreign.process_id))) == [foreign.title]


def test_queue_of_an_unknown_department_is_not_found(client, personas, department):
    client.force_login(personas["department_staff"])
    for pk in ("999999", "abc", "0", "-1", str(2**70)):
        assert client.get(f"/verwaltung/fachbereiche/{pk}/").status_code == 404, pk
    assert client.get(queue_url(department, page="abc")).status_code == 404
    assert client.get(queue_url(department, page="99")).status_code == 404


@pytest.mark.parametrize(
    "query", [{"district": "abc"}, {"channel": "fax"}, {"state": "lost"}, {"assigned": "999999"}, {"due_before": "x"}]
)
def test_queue_refuses_unknown_filter_values(client, personas, department, routed, query):
    client.force_login(personas["department_staff"])
    response = client.get(queue_url(department, **query))
    assert response.status_code == 400
    assert shown_titles(response) == [routed.title]  # the unfiltered queue, with the error


@pytest.fixture
def assorted(process, coordinator, personas, department, city, paper_contribution):
    """Five routed contributions differing in district, channel, field, due date, state and assignment."""
    participant = personas["participant"]
    mitte, nord = city.districts.get(number=1), city.districts.get(number=2)
    bildung, soziales = process.fields_of_action.get(slug="bildung"), process.fields_of_action.get(slug="soziales")
    items = {
        "mitte": another_contribution(process, participant, title="Mitte", district=mitte, fields_of_action=[bildung]),
        "nord": another_contribution(process, participant, title="Nord", district=nord, fields_of_action=[soziales]),
        "paper": paper_contribution,
        "late": another_contribution(process, participant, title="Spät", fields_of_action=[soziales]),
        "draft": another_contribution(process, participant, title="Entwurf", fields_of_action=[soziales]),
    }
    route(coordinator, process, items.values(), department)
    Routing.objects.filter(contribution=items["late"]).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    services.statement_save(user=personas["department_staff"], contribution=items["draft"], text="Entwurf")
    services.routing_assign(
        user=personas["department_staff"], routing=lead_routing(items["nord"]), assignee=personas["department_staff"]
    )
    services.routing_assign(
        user=personas["department_staff"], routing=lead_routing(items["mitte"]), assignee=personas["department_head"]
    )
    return items


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ["late", "mitte", "nord", "paper", "draft"]),
        ({"district": "mitte"}, ["mitte"]),
        ({"channel": "paper_form"}, ["paper"]),
        ({"field": "bildung"}, ["mitte", "paper"]),  # the paper fixture is filed under the first field too
        ({"state": "statement_in_progress"}, ["draft"]),
        ({"state": "routed"}, ["late", "mitte", "nord", "paper"]),
        ({"overdue": "on"}, ["late"]),
        ({"assigned": "me"}, ["nord"]),
        ({"assigned": "head"}, ["mitte"]),
        ({"assigned": "none"}, ["late", "paper", "draft"]),
        ({"due_before": "today"}, ["late"]),
        ({"sort": "due_desc", "state": "routed"}, ["late", "mitte", "nord", "paper"]),
    ],
)
def test_queue_filters(client, personas, department, assorted, city, process, query, expected):
    values = {
        "mitte": city.districts.get(number=1).pk,
        "bildung": process.fields_of_action.get(slug="bildung").pk,
        "head": personas["department_head"].pk,
        "today": timezone.localdate().isoformat(),
    }
    query = {key: values.get(value, value) for key, value in query.items()}
    client.force_login(personas["department_staff"])
    response = client.get(queue_url(department, **query))
    assert response.status_code == 200, response.context["form"].errors
    titles = shown_titles(response)
    assert sorted(titles) == sorted(assorted[name].title for name in expected)
    if not query:
        assert titles[0] == assorted["late"].title  # the earliest due first
    if query.get("sort") == "due_desc":
        assert titles[-1] == assorted["late"].title


def test_queue_counts_per_state(client, personas, department, assorted):
    statement = assorted["draft"].statements.get()
    services.statement_submit(user=personas["department_staff"], statement=statement)
    client.force_login(personas["department_head"])
    response = client.get(queue_url(department))
    counts = {value: count for value, _label, count in response.context["state_counts"]}
    assert counts == {
        "routed": 4,
        "statement_in_progress": 0,
        "awaiting_sign_off": 1,
        "statement_published": 0,
        "disposed": 0,
    }
    assert response.context["overdue_count"] == 1 and response.context["total_count"] == 5
    assert shown_titles(client.get(queue_url(department, state="awaiting_sign_off"))) == [assorted["draft"].title]


def test_queue_counts_follow_every_change_on_the_next_request(
    client, personas, department, process, coordinator, routed, django_capture_on_commit_callbacks
):
    def counts():
        response = client.get(queue_url(department))
        found = {value: count for value, _label, count in response.context["state_counts"]}
        return found["routed"], found["statement_in_progress"], response.context["total_count"]

    client.force_login(personas["department_staff"])
    assert counts() == (1, 0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        route(coordinator, process, [another_contribution(process, personas["participant"], title="Neu")], department)
    assert counts() == (2, 0, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_save(user=personas["department_staff"], contribution=routed, text="Entwurf")
    assert counts() == (1, 1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_return(user=personas["department_staff"], routing=lead_routing(routed), reason="Falsch")
    assert counts() == (1, 0, 1)


def test_a_filtered_queue_count_follows_every_change_on_the_next_request(
    client, personas, department, process, coordinator, routed, django_capture_on_commit_callbacks
):
    """The paginator's count of a filtered queue is cached too (under the same versions as the state counts)."""

    def listed(**query):
        response = client.get(queue_url(department, **query))
        assert response.context["page"].paginator.count == len(shown_titles(response))
        return response.context["page"].paginator.count

    client.force_login(personas["department_staff"])
    assert (listed(state="routed"), listed(state="statement_in_progress")) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        route(coordinator, process, [another_contribution(process, personas["participant"], title="Neu")], department)
    assert (listed(state="routed"), listed(state="statement_in_progress")) == (2, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_save(user=personas["department_staff"], contribution=routed, text="Entwurf")
    assert (listed(state="routed"), listed(state="statement_in_progress")) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_assign(user=personas["department_head"], routing=lead_routing(routed), assignee=None)
    assert listed(assigned="none") == 2


def _queue_queries(client, url):
    client.get(url)  # warm the caches (content types, translation tables, districts)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_queue_queries_do_not_grow_with_rows(
    client, personas, department, process, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.TEILHABE_PAGE_SIZE = 50
    participant = personas["participant"]
    route(coordinator, process, [another_contribution(process, participant, title="Eins")], department)
    client.force_login(personas["department_staff"])
    few = _queue_queries(client, queue_url(department))
    with django_capture_on_commit_callbacks(execute=True):
        many = [another_contribution(process, participant, title=f"Beitrag {n}") for n in range(12)]
        route(coordinator, process, many, department)
        for item in many[:6]:
            services.routing_assign(user=coordinator, routing=lead_routing(item), assignee=personas["department_head"])
        services.statement_save(user=personas["department_staff"], contribution=many[7], text="Entwurf")
    assert len(client.get(queue_url(department)).context["page"].object_list) == 13
    assert _queue_queries(client, queue_url(department)) == few


# Assigning and handing back --------------------------------------------------------------------------------


def test_assign_and_unassign_from_the_work_page(client, personas, routed, department):
    routing = lead_routing(routed)
    client.force_login(personas["department_staff"])
    response = client.post(assign_url(routing), {"assignee": personas["department_head"].pk, "next": work_url(routed)})
    assert response.status_code == 302 and response["Location"] == work_url(routed)
    routing.refresh_from_db()
    assert routing.assigned_to == personas["department_head"]
    response = client.post(assign_url(routing), {"assignee": ""})
    assert response.status_code == 302 and response["Location"] == queue_url(department)
    routing.refresh_from_db()
    assert routing.assigned_to is None


def test_assign_ignores_a_next_address_elsewhere(client, personas, routed, department):
    client.force_login(personas["department_staff"])
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            assign_url(lead_routing(routed)), {"assignee": personas["department_staff"].pk, "next": target}
        )
        assert response.status_code == 302 and response["Location"] == queue_url(department), target


@pytest.mark.parametrize("assignee", ["other_staff", "participant", "999999", "abc"])
def test_assign_only_to_members_of_the_department(client, personas, routed, other_department, assignee):
    value = {"other_staff": other_department.staff_member.pk, "participant": personas["participant"].pk}.get(
        assignee, assignee
    )
    client.force_login(personas["department_staff"])
    response = client.post(assign_url(lead_routing(routed)), {"assignee": value})
    assert response.status_code == 400
    assert lead_routing(routed).assigned_to is None


def test_a_coordinator_may_assign_but_not_hand_back(client, coordinator, personas, routed):
    client.force_login(coordinator)
    response = client.post(assign_url(lead_routing(routed)), {"assignee": personas["department_staff"].pk})
    assert response.status_code == 302
    response = client.post(return_url(lead_routing(routed)), {"reason": "Falsch"})
    assert response.status_code == 403
    assert lead_routing(routed).state == RoutingState.ACTIVE


@pytest.mark.parametrize("who", ["other_staff", "other_head", "participant", "evaluator"])
def test_routings_of_another_department_are_not_found(client, personas, routed, other_department, who):
    user = {"other_staff": other_department.staff_member, "other_head": other_department.head}.get(who) or personas[who]
    client.force_login(user)
    routing = lead_routing(routed)
    assert client.post(assign_url(routing), {"assignee": user.pk}).status_code == 404
    assert client.post(return_url(routing), {"reason": "Nicht unser"}).status_code == 404
    routing.refresh_from_db()
    assert routing.state == RoutingState.ACTIVE and routing.assigned_to is None


def test_a_contributing_department_cannot_touch_the_lead_routing(
    client, process, coordinator, contribution, department, other_department
):
    route(coordinator, process, [contribution], department, contributing=[other_department])
    client.force_login(other_department.head)
    routing = lead_routing(contribution)
    assert client.post(assign_url(routing), {"assignee": ""}).status_code == 403
    assert client.post(return_url(routing), {"reason": "Nicht unser"}).status_code == 403
    assert lead_routing(contribution).pk == routing.pk
    own = Routing.objects.get(contribution=contribution, department=other_department)
    response = client.post(return_url(own), {"reason": "Wir können nichts beitragen."})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.state == RoutingState.RETURNED


def test_hand_back_with_a_reason(client, personas, routed, department):
    routing = lead_routing(routed)
    client.force_login(personas["department_staff"])
    response = client.post(return_url(routing), {"reason": "  ", "next": work_url(routed)})
    assert response.status_code == 400
    routing.refresh_from_db()
    assert routing.state == RoutingState.ACTIVE
    response = client.post(return_url(routing), {"reason": "Zuständig ist Fachbereich 40.", "next": work_url(routed)})
    # The work page is no longer theirs: back to the queue.
    assert response.status_code == 302 and response["Location"] == queue_url(department)
    routing.refresh_from_db()
    assert routing.state == RoutingState.RETURNED and routing.return_reason == "Zuständig ist Fachbereich 40."
    path = AnswerPath.objects.get(contribution=routed)
    assert path.state == AnswerState.RECEIVED and path.returned_at is not None


def test_assign_and_return_refuse_other_methods_and_bad_ids(client, personas, routed):
    client.force_login(personas["department_staff"])
    assert client.get(assign_url(lead_routing(routed))).status_code == 405
    for pk in ("abc", "0", "999999", str(2**70)):
        assert client.post(f"/verwaltung/weiterleitungen/{pk}/zuweisen/", {"assignee": ""}).status_code == 404
        assert client.post(f"/verwaltung/weiterleitungen/{pk}/zurueckgeben/", {"reason": "x"}).status_code == 404


def test_assign_and_return_ask_anonymous_visitors_to_sign_in(client, routed):
    routing = lead_routing(routed)
    for url in (assign_url(routing), return_url(routing)):
        response = client.post(url, {"assignee": "", "reason": "x"})
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    routing.refresh_from_db()
    assert routing.state == RoutingState.ACTIVE
