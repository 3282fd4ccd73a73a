"""Formal statements of a council: drafted by members, adopted by vote, submitted by the chair, routed on the
answer path, answered by the department, seen by the council; overdue marked; every step audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.administration import services as answers
from teilhabe.administration.models import AnswerPath, Routing
from teilhabe.contributions.models import Channel, Status
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import CouncilPosition
from teilhabe.councils.tests.conftest import EN
from teilhabe.councils.tests.test_sessions import make_session
from teilhabe.events.models import EventState

pytestmark = pytest.mark.django_db


def draft(member, space, process, **extra):
    return services.position_draft(
        user=member,
        space=space,
        process=process,
        title="Sprachkurse im Stadtbezirk",
        text="Der Beirat fordert mehr Sprachkurse mit Kinderbetreuung.",
        field_of_action=process.fields_of_action.first(),
        **extra,
    )


def vote(member, position, session, department, *, yes=9, no=1, due_days=30):
    return services.position_vote_record(
        user=member,
        position=position,
        session=session,
        yes=yes,
        no=no,
        abstain=2,
        department=department,
        due_date=timezone.localdate() + datetime.timedelta(days=due_days),
    )


def answer(personas, contribution, text="Die Verwaltung richtet zwei Kurse ein."):
    statement = answers.statement_save(user=personas["department_staff"], contribution=contribution, text=text)
    statement = answers.statement_submit(user=personas["department_staff"], statement=statement)
    statement = answers.statement_review(user=personas["department_head"], statement=statement, sign_off=True)
    return answers.statement_publish(user=personas["department_staff"], statement=statement)


def test_a_statement_travels_the_answer_path_and_the_council_sees_the_answer(
    client, personas, process, space, chair, held, department, coordinator
):
    position = draft(chair, space, process)
    vote(chair, position, held, department)
    position = services.position_submit(user=chair, position=position)
    assert position.state == "submitted" and not position.submitted_on_behalf
    position = services.position_route(user=coordinator, position=position)
    contribution = position.contribution
    assert (contribution.channel, contribution.event_id, contribution.status) == (
        Channel.DISTRICT_COUNCIL,
        held.pk,
        Status.PUBLISHED,
    )
    assert contribution.district_id == space.district_id
    assert "9 in favour, 1 against, 2 abstentions" in contribution.body
    routing = Routing.objects.get(contribution=contribution, role="lead")
    assert routing.department == department and routing.due_date == position.due_date
    answer(personas, contribution)
    assert AnswerPath.objects.get(contribution=contribution).state == "statement_published"
    page = client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": 1}), **EN)
    html = page.content.decode()
    assert "Sprachkurse im Stadtbezirk" in html and "Die Verwaltung richtet zwei Kurse ein." in html
    assert "Overdue" not in html
    actions = list(
        AuditEntry.objects.filter(object_type="councils.councilposition")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "council.statement_drafted",
        "council.statement_vote_recorded",
        "council.statement_submitted",
        "council.statement_routed",
    ]


def test_an_unanswered_statement_past_its_due_date_is_marked_overdue(
    client, process, space, chair, held, department, coordinator
):
    position = draft(chair, space, process)
    vote(chair, position, held, department, due_days=1)
    services.position_route(user=coordinator, position=services.position_submit(user=chair, position=position))
    CouncilPosition.objects.filter(pk=position.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    html = client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": 1}), **EN).content.decode()
    assert "Overdue:" in html


def test_a_coordinator_submits_on_the_chairs_behalf_and_routes_at_once(
    process, space, member, held, department, coordinator
):
    position = draft(member, space, process)
    vote(member, position, held, department)
    position = services.position_submit(user=coordinator, position=position)
    assert position.state == "forwarded" and position.submitted_on_behalf
    entry = AuditEntry.objects.get(action="council.statement_submitted")
    assert entry.data["on_behalf_of_chair"] is True and entry.actor == coordinator


def test_only_members_draft_and_only_the_chair_or_a_coordinator_submits(
    process, space, member, other_member, held, department, coordinator
):
    for user in (coordinator, other_member):
        with pytest.raises(NotAllowed):
            draft(user, space, process)
    position = draft(member, space, process)
    vote(member, position, held, department)
    with pytest.raises(NotAllowed):
        services.position_submit(user=member, position=position)  # a member, not the chair
    with pytest.raises(NotAllowed):
        services.position_route(user=member, position=position)
    assert CouncilPosition.objects.get(pk=position.pk).state == "draft"


def test_the_vote_and_the_submission_are_checked(process, space, chair, other_space, held, department, city):
    position = draft(chair, space, process)
    with pytest.raises(ApplicationError):
        services.position_submit(user=chair, position=position)  # no vote yet
    with pytest.raises(ApplicationError) as refused:
        vote(chair, position, held, department, yes=3, no=3)
    assert "yes" in refused.value.field_errors
    planned = make_session(process, space, days=5)
    foreign = make_session(process, other_space, days=-2, state=EventState.HELD)
    for session in (planned, foreign):
        with pytest.raises(ApplicationError) as refused:
            vote(chair, position, session, department)
        assert "session" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        vote(chair, position, held, department, due_days=-1)
    assert "due_date" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.position_vote_record(
            user=chair,
            position=position,
            session=held,
            yes=-1,
            no=0,
            abstain=0,
            department=department,
            due_date=timezone.localdate(),
        )
    assert "yes" in refused.value.field_errors
    assert CouncilPosition.objects.get(pk=position.pk).votes_yes is None
    vote(chair, position, held, department)
    services.position_submit(user=chair, position=position)
    with pytest.raises(Conflict):
        services.position_change(
            user=chair, position=position, title="Neu", text="Neu", field_of_action=position.field_of_action
        )


def test_bad_draft_input_is_refused(process, space, member, closed_process):
    for kwargs, field in (
        ({"title": ""}, "title"),
        ({"text": ""}, "text"),
        ({"field_of_action": closed_process.fields_of_action.first()}, "field_of_action"),
    ):
        data = {
            "title": "Titel",
            "text": "Text",
            "field_of_action": process.fields_of_action.first(),
            **kwargs,
        }
        with pytest.raises(ApplicationError) as refused:
            services.position_draft(user=member, space=space, process=process, **data)
        assert field in refused.value.field_errors
    assert not CouncilPosition.objects.exists()


def test_the_pages_walk_a_statement_from_draft_to_routing(client, process, space, chair, held, department, coordinator):
    client.force_login(chair)
    new = reverse("councils:position_new", kwargs={"pk": space.pk})
    field = process.fields_of_action.first()
    assert client.post(new, {"title": "", "text": "x", "field_of_action": field.pk}, **EN).status_code == 400
    response = client.post(
        new, {"title": "Stellungnahme", "text": "Text", "field_of_action": field.pk, "measure": "M-999"}, **EN
    )
    assert response.status_code == 400 and "no measure with this code" in response.content.decode()
    response = client.post(new, {"title": "Stellungnahme", "text": "Text", "field_of_action": field.pk}, **EN)
    assert response.status_code == 302
    position = CouncilPosition.objects.get(space=space)
    page = reverse("councils:position", kwargs={"pk": space.pk, "position": position.pk})
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    vote_data = {
        "action": "vote",
        "session": held.pk,
        "yes": "8",
        "no": "2",
        "abstain": "0",
        "department": department.pk,
        "due_date": due,
    }
    assert client.post(page, {**vote_data, "yes": "1"}, **EN).status_code == 400
    assert client.post(page, vote_data, **EN).status_code == 302
    assert "Submit the statement" in client.get(page, **EN).content.decode()
    assert client.post(page, {"action": "submit"}, **EN).status_code == 302
    position.refresh_from_db()
    assert position.state == "submitted"
    client.force_login(coordinator)
    queue = client.get(reverse("councils:mine"), **EN).content.decode()
    assert "Statements awaiting routing" in queue and page in queue
    assert "Route the statement" in client.get(page, **EN).content.decode()
    assert client.post(page, {"action": "route"}, **EN).status_code == 302
    position.refresh_from_db()
    assert position.state == "forwarded" and position.contribution is not None


def test_a_statement_on_a_section_of_the_published_plan(client, process, space, member, coordinator):
    from teilhabe.plan import services as plan
    from teilhabe.plan.models import Section

    version = plan.version_create(user=coordinator, process=process, title="Plan")
    field = plan.section_add(
        user=coordinator, owner=version, kind="field", title="Bildung", field_of_action=process.fields_of_action.first()
    )
    goal = plan.section_add(user=coordinator, owner=version, kind="goal", parent=field, title="Sprachförderung")
    with pytest.raises(ApplicationError) as refused:  # a working draft is not public
        draft(member, space, process, section=goal)
    assert "section" in refused.value.field_errors
    plan.version_publish_for_consultation(user=coordinator, version=version, phase=process.phases.first())
    goal = Section.objects.get(pk=goal.pk)
    from teilhabe.conftest import make_contribution

    other = make_contribution(process, coordinator)
    with pytest.raises(ApplicationError) as refused:  # one subject
        draft(member, space, process, section=goal, about_contribution=other)
    assert "measure" in refused.value.field_errors
    client.force_login(member)
    new = reverse("councils:position_new", kwargs={"pk": space.pk})
    form_html = client.get(new, **EN).content.decode()
    assert "Sprachförderung" in form_html
    data = {"title": "Zur Sprachförderung", "text": "Text", "field_of_action": process.fields_of_action.first().pk}
    assert client.post(new, {**data, "section": goal.pk}, **EN).status_code == 302
    position = CouncilPosition.objects.get(title="Zur Sprachförderung")
    assert position.section_id == goal.pk
    html = client.get(reverse("councils:space", kwargs={"pk": space.pk}), **EN).content.decode()
    assert "On the section “Sprachförderung” of the plan" in html
