"""Reading the evaluation: who evaluates, questionnaire results (small-cell protected), quality ratings, notes and
indicators. The ``*_summary``/``*_series`` functions return plain data (dicts, lists, numbers, strings) for the
council reports and other outputs; the pages use the same functions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone

from teilhabe.core.disclosure import format_count, protect_series, small_cell_k
from teilhabe.evaluation.models import (
    EvaluationNote,
    Indicator,
    Measurement,
    QualityRating,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    ResponseChannel,
)
from teilhabe.evaluation.questions import (
    ANSWERS,
    DONT_KNOW,
    PRINCIPLES,
    QUESTIONS,
    THEMES,
    rating_label,
)
from teilhabe.processes.models import Phase, Process
from teilhabe.processes.selectors import (
    is_committee_member,
    process_get_published,
    process_ids_coordinated_by,
    process_ids_evaluated_by,
    process_phases,
)


def evaluation_process(*, slug: str) -> Process | None:
    """The published process of the evaluation's pages."""
    return process_get_published(slug=slug)


# == questionnaire ==================================================================================================


def response_exists(*, process: Process, respondent_key: str) -> bool:
    return QuestionnaireResponse.objects.filter(process=process, respondent_key=respondent_key).exists()


def _until(until: datetime.date | None) -> datetime.datetime | None:
    """The first moment after the day ``until`` (local time), or None for "everything so far"."""
    if until is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time()))


