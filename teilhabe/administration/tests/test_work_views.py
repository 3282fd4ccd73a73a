"""The staff page of one contribution (``administration:work``) and its forms: who sees it, who sees which
form, and every POST for the roles that may and may not (staff and head of another department included).
A refused step answers 400/403/404/409 and changes nothing."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from teilhabe.administration import services
from teilhabe.administration.models import (
    Disposition,
    InternalNote,
    PublicStep,
    Routing,
    Statement,
    StatementInput,
    StatementState,
)
from teilhabe.core.models import ContentTranslation

pytestmark = pytest.mark.django_db


def work_url(contribution, name="work"):
    return reverse(f"administration:{name}", kwargs={"pk": contribution.pk})


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def both(process, coordinator, contribution, department, other_department):
    """A contribution routed to the first department as lead and to the other as contributing department."""
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=department,
        contributing=[other_department],
    )
    return contribution


def draft(contribution, personas, text="Entwurf der Stellungnahme"):
    return services.statement_save(user=personas["department_staff"], contribution=contribution, text=text)


def submitted(contribution, personas):
    statement = draft(contribution, personas)
    return services.statement_submit(user=personas["department_staff"], statement=statement)


def signed_off(contribution, personas):
    statement = submitted(contribution, personas)
    return services.statement_review(user=personas["department_head"], statement=statement, sign_off=True)


# Who sees the page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("department_staff", 200),
        ("department_head", 200),
        ("other_staff", 404),
        ("other_head", 404),
        ("participant", 404),
        ("evaluator", 404),
        ("administrator", 404),
        ("district_council_member", 404),
    ],
)
def test_who_sees_the_work_page(routed, personas, other_department, who, status):
    user = {"other_staff": other_department.staff_member, "other_head": other_department.head}.get(who) or personas[who]
    assert client_of(user).get(work_url(routed)).status_code == status


def test_contributing_department_sees_it_too(both, other_department):
    assert client_of(other_department.staff_member).get(work_url(both)).status_code == 200


def test_anonymous_visitors_are_asked_to_sign_in_for_any_id(routed):
    for url in (work_url(routed), "/verwaltung/beitraege/999999/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/konto/" in response["Location"]


@pytest.mark.parametrize("pk", ["999999", "abc", "0", "-1", "99999999999999999999999", "0012"])
def test_a_missing_or_odd_id_is_a_404(coordinator, pk):
    assert client_of(coordinator).get(f"/verwaltung/beitraege/{pk}/").status_code == 404


def test_a_not_routed_contribution_is_hidden_from_staff_but_not_from_coordinators(contribution, personas):
    assert client_of(personas["department_staff"]).get(work_url(contribution)).status_code == 404
    assert client_of(personas["coordinator"]).get(work_url(contribution)).status_code == 200


def test_the_page_shows_provenance_and_routing_history(
    process, coordinator, paper_contribution, department, other_department
):
    services.routing_route(user=coordinator, process=process, contributions=[paper_contribution], lead=department)
    services.routing_route(user=coordinator, process=process, contributions=[paper_contribution], lead=other_department)
    html = client_of(coordinator).get(work_url(paper_contribution)).content.decode()
    assert "P-0001" in html  # form serial
    assert coordinator.email in html  # entered by, routed by
    assert "50 Soziales" in html and "40 Bildung" in html


# Which forms each role sees ------------------------------------------------------------------------------------


def forms_on(user, contribution) -> set[str]:
    html = client_of(user).get(work_url(contribution)).content.decode()
    names = [
        "statement_save",
        "statement_submit",
        "statement_review",
        "statement_publish",
        "statement_translate",
        "statement_input",
        "note_add",
        "decide",
        "disposition_translate",
    ]
    shown = {name for name in names if f'action="{work_url(contribution, name)}"' in html}
    for routing in Routing.objects.filter(contribution=contribution, state="active"):
        for name in ("routing_assign", "routing_return"):
            if reverse(f"administration:{name}", kwargs={"pk": routing.pk}) in html:
                shown.add(f"{name}:{routing.department.code}")
    return shown


def test_forms_for_each_role_on_a_fresh_routing(both, personas, other_department):
    assert forms_on(personas["department_staff"], both) == {
        "statement_save",
        "note_add",
        "routing_assign:50",
        "routing_return:50",
    }
    assert forms_on(personas["coordinator"], both) == {"note_add", "decide", "routing_assign:50", "routing_assign:40"}
    assert forms_on(other_department.staff_member, both) == {
        "statement_input",
        "note_add",
        "routing_assign:40",
        "routing_return:40",
    }


def test_forms_follow_the_statement(routed, personas):
    staff, head, coordinator = personas["department_staff"], personas["department_head"], personas["coordinator"]
    statement = draft(routed, personas)
    assert {"statement_save", "statement_submit", "statement_translate"} <= forms_on(staff, routed)
    services.statement_submit(user=staff, statement=statement)
    assert "statement_save" not in forms_on(staff, routed) and "statement_submit" not in forms_on(staff, routed)
    assert "statement_review" in forms_on(head, routed)
    assert "statement_review" not in forms_on(staff, routed)
    services.statement_review(user=head, statement=statement, sign_off=True)
    assert "statement_publish" in forms_on(staff, routed)
    assert "statement_publish" in forms_on(coordinator, routed)


def test_assignment_offers_the_departments_members(routed, personas):
    html = client_of(personas["department_staff"]).get(work_url(routed)).content.decode()
    assert f'<option value="{personas["department_head"].pk}">' in html
    assert 'name="next" value="/verwaltung/beitraege/' in html


# The statement, step by step through the views -----------------------------------------------------------------


def post(user, contribution, name, data):
    return client_of(user).post(work_url(contribution, name), data)


def test_the_whole_statement_path_through_the_views(routed, personas):
    staff, head = personas["department_staff"], personas["department_head"]
    response = post(staff, routed, "statement_save", {"text": "Unser Entwurf"})
    assert response.status_code == 302 and response["Location"].endswith("#statement")
    statement = Statement.objects.get(contribution=routed)
    assert statement.state == StatementState.DRAFT and statement.text == "Unser Entwurf"
    assert post(staff, routed, "statement_submit", {"statement": statement.pk}).status_code == 302
    response = post(head, routed, "statement_review", {"statement": statement.pk, "decision": "return"})
    assert response.status_code == 400  # a return needs a comment
    statement.refresh_from_db()
    assert statement.state == StatementState.IN_REVIEW
    data = {"statement": statement.pk, "decision": "return", "comment": "Bitte kürzen"}
    assert post(head, routed, "statement_review", data).status_code == 302
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT
    assert post(staff, routed, "statement_save", {"text": "Kürzer"}).status_code == 302
    assert post(staff, routed, "statement_submit", {"statement": statement.pk}).status_code == 302
    data = {"statement": statement.pk, "decision": "sign_off"}
    assert post(head, routed, "statement_review", data).status_code == 302
    assert post(staff, routed, "statement_publish", {"statement": statement.pk}).status_code == 302
    statement.refresh_from_db()
    assert statement.state == StatementState.PUBLISHED and statement.text == "Kürzer"
    html = client_of(staff).get(work_url(routed)).content.decode()
    assert "Bitte kürzen" in html  # the review history


@pytest.mark.parametrize("who", ["department_staff", "coordinator"])
@pytest.mark.parametrize("step", ["draft", "submitted"])
def test_a_statement_not_signed_off_cannot_be_published(routed, personas, who, step):
    statement = draft(routed, personas) if step == "draft" else submitted(routed, personas)
    response = post(personas[who], routed, "statement_publish", {"statement": statement.pk})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="work-error"' in html
    assert escape(gettext("Only a statement signed off by the head of the department can be published.")) in html
    unchanged = Statement.objects.get(pk=statement.pk)
    assert unchanged.state == statement.state and unchanged.published_at is None
    assert not PublicStep.objects.filter(kind="statement_published").exists()


def test_only_the_lead_departments_head_signs_off(routed, personas, other_department):
    statement = submitted(routed, personas)
    data = {"statement": statement.pk, "decision": "sign_off"}
    assert post(personas["department_staff"], routed, "statement_review", data).status_code == 403
    assert post(personas["coordinator"], routed, "statement_review", data).status_code == 403
    assert post(other_department.head, routed, "statement_review", data).status_code == 404
    assert Statement.objects.get(pk=statement.pk).state == StatementState.IN_REVIEW


def test_staff_of_another_department_cannot_touch_it(routed, personas, other_department):
    statement = draft(routed, personas, text="Original")
    for user in (other_department.staff_member, other_department.head, personas["participant"]):
        assert post(user, routed, "statement_save", {"text": "Fremd"}).status_code == 404
        assert post(user, routed, "statement_submit", {"statement": statement.pk}).status_code == 404
        assert post(user, routed, "note_add", {"text": "Fremd"}).status_code == 404
        assert post(user, routed, "decide", {"outcome": "adopted", "justification": "x"}).status_code == 404
    statement.refresh_from_db()
    assert statement.text == "Original" and statement.state == StatementState.DRAFT
    assert not InternalNote.objects.exists() and not Disposition.objects.exists()


def test_a_contributing_department_gives_input_but_does_not_draft(both, other_department):
    staff = other_department.staff_member
    assert post(staff, both, "statement_save", {"text": "Nicht unsere Aufgabe"}).status_code == 403
    assert not Statement.objects.exists()
    assert post(staff, both, "statement_input", {"text": "Unsere Zulieferung"}).status_code == 302
    assert StatementInput.objects.get().text == "Unsere Zulieferung"
    assert post(staff, both, "statement_input", {"text": ""}).status_code == 400


def test_the_lead_cannot_give_input(both, personas):
    assert post(personas["department_staff"], both, "statement_input", {"text": "x"}).status_code == 403
    assert not StatementInput.objects.exists()


def test_a_replaced_statement_is_a_conflict(routed, personas):
    statement = draft(routed, personas)
    response = post(personas["department_staff"], routed, "statement_submit", {"statement": statement.pk + 1})
    assert response.status_code == 409
    assert Statement.objects.get(pk=statement.pk).state == StatementState.DRAFT


def test_a_published_statement_cannot_be_edited(routed, personas):
    statement = signed_off(routed, personas)
    services.statement_publish(user=personas["department_staff"], statement=statement)
    response = post(personas["department_staff"], routed, "statement_save", {"text": "Neu"})
    assert response.status_code in (403, 409)
    assert Statement.objects.get(pk=statement.pk).text == "Entwurf der Stellungnahme"


@pytest.mark.parametrize("statement_id", ["abc", "0", "99999999999999999999999", ""])
def test_odd_statement_ids_are_a_400(routed, personas, statement_id):
    draft(routed, personas)
    assert (
        post(personas["department_staff"], routed, "statement_submit", {"statement": statement_id}).status_code == 400
    )


def test_gets_of_post_urls_are_refused(routed, personas):
    assert client_of(personas["department_staff"]).get(work_url(routed, "statement_save")).status_code == 405


# Translations -----------------------------------------------------------------------------------------------


def test_statement_translation(routed, personas, other_department):
    statement = draft(routed, personas)
    data = {"target": statement.pk, "language": "tr", "text": "Taslak"}
    assert post(other_department.staff_member, routed, "statement_translate", data).status_code == 404
    assert (
        post(personas["department_staff"], routed, "statement_translate", {**data, "language": "de"}).status_code == 400
    )
    assert (
        post(personas["department_staff"], routed, "statement_translate", {**data, "language": "xx"}).status_code == 400
    )
    assert not ContentTranslation.objects.exists()
    assert post(personas["department_staff"], routed, "statement_translate", data).status_code == 302
    assert ContentTranslation.objects.get().text == "Taslak"


# Notes -------------------------------------------------------------------------------------------------------


def test_notes_by_staff_and_coordinators(routed, personas):
    assert post(personas["department_staff"], routed, "note_add", {"text": "Rückruf vereinbart"}).status_code == 302
    assert post(personas["coordinator"], routed, "note_add", {"text": "Bitte priorisieren"}).status_code == 302
    assert post(personas["coordinator"], routed, "note_add", {"text": "  "}).status_code == 400
    assert list(InternalNote.objects.order_by("id").values_list("text", flat=True)) == [
        "Rückruf vereinbart",
        "Bitte priorisieren",
    ]
    html = client_of(personas["department_head"]).get(work_url(routed)).content.decode()
    assert "Rückruf vereinbart" in html and "Bitte priorisieren" in html


# Decisions ---------------------------------------------------------------------------------------------------


def test_coordinators_decide_and_the_history_is_kept(routed, personas):
    coordinator = personas["coordinator"]
    data = {"outcome": "not_adopted", "justification": "Kein Budget"}
    assert post(coordinator, routed, "decide", data).status_code == 302
    data = {"outcome": "partly_adopted", "justification": "Teilweise im Haushalt"}
    assert post(coordinator, routed, "decide", data).status_code == 302
    versions = list(
        Disposition.objects.filter(contribution=routed).order_by("version").values_list("outcome", "is_current")
    )
    assert versions == [("not_adopted", False), ("partly_adopted", True)]
    html = client_of(coordinator).get(work_url(routed)).content.decode()
    assert "Kein Budget" in html and "Teilweise im Haushalt" in html  # both versions are shown


@pytest.mark.parametrize("who", ["department_staff", "department_head"])
def test_departments_do_not_decide(routed, personas, who):
    response = post(personas[who], routed, "decide", {"outcome": "adopted", "justification": "Ja"})
    assert response.status_code == 403
    assert not Disposition.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "outside_competence", "justification": "Land", "forwarded_to": ""},
        {"outcome": "adopted", "justification": ""},
        {"outcome": "maybe", "justification": "x"},
        {},
    ],
)
def test_bad_decisions_are_a_400(routed, personas, data):
    assert post(personas["coordinator"], routed, "decide", data).status_code == 400
    assert not Disposition.objects.exists()


def test_justification_translation(routed, personas):
    coordinator = personas["coordinator"]
    [decision] = services.disposition_decide(
        user=coordinator, process=routed.process, contributions=[routed], outcome="adopted", justification="Gut"
    )
    data = {"target": decision.pk, "language": "ar", "text": "جيد"}
    assert post(personas["department_staff"], routed, "disposition_translate", data).status_code == 403
    assert post(coordinator, routed, "disposition_translate", {**data, "target": decision.pk + 1}).status_code == 409
    assert not ContentTranslation.objects.exists()
    assert post(coordinator, routed, "disposition_translate", data).status_code == 302
    assert ContentTranslation.objects.get().text == "جيد"


def test_an_error_rerenders_the_page_with_the_message(routed, personas):
    response = post(personas["coordinator"], routed, "decide", {"outcome": "outside_competence", "justification": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html and 'href="#decision_forwarded_to"' in html
    assert 'id="decision_forwarded_to"' in html


# What the page costs ---------------------------------------------------------------------------------------------


def page_queries(user, contribution) -> int:
    client = client_of(user)
    assert client.get(work_url(contribution)).status_code == 200  # the process and the versions in the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(work_url(contribution)).status_code == 200
    return len(queries)


def add_history(contribution, process, personas, other_department, *, rounds: int) -> None:
    """``rounds`` more of each kind of row the page lists: notes, inputs, reviews, decisions (versions)."""
    coordinator, staff, head = personas["coordinator"], personas["department_staff"], personas["department_head"]
    statement = Statement.objects.filter(contribution=contribution).exclude(state=StatementState.WITHDRAWN).first()
    for number in range(rounds):
        services.note_add(user=staff, contribution=contribution, text=f"Notiz {number}")
        services.statement_input_add(
            user=other_department.staff_member, contribution=contribution, text=f"Input {number}"
        )
        statement = services.statement_submit(user=staff, statement=statement)
        statement = services.statement_review(user=head, statement=statement, sign_off=False, comment=f"Bitte {number}")
        services.disposition_decide(
            user=coordinator,
            process=process,
            contributions=[contribution],
            outcome="adopted",
            justification=f"Ja {number}",
        )


@pytest.mark.parametrize("who", ["coordinator", "department_staff", "department_head"])
def test_the_page_queries_do_not_grow_with_its_history(both, process, personas, other_department, who):
    draft(both, personas)
    add_history(both, process, personas, other_department, rounds=1)
    few = page_queries(personas[who], both)
    add_history(both, process, personas, other_department, rounds=3)
    assert InternalNote.objects.filter(contribution=both).count() == 4
    assert Disposition.objects.filter(contribution=both).count() == 4
    many = page_queries(personas[who], both)
    assert many == few
    # session, user, contribution, memberships (the navigation asks for process roles, expert groups, council seats
    # and the committee role), one query per kind of row, scans
    assert few <= 18


def test_the_forms_show_the_current_values_on_the_next_request(routed, process, personas):
    """The fields of an unbound form are kept as a fragment: keyed by its initial values, never stale."""
    staff, coordinator = client_of(personas["department_staff"]), client_of(personas["coordinator"])
    draft(routed, personas, text="Erste Fassung")
    assert "Erste Fassung" in staff.get(work_url(routed)).content.decode()
    draft(routed, personas, text="Zweite Fassung")
    html = staff.get(work_url(routed)).content.decode()
    assert "Zweite Fassung" in html and "Erste Fassung" not in html
    for outcome in ("adopted", "not_adopted"):
        services.disposition_decide(
            user=personas["coordinator"], process=process, contributions=[routed], outcome=outcome, justification="Ja"
        )
        checked = re.findall(
            r'<input[^>]*name="outcome"[^>]*value="(\w+)"[^>]*checked',
            coordinator.get(work_url(routed)).content.decode(),
        )
        assert checked == [outcome]
