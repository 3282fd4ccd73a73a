"""Fixtures of the plan's tests: a small plan (two fields of action, goals and measures) in a working draft."""

import datetime

import pytest

from teilhabe.administration.models import Department
from teilhabe.plan import services
from teilhabe.plan.models import SectionKind


@pytest.fixture
def department(personas, city):
    return Department.objects.get(city=city, code="50")


@pytest.fixture
def draft(coordinator, process, department):
    """A working draft: an introduction, two fields of action with a goal each, three measures."""
    version = services.version_create(user=coordinator, process=process, title="Integrationsplan")
    services.section_add(
        user=coordinator, owner=version, kind=SectionKind.TEXT, title="Einleitung", body="Worum es geht."
    )
    for index, field in enumerate(process.fields_of_action.order_by("order"), start=1):
        field_section = services.section_add(
            user=coordinator,
            owner=version,
            kind=SectionKind.FIELD,
            title=field.name,
            field_of_action=field,
            body=f"Ausgangslage im Feld {field.name}.",
        )
        goal = services.section_add(
            user=coordinator, owner=version, kind=SectionKind.GOAL, parent=field_section, title=f"Ziel {index}"
        )
        for number in range(1, 2 + (index == 1)):
            services.section_add(
                user=coordinator,
                owner=version,
                kind=SectionKind.MEASURE,
                parent=goal,
                title=f"Maßnahme {index}.{number}",
                body="Was getan wird.",
                department=department,
                budget="10000",
                start=datetime.date(2027, 1, 1),
                end=datetime.date(2028, 12, 31),
                target_groups=list(process.target_groups.all()),
                districts=list(process.city.districts.all()[:1]),
            )
    return version
