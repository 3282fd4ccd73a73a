"""The box "Measures this contribution led to" on a contribution's work page, and its links to the measures
(plan.link_measures); the staff start page's links to the plan."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.administration import services as answer_services
from teilhabe.administration.models import Department, Disposition
from teilhabe.conftest import make_contribution
from teilhabe.plan import services
from teilhabe.plan.models import Measure, MeasureLink, PlanVersion, SectionKind

pytestmark = pytest.mark.django_db


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


@pytest.fixture
def routed(draft, process, coordinator, participant, django_capture_on_commit_callbacks):
    """A contribution routed to department 50, so that its staff work on it too."""
    contribution = make_contribution(process, participant)
    with django_capture_on_commit_callbacks(execute=True):
        answer_services.routing_route(
            user=coordinator, process=process, contributions=[contribution], lead=Department.objects.get(code="50")
        )
    return contribution


def work_url(contribution):
    return reverse("administration:work", kwargs={"pk": contribution.pk})


def link_url(contribution):
    return reverse("plan:work_links", kwargs={"pk": contribution.pk})


def unlink_url(contribution, measure):
    return reverse("plan:work_unlink", kwargs={"pk": contribution.pk, "measure": measure.pk})


def test_a_coordinator_links_and_unlinks_measures_on_the_work_page(routed, coordinator, post):
    client = client_of(coordinator)
    page = client.get(work_url(routed)).content.decode()
    assert 'id="measures"' in page and f'action="{link_url(routed)}"' in page
    assert page.count('name="measures"') == 3
    first, second = Measure.objects.get(code="M-001"), Measure.objects.get(code="M-002")
    response = post(client, link_url(routed), {"measures": [str(first.pk), str(second.pk)]})
    assert response.status_code == 302 and response["Location"] == work_url(routed) + "#measures"
    assert set(MeasureLink.objects.filter(contribution=routed).values_list("measure__code", flat=True)) == {
        "M-001",
        "M-002",
    }
    page = client.get(work_url(routed)).content.decode()
    assert unlink_url(routed, first) in page and page.count('name="measures"') == 1  # the box is fresh
    assert post(client, unlink_url(routed, first)).status_code == 302
    assert list(MeasureLink.objects.filter(contribution=routed).values_list("measure__code", flat=True)) == ["M-002"]
    assert post(client, unlink_url(routed, first)).status_code == 409  # not linked any more


def test_the_links_record_the_current_decision(routed, coordinator, process, post):
    with_decision = answer_services.disposition_decide(
        user=coordinator, process=process, contributions=[routed], outcome="adopted", justification="Ja."
    )[0]
    measure = Measure.objects.get(code="M-003")
    assert post(client_of(coordinator), link_url(routed), {"measures": [str(measure.pk)]}).status_code == 302
    link = MeasureLink.objects.get(contribution=routed)
    assert link.disposition == Disposition.objects.get(pk=with_decision.pk)


@pytest.mark.parametrize(
    "data",
    [{}, {"measures": ["abc"]}, {"measures": ["99999999"]}, {"measures": [str(2**70)]}],
)
def test_bad_links_are_400_and_save_nothing(routed, coordinator, post, data):
    response = post(client_of(coordinator), link_url(routed), data)
    assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
    assert not MeasureLink.objects.exists()


def test_a_measure_of_another_process_cannot_be_linked(routed, coordinator, closed_process, post):
    other = services.version_create(user=coordinator, process=closed_process, title="Anderer Plan")
    field = services.section_add(
        user=coordinator,
        owner=other,
        kind=SectionKind.FIELD,
        title="Feld",
        field_of_action=closed_process.fields_of_action.first(),
    )
    goal = services.section_add(user=coordinator, owner=other, kind=SectionKind.GOAL, parent=field, title="Ziel")
    foreign = services.section_add(user=coordinator, owner=other, kind=SectionKind.MEASURE, parent=goal, title="M")
    assert post(client_of(coordinator), link_url(routed), {"measures": [str(foreign.measure_id)]}).status_code == 400
    assert post(client_of(coordinator), unlink_url(routed, foreign.measure)).status_code == 404
    assert not MeasureLink.objects.exists()


def test_department_staff_see_the_links_but_do_not_change_them(routed, coordinator, personas, post):
    measure = Measure.objects.get(code="M-001")
    services.measures_link(user=coordinator, contribution=routed, measures=[measure])
    staff = client_of(personas["department_staff"])
    page = staff.get(work_url(routed)).content.decode()
    assert 'id="measures"' in page and "M-001" in page
    assert link_url(routed) not in page and unlink_url(routed, measure) not in page
    other = Measure.objects.get(code="M-002")
    assert post(staff, link_url(routed), {"measures": [str(other.pk)]}).status_code == 403
    assert post(staff, unlink_url(routed, measure)).status_code == 403
    assert MeasureLink.objects.filter(contribution=routed).count() == 1


@pytest.mark.parametrize("who", ["participant", "evaluator", "other"])
def test_who_does_not_work_on_the_contribution_gets_404(routed, personas, post, who):
    if who == "other":
        client = Client()  # anonymous: to the sign-in page
        response = client.post(link_url(routed), {"measures": ["1"]})
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
        return
    measure = Measure.objects.get(code="M-001")
    assert post(client_of(personas[who]), link_url(routed), {"measures": [str(measure.pk)]}).status_code == 404
    assert not MeasureLink.objects.exists()


def test_the_links_are_post_only_and_the_contribution_must_exist(routed, coordinator):
    client = client_of(coordinator)
    assert client.get(link_url(routed)).status_code == 405
    assert client.post(reverse("plan:work_links", kwargs={"pk": "999999"}), {}).status_code == 404
    assert client.post(reverse("plan:work_links", kwargs={"pk": "abc"}), {}).status_code == 404


def test_no_box_without_a_plan(process, coordinator, participant):
    contribution = make_contribution(process, participant)
    page = client_of(coordinator).get(work_url(contribution)).content.decode()
    assert 'id="measures"' not in page


@pytest.mark.parametrize("who", ["coordinator", "department_staff"])
def test_the_box_costs_the_work_page_no_query(
    routed, coordinator, personas, process, django_capture_on_commit_callbacks, who
):
    """The box is read from the cache: the work page asks as many queries with it as without a plan."""
    client = client_of(personas[who])
    PlanVersion.objects.filter(process=process).delete()
    Measure.objects.filter(process=process).delete()
    client.get(work_url(routed))
    with CaptureQueriesContext(connection) as without:
        assert 'id="measures"' not in client.get(work_url(routed)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        version = services.version_create(user=coordinator, process=process, title="Plan")
        field = services.section_add(
            user=coordinator,
            owner=version,
            kind=SectionKind.FIELD,
            title="F",
            field_of_action=process.fields_of_action.first(),
        )
        goal = services.section_add(user=coordinator, owner=version, kind=SectionKind.GOAL, parent=field, title="Z")
        for number in range(5):
            services.section_add(
                user=coordinator, owner=version, kind=SectionKind.MEASURE, parent=goal, title=f"M{number}"
            )
        services.measures_link(user=coordinator, contribution=routed, measures=list(Measure.objects.all()[:2]))
    client.get(work_url(routed))
    with CaptureQueriesContext(connection) as with_box:
        assert 'id="measures"' in client.get(work_url(routed)).content.decode()
    assert len(with_box) == len(without)


def test_the_staff_start_page_links_the_plan(routed, coordinator, personas):
    page = client_of(coordinator).get(reverse("administration:workspace")).content.decode()
    assert f'href="{reverse("plan:work_versions", kwargs={"slug": "lip"})}"' in page
    staff_page = client_of(personas["department_staff"]).get(reverse("administration:workspace")).content.decode()
    assert reverse("plan:work_measures", kwargs={"slug": "lip"}) in staff_page
    assert f'href="{reverse("plan:work_versions", kwargs={"slug": "lip"})}"' not in staff_page
    assert (
        client_of(personas["department_staff"]).get(reverse("plan:work_measures", kwargs={"slug": "lip"})).status_code
        == 200
    )


def test_a_measure_only_in_an_expert_groups_draft_is_not_offered(
    routed, coordinator, process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        group = services.expert_group_create(
            user=coordinator, process=process, field_of_action=process.fields_of_action.first(), name="Fachgruppe"
        )
        services.group_draft_start(user=coordinator, group=group)
        goal = group.draft_sections.get(kind=SectionKind.GOAL)
        new = services.section_add(user=coordinator, owner=group, kind=SectionKind.MEASURE, parent=goal, title="Neu")
    page = client_of(coordinator).get(work_url(routed)).content.decode()
    assert page.count('name="measures"') == 3 and f'name="measures" value="{new.measure_id}"' not in page
