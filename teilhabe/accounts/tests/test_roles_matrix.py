"""docs/roles.md is the role × permission matrix; this test proves the code does exactly what it says."""

from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from teilhabe.conftest import PERSONA_ROLES
from teilhabe.contributions.models import Contribution, Status
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative

ROLES_MD = Path(__file__).resolve().parents[3] / "docs" / "roles.md"
COLUMNS = ["anonymous", *PERSONA_ROLES]
ANSWER_OBJECTS = {
    "department",
    "routed contribution",
    "contribution routed for input",
    "active routing",
    "draft statement",
    "statement awaiting sign-off",
    "signed-off statement",
}


def read_matrix() -> dict[str, dict]:
    rows = {}
    for line in ROLES_MD.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or "." not in cells[0] or cells[0].startswith("-"):
            continue
        header = cells[2:]
        assert len(header) == len(COLUMNS), f"row {cells[0]} has {len(header)} role cells, expected {len(COLUMNS)}"
        rows[cells[0]] = {"object": cells[1], "cells": dict(zip(COLUMNS, header, strict=True))}
    return rows


def project_apps() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("teilhabe.")}


def project_permissions() -> set[str]:
    return {name for name in rules.permissions.permissions if name.split(".")[0] in project_apps()}


def test_every_rule_names_an_installed_app():
    assert {name.split(".")[0] for name in rules.permissions.permissions} <= project_apps()


def test_every_permission_in_code_is_documented_and_vice_versa():
    documented = set(read_matrix())
    assert documented == project_permissions()


def published_in(process, author):
    return Contribution.objects.create(
        process=process,
        title="Titel",
        body="Text",
        author=author,
        status=Status.PUBLISHED,
        publication_consent=True,
    )


def unverified_representative(user):
    organisation, _ = Organisation.objects.get_or_create(name="Anderer Verein", type=OrganisationType.OTHER)
    representative, _ = Representative.objects.get_or_create(organisation=organisation, user=user)
    return representative


def answer_object(kind: str, process, personas):
    """Objects of the answer path, routed to the personas' department (see docs/answers.md)."""
    from teilhabe.administration import services as answers
    from teilhabe.administration.models import Department, Routing

    department = Department.objects.get(code="50")
    if kind == "department":
        return department
    contribution = published_in(process, personas["participant"])
    if kind == "contribution routed for input":
        lead, _ = Department.objects.get_or_create(city=process.city, code="99", defaults={"name": "Andere"})
        answers.routing_route(
            user=personas["coordinator"],
            process=process,
            contributions=[contribution],
            lead=lead,
            contributing=[department],
        )
        return contribution
    answers.routing_route(user=personas["coordinator"], process=process, contributions=[contribution], lead=department)
    if kind == "routed contribution":
        return contribution
    if kind == "active routing":
        return Routing.objects.get(contribution=contribution, department=department)
    statement = answers.statement_save(user=personas["department_staff"], contribution=contribution, text="Antwort")
    if kind == "draft statement":
        return statement
    statement = answers.statement_submit(user=personas["department_staff"], statement=statement)
    if kind == "statement awaiting sign-off":
        return statement
    statement = answers.statement_review(user=personas["department_head"], statement=statement, sign_off=True)
    assert kind == "signed-off statement", f"unknown object kind {kind!r}"
    return statement


# Objects of the events rows: each persona's own event (organised by their organisation, council or department;
# department 50 for roles without one), in the state the row names.
EVENT_OBJECTS = {
    "own proposed event": "proposed",
    "own planned event": "planned",
    "own held event": "held",
    "own private attachment": "held",
}


def own_unit(column: str):
    """The unit a persona organises events for: their organisation, council or department (else department 50)."""
    from teilhabe.administration.models import Department
    from teilhabe.councils.models import DistrictSpace

    if column == "organisation_representative":
        return Organisation.objects.get(name="Verein")
    if column == "district_council_member":
        return DistrictSpace.objects.get(name="Integrationsbeirat Mitte")
    return Department.objects.get(code="50")


def event_object(kind: str, process, organiser):
    """An event of ``process`` organised by ``organiser`` in the state of ``kind`` (a held one began yesterday),
    or a private file of it."""
    import datetime

    from django.utils import timezone

    from teilhabe.events.models import Event, EventAttachment

    state = EVENT_OBJECTS[kind]
    start = timezone.now() + datetime.timedelta(days=-1 if state == "held" else 7)
    field = {"Department": "organiser_department", "Organisation": "organiser_organisation"}.get(
        type(organiser).__name__, "organiser_council"
    )
    event = Event.objects.create(
        process=process,
        type="workshop",
        title="Werkstatt",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state=state,
        **{field: organiser},
    )
    if kind != "own private attachment":
        return event
    return EventAttachment.objects.create(
        event=event,
        kind="minutes",
        title="Protokoll",
        file="events/x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        is_public=False,
    )