def questionnaire_counts(*, process: Process, until: datetime.date | None = None) -> dict:
    """Raw tallies: {question key: {answer value: count}} and the responses by channel, of the responses given up
    to the end of the day ``until`` (all when None). Internal: not protected."""
    responses = QuestionnaireResponse.objects.filter(process=process)
    if until is not None:
        responses = responses.filter(created_at__lt=_until(until))
    tallies: dict[str, dict[int, int]] = {question.key: {} for question in QUESTIONS}
    rows = (
        QuestionnaireAnswer.objects.filter(response__in=responses)
        .values("question", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        if row["question"] in tallies:
            tallies[row["question"]][row["value"]] = row["n"]
    channels = dict(responses.values_list("channel").annotate(n=Count("id")).order_by().values_list("channel", "n"))
    return {"answers": tallies, "channels": {channel: channels.get(channel, 0) for channel in ResponseChannel.values}}


def questionnaire_summary(*, process: Process, until: datetime.date | None = None) -> dict:
    """The questionnaire's results as plain data, every count small-cell protected (``None``: fewer than k people,
    or withheld so that a total does not reveal such a cell).

    ``{"k", "responses": {"total", "online", "paper"}, "questions": [{"key", "theme", "theme_label", "text",
    "answered", "counts": [{"value", "label", "count", "display"}], "agreement_share"}]}``. ``agreement_share`` is
    the share (0..1) of "agree" and "strongly agree" among those who gave an opinion (not "don't know"), computed
    only when no count of that question is withheld, else ``None``.
    """
    raw = questionnaire_counts(process=process, until=until)
    k = small_cell_k()
    channels = protect_series(raw["channels"], k=k)
    questions = []
    for question in QUESTIONS:
        counts = raw["answers"][question.key]
        series = protect_series({value: counts.get(value, 0) for value, _label in ANSWERS}, k=k)
        cells = []
        for value, label in ANSWERS:
            shown = series.value(value)
            cells.append({"value": value, "label": str(label), "count": shown, "display": format_count(shown, k=k)})
        share = None
        if all(cell["count"] is not None for cell in cells):
            opinions = sum(cell["count"] for cell in cells if cell["value"] != DONT_KNOW)
            agree = sum(cell["count"] for cell in cells if cell["value"] >= 4)
            share = round(agree / opinions, 3) if opinions else None
        questions.append(
            {
                "key": question.key,
                "theme": question.theme,
                "theme_label": str(THEMES[question.theme]),
                "text": str(question.text),
                "answered": series.total,
                "counts": cells,
                "agreement_share": share,
            }
        )
    total = channels.total
    total = None if total is not None and 0 < total < k else total
    return {
        "k": k,
        "responses": {
            "total": total,
            "online": channels.value(ResponseChannel.ONLINE),
            "paper": channels.value(ResponseChannel.PAPER),
            "display": format_count(total, k=k),
        },
        "questions": questions,
    }


def free_texts(*, process: Process, limit: int = 500) -> list[dict]:
    """The free-text answers, newest first (for evaluators and coordinators only: the view asks the permission)."""
    rows = (
        QuestionnaireResponse.objects.filter(process=process)
        .exclude(free_text="")
        .order_by("-created_at", "-pk")
        .values("free_text", "channel", "created_at", "language")[:limit]
    )
    return list(rows)


def paper_responses_recent(*, process: Process, limit: int = 10) -> list[QuestionnaireResponse]:
    return list(
        QuestionnaireResponse.objects.filter(process=process, channel=ResponseChannel.PAPER)
        .order_by("-created_at", "-pk")
        .only("id", "form_serial", "created_at")[:limit]
    )


# == quality self-assessment ========================================================================================


def quality_matrix(*, process: Process, until: datetime.date | None = None) -> dict:
    """Current rating per phase and principle, as plain data:
    ``{"phases": [{"id", "name"}], "principles": [{"key", "title", "description", "ratings": [{"phase", "rating",
    "label", "note", "rated_at"}]}]}`` (``rating`` None where none was given)."""
    phases = process_phases(process)
    latest: dict[tuple[int, str], QualityRating] = {}
    ratings = QualityRating.objects.filter(process=process)
    if until is not None:
        ratings = ratings.filter(created_at__lt=_until(until))
    for rating in ratings.order_by("phase_id", "principle", "-created_at", "-pk"):
        latest.setdefault((rating.phase_id, rating.principle), rating)
    principles = []
    for principle in PRINCIPLES:
        cells = []
        for phase in phases:
            found = latest.get((phase.pk, principle.key))
            cells.append(
                {
                    "phase": phase.pk,
                    "phase_name": phase.name,
                    "rating": found.rating if found else None,
                    "label": rating_label(found.rating) if found else "",
                    "note": found.note if found else "",
                    "rated_at": found.created_at if found else None,
                }
            )
        principles.append(
            {
                "key": principle.key,
                "title": str(principle.title),
                "description": str(principle.description),
                "ratings": cells,
            }
        )
    return {"phases": [{"id": phase.pk, "name": phase.name} for phase in phases], "principles": principles}


def quality_history(*, process: Process, phase: Phase, principle: str) -> list[QualityRating]:
    return list(
        QualityRating.objects.filter(process=process, phase=phase, principle=principle)
        .select_related("rated_by")
        .order_by("-created_at", "-pk")
    )


def phase_of(*, process: Process, pk: int) -> Phase | None:
    return Phase.objects.filter(process=process, pk=pk).first()


# == notes ==========================================================================================================


def notes_of(*, process: Process, limit: int = 200) -> list[EvaluationNote]:
    return list(
        EvaluationNote.objects.filter(process=process)
        .select_related("author", "phase")
        .order_by("-created_at", "-pk")[:limit]
    )


# == indicators =====================================================================================================


@dataclass
class IndicatorView:
    """An indicator with its measurements and its progress toward the target, for pages and reports."""

    indicator: Indicator
    measurements: list = field(default_factory=list)

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def progress(self) -> float | None:
        """How far the latest value has come from the baseline toward the target (0 = baseline, 1 = target; may be
        below 0 or above 1)."""
        indicator = self.indicator
        span = indicator.target_value - indicator.baseline_value
        if self.latest is None or span == 0:
            return None
        return float((self.latest.value - indicator.baseline_value) / span)

    @property
    def on_track(self) -> bool | None:
        """Whether the latest value moved from the baseline in the wanted direction."""
        if self.latest is None:
            return None
        change = self.latest.value - self.indicator.baseline_value
        return change >= 0 if self.indicator.direction == "up" else change <= 0


def indicators_of(*, process: Process, until: datetime.date | None = None) -> list[IndicatorView]:
    """Every indicator of a process with its measurements in date order: three queries whatever their number."""
    measurements = Measurement.objects.all()
    if until is not None:
        measurements = measurements.filter(measured_on__lte=until)
    indicators = (
        Indicator.objects.filter(process=process)
        .select_related("field_of_action")
        .prefetch_related(
            Prefetch("measurements", queryset=measurements.order_by("measured_on")),
            Prefetch("measures"),
        )
        .order_by("field_of_action__order", "name")
    )
    return [IndicatorView(indicator, list(indicator.measurements.all())) for indicator in indicators]


def indicator_get(*, process: Process, pk: int) -> Indicator | None:
    return Indicator.objects.filter(process=process, pk=pk).first()


def indicator_by_name(*, process: Process) -> dict[str, Indicator]:
    return {indicator.name.casefold(): indicator for indicator in Indicator.objects.filter(process=process)}


def _number(value: Decimal) -> float:
    return float(value)


def indicator_series(*, process: Process, until: datetime.date | None = None) -> list[dict]:
    """Every indicator as plain data for reports: name, unit, source, baseline, target, direction, field of
    action, measure codes, measurements (date, value, note, source) and progress."""
    result = []
    for view in indicators_of(process=process, until=until):
        indicator = view.indicator
        result.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "source": indicator.source,
                "direction": indicator.direction,
                "baseline": {"value": _number(indicator.baseline_value), "date": indicator.baseline_date.isoformat()},
                "target": {"value": _number(indicator.target_value), "date": indicator.target_date.isoformat()},
                "field_of_action": indicator.field_of_action.name if indicator.field_of_action else None,
                "measures": sorted(measure.code for measure in indicator.measures.all()),
                "measurements": [
                    {
                        "date": item.measured_on.isoformat(),
                        "value": _number(item.value),
                        "note": item.note,
                        "source": item.source,
                    }
                    for item in view.measurements
                ],
                "progress": None if view.progress is None else round(view.progress, 3),
                "on_track": view.on_track,
            }
        )
    return result


