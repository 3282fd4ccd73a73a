"""Staff and the head of another department have no say over what is routed to the first one: every
object-scoped permission of the answer path, for the objects of docs/roles.md's matrix."""

import pytest
import rules

from teilhabe.accounts.tests.test_roles_matrix import ANSWER_OBJECTS, answer_object, read_matrix

pytestmark = pytest.mark.django_db

ROWS = {name: row for name, row in read_matrix().items() if row["object"] in ANSWER_OBJECTS}


def test_every_answer_object_kind_is_covered():
    assert {row["object"] for row in ROWS.values()} == ANSWER_OBJECTS


@pytest.mark.parametrize("permission", sorted(ROWS))
def test_another_departments_staff_and_head_may_not(permission, personas, process, other_department):
    obj = answer_object(ROWS[permission]["object"], process, personas)
    # The personas of the first department may (the matrix says so); the other department's people may not.
    assert rules.has_perm(permission, personas["department_head"], obj) == (
        ROWS[permission]["cells"]["department_head"] == "yes"
    )
    assert not rules.has_perm(permission, other_department.staff_member, obj)
    assert not rules.has_perm(permission, other_department.head, obj)


def test_another_department_sees_its_own_queue_only(personas, other_department):
    from teilhabe.administration.models import Department

    own = Department.objects.get(code="50")
    assert rules.has_perm("administration.view_queue", other_department.staff_member, other_department)
    assert not rules.has_perm("administration.view_queue", other_department.staff_member, own)
    assert not rules.has_perm("administration.view_queue", personas["department_staff"], other_department)
