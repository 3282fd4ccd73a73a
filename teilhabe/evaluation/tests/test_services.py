import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.evaluation import services
from teilhabe.evaluation.models import Measurement, QualityRating, QuestionnaireResponse
from teilhabe.evaluation.questions import PRINCIPLE_KEYS

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_one_online_response_per_browser(process, personas):
    key = services.respondent_key(session_token="abc")
    services.questionnaire_submit(
        user=AnonymousUser(), process=process, respondent=key, answers={"info_enough": 5}, free_text="Gut"
    )
    with pytest.raises(Conflict):
        services.questionnaire_submit(user=AnonymousUser(), process=process, respondent=key, answers={"info_clear": 1})
    assert QuestionnaireResponse.objects.count() == 1
    assert "questionnaire.answered" in actions()


def test_an_account_answers_once_whatever_the_browser(process, participant):
    first = services.respondent_key(user=participant, session_token="one")
    second = services.respondent_key(user=participant, session_token="two")
    assert first == second
    assert first != services.respondent_key(session_token="one")


@pytest.mark.parametrize(
    "answers, free_text",
    [({"info_enough": 7}, ""), ({"info_enough": "x"}, ""), ({"nope": 3}, ""), ({}, ""), ({}, "x" * 2001)],
)
def test_bad_answers_are_refused_and_nothing_saved(process, answers, free_text):
    with pytest.raises(ApplicationError) as error:
        services.questionnaire_submit(
            user=AnonymousUser(),
            process=process,
            respondent=services.respondent_key(session_token="t"),
            answers=answers,
            free_text=free_text,
        )
    assert error.value.status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_paper_entry_only_by_coordinators_and_serial_once(process, coordinator, evaluator):
    with pytest.raises(NotAllowed):
        services.questionnaire_enter_paper(user=evaluator, process=process, answers={"info_enough": 3})
    response = services.questionnaire_enter_paper(
        user=coordinator, process=process, answers={"info_enough": 3, "overall_again": 0}, form_serial="F-17"
    )
    assert response.channel == "paper" and response.entered_by == coordinator
    assert response.answers.count() == 2
    with pytest.raises(ApplicationError) as error:
        services.questionnaire_enter_paper(
            user=coordinator, process=process, answers={"info_enough": 3}, form_serial="F-17"
        )
    assert "form_serial" in error.value.field_errors
    assert actions().count("questionnaire.entered") == 1


def test_quality_rating_keeps_its_history(process, evaluator, coordinator):
    phase = process.phases.first()
    services.quality_rate(user=evaluator, process=process, phase=phase, principle="inclusion", rating=2, note="Wenige")
    services.quality_rate(
        user=coordinator, process=process, phase=phase, principle="inclusion", rating=3, note="Besser"
    )
    assert QualityRating.objects.filter(phase=phase, principle="inclusion").count() == 2
    assert actions().count("quality.rated") == 2
    with pytest.raises(ApplicationError):
        services.quality_rate(user=evaluator, process=process, phase=phase, principle="nonsense", rating=3)
    with pytest.raises(ApplicationError):
        services.quality_rate(user=evaluator, process=process, phase=phase, principle=PRINCIPLE_KEYS[0], rating=9)


def test_quality_rating_refuses_a_phase_of_another_process(process, closed_process, evaluator):
    with pytest.raises(ApplicationError) as error:
        services.quality_rate(
            user=evaluator, process=process, phase=closed_process.phases.first(), principle="early", rating=1
        )
    assert "phase" in error.value.field_errors


def test_participant_cannot_rate_or_write_notes(process, participant):
    with pytest.raises(NotAllowed):
        services.quality_rate(
            user=participant, process=process, phase=process.phases.first(), principle="early", rating=1
        )
    with pytest.raises(NotAllowed):
        services.note_add(user=participant, process=process, text="x")


def test_note_needs_text(process, evaluator):
    with pytest.raises(ApplicationError):
        services.note_add(user=evaluator, process=process, text="   ")
    note = services.note_add(user=evaluator, process=process, text="Beobachtung", phase=process.phases.first())
    assert note.author == evaluator and "evaluation_note.added" in actions()


