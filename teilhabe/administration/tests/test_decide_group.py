"""Deciding similar contributions together (``administration:decide_group``): who may, the filters, each
contribution keeping its own record, refusals that change nothing, and a list whose queries do not grow."""

import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.administration import services
from teilhabe.administration.models import AnswerPath, Disposition, DispositionGroup
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.conftest import make_contribution, make_process

pytestmark = pytest.mark.django_db


def group_url(process):
    return reverse("administration:decide_group", kwargs={"slug": process.slug})


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def many(process, participant, city):
    """Five contributions: two in "Bildung" in district Nord, three in "Soziales"."""
    bildung, soziales = process.fields_of_action.order_by("order")
    nord = city.districts.get(name="Nord")
    items = [
        another_contribution(process, participant, title=f"Bildung {n}", fields_of_action=[bildung], district=nord)
        for n in range(2)
    ]
    items += [
        another_contribution(process, participant, title=f"Soziales {n}", fields_of_action=[soziales]) for n in range(3)
    ]
    return items


def decision_data(chosen, **overrides):
    return {
        "contributions": [str(c.pk) for c in chosen],
        "group_title": "Mehr Sprachkurse",
        "outcome": "adopted",
        "justification": "Wird im Plan aufgenommen.",
        **overrides,
    }


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("department_staff", 404),
        ("department_head", 404),
        ("participant", 404),
        ("evaluator", 404),
        ("administrator", 404),
        ("other_staff", 404),
        ("other_head", 404),
    ],
)
def test_only_the_processes_coordinators(process, personas, other_department, who, status):
    user = {"other_staff": other_department.staff_member, "other_head": other_department.head}.get(who) or personas[who]
    assert client_of(user).get(group_url(process)).status_code == status
    assert client_of(user).post(group_url(process), {}).status_code == (400 if status == 200 else 404)


def test_anonymous_visitors_sign_in_and_unknown_processes_are_404(process, coordinator):
    assert Client().get(group_url(process)).status_code == 302
    assert client_of(coordinator).get("/verwaltung/p/gibt-es-nicht/abwaegung/").status_code == 404


def titles(response) -> list[str]:
    import re

    return re.findall(r'<bdi lang="\w+">([^<]+)</bdi></label>', response.content.decode())


def test_filters(process, coordinator, many, personas, department):
    client = client_of(coordinator)
    url = group_url(process)
    assert len(titles(client.get(url))) == 5
    assert sorted(titles(client.get(url, {"field": "bildung"}))) == ["Bildung 0", "Bildung 1"]
    nord = many[0].district.number
    assert sorted(titles(client.get(url, {"district": str(nord)}))) == ["Bildung 0", "Bildung 1"]
    assert titles(client.get(url, {"q": "Soziales 2"})) == ["Soziales 2"]
    services.routing_route(user=coordinator, process=process, contributions=many[:1], lead=department)
    assert titles(client.get(url, {"state": "routed"})) == ["Bildung 0"]
    assert "Bildung 0" not in titles(client.get(url, {"state": "received"}))
    assert len(titles(client.get(url, {"state": "received"}))) == 4
    for bad in ({"field": "nope"}, {"district": "999"}, {"state": "nope"}):
        assert client.get(url, bad).status_code == 400


def test_deciding_together_keeps_a_record_each(process, coordinator, many):
    chosen = many[2:]
    response = client_of(coordinator).post(group_url(process), decision_data(chosen))
    assert response.status_code == 302
    group = DispositionGroup.objects.get()
    assert group.title == "Mehr Sprachkurse"
    for contribution in chosen:
        disposition = Disposition.objects.get(contribution=contribution)
        assert disposition.group == group and disposition.outcome == "adopted" and disposition.is_current
        assert AnswerPath.objects.get(contribution=contribution).state == "disposed"
    assert not Disposition.objects.filter(contribution__in=many[:2]).exists()


def test_a_decided_contribution_gets_a_new_version(process, coordinator, many):
    services.disposition_decide(
        user=coordinator, process=process, contributions=[many[0]], outcome="not_adopted", justification="Nein"
    )
    assert client_of(coordinator).post(group_url(process), decision_data(many[:2])).status_code == 302
    versions = list(
        Disposition.objects.filter(contribution=many[0]).order_by("version").values_list("version", "is_current")
    )
    assert versions == [(1, False), (2, True)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"contributions": []},
        {"contributions": ["abc"]},
        {"contributions": ["99999999999999999999999"]},
        {"contributions": ["999999"]},
        {"justification": ""},
        {"group_title": ""},
        {"outcome": "outside_competence", "forwarded_to": ""},
        {"outcome": "vielleicht"},
    ],
)
def test_refusals_change_nothing(process, coordinator, many, overrides):
    response = client_of(coordinator).post(group_url(process), decision_data(many[:2], **overrides))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Disposition.objects.exists() and not DispositionGroup.objects.exists()


def test_contributions_of_another_process_are_refused(process, city, coordinator, many, participant):
    foreign = make_contribution(make_process(city, slug="zweiter"), participant)
    response = client_of(coordinator).post(group_url(process), decision_data([many[0], foreign]))
    assert response.status_code == 400
    assert not Disposition.objects.exists()


def test_outside_competence_names_where_it_went(process, coordinator, many):
    data = decision_data(many[:2], outcome="outside_competence", forwarded_to="Jobcenter")
    assert client_of(coordinator).post(group_url(process), data).status_code == 302
    assert set(Disposition.objects.values_list("forwarded_to", flat=True)) == {"Jobcenter"}


def test_the_list_does_not_grow_in_queries(
    process, coordinator, participant, department, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(coordinator)
    url = group_url(process)

    def queries():
        client.get(url)  # warm the caches (process, translations, districts)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(3):
        another_contribution(process, participant, title=f"Erste {n}")
    few = queries()
    items = [another_contribution(process, participant, title=f"Weitere {n}") for n in range(25)]
    services.routing_route(user=coordinator, process=process, contributions=items[:10], lead=department)
    services.disposition_decide(
        user=coordinator, process=process, contributions=items[10:15], outcome="adopted", justification="Ja"
    )
    assert queries() == few
    with django_assert_max_num_queries(few):
        client.get(url, {"state": "disposed"})


def test_fields_of_action_are_named_in_the_readers_language(process, coordinator, many):
    from teilhabe.core.services import content_translation_set

    field = process.fields_of_action.get(slug="bildung")
    content_translation_set(obj=field, field="name", language="en", text="Education", state="checked")
    client = client_of(coordinator)
    english = client.get(group_url(process), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get(group_url(process), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<bdi>Education</bdi>" in english and "<bdi>Bildung</bdi>" not in english
    assert "<bdi>Bildung</bdi>" in german