PLAN_OBJECTS = {
    "plan working draft",
    "section of a plan working draft",
    "section of a draft for consultation",
    "measure of department 50",
    "expert group",
}


def plan_object(kind: str, process, personas):
    """Objects of the plan (docs/plan.md): a working draft with a field of action, a goal and a measure of
    department 50; a draft for consultation whose consultation phase is the process's current one; an expert group
    with the organisation representative as its member."""
    from teilhabe.administration.models import Department
    from teilhabe.plan import services as plan

    coordinator = personas["coordinator"]
    if kind == "expert group":
        group = plan.expert_group_create(
            user=coordinator, process=process, field_of_action=process.fields_of_action.first(), name="Fachgruppe"
        )
        plan.expert_group_member_add(user=coordinator, group=group, person=personas["organisation_representative"])
        return group
    version = plan.version_create(user=coordinator, process=process, title="Plan")
    field = plan.section_add(
        user=coordinator,
        owner=version,
        kind="field",
        title="Bildung",
        field_of_action=process.fields_of_action.first(),
    )
    goal = plan.section_add(user=coordinator, owner=version, kind="goal", parent=field, title="Ziel")
    measure = plan.section_add(
        user=coordinator,
        owner=version,
        kind="measure",
        parent=goal,
        title="Maßnahme",
        department=Department.objects.get(code="50"),
    )
    if kind == "plan working draft":
        return version
    if kind == "section of a plan working draft":
        return goal
    if kind == "measure of department 50":
        return measure.measure
    plan.version_publish_for_consultation(user=coordinator, version=version, phase=process.phases.first())
    goal.refresh_from_db()
    return goal


COMPETITION_OBJECTS = {
    "unpublished call",
    "open call",
    "participant's draft application",
    "participant's submitted application",
    "eligible application",
    "eligible application, jury member declared no conflict",
    "eligible application after scoring closed",
    "call chaired by the jury member",
    "call chaired by the jury member, scoring closed",
    "participant's grant",
    "eligible application in an open support phase",
}


def competition_object(kind: str, personas):
    """The personas' call (open now, the jury member on its jury), unpublished or published, or an application of
    the participant to it (docs/competitions.md)."""
    import datetime

    from django.utils import timezone

    call = apps.get_model("competitions", "Call").objects.get(title="Ideenwettbewerb")
    if kind == "unpublished call":
        return call
    seat = call.jury.get(user=personas["jury_member"])
    if kind.startswith("call chaired"):
        seat.is_chair = True
        seat.save(update_fields=["is_chair"])
        if kind.endswith("scoring closed"):
            call.scoring_closed_at = timezone.now()
            call.save(update_fields=["scoring_closed_at"])
        return call
    call.is_published = True
    call.save(update_fields=["is_published"])
    if kind == "open call":
        return call
    if kind == "participant's grant":
        application = apps.get_model("competitions", "Application").objects.create(
            call=call, applicant=personas["participant"], kind="group", title="Antrag", state="submitted"
        )
        return apps.get_model("competitions", "Grant").objects.create(application=application, amount=1000)
    if kind == "eligible application in an open support phase":
        now = timezone.now()
        call.support_opens, call.support_closes = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=7)
        call.save(update_fields=["support_opens", "support_closes"])
        application = apps.get_model("competitions", "Application").objects.create(
            call=call, applicant=personas["participant"], kind="group", title="Antrag", state="submitted"
        )
        application.summary_consent = True
        application.save(update_fields=["summary_consent"])
        apps.get_model("competitions", "Eligibility").objects.create(application=application, is_eligible=True)
        return application
    state = "draft" if kind == "participant's draft application" else "submitted"
    application = apps.get_model("competitions", "Application").objects.create(
        call=call, applicant=personas["participant"], kind="group", title="Antrag", state=state
    )
    if kind.startswith("eligible application"):
        apps.get_model("competitions", "Eligibility").objects.create(application=application, is_eligible=True)
        if kind != "eligible application":
            apps.get_model("competitions", "ConflictDeclaration").objects.create(
                application=application, seat=seat, has_conflict=False
            )
        if kind.endswith("scoring closed"):
            call.scoring_closed_at = timezone.now()
            call.save(update_fields=["scoring_closed_at"])
    return application


COUNCIL_OBJECTS = {"own district council", "session of own district council", "city of the process"}