def test_indicator_validation(process, coordinator):
    base = {
        "user": coordinator,
        "process": process,
        "name": "Quote",
        "baseline_value": "10",
        "baseline_date": datetime.date(2024, 1, 1),
        "target_value": "5",
        "target_date": datetime.date(2023, 1, 1),
        "direction": "up",
    }
    with pytest.raises(ApplicationError) as error:
        services.indicator_save(**base)
    assert {"target_date", "target_value"} <= set(error.value.field_errors)
    base.update(target_date=datetime.date(2030, 1, 1), direction="down")
    indicator = services.indicator_save(**base)
    assert indicator.target_value == Decimal("5")
    with pytest.raises(ApplicationError) as error:
        services.indicator_save(**base)
    assert "name" in error.value.field_errors


def test_measurement_for_the_same_date_replaces_and_audits_the_old_value(indicator, coordinator):
    day = datetime.date(2025, 6, 30)
    services.measurement_record(user=coordinator, indicator=indicator, value="42,5", measured_on=day)
    services.measurement_record(user=coordinator, indicator=indicator, value="43", measured_on=day, note="korrigiert")
    assert Measurement.objects.get(indicator=indicator).value == Decimal("43")
    entry = AuditEntry.objects.filter(action="measurement.changed").get()
    assert entry.data["old_value"] == "42.500" and entry.data["value"] == "43"


def test_measurement_in_the_future_is_refused(indicator, coordinator):
    with pytest.raises(ApplicationError) as error:
        services.measurement_record(
            user=coordinator,
            indicator=indicator,
            value="1",
            measured_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "measured_on" in error.value.field_errors
    assert not Measurement.objects.exists()


CSV_OK = (
    "Indikator;Datum;Wert;Notiz\n"
    "Anteil Kita-Kinder mit Sprachförderung;31.12.2024;44,5;Jahreswert\n"
    "{pk};2025-06-30;47;\n"
)


def test_import_dry_run_says_what_would_change_and_writes_nothing(indicator, coordinator):
    services.measurement_record(
        user=coordinator, indicator=indicator, value="44", measured_on=datetime.date(2024, 12, 31)
    )
    data = CSV_OK.format(pk=indicator.pk).encode()
    preview = services.measurements_preview(user=coordinator, process=indicator.process, data=data)
    assert [row.action for row in preview.rows] == ["change", "new"]
    assert Measurement.objects.count() == 1
    result = services.measurements_import(user=coordinator, process=indicator.process, data=data)
    assert result.imported == 2
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [Decimal("44.5"), Decimal("47")]
    assert "measurements.imported" in actions()


def test_import_with_one_bad_row_saves_nothing(indicator, coordinator):
    data = (
        "indicator,date,value\n"
        f"{indicator.pk},2024-12-31,44\n"
        "Unbekannt,2024-12-31,1\n"
        f"{indicator.pk},32.13.2024,1\n"
        f"{indicator.pk},2024-12-31,zwölf\n"
    ).encode()
    preview = services.measurements_preview(user=coordinator, process=indicator.process, data=data)
    errors = [row.errors for row in preview.rows]
    assert errors[0] == []
    assert "no indicator" in errors[1][0]
    assert "not a date" in errors[2][0]
    assert any("not a number" in message for message in errors[3])
    assert any("same indicator and date" in message for message in errors[3])
    with pytest.raises(ApplicationError):
        services.measurements_import(user=coordinator, process=indicator.process, data=data)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x00\x01PK", "not a CSV"),
        (b"name;wert\nx;1\n", "lacks the columns"),
        (b"indicator;date;value\n", "no rows"),
    ],
)
def test_unreadable_files_are_refused(indicator, coordinator, data, message):
    from teilhabe.evaluation.measurement_csv import MeasurementFileError

    with pytest.raises(MeasurementFileError) as error:
        services.measurements_preview(user=coordinator, process=indicator.process, data=data)
    assert message in str(error.value.message)


def test_import_only_by_coordinators(indicator, evaluator):
    with pytest.raises(NotAllowed):
        services.measurements_preview(
            user=evaluator, process=indicator.process, data=b"indicator;date;value\nx;2024-01-01;1"
        )
