import pytest

from teilhabe.accounts.models import Role
from teilhabe.core.services import audit_verify
from teilhabe.demo.evaluation import demo_evaluation
from teilhabe.evaluation.models import EvaluationNote, Indicator, Measurement, QualityRating, QuestionnaireResponse
from teilhabe.evaluation.selectors import questionnaire_summary

pytestmark = pytest.mark.django_db


def test_demo_evaluation_once(process, personas):
    people = {Role.COORDINATOR: personas["coordinator"], Role.EVALUATOR: personas["evaluator"]}
    demo_evaluation(process, people)
    demo_evaluation(process, people)  # a second run adds nothing
    responses = QuestionnaireResponse.objects.filter(process=process)
    assert responses.filter(channel="online").count() == 60 and responses.filter(channel="paper").count() == 20
    assert QualityRating.objects.filter(process=process).count() == 11  # one phase has begun; one principle twice
    assert EvaluationNote.objects.filter(process=process).count() == 3
    assert Indicator.objects.filter(process=process).count() == 4
    assert Measurement.objects.filter(indicator__process=process).count() == 11
    assert questionnaire_summary(process=process)["responses"]["total"] == 80
    ok, checked, _broken = audit_verify()
    assert ok and checked > 100  # every answer, rating, note and measurement was audited