def evaluation_summary(*, process: Process, until: datetime.date | None = None) -> dict:
    """Everything the evaluation publishes to the committee, as plain data: the questionnaire's results (protected),
    the quality self-assessment and the indicators. Notes and free texts are internal and never part of it.

    ``until`` (a date, e.g. the last day of a report's period) leaves out what came later: responses and ratings
    given, and measurements dated, after that day."""
    return {
        "computed_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "until": until.isoformat() if until else None,
        "questionnaire": questionnaire_summary(process=process, until=until),
        "quality": _plain_quality(quality_matrix(process=process, until=until)),
        "indicators": indicator_series(process=process, until=until),
    }


def _plain_quality(matrix: dict) -> dict:
    for principle in matrix["principles"]:
        for cell in principle["ratings"]:
            cell["rated_at"] = cell["rated_at"].isoformat() if cell["rated_at"] else None
    return matrix


def has_evaluation_work(user) -> bool:
    """Whether the navigation shows the evaluation: coordinators, evaluators and committee members."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(process_ids_coordinated_by(user)) or bool(process_ids_evaluated_by(user)) or is_committee_member(user)


def evaluation_processes(user) -> list[Process]:
    """The published processes whose evaluation ``user`` reads: their own as coordinator or evaluator; every one
    for committee members."""
    processes = Process.objects.filter(is_published=True).order_by("-created_at")
    if not is_committee_member(user):
        processes = processes.filter(pk__in=process_ids_coordinated_by(user) | process_ids_evaluated_by(user))
    return list(processes)
