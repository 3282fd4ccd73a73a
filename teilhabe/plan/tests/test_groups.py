"""The expert groups' pages (``groups.py``): who may do what, bad input that changes nothing, the contributions of
the group's field (only its own field, never removed ones, queries that do not grow with the rows), the meeting
records, the draft started from the plan and edited with the section editor, and its adoption into the plan."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services as administration_services
from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.contributions import services as contribution_services
from teilhabe.plan import selectors, services
from teilhabe.plan.models import ExpertGroup, ExpertGroupMember, ExpertMeeting, PlanVersion, Section, SectionKind
from teilhabe.stakeholders.models import Organisation

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def bildung(process):
    return process.fields_of_action.get(slug="bildung")


@pytest.fixture
def people(personas):
    """A chair and a member of the group (from an organisation, no other role), and the personas."""
    chair = user_create_verified(email="chair@example.org", password=PASSWORD, roles=[Role.PARTICIPANT])
    member = user_create_verified(email="member@example.org", password=PASSWORD, roles=[Role.PARTICIPANT])
    return {**personas, "chair": chair, "member": member, "anonymous": None}


@pytest.fixture
def group(process, coordinator, bildung, people, department):
    group = services.expert_group_create(
        user=coordinator, process=process, field_of_action=bildung, name="Fachgruppe Bildung"
    )
    organisation = Organisation.objects.create(name="Bildungsverein", type="migrant_organisation")
    services.expert_group_member_add(
        user=coordinator, group=group, person=people["chair"], role="chair", department=department
    )
    services.expert_group_member_add(user=coordinator, group=group, person=people["member"], organisation=organisation)
    return group


def url(name, **kwargs):
    return reverse(f"plan:{name}", kwargs=kwargs)


ROLES = ["member", "chair", "coordinator", "department_staff", "participant", "evaluator", "anonymous"]


def expect(allowed, who):
    """The status for ``who`` on a page only ``allowed`` may see: anonymous people are sent to sign in."""
    if who == "anonymous":
        return 302
    return 200 if who in allowed else 403


# == who may see what ===========================================================================================


@pytest.mark.parametrize("who", ROLES)
def test_workspace_is_for_members_and_coordinators(who, people, group):
    response = client_of(people[who]).get(url("group", pk=group.pk))
    assert response.status_code == expect({"member", "chair", "coordinator"}, who)
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ROLES)
def test_group_list_is_for_coordinators(who, people, group, process):
    response = client_of(people[who]).get(url("groups", slug=process.slug))
    assert response.status_code == expect({"coordinator"}, who)


@pytest.mark.parametrize("who", ROLES)
def test_members_page_is_for_coordinators(who, people, group):
    response = client_of(people[who]).get(url("group_members", pk=group.pk))
    assert response.status_code == expect({"coordinator"}, who)


@pytest.mark.parametrize("who", ROLES)
def test_my_groups_page(who, people, group):
    response = client_of(people[who]).get(url("group_mine"))
    assert response.status_code == expect({"member", "chair", "coordinator"}, who)
    if who == "member":
        assert url("group", pk=group.pk) in response.content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_draft_pages_are_for_members_and_coordinators(who, people, group, draft):
    response = client_of(people[who]).get(url("group_editor", pk=group.pk))
    assert response.status_code == expect({"member", "chair", "coordinator"}, who)


@pytest.mark.parametrize("who", ROLES)
def test_adoption_is_for_coordinators(who, people, group, draft, coordinator):
    services.group_draft_start(user=coordinator, group=group)
    response = client_of(people[who]).get(url("group_adopt", pk=group.pk))
    assert response.status_code == expect({"coordinator"}, who)
    before = list(Section.objects.filter(version=draft).order_by("id").values_list("id", flat=True))
    response = client_of(people[who]).post(url("group_adopt", pk=group.pk))
    if who == "coordinator":
        assert response.status_code == 302
    else:
        assert response.status_code == expect(set(), who)
        assert list(Section.objects.filter(version=draft).order_by("id").values_list("id", flat=True)) == before


def test_unknown_groups_are_not_found(coordinator):
    client = client_of(coordinator)
    for pk in ("999999", "abc", "0", "-1", str(2**70)):
        assert client.get(f"/verwaltung/fachgruppen/{pk}/").status_code == 404


def test_a_coordinator_of_another_process_may_not_see_the_group(group, city):
    from teilhabe.conftest import make_process
    from teilhabe.processes.models import ProcessMembership, ProcessRole

    other = make_process(city, slug="andere")
    someone = user_create_verified(email="coord2@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=other, user=someone, role=ProcessRole.COORDINATOR)
    client = client_of(someone)
    assert client.get(url("group", pk=group.pk)).status_code == 403
    assert client.get(url("group_members", pk=group.pk)).status_code == 403
    assert client.get(url("group_adopt", pk=group.pk)).status_code == 403


# == a process's groups =========================================================================================


def test_coordinator_sets_up_a_group_for_a_field_without_one(coordinator, process, group):
    client = client_of(coordinator)
    page = client.get(url("groups", slug=process.slug))
    soziales = process.fields_of_action.get(slug="soziales")
    # Only the field without a group is offered.
    assert list(page.context["form"].fields["field_of_action"].queryset) == [soziales]
    response = client.post(
        url("groups", slug=process.slug),
        {"field_of_action": soziales.pk, "name": "Fachgruppe Soziales", "description": "Wer was tut."},
    )
    created = ExpertGroup.objects.get(field_of_action=soziales)
    assert response.status_code == 302 and response["Location"] == url("group_members", pk=created.pk)
    # Every field has its group now: no form.
    assert client.get(url("groups", slug=process.slug)).context["form"] is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"field_of_action": "abc"}, "field_of_action"),
        ({"field_of_action": str(2**70)}, "field_of_action"),
        ({"field_of_action": ""}, "field_of_action"),
    ],
)
def test_group_set_up_with_bad_input_is_refused(data, field, coordinator, process, group):
    soziales = process.fields_of_action.get(slug="soziales")
    values = {"field_of_action": soziales.pk, "name": "Fachgruppe Soziales", **data}
    with translation.override("en"):
        response = client_of(coordinator).post(url("groups", slug=process.slug), values)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert ExpertGroup.objects.count() == 1


def test_a_field_with_a_group_or_of_another_process_is_refused(coordinator, process, group, bildung, city):
    from teilhabe.conftest import make_process

    other = make_process(city, slug="andere").fields_of_action.first()
    client = client_of(coordinator)
    for field in (bildung, other):
        response = client.post(url("groups", slug=process.slug), {"field_of_action": field.pk, "name": "Noch eine"})
        assert response.status_code == 400
        assert response.context["form"].errors["field_of_action"]
    assert ExpertGroup.objects.count() == 1


def test_group_list_shows_members_chairs_and_draft_state(coordinator, process, group, draft):
    client = client_of(coordinator)
    row = client.get(url("groups", slug=process.slug)).context["rows"][0]
    assert (row.members, row.chairs, row.draft_sections) == (2, ("chair@example.org",), 0)
    services.group_draft_start(user=coordinator, group=group)
    row = client.get(url("groups", slug=process.slug)).context["rows"][0]
    assert row.draft_sections == 4 and row.changed_since_adoption


# == members ====================================================================================================


def test_coordinator_adds_and_removes_members(coordinator, group, people, department):
    client = client_of(coordinator)
    staff = people["department_staff"]
    response = client.post(
        url("group_members", pk=group.pk),
        {"email": "  DEPARTMENT_STAFF@example.org ", "role": "member", "department": department.pk},
    )
    assert response.status_code == 302
    member = ExpertGroupMember.objects.get(group=group, user=staff)
    assert member.department == department and member.role == "member"
    assert client_of(staff).get(url("group", pk=group.pk)).status_code == 200
    assert client.get(url("group_member_remove", pk=group.pk, member=member.pk)).status_code == 200
    assert client.post(url("group_member_remove", pk=group.pk, member=member.pk)).status_code == 302
    assert not ExpertGroupMember.objects.filter(pk=member.pk).exists()
    assert client_of(staff).get(url("group", pk=group.pk)).status_code == 403


@pytest.mark.parametrize("who", ["member", "chair", "department_staff", "participant"])
def test_only_coordinators_change_members(who, people, group):
    client = client_of(people[who])
    response = client.post(url("group_members", pk=group.pk), {"email": "evaluator@example.org", "role": "member"})
    assert response.status_code == 403
    member = ExpertGroupMember.objects.get(group=group, user=people["member"])
    assert client.post(url("group_member_remove", pk=group.pk, member=member.pk)).status_code == 403
    assert ExpertGroupMember.objects.filter(group=group).count() == 2


def test_anonymous_people_change_no_members(people, group):
    member = ExpertGroupMember.objects.get(group=group, user=people["member"])
    client = client_of(None)
    assert client.post(url("group_members", pk=group.pk), {"email": "evaluator@example.org"}).status_code == 302
    assert client.post(url("group_member_remove", pk=group.pk, member=member.pk)).status_code == 302
    assert ExpertGroupMember.objects.filter(group=group).count() == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": "nobody@example.org"}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "member@example.org"}, "email"),  # a member already
        ({"role": "boss"}, "role"),
        ({"department": "abc"}, "department"),
        ({"organisation": "999999"}, "organisation"),
        ({"department": "DEPT", "organisation": "ORG"}, "organisation"),  # not both
    ],
)
def test_member_with_bad_input_is_refused(data, field, coordinator, group, department):
    organisation = Organisation.objects.get(name="Bildungsverein")
    values = {"email": "evaluator@example.org", "role": "member", **data}
    values = {key: {"DEPT": department.pk, "ORG": organisation.pk}.get(value, value) for key, value in values.items()}
    with translation.override("en"):
        response = client_of(coordinator).post(url("group_members", pk=group.pk), values)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert ExpertGroupMember.objects.filter(group=group).count() == 2


def test_removing_a_member_of_another_group_is_not_found(coordinator, group, process, people):
    other = services.expert_group_create(
        user=coordinator, process=process, field_of_action=process.fields_of_action.get(slug="soziales"), name="S"
    )
    member = services.expert_group_member_add(user=coordinator, group=other, person=people["evaluator"])
    client = client_of(coordinator)
    assert client.post(url("group_member_remove", pk=group.pk, member=member.pk)).status_code == 404
    assert client.post(url("group_member_remove", pk=group.pk, member="abc")).status_code == 404
    assert ExpertGroupMember.objects.filter(pk=member.pk).exists()


# == the workspace: contributions of the field ==================================================================


def test_workspace_lists_the_fields_contributions_of_every_channel_with_their_decision(
    people, group, process, bildung, coordinator, participant
):
    soziales = process.fields_of_action.get(slug="soziales")
    online = make_contribution(process, participant, title="Online Bildung", fields_of_action=[bildung])
    paper = contribution_services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="paper_form",
        title="Papier Bildung",
        body="Vom Infostand.",
        fields_of_action=[bildung],
        publication_consent=False,
        original_date=datetime.date(2026, 3, 1),
    )
    other_field = make_contribution(process, participant, title="Soziales", fields_of_action=[soziales])
    removed = make_contribution(process, participant, title="Entfernt", fields_of_action=[bildung])
    contribution_services.contribution_moderate(
        contribution=removed, user=coordinator, publish=False, reason="advertising"
    )
    administration_services.disposition_decide(
        user=coordinator, process=process, contributions=[online], outcome="adopted", justification="Kommt in den Plan."
    )
    # A member from an organisation reads what is published; analog input kept without consent to publication is
    # for the city's staff only.
    response = client_of(people["member"]).get(url("group", pk=group.pk))
    rows = {row.pk: row for row in response.context["page"].object_list}
    assert set(rows) == {online.pk}
    assert rows[online.pk].outcome == "adopted" and rows[online.pk].channel == "online"
    page = response.content.decode()
    assert reverse("contributions:detail", kwargs={"pk": online.pk}) in page
    assert reverse("administration:work", kwargs={"pk": online.pk}) not in page
    # The chair, from a department, and the coordinators see every channel's input, the kept one without a public
    # link; coordinators go to the work page.
    response = client_of(people["chair"]).get(url("group", pk=group.pk))
    rows = {row.pk: row for row in response.context["page"].object_list}
    assert set(rows) == {online.pk, paper.pk}
    assert other_field.pk not in rows and removed.pk not in rows
    assert rows[paper.pk].outcome == "" and rows[paper.pk].channel == "paper_form"
    assert rows[paper.pk].date == datetime.date(2026, 3, 1) and not rows[paper.pk].published
    assert reverse("contributions:detail", kwargs={"pk": paper.pk}) not in response.content.decode()
    page = client_of(coordinator).get(url("group", pk=group.pk)).content.decode()
    assert reverse("administration:work", kwargs={"pk": paper.pk}) in page


def _workspace_queries(client, group) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url("group", pk=group.pk)).status_code == 200
    return len(context.captured_queries)


def test_workspace_queries_do_not_grow_with_rows(people, group, process, bildung, participant, coordinator, draft):
    services.group_draft_start(user=coordinator, group=group)
    services.expert_meeting_add(user=coordinator, group=group, date=datetime.date(2026, 1, 5), title="1", record="x")
    client = client_of(people["member"])
    make_contribution(process, participant, title="Eins", fields_of_action=[bildung])
    _workspace_queries(client, group)  # warm the caches (translation tables, process)
    few = _workspace_queries(client, group)
    for number in range(24):
        contribution = make_contribution(process, participant, title=f"Beitrag {number}", fields_of_action=[bildung])
        if number % 3 == 0:
            administration_services.disposition_decide(
                user=coordinator,
                process=process,
                contributions=[contribution],
                outcome="not_adopted",
                justification="Nein.",
            )
        services.expert_meeting_add(
            user=coordinator, group=group, date=datetime.date(2026, 1, 6), title=f"S{number}", record="y"
        )
    _workspace_queries(client, group)
    many = _workspace_queries(client, group)
    assert many <= few
    response = client.get(url("group", pk=group.pk))
    assert len(response.context["page"].object_list) == 20
    assert client.get(url("group", pk=group.pk) + "?page=2").status_code == 200
    assert client.get(url("group", pk=group.pk) + "?page=3").status_code == 404
    assert client.get(url("group", pk=group.pk) + "?page=abc").status_code == 404


# == meeting records ============================================================================================


@pytest.mark.parametrize("who", ROLES)
def test_meeting_records_are_written_by_members_and_coordinators(who, people, group):
    data = {"date": "2026-02-03", "title": "2. Sitzung", "record": "Ziele besprochen."}
    response = client_of(people[who]).post(url("group_meeting_add", pk=group.pk), data)
    if who in ("member", "chair", "coordinator"):
        assert response.status_code == 302
        meeting = ExpertMeeting.objects.get(group=group)
        assert meeting.written_by == people[who] and meeting.date == datetime.date(2026, 2, 3)
    else:
        assert response.status_code == expect(set(), who)
        assert not ExpertMeeting.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"date": "gestern"}, "date"),
        ({"date": ""}, "date"),
        ({"title": ""}, "title"),
        ({"record": "   "}, "record"),
        ({"record": "x" * 20001}, "record"),
    ],
)
def test_meeting_record_with_bad_input_is_refused(data, field, people, group):
    values = {"date": "2026-02-03", "title": "2. Sitzung", "record": "Ziele besprochen.", **data}
    with translation.override("en"):
        response = client_of(people["chair"]).post(url("group_meeting_add", pk=group.pk), values)
    assert response.status_code == 400
    assert response.context["meeting_form"].errors[field]
    assert not ExpertMeeting.objects.exists()


def test_meeting_records_show_newest_first(people, group):
    client = client_of(people["member"])
    for day, title in ((1, "Erste"), (20, "Zweite")):
        client.post(
            url("group_meeting_add", pk=group.pk), {"date": f"2026-01-{day:02d}", "title": title, "record": "R"}
        )
    meetings = client.get(url("group", pk=group.pk)).context["meetings"]
    assert [meeting.title for meeting in meetings] == ["Zweite", "Erste"]
    assert meetings[0].written_by == "member@example.org"


# == the group's draft ==========================================================================================


def test_draft_is_started_from_the_plan_and_edited_with_the_section_editor(people, group, draft):
    client = client_of(people["member"])
    page = client.get(url("group_editor", pk=group.pk))
    assert page.status_code == 200 and "plan/group_draft_start.html" in [t.name for t in page.templates]
    assert page.context["source"].section.measures == 2
    response = client.post(url("group_draft_start", pk=group.pk))
    assert response.status_code == 302 and response["Location"] == url("group_editor", pk=group.pk)
    # Started once only.
    assert client.post(url("group_draft_start", pk=group.pk)).status_code == 409
    assert Section.objects.filter(group=group).count() == 4
    page = client.get(url("group_editor", pk=group.pk))
    assert page.status_code == 200 and "plan/work_editor.html" in [t.name for t in page.templates]
    goal = Section.objects.get(group=group, kind=SectionKind.GOAL)
    response = client.post(
        url("group_section_add", pk=group.pk) + f"?kind=measure&parent={goal.key}",
        {"title": "Sprachcafé an Schulen", "body": "Jede Woche."},
    )
    assert response.status_code == 302
    assert Section.objects.filter(group=group, title="Sprachcafé an Schulen").exists()
    field = Section.objects.get(group=group, kind=SectionKind.FIELD)
    response = client.post(
        url("group_section_edit", pk=group.pk, key=field.key),
        {
            "title": "Bildung",
            "body": "Das Positionspapier der Fachgruppe.",
            "field_of_action": field.field_of_action_id,
        },
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.body == "Das Positionspapier der Fachgruppe."
    # The plan's working draft is untouched until a coordinator adopts the draft.
    assert not Section.objects.filter(version=draft, title="Sprachcafé an Schulen").exists()


@pytest.mark.parametrize("who", ["department_staff", "participant", "evaluator"])
def test_others_neither_start_nor_edit_the_draft(who, people, group, draft, coordinator):
    client = client_of(people[who])
    assert client.post(url("group_draft_start", pk=group.pk)).status_code == 403
    assert not Section.objects.filter(group=group).exists()
    services.group_draft_start(user=coordinator, group=group)
    field = Section.objects.get(group=group, kind=SectionKind.FIELD)
    response = client.post(url("group_section_edit", pk=group.pk, key=field.key), {"title": "Gekapert"})
    assert response.status_code == 403
    field.refresh_from_db()
    assert field.title != "Gekapert"


def test_draft_edit_with_bad_input_is_refused(people, group, draft, coordinator):
    services.group_draft_start(user=coordinator, group=group)
    field = Section.objects.get(group=group, kind=SectionKind.FIELD)
    with translation.override("en"):
        response = client_of(people["chair"]).post(url("group_section_edit", pk=group.pk, key=field.key), {"title": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    field.refresh_from_db()
    assert field.title == "Bildung"


def test_a_section_of_another_draft_is_not_found(people, group, draft, coordinator):
    services.group_draft_start(user=coordinator, group=group)
    in_plan = Section.objects.get(version=draft, kind=SectionKind.FIELD, field_of_action__slug="soziales")
    client = client_of(people["member"])
    assert client.get(url("group_section_edit", pk=group.pk, key=in_plan.key)).status_code == 404


def test_workspace_shows_the_draft_and_whether_it_changed_since_adoption(people, group, draft, coordinator):
    client = client_of(people["member"])
    assert not client.get(url("group", pk=group.pk)).context["draft"].nodes
    services.group_draft_start(user=people["member"], group=group)
    context = client.get(url("group", pk=group.pk)).context
    assert (context["draft_goals"], context["draft_measures"]) == (1, 2)
    assert context["changed_since_adoption"] and not context["can_adopt"]
    services.group_draft_adopt(user=coordinator, group=group)
    assert not client.get(url("group", pk=group.pk)).context["changed_since_adoption"]
    field = Section.objects.get(group=group, kind=SectionKind.FIELD)
    services.section_update(
        user=people["member"], section=field, title="Bildung und Sprache", field_of_action=field.field_of_action
    )
    assert client.get(url("group", pk=group.pk)).context["changed_since_adoption"]
    assert client_of(coordinator).get(url("group_adopt", pk=group.pk)).context["preview"].changed_since_adoption


# == adoption ===================================================================================================


def _tree_rows(**owner):
    return {
        str(key): (kind, title, parent)
        for key, kind, title, parent in Section.objects.filter(**owner).values_list(
            "key", "kind", "title", "parent__key"
        )
    }


def test_adoption_replaces_the_fields_subtree_and_keeps_keys(people, group, draft, coordinator, bildung):
    member = people["member"]
    services.group_draft_start(user=member, group=group)
    other_field = {
        key: row
        for key, row in _tree_rows(version=draft).items()
        if key not in _tree_rows(group=group) and row[1] != "Bildung"
    }
    goal = Section.objects.get(group=group, kind=SectionKind.GOAL)
    services.section_add(user=member, owner=group, kind=SectionKind.MEASURE, parent=goal, title="Neue Maßnahme")
    dropped = Section.objects.filter(group=group, kind=SectionKind.MEASURE).order_by("position").first()
    dropped_code = dropped.measure.code
    services.section_remove(user=member, section=dropped)

    client = client_of(coordinator)
    preview = client.get(url("group_adopt", pk=group.pk)).context["preview"]
    assert preview.version == draft
    assert (preview.current.goals, preview.current.measures) == (1, 2)
    assert (preview.draft.goals, preview.draft.measures) == (1, 2)
    assert preview.measures_dropped == (dropped_code,) and len(preview.measures_added) == 1

    response = client.post(url("group_adopt", pk=group.pk))
    assert response.status_code == 302
    assert response["Location"] == url("work_editor", slug=draft.process.slug, number=draft.number)
    in_plan = _tree_rows(version=draft)
    in_group = _tree_rows(group=group)
    # The field's sections in the plan are now exactly the group's, with the group's keys ...
    assert {key: row for key, row in in_plan.items() if key in in_group} == in_group
    # ... and the rest of the plan is as it was.
    assert {key: row for key, row in in_plan.items() if key not in in_group} == other_field
    assert not Section.objects.filter(version=draft, measure__code=dropped_code).exists()
    field = Section.objects.get(version=draft, kind=SectionKind.FIELD, field_of_action=bildung)
    assert field.number == "2"  # in the place the field's section had
    group.refresh_from_db()
    assert group.adopted_at is not None


def test_adoption_without_a_working_draft_starts_one(people, group, draft, coordinator):
    services.group_draft_start(user=people["chair"], group=group)
    services.version_publish_for_consultation(user=coordinator, version=draft)
    client = client_of(coordinator)
    preview = client.get(url("group_adopt", pk=group.pk)).context["preview"]
    assert preview.version is None and preview.based_on == draft
    assert client.post(url("group_adopt", pk=group.pk)).status_code == 302
    working = PlanVersion.objects.get(process=draft.process, state="working")
    assert working.number == 2
    assert set(_tree_rows(group=group)) <= set(_tree_rows(version=working))


def test_adoption_refused_leaves_the_plan_as_it_was(people, group, draft, coordinator):
    """A draft that is not its field's one section (never started) cannot be adopted; nothing changes."""
    before = _tree_rows(version=draft)
    with translation.override("en"):
        response = client_of(coordinator).post(url("group_adopt", pk=group.pk))
    assert response.status_code == 400
    assert response.context["error_message"]
    assert _tree_rows(version=draft) == before
    group.refresh_from_db()
    assert group.adopted_at is None


