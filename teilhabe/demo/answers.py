"""The demo's answer path: contributions in every state — routed, overdue, drafted, awaiting sign-off,
returned, signed off, answered, decided (one group of similar ones), handed back, re-routed — so that a
newcomer sees every case on the first visit. Only services write; then the timestamps are moved into the past,
as for the contributions themselves (a demo needs a history)."""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration import services as answers
from teilhabe.administration.models import (
    AnswerPath,
    Department,
    DepartmentMembership,
    Disposition,
    Outcome,
    PublicStep,
    Routing,
    Statement,
)
from teilhabe.contributions import services as contribution_services
from teilhabe.contributions.models import Contribution, Status

DATA = Path(__file__).resolve().parent / "data"
# The lead department of each field of action (codes of demo.services.DEPARTMENTS); Bildung asks Jugend und
# Familie for input on every third contribution.
LEADS = {
    "bildung": "40",
    "soziales": "50",
    "wirtschaft": "23",
    "stadtverwaltung": "18",
    "stadtleben-kultur": "41",
    "demokratie": "50.6",
}
CONTRIBUTING = "51"
ANSWERED = 200  # the oldest contributions are on their way; the newer ones are still "received"
OUTCOMES = [Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.ALREADY_IN_PLACE, Outcome.NOT_ADOPTED]


def _staff(city, personas) -> dict[str, tuple]:
    """Each department's (staff member, head): the personas in Soziales, demo accounts elsewhere."""
    staff = {}
    for department in Department.objects.filter(city=city):
        if department.code == "50":
            member, head = personas[Role.DEPARTMENT_STAFF], personas[Role.DEPARTMENT_HEAD]
        else:
            slug = department.code.replace(".", "-")
            member = user_create_verified(
                email=f"fb{slug}@demo.teilhabe.test",
                password=None,
                display_name=f"Sachbearbeitung {department.name}",
                roles=[Role.DEPARTMENT_STAFF],
            )
            head = user_create_verified(
                email=f"leitung{slug}@demo.teilhabe.test",
                password=None,
                display_name=f"Leitung {department.name}",
                roles=[Role.DEPARTMENT_HEAD],
            )
        DepartmentMembership.objects.update_or_create(department=department, user=member, defaults={"is_head": False})
        DepartmentMembership.objects.update_or_create(department=department, user=head, defaults={"is_head": True})
        staff[department.code] = (member, head)
    return staff


def demo_answers(process, personas) -> None:
    """Seed the answer path once (a second run adds nothing)."""
    if AnswerPath.objects.filter(process=process).exists():
        return
    texts = json.loads((DATA / "answers.json").read_text(encoding="utf-8"))
    departments = {d.code: d for d in Department.objects.filter(city=process.city)}
    staff = _staff(process.city, personas)
    coordinator = personas[Role.COORDINATOR]
    contributions = list(
        Contribution.objects.filter(process=process, status=Status.PUBLISHED)
        .prefetch_related("fields_of_action")
        .order_by("created_at")[:ANSWERED]
    )
    group = []
    with answers.steps_unannounced():  # the history happened before anybody could subscribe
        for index, contribution in enumerate(contributions):
            field = contribution.fields_of_action.all()[0].slug
            case = index % 10
            if field == "bildung" and case in (0, 1) and len(group) < 5:
                group.append(contribution)
                case = 2  # answered now, decided below together with similar ones
            _walk(process, contribution, case, index, field, texts, departments, staff, coordinator)
        if group:
            answers.disposition_decide(
                user=coordinator,
                process=process,
                contributions=group,
                outcome=Outcome.ADOPTED,
                justification=texts["group"]["justification"],
                group_title=texts["group"]["title"],
            )
    _amina(process, personas, texts, departments, staff)


