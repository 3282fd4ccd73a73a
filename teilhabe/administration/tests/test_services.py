"""The answer path's services: each transition, and each refusal leaving everything as it was."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from teilhabe.administration import services
from teilhabe.administration.models import (
    AnswerPath,
    AnswerState,
    Disposition,
    Outcome,
    PublicStep,
    Routing,
    RoutingRole,
    RoutingState,
    Statement,
    StatementState,
)
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def audit_actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_route_online_and_paper_input_alike(
    process, coordinator, contribution, paper_contribution, department, other_department
):
    routed = services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution, paper_contribution],
        lead=department,
        contributing=[other_department],
    )
    assert routed == 2
    for item in (contribution, paper_contribution):
        roles = dict(Routing.objects.filter(contribution=item, state="active").values_list("department__code", "role"))
        assert roles == {"50": RoutingRole.LEAD, "40": RoutingRole.CONTRIBUTING}
        path = AnswerPath.objects.get(contribution=item)
        assert path.state == AnswerState.ROUTED and path.lead_department == department
        assert path.due_date == timezone.localdate() + datetime.timedelta(days=process.answer_due_days)
        assert PublicStep.objects.filter(contribution=item, kind="routed").count() == 1
    assert "routing.routed" in audit_actions()


def test_route_by_filter_routes_the_whole_queryset(process, coordinator, participant, department):
    from teilhabe.contributions.models import Contribution

    for number in range(5):
        another_contribution(process, participant, title=f"Beitrag {number}")
    routed = services.routing_route(
        user=coordinator, process=process, contributions=Contribution.objects.filter(process=process), lead=department
    )
    assert routed == 5
    assert Routing.objects.filter(state="active", role="lead").count() == 5


def test_rerouting_keeps_the_history_and_withdraws_the_old_draft(
    process, coordinator, routed, department, other_department, personas
):
    services.statement_save(user=personas["department_staff"], contribution=routed, text="Entwurf")
    services.routing_route(user=coordinator, process=process, contributions=[routed], lead=other_department)
    history = list(Routing.objects.filter(contribution=routed).order_by("id").values_list("department__code", "state"))
    assert history == [("50", RoutingState.SUPERSEDED), ("40", RoutingState.ACTIVE)]
    assert Statement.objects.get(contribution=routed).state == StatementState.WITHDRAWN
    path = AnswerPath.objects.get(contribution=routed)
    assert path.state == AnswerState.ROUTED and path.lead_department == other_department
    assert PublicStep.objects.filter(contribution=routed, kind="routed").count() == 2


def test_only_coordinators_route(process, routed, department, personas):
    for role in ("participant", "department_staff", "department_head", "evaluator"):
        with pytest.raises(NotAllowed):
            services.routing_route(user=personas[role], process=process, contributions=[routed], lead=department)


def test_due_date_in_the_past_is_refused(process, coordinator, contribution, department):
    with pytest.raises(ApplicationError) as error:
        services.routing_route(
            user=coordinator,
            process=process,
            contributions=[contribution],
            lead=department,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "due_date" in error.value.field_errors
    assert not Routing.objects.exists() and not AnswerPath.objects.exists()


def test_unpublished_contribution_is_not_routed(process, coordinator, contribution, department):
    contribution.status = "removed"
    contribution.removal_reason = "off_topic"
    contribution.save()
    with pytest.raises(ApplicationError):
        services.routing_route(user=coordinator, process=process, contributions=[contribution], lead=department)
    assert not Routing.objects.exists()


def test_hand_back_needs_a_reason_and_leaves_no_lead(routed, personas):
    routing = Routing.objects.get(contribution=routed)
    with pytest.raises(ApplicationError):
        services.routing_return(user=personas["department_staff"], routing=routing, reason="  ")
    assert Routing.objects.get(pk=routing.pk).state == RoutingState.ACTIVE
    services.routing_return(user=personas["department_staff"], routing=routing, reason="Nicht zuständig")
    routing.refresh_from_db()
    assert routing.state == RoutingState.RETURNED and routing.return_reason == "Nicht zuständig"
    path = AnswerPath.objects.get(contribution=routed)
    assert path.lead_department is None and path.returned_at is not None and path.state == AnswerState.RECEIVED


def test_other_department_cannot_hand_back_or_assign(routed, other_department):
    routing = Routing.objects.get(contribution=routed)
    with pytest.raises(NotAllowed):
        services.routing_return(user=other_department.staff_member, routing=routing, reason="x")
    with pytest.raises(NotAllowed):
        services.routing_assign(user=other_department.head, routing=routing, assignee=None)


def test_assign_to_a_member_of_the_department_only(routed, personas, other_department):
    routing = Routing.objects.get(contribution=routed)
    with pytest.raises(ApplicationError):
        services.routing_assign(
            user=personas["department_head"], routing=routing, assignee=other_department.staff_member
        )
    services.routing_assign(user=personas["department_head"], routing=routing, assignee=personas["department_staff"])
    assert Routing.objects.get(pk=routing.pk).assigned_to == personas["department_staff"]


def test_statement_draft_return_sign_off_publish(routed, personas):
    staff, head = personas["department_staff"], personas["department_head"]
    statement = services.statement_save(user=staff, contribution=routed, text="Wir prüfen das.")
    assert AnswerPath.objects.get(contribution=routed).state == AnswerState.STATEMENT_IN_PROGRESS
    services.statement_submit(user=staff, statement=statement)
    with pytest.raises(ApplicationError):  # a return needs a comment
        services.statement_review(user=head, statement=statement, sign_off=False)
    services.statement_review(user=head, statement=statement, sign_off=False, comment="Bitte konkreter.")
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT
    services.statement_save(user=staff, contribution=routed, text="Ab 2027 gibt es zwei neue Kurse.")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True)
    services.statement_publish(user=staff, statement=statement)
    statement.refresh_from_db()
    assert statement.state == StatementState.PUBLISHED and statement.signed_off_by == head
    assert AnswerPath.objects.get(contribution=routed).state == AnswerState.STATEMENT_PUBLISHED
    assert [a for a in audit_actions() if a.startswith("statement.")] == [
        "statement.drafted",
        "statement.submitted",
        "statement.returned",
        "statement.edited",
        "statement.submitted",
        "statement.signed_off",
        "statement.published",
    ]


def test_publish_without_sign_off_is_refused_and_changes_nothing(routed, personas, coordinator):
    staff = personas["department_staff"]
    statement = services.statement_save(user=staff, contribution=routed, text="Text")
    for user in (staff, coordinator):
        with pytest.raises(NotAllowed) as error:
            services.statement_publish(user=user, statement=statement)
        assert str(error.value.message) == gettext(
            "Only a statement signed off by the head of the department can be published."
        )
    services.statement_submit(user=staff, statement=statement)
    with pytest.raises(NotAllowed):
        services.statement_publish(user=staff, statement=statement)
    assert Statement.objects.get(pk=statement.pk).state == StatementState.IN_REVIEW
    assert not PublicStep.objects.filter(kind="statement_published").exists()


def test_sign_off_only_by_the_head_of_the_lead_department(routed, personas, other_department, coordinator):
    statement = services.statement_save(user=personas["department_staff"], contribution=routed, text="Text")
    services.statement_submit(user=personas["department_staff"], statement=statement)
    for user in (personas["department_staff"], other_department.head, coordinator):
        with pytest.raises(NotAllowed):
            services.statement_review(user=user, statement=statement, sign_off=True)
    assert Statement.objects.get(pk=statement.pk).state == StatementState.IN_REVIEW


def test_department_not_routed_cannot_answer(routed, other_department, contribution):
    with pytest.raises(NotAllowed):
        services.statement_save(user=other_department.staff_member, contribution=routed, text="Text")
    with pytest.raises(NotAllowed):
        services.statement_input_add(user=other_department.staff_member, contribution=routed, text="Text")
    assert not Statement.objects.exists()


def test_contributing_department_adds_input(process, coordinator, contribution, department, other_department):
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=department,
        contributing=[other_department],
    )
    entry = services.statement_input_add(
        user=other_department.staff_member, contribution=contribution, text="Zulieferung"
    )
    assert entry.department == other_department


def test_edit_after_submission_is_a_conflict(routed, personas):
    staff = personas["department_staff"]
    statement = services.statement_save(user=staff, contribution=routed, text="Text")
    services.statement_submit(user=staff, statement=statement)
    with pytest.raises(Conflict):
        services.statement_save(user=staff, contribution=routed, text="Anders")
    assert Statement.objects.get(pk=statement.pk).text == "Text"


def test_disposition_versions_and_history(process, coordinator, routed):
    services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[routed],
        outcome=Outcome.NOT_ADOPTED,
        justification="Zu teuer.",
    )
    services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[routed],
        outcome=Outcome.PARTLY_ADOPTED,
        justification="Teilweise.",
    )
    versions = list(Disposition.objects.filter(contribution=routed).values_list("version", "outcome", "is_current"))
    assert versions == [(1, "not_adopted", False), (2, "partly_adopted", True)]
    path = AnswerPath.objects.get(contribution=routed)
    assert path.state == AnswerState.DISPOSED and path.outcome == "partly_adopted"
    assert audit_actions().count("disposition.changed") == 1


def test_disposition_needs_justification_and_forwarding(process, coordinator, routed):
    with pytest.raises(ApplicationError) as error:
        services.disposition_decide(
            user=coordinator,
            process=process,
            contributions=[routed],
            outcome=Outcome.OUTSIDE_COMPETENCE,
            justification="",
        )
    assert set(error.value.field_errors) == {"justification", "forwarded_to"}
    assert not Disposition.objects.exists()


def test_group_disposition_keeps_a_record_each(process, coordinator, participant):
    items = [another_contribution(process, participant, title=f"Ähnlich {n}") for n in range(5)]
    made = services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=items,
        outcome=Outcome.ADOPTED,
        justification="Wird umgesetzt.",
        group_title="Sprachkurse",
    )
    assert len(made) == 5 and len({d.group_id for d in made}) == 1
    assert Disposition.objects.filter(is_current=True).count() == 5


def test_only_coordinators_dispose(process, routed, personas):
    for role in ("department_head", "department_staff", "participant"):
        with pytest.raises(NotAllowed):
            services.disposition_decide(
                user=personas[role], process=process, contributions=[routed], outcome="adopted", justification="x"
            )


def test_internal_notes_only_for_routed_departments_and_coordinators(routed, personas, other_department, coordinator):
    services.note_add(user=personas["department_staff"], contribution=routed, text="Rückfrage bei 40")
    services.note_add(user=coordinator, contribution=routed, text="Priorität")
    for user in (other_department.staff_member, personas["participant"]):
        with pytest.raises(NotAllowed):
            services.note_add(user=user, contribution=routed, text="x")
