"""The demo's evaluation (issue 15): 80 answered questionnaires (60 online, 20 typed in from paper), the quality
self-assessment of every phase that has begun (one principle rated twice, so it has a history), three evaluators'
notes and four outcome indicators with their measurements. Answers, texts, figures and sources are written for
this demo and are fictional ("(fiktiv)")."""

import datetime
import random

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.evaluation import services as evaluation
from teilhabe.evaluation.models import Indicator, QuestionnaireResponse
from teilhabe.evaluation.questions import PRINCIPLES, QUESTIONS
from teilhabe.plan.models import Measure

ONLINE, PAPER = 60, 20
# How the demo's participants lean, per theme: weights of the answers 5, 4, 3, 2, 1 and "don't know" (0).
LEANING = {
    "information": (30, 35, 15, 10, 5, 5),
    "fairness": (25, 35, 20, 10, 5, 5),
    "heard": (30, 30, 20, 10, 5, 5),
    "influence": (10, 20, 25, 20, 10, 15),
    "satisfaction": (25, 35, 20, 10, 5, 5),
}
FREE_TEXTS = [
    "Mehr Termine am Abend und am Wochenende, dann können auch Berufstätige kommen. (fiktiv)",
    "Die Werkstatt in Linden war sehr gut moderiert. (fiktiv)",
    "Die Unterlagen bitte auch in einfacher Sprache. (fiktiv)",
    "Ich weiß noch nicht, was mit unseren Vorschlägen passiert. (fiktiv)",
    "Kinderbetreuung während der Veranstaltungen wäre hilfreich. (fiktiv)",
    "Keep the online platform open after the process, please. (fictional)",
    "Übersetzung ins Arabische hat sehr geholfen. (fiktiv)",
]
INDICATORS = [
    # name, unit, source, baseline, target, direction, field slug, values (months before today, value)
    (
        "Kinder mit Sprachförderbedarf, die eine Kita besuchen",
        "%",
        "Fachbereich Jugend und Familie, Kita-Statistik (fiktiv)",
        ("62", "80"),
        "up",
        "bildung",
        [(18, "63.5"), (12, "66"), (6, "68.5"), (1, "70")],
    ),
    (
        "Wartezeit auf einen Integrationskurs",
        "Wochen",
        "Integrationskursträger, Jahresbericht (fiktiv)",
        ("14", "6"),
        "down",
        "bildung",
        [(12, "13"), (6, "11.5"), (2, "10")],
    ),
    (
        "Anerkannte ausländische Berufsabschlüsse pro Jahr",
        "Anerkennungen",
        "Anerkennungsberatung der Region (fiktiv)",
        ("410", "600"),
        "up",
        "wirtschaft",
        [(12, "430"), (1, "455")],
    ),
    (
        "Beschäftigte der Stadtverwaltung mit Migrationsgeschichte",
        "%",
        "Personalbericht der Stadt (fiktiv)",
        ("15.2", "20"),
        "up",
        "stadtverwaltung",
        [(12, "15.8"), (1, "16.9")],
    ),
]
RATING_NOTES = {
    1: "Kaum erkennbar; in den Gesprächen mit Teilnehmenden oft bemängelt (fiktiv).",
    2: "Ansätze sind da, aber nicht in allen Stadtbezirken (fiktiv).",
    3: "Überwiegend erfüllt; einzelne Veranstaltungen fielen ab (fiktiv).",
    4: "Nach Beobachtung und Fragebögen voll erfüllt (fiktiv).",
}
NOTES = [
    "Die Auftaktveranstaltung war gut besucht, junge Menschen fehlten aber weitgehend. (fiktiv)",
    "Papierfragebögen kamen vor allem von den Infoständen; online antworten eher Ältere. (fiktiv)",
    "Rückmeldung an die Teilnehmenden über den Umgang mit den Beiträgen früher planen. (fiktiv)",
]


def _answers(rng: random.Random) -> dict:
    answers = {}
    for question in QUESTIONS:
        if rng.random() < 0.05:
            continue  # left out
        answers[question.key] = rng.choices((5, 4, 3, 2, 1, 0), weights=LEANING[question.theme])[0]
    return answers


def _months_ago(months: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=30 * months)


@transaction.atomic
def demo_evaluation(process, personas) -> None:
    if QuestionnaireResponse.objects.filter(process=process).exists():
        return
    coordinator, evaluator = personas[Role.COORDINATOR], personas[Role.EVALUATOR]
    rng = random.Random(15)  # noqa: S311 - the same demo every time
    for number in range(ONLINE):
        evaluation.questionnaire_submit(
            user=AnonymousUser(),
            process=process,
            respondent=evaluation.respondent_key(session_token=f"demo-browser-{number}"),
            answers=_answers(rng),
            free_text=FREE_TEXTS[number % len(FREE_TEXTS)] if number % 9 == 0 else "",
            language="de",
        )
    for number in range(1, PAPER + 1):
        evaluation.questionnaire_enter_paper(
            user=coordinator,
            process=process,
            answers=_answers(rng),
            free_text=FREE_TEXTS[(number + 3) % len(FREE_TEXTS)] if number % 7 == 0 else "",
            form_serial=f"FB-{number:04d}",
            language="de",
        )
    now = timezone.now()
    for index, phase in enumerate(process.phases.filter(start__lte=now).order_by("start")):
        for position, principle in enumerate(PRINCIPLES):
            rating = 1 + (position + index) % 4
            evaluation.quality_rate(
                user=evaluator,
                process=process,
                phase=phase,
                principle=principle.key,
                rating=rating,
                note=RATING_NOTES[rating],
            )
        evaluation.quality_rate(
            user=coordinator,
            process=process,
            phase=phase,
            principle="inclusion",
            rating=3,
            note="Nach den Werkstätten in den Stadtbezirken neu bewertet (fiktiv).",
        )
    for text in NOTES:
        evaluation.note_add(user=evaluator, process=process, text=text)
    fields = {field.slug: field for field in process.fields_of_action.all()}
    measures = list(Measure.objects.filter(process=process).order_by("code")[:4])
    for index, (name, unit, source, (baseline, target), direction, field, values) in enumerate(INDICATORS):
        if Indicator.objects.filter(process=process, name=name).exists():
            continue
        indicator = evaluation.indicator_save(
            user=coordinator,
            process=process,
            name=name,
            unit=unit,
            source=source,
            baseline_value=baseline,
            baseline_date=_months_ago(24),
            target_value=target,
            target_date=_months_ago(24) + datetime.timedelta(days=365 * 6),
            direction=direction,
            field_of_action=fields.get(field),
            measures=measures[index : index + 1],
        )
        for months, value in values:
            evaluation.measurement_record(
                user=coordinator, indicator=indicator, value=value, measured_on=_months_ago(months), source=source
            )
