"""Fixtures of the answer path: a second department with its own staff and head, analog input, a routed
contribution."""

import pytest

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services
from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.contributions import services as contribution_services


@pytest.fixture
def department(personas):
    return Department.objects.get(code="50")


@pytest.fixture
def other_department(personas, city):
    """Another department: its staff and head have no say over what is routed to the first one."""
    other = Department.objects.create(city=city, code="40", name="Bildung")
    staff = user_create_verified(email="staff40@example.org", password=PASSWORD, roles=[Role.DEPARTMENT_STAFF])
    head = user_create_verified(email="head40@example.org", password=PASSWORD, roles=[Role.DEPARTMENT_HEAD])
    DepartmentMembership.objects.create(department=other, user=staff)
    DepartmentMembership.objects.create(department=other, user=head, is_head=True)
    other.staff_member, other.head = staff, head
    return other


@pytest.fixture
def paper_contribution(process, coordinator):
    return contribution_services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="paper_form",
        title="Beratung im Stadtteil",
        body="Eine Beratungsstelle in der Nähe wäre gut.",
        fields_of_action=[process.fields_of_action.first()],
        form_serial="P-0001",
        publication_consent=True,
    )


@pytest.fixture
def routed(process, coordinator, contribution, department):
    """A contribution routed to the first department as lead."""
    services.routing_route(user=coordinator, process=process, contributions=[contribution], lead=department)
    contribution.refresh_from_db()
    return contribution


def another_contribution(process, participant, **overrides):
    return make_contribution(process, participant, **overrides)
