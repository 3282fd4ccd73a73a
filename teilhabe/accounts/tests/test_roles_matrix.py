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


@pytest.mark.parametrize("permission", sorted(read_matrix()))
def test_matrix_row_matches_rules(permission, personas, process, closed_process):
    row = read_matrix()[permission]
    objects = {}
    for phase, proc in (("open", process), ("closed", closed_process)):
        if row["object"] == "process":
            objects[phase] = proc
        elif row["object"] in ANSWER_OBJECTS:
            objects[phase] = answer_object(row["object"], proc, personas)
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
            got = rules.has_perm(permission, user, obj)
            if got != want[phase]:
                disagreements.append(f"{column} in {phase} phase: table says {want[phase]}, code says {got}")
    assert not disagreements, f"{permission}: " + "; ".join(disagreements)