# == languages and the navigation ===============================================================================


def test_workspace_in_arabic_is_right_to_left(people, group, draft, coordinator):
    services.group_draft_start(user=coordinator, group=group)
    client = client_of(people["member"])
    client.cookies["django_language"] = "ar"
    for name in ("group", "group_editor"):
        response = client.get(url(name, pk=group.pk), HTTP_ACCEPT_LANGUAGE="ar")
        assert response.status_code == 200
        assert 'dir="rtl"' in response.content.decode()


def test_navigation_links_the_expert_groups_for_members_and_coordinators(people, group):
    link = f'href="{url("group_mine")}"'
    for who, shown in (("member", True), ("coordinator", True), ("participant", False), ("department_staff", False)):
        page = client_of(people[who]).get("/").content.decode()
        assert (link in page) is shown, who


def test_selector_has_expert_group_work(people, group):
    assert selectors.has_expert_group_work(people["member"])
    assert not selectors.has_expert_group_work(people["participant"])


def test_the_drafts_field_section_keeps_the_groups_field(people, group, draft, coordinator, process):
    services.group_draft_start(user=coordinator, group=group)
    field = Section.objects.get(group=group, kind=SectionKind.FIELD)
    soziales = process.fields_of_action.get(slug="soziales")
    with translation.override("en"):
        response = client_of(people["member"]).post(
            url("group_section_edit", pk=group.pk, key=field.key), {"title": "Soziales", "field_of_action": soziales.pk}
        )
    assert response.status_code == 400
    assert response.context["form"].errors["field_of_action"]
    field.refresh_from_db()
    assert (field.title, field.field_of_action_id) == ("Bildung", group.field_of_action_id)


def test_adoption_page_links_the_comparison_of_the_working_draft(people, group, draft, coordinator):
    services.group_draft_start(user=coordinator, group=group)
    services.version_publish_for_consultation(user=coordinator, version=draft)
    services.group_draft_adopt(user=coordinator, group=group)
    page = client_of(coordinator).get(url("group_adopt", pk=group.pk)).content.decode()
    assert url("work_editor", slug=draft.process.slug, number=2) in page
    try:
        compare = url("diff", slug=draft.process.slug)
    except NoReverseMatch:
        pytest.skip("the comparison page (diff.py) is not there")
    assert f"{compare}?von=1&amp;zu=2&amp;nur=on" in page