def council_object(kind: str, process=None):
    """The council of the district council member persona (Mitte), or a planned session of it in ``process``."""
    import datetime

    from django.utils import timezone

    from teilhabe.councils.models import DistrictSpace
    from teilhabe.events.models import Event

    assert kind in COUNCIL_OBJECTS, f"unknown object kind {kind!r}"
    space = DistrictSpace.objects.get(name="Integrationsbeirat Mitte")
    if kind == "city of the process":
        return space.district.city
    if kind == "own district council":
        return space
    start = timezone.now() + datetime.timedelta(days=7)
    return Event.objects.create(
        process=process,
        type="council_session",
        title="Sitzung",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state="planned",
        organiser_council=space,
    )


@pytest.mark.parametrize("permission", sorted(read_matrix()))
def test_matrix_row_matches_rules(permission, personas, process, closed_process):
    row = read_matrix()[permission]
    objects = {}
    for phase, proc in (("open", process), ("closed", closed_process)):
        if row["object"] in EVENT_OBJECTS:
            objects[phase] = {column: event_object(row["object"], proc, own_unit(column)) for column in COLUMNS}
        elif row["object"] in PLAN_OBJECTS:
            objects[phase] = plan_object(row["object"], proc, personas)
        elif row["object"] in COUNCIL_OBJECTS:
            objects[phase] = council_object(row["object"], proc)
        elif row["object"] == "process":
            objects[phase] = proc
        elif row["object"] in ANSWER_OBJECTS:
            objects[phase] = answer_object(row["object"], proc, personas)
        elif row["object"] == "fund":  # the ideas competition's fund of the personas' city
            objects[phase] = apps.get_model("competitions", "Fund").objects.get(name="Fonds")
        elif row["object"] in COMPETITION_OBJECTS:
            objects[phase] = competition_object(row["object"], personas)
        elif row["object"] == "representative":
            objects[phase] = unverified_representative(personas["participant"])
        elif row["object"] == "published comment":
            contribution = published_in(proc, personas["participant"])
            objects[phase] = contribution.comments.create(author=personas["participant"], body="Kommentar")
        else:
            objects[phase] = published_in(proc, personas["participant"])
    disagreements = []
    for column in COLUMNS:
        user = AnonymousUser() if column == "anonymous" else personas[column]
        expected = row["cells"][column]
        assert expected in {"yes", "no", "phase"}, f"unknown cell {expected!r}"
        want = {"open": expected in {"yes", "phase"}, "closed": expected == "yes"}
        for phase, obj in objects.items():
            if row["object"] in EVENT_OBJECTS:
                obj = obj[column]
            got = rules.has_perm(permission, user, obj)
            if got != want[phase]:
                disagreements.append(f"{column} in {phase} phase: table says {want[phase]}, code says {got}")
    assert not disagreements, f"{permission}: " + "; ".join(disagreements)


def test_event_rows_stay_with_the_organiser(personas, process, city):
    """A representative of another organisation, a member of another district's council and staff of another
    department get no event permission for the events of the personas' organisation, council and department, nor
    may they propose for them (the matrix gives each persona their own unit's event)."""
    from teilhabe.events.tests.organiser_support import outsiders

    others = outsiders(city)
    users = [others["other_representative"], others["other_council_member"], others["other_staff"]]
    rows = {name: row for name, row in read_matrix().items() if row["object"] in EVENT_OBJECTS}
    assert rows, "the matrix has no event rows"
    disagreements = []
    for column in ("organisation_representative", "district_council_member", "department_staff"):
        for name, row in rows.items():
            obj = event_object(row["object"], process, own_unit(column))
            for user in users:
                if rules.has_perm(name, user, obj):
                    disagreements.append(f"{user.email} may {name} on {column}'s event")
    assert not disagreements, "; ".join(disagreements)


def test_council_rows_stay_with_the_council(personas, city):
    """A member of another district's council gets no council permission on the personas' council (Mitte)."""
    from teilhabe.events.tests.organiser_support import outsiders

    other = outsiders(city)["other_council_member"]
    rows = {name: row["object"] for name, row in read_matrix().items() if row["object"] in COUNCIL_OBJECTS}
    assert rows, "the matrix has no council rows"
    assert other.council_memberships.exists()
    process = personas["coordinator"].process_memberships.first().process
    allowed = [name for name, kind in rows.items() if rules.has_perm(name, other, council_object(kind, process))]
    assert allowed == []


def test_public_files_of_public_events_are_for_everyone(personas, process):
    attachment = event_object("own private attachment", process, own_unit("participant"))
    attachment.is_public = True
    attachment.save()
    for user in (AnonymousUser(), personas["participant"], personas["jury_member"]):
        assert rules.has_perm("events.view_attachment", user, attachment)
    attachment.event.state = "proposed"
    attachment.event.save()
    assert not rules.has_perm("events.view_attachment", AnonymousUser(), attachment)
