"""Changing the evaluation. Every write: permission checked, one transaction, an audit entry, nothing half-saved."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from decimal import Decimal

import rules
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.evaluation.measurement_csv import ImportPreview, decimal_parse, measurements_check
from teilhabe.evaluation.models import (
    INDICATOR_NAME_MAX,
    NOTE_MAX,
    SERIAL_MAX,
    SOURCE_MAX,
    UNIT_MAX,
    Direction,
    EvaluationNote,
    Indicator,
    Measurement,
    QualityRating,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    ResponseChannel,
)
from teilhabe.evaluation.questions import ANSWER_VALUES, FREE_TEXT_MAX, PRINCIPLE_KEYS, QUESTION_KEYS, RATING_VALUES
from teilhabe.processes.models import FieldOfAction, Phase, Process


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


# == questionnaire ==================================================================================================


def respondent_key(*, user=None, session_token: str = "") -> str:
    """A keyed hash naming one respondent (an account, else a browser session) without storing who it is."""
    if getattr(user, "is_authenticated", False):
        subject = f"user:{user.pk}"
    elif session_token:
        subject = f"session:{session_token}"
    else:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"evaluation.respondent:{subject}".encode(), hashlib.sha256).hexdigest()


def _check_answers(answers: dict, free_text: str, errors: dict) -> tuple[dict[str, int], str]:
    clean: dict[str, int] = {}
    for key, value in (answers or {}).items():
        if value in (None, ""):
            continue
        if key not in QUESTION_KEYS:
            errors["answers"] = _("The questionnaire has no such question.")
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number not in ANSWER_VALUES:
            errors[key] = _("Please choose one of the answers.")
            continue
        clean[key] = number
    text = clean_plain_text(free_text or "")
    if len(text) > FREE_TEXT_MAX:
        errors["free_text"] = _("Please shorten your answer to at most %(max)s characters.") % {"max": FREE_TEXT_MAX}
    if not clean and not text and not errors:
        errors["answers"] = _("Please answer at least one question.")
    return clean, text


def _response_create(*, process, channel, answers, free_text, language, **extra) -> QuestionnaireResponse:
    response = QuestionnaireResponse.objects.create(
        process=process, channel=channel, free_text=free_text, language=(language or "")[:12], **extra
    )
    QuestionnaireAnswer.objects.bulk_create(
        [QuestionnaireAnswer(response=response, question=key, value=value) for key, value in answers.items()]
    )
    return response


@transaction.atomic
def questionnaire_submit(
    *, user, process: Process, respondent: str, answers: dict, free_text: str = "", language: str = ""
) -> QuestionnaireResponse:
    """A participant answers the questionnaire online, once per account or browser session (``respondent`` from
    ``respondent_key``)."""
    _require(user, "evaluation.answer_questionnaire", process)
    if not respondent:
        raise ApplicationError(_("Your browser did not keep the session. Please allow cookies for this site."))
    errors: dict = {}
    clean, text = _check_answers(answers, free_text, errors)
    _raise(errors)
    if QuestionnaireResponse.objects.filter(process=process, respondent_key=respondent).exists():
        raise Conflict(_("You have answered this questionnaire already. Thank you!"))
    try:
        with transaction.atomic():
            response = _response_create(
                process=process,
                channel=ResponseChannel.ONLINE,
                answers=clean,
                free_text=text,
                language=language,
                respondent_key=respondent,
            )
    except IntegrityError:  # the same person twice at once
        raise Conflict(_("You have answered this questionnaire already. Thank you!"))
    audit_record(
        actor=user,
        action="questionnaire.answered",
        obj=response,
        data={"process": process.pk, "channel": ResponseChannel.ONLINE, "answers": len(clean), "free_text": bool(text)},
    )
    return response


@transaction.atomic
def questionnaire_enter_paper(
    *, user, process: Process, answers: dict, free_text: str = "", form_serial: str = "", language: str = ""
) -> QuestionnaireResponse:
    """A coordinator types in a questionnaire that came on paper; its form number, if printed, only once."""
    _require(user, "evaluation.enter_paper_responses", process)
    errors: dict = {}
    clean, text = _check_answers(answers, free_text, errors)
    serial = clean_plain_text(form_serial or "")
    if len(serial) > SERIAL_MAX:
        errors["form_serial"] = _("A form number has at most %(max)s characters.") % {"max": SERIAL_MAX}
    elif serial and QuestionnaireResponse.objects.filter(process=process, form_serial=serial).exists():
        errors["form_serial"] = _("A questionnaire with this form number was entered already.")
    _raise(errors)
    try:
        with transaction.atomic():
            response = _response_create(
                process=process,
                channel=ResponseChannel.PAPER,
                answers=clean,
                free_text=text,
                language=language,
                entered_by=user,
                form_serial=serial,
            )
    except IntegrityError:
        message = _("A questionnaire with this form number was entered already.")
        raise ApplicationError(message, field_errors={"form_serial": message})
    audit_record(
        actor=user,
        action="questionnaire.entered",
        obj=response,
        data={
            "process": process.pk,
            "channel": ResponseChannel.PAPER,
            "form_serial": serial,
            "answers": len(clean),
            "free_text": bool(text),
        },
    )
    return response


# == quality self-assessment ========================================================================================


@transaction.atomic
def quality_rate(*, user, process: Process, phase: Phase, principle: str, rating, note: str = "") -> QualityRating:
    """Rate one quality principle for one phase, with a note; the earlier ratings stay as the history."""
    _require(user, "evaluation.assess_quality", process)
    errors = {}
    if phase is None or phase.process_id != process.pk:
        errors["phase"] = _("Please choose a phase of this process.")
    if principle not in PRINCIPLE_KEYS:
        errors["principle"] = _("Please choose one of the quality principles.")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = -1
    if rating not in RATING_VALUES:
        errors["rating"] = _("Please choose a rating.")
    text = clean_plain_text(note or "")
    if len(text) > NOTE_MAX:
        errors["note"] = _("Please shorten the note to at most %(max)s characters.") % {"max": NOTE_MAX}
    _raise(errors)
    item = QualityRating.objects.create(
        process=process, phase=phase, principle=principle, rating=rating, note=text, rated_by=user
    )
    audit_record(
        actor=user,
        action="quality.rated",
        obj=item,
        data={"process": process.pk, "phase": phase.pk, "principle": principle, "rating": rating, "note": text},
    )
    return item


# == notes ==========================================================================================================


@transaction.atomic
def note_add(*, user, process: Process, text: str, phase: Phase | None = None) -> EvaluationNote:
    """An internal evaluation note on the process (or one of its phases)."""
    _require(user, "evaluation.add_note", process)
    errors = {}
    clean = clean_plain_text(text or "")
    if not clean:
        errors["text"] = _("Please write the note.")
    elif len(clean) > NOTE_MAX:
        errors["text"] = _("Please shorten the note to at most %(max)s characters.") % {"max": NOTE_MAX}
    if phase is not None and phase.process_id != process.pk:
        errors["phase"] = _("Please choose a phase of this process.")
    _raise(errors)
    note = EvaluationNote.objects.create(process=process, phase=phase, author=user, text=clean)
    audit_record(
        actor=user,
        action="evaluation_note.added",
        obj=note,
        data={"process": process.pk, "phase": phase.pk if phase else None, "text": clean},
    )
    return note


# == indicators =====================================================================================================


def _decimal(value, field_name: str, errors: dict) -> Decimal | None:
    if isinstance(value, Decimal | int | float):
        value = str(value)
    number, problem = decimal_parse(value)
    if problem:
        errors[field_name] = problem
    return number


def _date(value, field_name: str, errors: dict) -> datetime.date | None:
    if not isinstance(value, datetime.date):
        errors[field_name] = _("Please give a date, for example 2027-01-31.")
        return None
    return value


def _indicator_data(indicator: Indicator) -> dict:
    return {
        "process": indicator.process_id,
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "baseline_value": str(indicator.baseline_value),
        "baseline_date": indicator.baseline_date.isoformat(),
        "target_value": str(indicator.target_value),
        "target_date": indicator.target_date.isoformat(),
        "direction": indicator.direction,
        "field_of_action": indicator.field_of_action_id,
        "measures": sorted(indicator.measures.values_list("pk", flat=True)),
    }


@transaction.atomic
def indicator_save(
    *,
    user,
    process: Process,
    name: str,
    baseline_value,
    baseline_date,
    target_value,
    target_date,
    direction: str = Direction.UP,
    unit: str = "",
    source: str = "",
    field_of_action: FieldOfAction | None = None,
    measures=(),
    indicator: Indicator | None = None,
) -> Indicator:
    """Create an outcome indicator of the plan, or change one (``indicator``)."""
    _require(user, "evaluation.manage_indicators", process)
    if indicator is not None and indicator.process_id != process.pk:
        raise NotAllowed()
    errors: dict = {}
    name = clean_plain_text(name or "")
    unit = clean_plain_text(unit or "")
    source = clean_plain_text(source or "")
    if not name:
        errors["name"] = _("Please name the indicator.")
    elif len(name) > INDICATOR_NAME_MAX:
        errors["name"] = _("A name has at most %(max)s characters.") % {"max": INDICATOR_NAME_MAX}
    else:
        same = Indicator.objects.filter(process=process, name__iexact=name)
        if indicator is not None:
            same = same.exclude(pk=indicator.pk)
        if same.exists():
            errors["name"] = _("The process has an indicator of this name already.")
    if len(unit) > UNIT_MAX:
        errors["unit"] = _("A unit has at most %(max)s characters.") % {"max": UNIT_MAX}
    if len(source) > SOURCE_MAX:
        errors["source"] = _("A source has at most %(max)s characters.") % {"max": SOURCE_MAX}
    baseline = _decimal(baseline_value, "baseline_value", errors)
    target = _decimal(target_value, "target_value", errors)
    start = _date(baseline_date, "baseline_date", errors)
    end = _date(target_date, "target_date", errors)
    if start and end and end < start:
        errors["target_date"] = _("The target date cannot lie before the baseline date.")
    if direction not in Direction.values:
        errors["direction"] = _("Please choose whether higher or lower is better.")
    if baseline is not None and target is not None and direction in Direction.values and baseline != target:
        if (direction == Direction.UP) != (target > baseline):
            errors["target_value"] = _("The target does not lie in the direction chosen from the baseline.")
    if field_of_action is not None and field_of_action.process_id != process.pk:
        errors["field_of_action"] = _("Please choose a field of action of this process.")
    measures = list(measures or ())
    if any(measure.process_id != process.pk for measure in measures):
        errors["measures"] = _("Please choose measures of this process.")
    _raise(errors)
    created = indicator is None
    if created:
        indicator = Indicator(process=process)
    indicator.name, indicator.unit, indicator.source = name, unit, source
    indicator.baseline_value, indicator.baseline_date = baseline, start
    indicator.target_value, indicator.target_date = target, end
    indicator.direction, indicator.field_of_action = direction, field_of_action
    indicator.save()
    indicator.measures.set(measures)
    action = "indicator.created" if created else "indicator.changed"
    audit_record(actor=user, action=action, obj=indicator, data=_indicator_data(indicator))
    return indicator


def _measurement_write(*, user, indicator: Indicator, value: Decimal, measured_on, note: str, source: str):
    """Insert or change the value of one date; returns (measurement, the old value or None, created)."""
    existing = Measurement.objects.select_for_update().filter(indicator=indicator, measured_on=measured_on).first()
    if existing is None:
        measurement = Measurement.objects.create(
            indicator=indicator, value=value, measured_on=measured_on, note=note, source=source, entered_by=user
        )
        old = None
    else:
        old = existing.value
        existing.value, existing.note, existing.source, existing.entered_by = value, note, source, user
        existing.save(update_fields=["value", "note", "source", "entered_by", "updated_at"])
        measurement = existing
    audit_record(
        actor=user,
        action="measurement.recorded" if old is None else "measurement.changed",
        obj=measurement,
        data={
            "indicator": indicator.pk,
            "date": measured_on.isoformat(),
            "value": str(value),
            "old_value": None if old is None else str(old),
            "note": note,
            "source": source,
        },
    )
    return measurement, old, existing is None


@transaction.atomic
def measurement_record(
    *, user, indicator: Indicator, value, measured_on, note: str = "", source: str = ""
) -> Measurement:
    """Record the indicator's value on a date; a second value for the same date replaces the first (audited with
    the old value)."""
    _require(user, "evaluation.manage_indicators", indicator.process)
    errors: dict = {}
    number = _decimal(value, "value", errors)
    day = _date(measured_on, "measured_on", errors)
    if day and day > timezone.localdate():
        errors["measured_on"] = _("A measurement cannot lie in the future.")
    note, source = clean_plain_text(note or ""), clean_plain_text(source or "")
    if len(note) > SOURCE_MAX:
        errors["note"] = _("A note has at most %(max)s characters.") % {"max": SOURCE_MAX}
    if len(source) > SOURCE_MAX:
        errors["source"] = _("A source has at most %(max)s characters.") % {"max": SOURCE_MAX}
    _raise(errors)
    measurement, _old, _created = _measurement_write(
        user=user, indicator=indicator, value=number, measured_on=day, note=note, source=source
    )
    return measurement


def measurements_preview(*, user, process: Process, data: bytes) -> ImportPreview:
    """The dry run of a CSV of measurements: what each row would do (new, changed, unchanged) or why it cannot be
    imported. Writes nothing."""
    _require(user, "evaluation.manage_indicators", process)
    return measurements_check(process=process, data=data)


@transaction.atomic
def measurements_import(*, user, process: Process, data: bytes) -> ImportPreview:
    """Import a CSV of measurements: checked again, then all rows or none (one row with an error refuses the
    file). Unchanged rows are skipped; one audit entry per written row and one for the import."""
    _require(user, "evaluation.manage_indicators", process)
    preview = measurements_check(process=process, data=data)
    if preview.error_count:
        raise ApplicationError(_("The file has rows with errors. Nothing was imported."))
    written = 0
    for row in preview.rows:
        if row.action in ("new", "change"):
            _measurement_write(
                user=user,
                indicator=row.indicator,
                value=row.value,
                measured_on=row.date,
                note=row.note,
                source=row.source,
            )
            written += 1
    audit_record(
        actor=user,
        action="measurements.imported",
        obj=process,
        data={"rows": len(preview.rows), "written": written, "sha256": hashlib.sha256(data).hexdigest()},
    )
    preview.imported = written
    return preview