def _walk(process, contribution, case, index, field, texts, departments, staff, coordinator) -> None:
    lead = departments[LEADS[field]]
    member, head = staff[lead.code]
    contributing = [departments[CONTRIBUTING]] if field == "bildung" and index % 3 == 0 else []
    if case == 9 and index % 20 == 9:  # re-routed: first to the wrong department, then to the right one
        answers.routing_route(user=coordinator, process=process, contributions=[contribution], lead=departments["32"])
    answers.routing_route(
        user=coordinator, process=process, contributions=[contribution], lead=lead, contributing=contributing
    )
    if case == 9 and index % 20 == 19:  # handed back
        routing = Routing.objects.get(contribution=contribution, department=lead, state="active")
        answers.routing_return(user=member, routing=routing, reason=texts["hand_back_reason"])
    if index % 4 == 0:
        routing = Routing.objects.get(contribution=contribution, department=lead, state="active")
        answers.routing_assign(user=head, routing=routing, assignee=member)
    if contributing and case <= 6:
        answers.statement_input_add(
            user=staff[CONTRIBUTING][0], contribution=contribution, text=texts["inputs"][index % len(texts["inputs"])]
        )
    if index % 7 == 0 and case != 9:
        answers.note_add(user=member, contribution=contribution, text=texts["notes"][index % len(texts["notes"])])
    if case <= 6:
        options = texts["statements"][field]
        statement = answers.statement_save(user=member, contribution=contribution, text=options[index % len(options)])
        if case == 5:  # returned by the head with a comment, back in draft
            statement = answers.statement_submit(user=member, statement=statement)
            answers.statement_review(user=head, statement=statement, sign_off=False, comment=texts["review_comment"])
        elif case <= 4:
            statement = answers.statement_submit(user=member, statement=statement)
            if case <= 3:
                statement = answers.statement_review(user=head, statement=statement, sign_off=True)
            if case <= 2:
                answers.statement_publish(user=member, statement=statement)
    if case in (0, 1):
        outcome = OUTCOMES[index % len(OUTCOMES)] if index % 25 else Outcome.OUTSIDE_COMPETENCE
        answers.disposition_decide(
            user=coordinator,
            process=process,
            contributions=[contribution],
            outcome=outcome,
            justification=texts["dispositions"][outcome],
            forwarded_to=texts["forwarded_to"] if outcome == Outcome.OUTSIDE_COMPETENCE else "",
        )
    _into_the_past(contribution, overdue=case == 7)


@transaction.atomic
def _into_the_past(contribution, *, overdue: bool) -> None:
    """Spread the steps over the days after the contribution came in (never into the future)."""
    now = timezone.now()
    received = contribution.created_at
    routed = min(now, received + datetime.timedelta(days=2))
    answered = min(now, routed + (now - routed) * 0.6)
    decided = min(now, routed + (now - routed) * 0.8)
    Routing.objects.filter(contribution=contribution).update(created_at=routed, updated_at=routed)
    due = (routed + datetime.timedelta(days=42)).date()
    if overdue:
        due = timezone.localdate() - datetime.timedelta(days=3 + contribution.pk % 9)
    Routing.objects.filter(contribution=contribution, state="active").update(due_date=due)
    Statement.objects.filter(contribution=contribution, published_at__isnull=False).update(published_at=answered)
    Disposition.objects.filter(contribution=contribution).update(created_at=decided, updated_at=decided)
    PublicStep.objects.filter(contribution=contribution, kind="routed").update(created_at=routed)
    PublicStep.objects.filter(contribution=contribution, kind="statement_published").update(created_at=answered)
    PublicStep.objects.filter(contribution=contribution, kind="disposed").update(created_at=decided)
    paths = AnswerPath.objects.filter(contribution=contribution)
    paths.update(routed_at=routed, due_date=due)
    paths.filter(answered_at__isnull=False).update(answered_at=answered)
    paths.filter(disposed_at__isnull=False).update(disposed_at=decided)


def _amina(process, personas, texts, departments, staff) -> None:
    """The participant persona's own contribution, answered and decided along the whole path, with translations
    of the statement: what a resident sees on their contribution's page (and, in the demo mailbox, the mails)."""
    participant = personas[Role.PARTICIPANT]
    contribution = contribution_services.contribution_create(
        process=process,
        user=participant,
        title="Elternbriefe der Grundschulen in mehreren Sprachen",
        body=(
            "Viele Eltern in unserer Straße verstehen die Briefe der Schule nicht. Wenn es die wichtigsten "
            "Informationen auch auf Arabisch, Türkisch und Englisch gäbe, könnten sie ihre Kinder besser "
            "unterstützen."
        ),
        fields_of_action=[process.fields_of_action.get(slug="bildung")],
        language="de",
        publication_consent=True,
    )
    coordinator = personas[Role.COORDINATOR]
    member, head = staff["40"]
    answers.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=departments["40"],
        contributing=[departments[CONTRIBUTING]],
    )
    answers.statement_input_add(user=staff[CONTRIBUTING][0], contribution=contribution, text=texts["inputs"][0])
    statement = answers.statement_save(user=member, contribution=contribution, text=texts["statements"]["bildung"][0])
    statement = answers.statement_submit(user=member, statement=statement)
    statement = answers.statement_review(user=head, statement=statement, sign_off=True)
    for language, text in texts["translations"].items():
        answers.statement_translation_set(user=member, statement=statement, language=language, text=text)
    answers.statement_publish(user=member, statement=statement)
    answers.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[contribution],
        outcome=Outcome.ADOPTED,
        justification=texts["dispositions"]["adopted"],
    )
