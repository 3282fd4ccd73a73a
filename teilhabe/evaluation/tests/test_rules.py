import pytest
import rules

from teilhabe.processes.models import ProcessMembership, ProcessRole

pytestmark = pytest.mark.django_db


def test_evaluator_of_another_process_gets_nothing(process, closed_process, personas):
    from teilhabe.accounts.services import user_create_verified

    other = user_create_verified(email="other-evaluator@example.org", password=None, roles=["evaluator"])
    ProcessMembership.objects.create(process=closed_process, user=other, role=ProcessRole.EVALUATOR)
    public = {"evaluation.answer_questionnaire", "evaluation.view_indicators"}
    names = [name for name in rules.permissions.permissions if name.startswith("evaluation.")]
    assert len(names) == 10
    assert {name for name in names if rules.has_perm(name, other, process)} == public
    assert rules.has_perm("evaluation.view_notes", other, closed_process)
