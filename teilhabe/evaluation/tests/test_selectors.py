import datetime
import json

import pytest

from teilhabe.evaluation import selectors, services
from teilhabe.evaluation.tests.conftest import answer_online

pytestmark = pytest.mark.django_db


def question(summary, key):
    return next(item for item in summary["questions"] if item["key"] == key)


def test_small_counts_are_withheld_with_a_second_one(process, coordinator):
    answer_online(process, 7, value=5)
    answer_online(process, 6, value=4)
    answer_online(process, 2, value=1)
    summary = selectors.questionnaire_summary(process=process)
    counts = {cell["value"]: cell["count"] for cell in question(summary, "info_enough")["counts"]}
    assert counts[1] is None  # two people
    assert counts[4] is None  # withheld too: the total (15) minus the rest would reveal the two
    assert counts[5] == 7
    assert question(summary, "info_enough")["agreement_share"] is None
    cell = next(cell for cell in question(summary, "info_enough")["counts"] if cell["value"] == 1)
    assert cell["display"] == "< 5"
    assert summary["responses"]["total"] == 15


def test_agreement_share_among_opinions(process, coordinator):
    answer_online(process, 6, value=5)
    answer_online(process, 6, value=2)
    answer_online(process, 5, value=0)
    summary = selectors.questionnaire_summary(process=process)
    assert question(summary, "overall_satisfied")["agreement_share"] == 0.5  # "don't know" is no opinion


def test_few_responses_are_not_counted_publicly(process):
    answer_online(process, 3, value=5)
    summary = selectors.questionnaire_summary(process=process)
    assert summary["responses"]["total"] is None and summary["responses"]["display"] == "< 5"


def test_evaluation_summary_is_plain_data_without_free_texts_or_notes(process, coordinator, personas, indicator):
    answer_online(process, 5, value=4, free_text="Geheimer Hinweis")
    services.note_add(user=personas["evaluator"], process=process, text="Interne Notiz")
    services.quality_rate(user=coordinator, process=process, phase=process.phases.first(), principle="early", rating=4)
    services.measurement_record(
        user=coordinator, indicator=indicator, value="50", measured_on=datetime.date(2025, 1, 1)
    )
    summary = selectors.evaluation_summary(process=process)
    text = json.dumps(summary)  # plain data: serialisable as is
    assert "Geheimer Hinweis" not in text and "Interne Notiz" not in text
    series = summary["indicators"][0]
    assert series["progress"] == 0.5 and series["on_track"] is True
    assert series["measurements"] == [{"date": "2025-01-01", "value": 50.0, "note": "", "source": ""}]
    early = next(item for item in summary["quality"]["principles"] if item["key"] == "early")
    assert early["ratings"][0]["rating"] == 4


def test_until_leaves_out_what_came_later(process, coordinator, indicator):
    from teilhabe.evaluation.models import QuestionnaireResponse

    answer_online(process, 6, value=5)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    QuestionnaireResponse.objects.filter(pk__in=QuestionnaireResponse.objects.order_by("pk")[:5]).update(
        created_at=datetime.datetime.combine(yesterday - datetime.timedelta(days=3), datetime.time(12), datetime.UTC)
    )
    services.measurement_record(user=coordinator, indicator=indicator, value="45", measured_on=yesterday)
    services.measurement_record(
        user=coordinator, indicator=indicator, value="41", measured_on=datetime.date(2024, 6, 1)
    )
    earlier = selectors.evaluation_summary(process=process, until=yesterday - datetime.timedelta(days=1))
    assert earlier["questionnaire"]["responses"]["total"] == 5
    assert [item["value"] for item in earlier["indicators"][0]["measurements"]] == [41.0]
    now = selectors.evaluation_summary(process=process)
    assert now["questionnaire"]["responses"]["total"] == 6
    assert len(now["indicators"][0]["measurements"]) == 2
