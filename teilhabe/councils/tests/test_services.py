"""Memberships: who may change them, what is refused, and that every change is in the audit chain."""

import datetime

import pytest

from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import CouncilMembership, CouncilRole
from teilhabe.councils.tests.conftest import person

pytestmark = pytest.mark.django_db


def audit_actions(obj_id=None) -> list[str]:
    entries = AuditEntry.objects.filter(object_type="councils.councilmembership")
    if obj_id is not None:
        entries = entries.filter(object_id=str(obj_id))
    return list(entries.order_by("pk").values_list("action", flat=True))


def test_a_coordinator_adds_changes_and_removes_a_member_and_each_step_is_audited(coordinator, space):
    ada = person("ada@example.org", "Ada")
    membership = services.membership_add(
        user=coordinator,
        space=space,
        person=ada,
        role=CouncilRole.DEPUTY,
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2030, 12, 31),
        name_public=True,
    )
    assert (membership.role, membership.name_public) == ("deputy", True)
    services.membership_change(
        user=coordinator,
        membership=membership,
        role=CouncilRole.CHAIR,
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2030, 12, 31),
        name_public=False,
    )
    change = AuditEntry.objects.get(action="council.member_changed")
    assert change.data["role"] == ["deputy", "chair"] and change.data["name_public"] == [True, False]
    assert "term_start" not in change.data  # only what changed
    services.membership_remove(user=coordinator, membership=membership)
    assert not CouncilMembership.objects.filter(pk=membership.pk).exists()
    assert audit_actions(membership.pk) == ["council.member_added", "council.member_changed", "council.member_removed"]


def test_a_council_has_one_chair(coordinator, space, member):
    services.membership_add(user=coordinator, space=space, person=person("a@example.org", "A"), role="chair")
    with pytest.raises(ApplicationError) as refused:
        services.membership_add(user=coordinator, space=space, person=person("b@example.org", "B"), role="chair")
    assert "role" in refused.value.field_errors
    existing = CouncilMembership.objects.get(space=space, user=member)
    with pytest.raises(ApplicationError):
        services.membership_change(
            user=coordinator, membership=existing, role="chair", term_start=None, term_end=None, name_public=False
        )
    assert CouncilMembership.objects.filter(space=space, role="chair").count() == 1


def test_bad_input_is_refused_and_nothing_is_saved(coordinator, space, member):
    before = CouncilMembership.objects.count()
    for kwargs, field in (
        ({"person": person("c@example.org", "C"), "role": "king"}, "role"),
        ({"person": member}, "person"),  # a member already
        (
            {
                "person": person("d@example.org", "D"),
                "term_start": datetime.date(2027, 1, 1),
                "term_end": datetime.date(2026, 1, 1),
            },
            "term_end",
        ),
        ({"person": None}, "person"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.membership_add(user=coordinator, space=space, **kwargs)
        assert field in refused.value.field_errors
    assert CouncilMembership.objects.count() == before
    assert audit_actions() == []


@pytest.mark.parametrize("who", ["district_council_member", "department_staff", "participant", "evaluator"])
def test_only_coordinators_manage_members(personas, space, who):
    with pytest.raises(NotAllowed):
        services.membership_add(user=personas[who], space=space, person=person("e@example.org", "E"))
    membership = CouncilMembership.objects.get(space=space)
    with pytest.raises(NotAllowed):
        services.membership_remove(user=personas[who], membership=membership)
    assert CouncilMembership.objects.filter(pk=membership.pk).exists()


def test_a_coordinator_of_another_city_manages_no_council_here(space):
    from teilhabe.conftest import make_process
    from teilhabe.places.models import City
    from teilhabe.processes.models import ProcessMembership, ProcessRole

    elsewhere = make_process(City.objects.create(name="Anderswo", slug="anderswo"), slug="anderswo")
    stranger = person("f@example.org", "F")
    ProcessMembership.objects.create(process=elsewhere, user=stranger, role=ProcessRole.COORDINATOR)
    with pytest.raises(NotAllowed):
        services.membership_add(user=stranger, space=space, person=person("g@example.org", "G"))
