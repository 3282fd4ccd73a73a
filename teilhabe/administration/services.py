"""Writes on the answer path: routing, assignment, handing back, statements, sign-off, dispositions, notes.

Every function is keyword-only, runs in one transaction, checks its permission (``rules``), refuses a
transition the state machine does not allow with a clear ``ApplicationError`` (nothing changes), and leaves an
audit entry. The state machine is drawn in docs/answers.md.
"""

import contextvars
import datetime
import logging
import secrets
from collections import defaultdict
from contextlib import contextmanager

import rules
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.administration.models import (
    AnswerPath,
    AnswerState,
    Delivery,
    Department,
    DepartmentMembership,
    Disposition,
    DispositionGroup,
    InternalNote,
    Notification,
    Outcome,
    PublicStep,
    PublicStepKind,
    ReviewDecision,
    Routing,
    RoutingRole,
    RoutingState,
    Statement,
    StatementInput,
    StatementReview,
    StatementState,
    Subscription,
    SubscriptionReason,
)
from teilhabe.administration.selectors import (
    ANSWER_NAMESPACE,
    StepMailDetails,
    answerable_q,
    department_ids_of,
    routed_department_ids,
    subscription_recipient_q,
)
from teilhabe.contributions.models import Contribution
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.mail import send_localised_mail, supported_language
from teilhabe.core.services import ManyRows, audit_record, content_translation_set
from teilhabe.core.text import clean_plain_text

logger = logging.getLogger(__name__)

BULK_BATCH = 2000


def _require(user, perm: str, obj, message=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)


def _changed(process_ids, contribution_ids) -> None:
    """After commit: the contributions' pages (their timelines), the processes' figures and queues are stale."""
    for process_id in sorted(set(process_ids)):
        cache_version_bump(FIGURES_NAMESPACE, process_id)
        cache_version_bump(ANSWER_NAMESPACE, process_id)
    for contribution_id in sorted(set(contribution_ids)):
        cache_version_bump(CONTRIBUTION_NAMESPACE, contribution_id)


_announce = contextvars.ContextVar("announce_public_steps", default=True)


@contextmanager
def steps_unannounced():
    """Public steps taken inside are recorded and shown, but nobody is mailed about them: for seeding a demo's
    history, which happened before anybody could have subscribed."""
    token = _announce.set(False)
    try:
        yield
    finally:
        _announce.reset(token)


def _steps_add(kind: str, pairs) -> list[int]:
    """Record public steps ((contribution id, object id) pairs) and, after commit, notify their subscribers."""
    steps = PublicStep.objects.bulk_create(
        [
            PublicStep(contribution_id=contribution_id, kind=kind, object_id=object_id)
            for contribution_id, object_id in pairs
        ],
        batch_size=BULK_BATCH,
    )
    ids = [step.pk for step in steps if step.pk is not None]
    if not ids:  # some backends do not return ids from bulk inserts
        ids = list(
            PublicStep.objects.filter(kind=kind, object_id__in=[object_id for _c, object_id in pairs]).values_list(
                "pk", flat=True
            )
        )

    def enqueue():
        from teilhabe.administration.tasks import notifications_for_steps

        for start in range(0, len(ids), BULK_BATCH):
            notifications_for_steps.enqueue(step_ids=ids[start : start + BULK_BATCH])

    if _announce.get():
        transaction.on_commit(enqueue, robust=True)
    return ids


def _clean_required(text: str, field: str, message) -> str:
    text = clean_plain_text(text or "")
    if not text:
        raise ApplicationError(message, field_errors={field: message})
    return text


def _department_or_error(department, city_id, field: str) -> Department:
    if department is None or department.city_id != city_id:
        message = _("Please choose a department of this city.")
        raise ApplicationError(message, field_errors={field: message})
    return department


# Routing ---------------------------------------------------------------------------------------------------


@transaction.atomic
def routing_route(
    *,
    user,
    process,
    contributions,
    lead: Department,
    contributing=(),
    due_date: datetime.date | None = None,
) -> int:
    """Route contributions of ``process`` (one, a hand-picked set or a whole filtered queryset) to a lead
    department and optional contributing departments, due ``due_date`` (default: the process's
    ``answer_due_days`` from today). Returns how many contributions were routed.

    Re-routing keeps the history: active routings to departments no longer named are ended as re-routed, those
    named again keep their assignment; a statement of a former lead that is not published yet is withdrawn.
    Routing a decided contribution again leaves its decision standing.
    """
    _require(user, "administration.route_contributions", process)
    lead = _department_or_error(lead, process.city_id, "lead")
    contributing = [_department_or_error(d, process.city_id, "contributing") for d in contributing]
    contributing = sorted({d.pk: d for d in contributing if d.pk != lead.pk}.values(), key=lambda d: d.pk)
    today = timezone.localdate()
    if due_date is None:
        due_date = today + datetime.timedelta(days=process.answer_due_days)
    elif due_date < today:
        message = _("The due date cannot be in the past.")
        raise ApplicationError(message, field_errors={"due_date": message})

    if isinstance(contributions, list | tuple | set | frozenset):
        ids = sorted({c.pk if isinstance(c, Contribution) else int(c) for c in contributions})
        found = Contribution.objects.filter(pk__in=ids, process=process).filter(answerable_q())
        rows = list(found.values_list("pk", flat=True))
        if len(rows) != len(ids):
            raise ApplicationError(_("Only published contributions of this process can be routed."))
    else:
        rows = sorted(contributions.filter(process=process).filter(answerable_q()).values_list("pk", flat=True))
    if not rows:
        raise ApplicationError(_("No contribution to route: the selection is empty."))

    wanted = {lead.pk: RoutingRole.LEAD, **{d.pk: RoutingRole.CONTRIBUTING for d in contributing}}
    now = timezone.now()
    new_routings, ended = [], 0
    for start in range(0, len(rows), BULK_BATCH):
        batch = rows[start : start + BULK_BATCH]
        active = {}
        for routing in Routing.objects.select_for_update().filter(contribution_id__in=batch, state=RoutingState.ACTIVE):
            active.setdefault(routing.contribution_id, []).append(routing)
        end_ids, keep_due_ids = [], []
        for contribution_id in batch:
            kept = set()
            for routing in active.get(contribution_id, []):
                if wanted.get(routing.department_id) == routing.role:
                    kept.add(routing.department_id)
                    keep_due_ids.append(routing.pk)
                else:
                    end_ids.append(routing.pk)
            for department_id, role in wanted.items():
                if department_id not in kept:
                    new_routings.append(
                        Routing(
                            contribution_id=contribution_id,
                            department_id=department_id,
                            role=role,
                            due_date=due_date,
                            routed_by=user,
                            created_at=now,
                            updated_at=now,
                        )
                    )
        if end_ids:
            ended += Routing.objects.filter(pk__in=end_ids).update(
                state=RoutingState.SUPERSEDED, ended_at=now, ended_by=user, updated_at=now
            )
        if keep_due_ids:
            Routing.objects.filter(pk__in=keep_due_ids).update(due_date=due_date, updated_at=now)
        # A statement of a department that no longer leads is withdrawn (a published one stays).
        Statement.objects.filter(
            contribution_id__in=batch,
            state__in=[StatementState.DRAFT, StatementState.IN_REVIEW, StatementState.SIGNED_OFF],
        ).exclude(department_id=lead.pk).update(state=StatementState.WITHDRAWN, updated_at=now)
        # The answer path: routed (a statement in the works for the new lead, or a later state, stays).
        existing = set(AnswerPath.objects.filter(contribution_id__in=batch).values_list("contribution_id", flat=True))
        new_paths = [pk for pk in batch if pk not in existing]
        channels = dict(Contribution.objects.filter(pk__in=new_paths).values_list("pk", "channel")) if new_paths else {}
        AnswerPath.objects.bulk_create(
            [
                AnswerPath(contribution_id=pk, process_id=process.pk, state=AnswerState.ROUTED, channel=channels[pk])
                for pk in new_paths
            ],
            batch_size=BULK_BATCH,
        )
        paths = AnswerPath.objects.filter(contribution_id__in=batch)
        paths.update(lead_department_id=lead.pk, due_date=due_date, routed_at=now, returned_at=None)
        in_progress = set(
            Statement.objects.filter(contribution_id__in=batch, department_id=lead.pk)
            .exclude(state__in=[StatementState.WITHDRAWN, StatementState.PUBLISHED])
            .values_list("contribution_id", flat=True)
        )
        paths.filter(state=AnswerState.RECEIVED).update(state=AnswerState.ROUTED)
        paths.filter(state__in=[AnswerState.ROUTED, AnswerState.STATEMENT_IN_PROGRESS]).exclude(
            contribution_id__in=in_progress
        ).update(state=AnswerState.ROUTED)
        paths.filter(state=AnswerState.ROUTED, contribution_id__in=in_progress).update(
            state=AnswerState.STATEMENT_IN_PROGRESS
        )
    Routing.objects.bulk_create(new_routings, batch_size=BULK_BATCH)
    # A public step where the lead department is new; a changed list of contributing departments is internal.
    new_leads = [routing.contribution_id for routing in new_routings if routing.role == RoutingRole.LEAD]
    lead_steps = []
    for start in range(0, len(new_leads), BULK_BATCH):
        lead_steps += Routing.objects.filter(
            contribution_id__in=new_leads[start : start + BULK_BATCH], state=RoutingState.ACTIVE, role=RoutingRole.LEAD
        ).values_list("contribution_id", "pk")
    _steps_add(PublicStepKind.ROUTED, sorted(lead_steps))
    audit_record(
        actor=user,
        action="routing.routed",
        obj=ManyRows(Routing),
        data={
            "process": process.pk,
            "contributions": rows,
            "lead": lead.pk,
            "contributing": [d.pk for d in contributing],
            "due_date": due_date.isoformat(),
            "created": len(new_routings),
            "ended": ended,
        },
    )
    _changed([process.pk], rows)
    return len(rows)


@transaction.atomic
def routing_assign(*, user, routing: Routing, assignee) -> Routing:
    """Assign a routed contribution to a member of the routing's department (``None`` clears it)."""
    routing = Routing.objects.select_for_update().select_related("contribution").get(pk=routing.pk)
    _require(user, "administration.assign_routing", routing)
    if (
        assignee is not None
        and not DepartmentMembership.objects.filter(department_id=routing.department_id, user=assignee).exists()
    ):
        message = _("Please choose a member of this department.")
        raise ApplicationError(message, field_errors={"assignee": message})
    routing.assigned_to = assignee
    routing.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        actor=user,
        action="routing.assigned",
        obj=routing,
        data={"assignee": assignee.pk if assignee else None, "contribution": routing.contribution_id},
    )
    _changed([routing.contribution.process_id], [])
    return routing


@transaction.atomic
def routing_return(*, user, routing: Routing, reason: str) -> Routing:
    """The department hands a contribution back to the coordinators, with a reason.

    A lead department's return leaves the contribution without a lead (its unpublished statement is withdrawn)
    until a coordinator routes it again; the answer path shows it as handed back.
    """
    routing = Routing.objects.select_for_update().select_related("contribution").get(pk=routing.pk)
    _require(user, "administration.return_routing", routing)
    reason = _clean_required(reason, "reason", _("Please say why you hand this contribution back."))
    now = timezone.now()
    routing.state = RoutingState.RETURNED
    routing.return_reason = reason
    routing.ended_at = now
    routing.ended_by = user
    routing.save(update_fields=["state", "return_reason", "ended_at", "ended_by", "updated_at"])
    contribution = routing.contribution
    if routing.role == RoutingRole.LEAD:
        Statement.objects.filter(
            contribution=contribution,
            department_id=routing.department_id,
            state__in=[StatementState.DRAFT, StatementState.IN_REVIEW, StatementState.SIGNED_OFF],
        ).update(state=StatementState.WITHDRAWN, updated_at=now)
        path = AnswerPath.objects.select_for_update().get(contribution=contribution)
        path.lead_department = None
        path.returned_at = now
        if path.state in (AnswerState.ROUTED, AnswerState.STATEMENT_IN_PROGRESS):
            path.state = AnswerState.RECEIVED
        path.save(update_fields=["lead_department", "returned_at", "state"])
    audit_record(
        actor=user,
        action="routing.returned",
        obj=routing,
        data={"contribution": contribution.pk, "department": routing.department_id, "role": routing.role},
    )
    _changed([contribution.process_id], [contribution.pk])
    return routing


@transaction.atomic
def routing_withdraw(*, user, contribution: Contribution) -> int:
    """The author withdraws a contribution while departments work on it (a council withdraws its statement before
    the answer: ``councils.services.position_withdraw``, which asks who may and takes the contribution out of the
    public lists). Every active routing ends as withdrawn, a department's unpublished statement is withdrawn, and
    the answer path has no lead any more; a published answer stays (the caller refuses once there is one).
    Returns how many routings ended."""
    now = timezone.now()
    routings = list(
        Routing.objects.select_for_update().filter(contribution=contribution, state=RoutingState.ACTIVE).order_by("pk")
    )
    for routing in routings:
        routing.state = RoutingState.WITHDRAWN
        routing.ended_at = now
        routing.ended_by = user
        routing.save(update_fields=["state", "ended_at", "ended_by", "updated_at"])
    Statement.objects.filter(
        contribution=contribution,
        state__in=[StatementState.DRAFT, StatementState.IN_REVIEW, StatementState.SIGNED_OFF],
    ).update(state=StatementState.WITHDRAWN, updated_at=now)
    path = AnswerPath.objects.select_for_update().filter(contribution=contribution).first()
    if path is not None and path.state in (AnswerState.ROUTED, AnswerState.STATEMENT_IN_PROGRESS):
        path.lead_department = None
        path.state = AnswerState.RECEIVED
        path.save(update_fields=["lead_department", "state"])
    audit_record(
        actor=user,
        action="routing.withdrawn",
        obj=contribution,
        data={"routings": [routing.pk for routing in routings]},
    )
    _changed([contribution.process_id], [contribution.pk])
    return len(routings)


# Statements ------------------------------------------------------------------------------------------------


def _lead_department_id(contribution) -> int | None:
    return (
        Routing.objects.filter(contribution=contribution, state=RoutingState.ACTIVE, role=RoutingRole.LEAD)
        .values_list("department_id", flat=True)
        .first()
    )


def _statement_locked(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().select_related("contribution").get(pk=statement.pk)


def _path_state(contribution_id: int, state: str, **fields) -> None:
    """Move the answer path on, never back from a decision (a decided contribution stays decided)."""
    path = AnswerPath.objects.select_for_update().get(contribution_id=contribution_id)
    if path.state != AnswerState.DISPOSED:
        path.state = state
    for name, value in fields.items():
        setattr(path, name, value)
    path.save()


@transaction.atomic
def statement_save(*, user, contribution: Contribution, text: str) -> Statement:
    """Start or edit the lead department's draft statement. Only a draft can be edited."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    _require(user, "administration.draft_statement", contribution)
    text = clean_plain_text(text or "")
    statement = (
        Statement.objects.select_for_update()
        .filter(contribution=contribution)
        .exclude(state=StatementState.WITHDRAWN)
        .first()
    )
    if statement is None:
        statement = Statement.objects.create(
            contribution=contribution, department_id=_lead_department_id(contribution), text=text, drafted_by=user
        )
        action = "statement.drafted"
    elif statement.state != StatementState.DRAFT:
        raise Conflict(
            _("Only a draft can be edited. This statement is: %(state)s.") % {"state": statement.get_state_display()}
        )
    else:
        statement.text = text
        statement.save(update_fields=["text", "updated_at"])
        action = "statement.edited"
    _path_state(contribution.pk, AnswerState.STATEMENT_IN_PROGRESS)
    audit_record(actor=user, action=action, obj=statement, data={"contribution": contribution.pk, "length": len(text)})
    _changed([contribution.process_id], [])
    return statement


@transaction.atomic
def statement_input_add(*, user, contribution: Contribution, text: str) -> StatementInput:
    """A contributing department adds its input for the lead department's statement."""
    _require(user, "administration.add_statement_input", contribution)
    text = _clean_required(text, "text", _("Please write your department's input."))
    departments = sorted(
        department_ids_of(user) & routed_department_ids(contribution.pk, role=RoutingRole.CONTRIBUTING)
    )
    entry = StatementInput.objects.create(
        contribution=contribution, department_id=departments[0], author=user, text=text
    )
    audit_record(
        actor=user,
        action="statement.input_added",
        obj=entry,
        data={"contribution": contribution.pk, "department": departments[0]},
    )
    return entry


@transaction.atomic
def statement_submit(*, user, statement: Statement) -> Statement:
    """Draft → awaiting sign-off by the head of the department."""
    statement = _statement_locked(statement)
    _require(user, "administration.submit_statement", statement, _statement_refusal(statement, "submit"))
    if not statement.text.strip():
        message = _("Please write the statement before submitting it.")
        raise ApplicationError(message, field_errors={"text": message})
    statement.state = StatementState.IN_REVIEW
    statement.submitted_at = timezone.now()
    statement.save(update_fields=["state", "submitted_at", "updated_at"])
    audit_record(
        actor=user, action="statement.submitted", obj=statement, data={"contribution": statement.contribution_id}
    )
    _changed([statement.contribution.process_id], [])
    return statement


@transaction.atomic
def statement_review(*, user, statement: Statement, sign_off: bool, comment: str = "") -> Statement:
    """The head of the department signs a submitted statement off, or returns it to draft with a comment."""
    statement = _statement_locked(statement)
    _require(user, "administration.sign_off_statement", statement, _statement_refusal(statement, "sign_off"))
    comment = clean_plain_text(comment or "")
    if not sign_off and not comment:
        message = _("Please say what should change before it can be signed off.")
        raise ApplicationError(message, field_errors={"comment": message})
    now = timezone.now()
    if sign_off:
        statement.state = StatementState.SIGNED_OFF
        statement.signed_off_by = user
        statement.signed_off_at = now
    else:
        statement.state = StatementState.DRAFT
    statement.save(update_fields=["state", "signed_off_by", "signed_off_at", "updated_at"])
    review = StatementReview.objects.create(
        statement=statement,
        reviewer=user,
        decision=ReviewDecision.SIGNED_OFF if sign_off else ReviewDecision.RETURNED,
        comment=comment,
    )
    audit_record(
        actor=user,
        action="statement.signed_off" if sign_off else "statement.returned",
        obj=statement,
        data={"contribution": statement.contribution_id, "review": review.pk},
    )
    _changed([statement.contribution.process_id], [])
    return statement


@transaction.atomic
def statement_publish(*, user, statement: Statement) -> Statement:
    """Publish a signed-off statement: it appears on the contribution's page and its subscribers are told."""
    statement = _statement_locked(statement)
    _require(user, "administration.publish_statement", statement, _statement_refusal(statement, "publish"))
    now = timezone.now()
    statement.state = StatementState.PUBLISHED
    statement.published_at = now
    statement.save(update_fields=["state", "published_at", "updated_at"])
    _path_state(statement.contribution_id, AnswerState.STATEMENT_PUBLISHED, answered_at=now)
    _steps_add(PublicStepKind.STATEMENT_PUBLISHED, [(statement.contribution_id, statement.pk)])
    audit_record(
        actor=user, action="statement.published", obj=statement, data={"contribution": statement.contribution_id}
    )
    _changed([statement.contribution.process_id], [statement.contribution_id])
    return statement


def _statement_refusal(statement: Statement, transition: str):
    """Why a statement transition is refused, in words a member of staff understands."""
    if statement.state == StatementState.WITHDRAWN:
        return _("This statement was withdrawn: the contribution was routed elsewhere or handed back.")
    needed = {
        "submit": StatementState.DRAFT,
        "sign_off": StatementState.IN_REVIEW,
        "publish": StatementState.SIGNED_OFF,
    }[transition]
    if statement.state != needed:
        return {
            "submit": _("Only a draft can be submitted for sign-off."),
            "sign_off": _("Only a statement submitted for sign-off can be signed off or returned."),
            "publish": _("Only a statement signed off by the head of the department can be published."),
        }[transition]
    return {
        "submit": _("Only staff of the lead department can submit its statement."),
        "sign_off": _("Only the head of the lead department can sign off its statement."),
        "publish": _("Only staff of the lead department or a coordinator can publish the statement."),
    }[transition]


def _translation_save(*, user, obj, field: str, language: str, text: str) -> None:
    """A checked translation of a staff text on the answer path (statement or justification) into another
    offered language; its contribution's page and its process's figures become stale."""
    if language not in {code for code, _name in settings.LANGUAGES} or language == settings.LANGUAGE_CODE:
        message = _("Please choose a language from the list.")
        raise ApplicationError(message, field_errors={"language": message})
    text = _clean_required(text, "text", _("Please write the translation."))
    content_translation_set(obj=obj, field=field, language=language, text=text, state="checked", actor=user)
    _changed([obj.contribution.process_id], [obj.contribution_id])


@transaction.atomic
def statement_translation_set(*, user, statement: Statement, language: str, text: str) -> None:
    """A translation of a statement, checked by a person (machine translations come by the same path)."""
    _require(user, "administration.translate_statement", statement)
    _translation_save(user=user, obj=statement, field="text", language=language, text=text)


# Dispositions ----------------------------------------------------------------------------------------------


@transaction.atomic
def disposition_decide(
    *,
    user,
    process,
    contributions,
    outcome: str,
    justification: str,
    forwarded_to: str = "",
    group_title: str = "",
) -> list[Disposition]:
    """Decide one contribution, or several similar ones together (then they form a group, and each keeps its
    own record). A new decision on a decided contribution is a new version; the earlier ones stay."""
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Please choose a decision.")
    justification = clean_plain_text(justification or "")
    if not justification:
        errors["justification"] = _("Please justify the decision.")
    forwarded_to = clean_plain_text(forwarded_to or "")
    if outcome == Outcome.OUTSIDE_COMPETENCE and not forwarded_to:
        errors["forwarded_to"] = _("Please say to whom it was forwarded.")
    if outcome != Outcome.OUTSIDE_COMPETENCE:
        forwarded_to = ""
    contributions = list(contributions)
    if not contributions:
        errors["contributions"] = _("Please choose at least one contribution.")
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    locked = list(Contribution.objects.select_for_update().filter(pk__in=[c.pk for c in contributions]).order_by("pk"))
    for contribution in locked:
        if contribution.process_id != process.pk:
            raise ApplicationError(_("Only contributions of this process can be decided together."))
        _require(user, "administration.dispose_contribution", contribution)
    group = None
    if len(locked) > 1 or group_title:
        group = DispositionGroup.objects.create(
            process=process, title=clean_plain_text(group_title) or _("Similar contributions"), created_by=user
        )
    now = timezone.now()
    made = []
    for contribution in locked:
        previous = Disposition.objects.filter(contribution=contribution).order_by("-version").first()
        Disposition.objects.filter(contribution=contribution, is_current=True).update(is_current=False)
        disposition = Disposition.objects.create(
            contribution=contribution,
            version=(previous.version + 1) if previous else 1,
            outcome=outcome,
            justification=justification,
            forwarded_to=forwarded_to,
            group=group,
            decided_by=user,
        )
        path, _created = AnswerPath.objects.select_for_update().get_or_create(
            contribution=contribution, defaults={"process_id": process.pk}
        )
        path.state = AnswerState.DISPOSED
        path.outcome = outcome
        path.disposed_at = now
        path.save()
        audit_record(
            actor=user,
            action="disposition.decided" if previous is None else "disposition.changed",
            obj=disposition,
            data={
                "contribution": contribution.pk,
                "outcome": outcome,
                "version": disposition.version,
                "group": group.pk if group else None,
            },
        )
        made.append(disposition)
    _steps_add(PublicStepKind.DISPOSED, [(d.contribution_id, d.pk) for d in made])
    _changed([process.pk], [c.pk for c in locked])
    return made


@transaction.atomic
def disposition_translation_set(*, user, disposition: Disposition, language: str, text: str) -> None:
    """A translation of a decision's justification (coordinators)."""
    _require(user, "administration.dispose_contribution", disposition.contribution)
    _translation_save(user=user, obj=disposition, field="justification", language=language, text=text)


# Internal notes --------------------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, user, contribution: Contribution, text: str) -> InternalNote:
    """An internal note for the contribution's departments and coordinators (never shown to the public)."""
    _require(user, "administration.add_note", contribution)
    text = _clean_required(text, "text", _("Please write a note."))
    mine = sorted(department_ids_of(user) & routed_department_ids(contribution.pk))
    note = InternalNote.objects.create(
        contribution=contribution, author=user, department_id=mine[0] if mine else None, text=text
    )
    audit_record(actor=user, action="internal_note.added", obj=note, data={"contribution": contribution.pk})
    return note


# Consideration table exports -------------------------------------------------------------------------------


@transaction.atomic
def consideration_export_request(*, user, process, format: str, filters: dict, language: str):
    """A coordinator asks for the consideration table of ``process`` as a file: the export is queued and made in
    the background (``tasks.consideration_export_make``). ``filters`` are ``ConsiderationFilters.to_dict()``;
    the headings will be in ``language`` (kept with the filters, under ``"language"``)."""
    from teilhabe.administration.models import ConsiderationExport, ExportFormat

    _require(user, "administration.view_consideration_table", process)
    if format not in ExportFormat.values:
        message = _("Please choose a format from the list.")
        raise ApplicationError(message, field_errors={"format": message})
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    if format == ExportFormat.PDF:
        from teilhabe.administration.consideration import ConsiderationFilters, consideration_queryset, pdf_refusal

        refusal = pdf_refusal(consideration_queryset(process, ConsiderationFilters.from_dict(filters)).count())
        if refusal:
            raise ApplicationError(refusal, field_errors={"format": refusal})
    export = ConsiderationExport.objects.create(
        process=process, format=format, filters={**filters, "language": language}, requested_by=user
    )
    audit_record(
        actor=user,
        action="consideration_export.requested",
        obj=export,
        data={"process": process.pk, "format": format, "filters": filters},
    )

    def enqueue():
        from teilhabe.administration.tasks import consideration_export_make

        consideration_export_make.enqueue(export_id=export.pk)

    transaction.on_commit(enqueue, robust=True)
    return export


def consideration_export_run(*, export_id: int) -> str:
    """Make a queued export (the task's work): claim it with a conditional update (queued → running), so that a
    second run of the task does nothing; write the file, counting the rows as they go; then done, or failed.

    Not one transaction: the progress must be visible while the file is written. Each step is atomic.
    """
    import hashlib
    import tempfile

    from django.core.files import File

    from teilhabe.administration.consideration import (
        ConsiderationFilters,
        consideration_queryset,
        consideration_table_filename,
        consideration_table_write,
    )
    from teilhabe.administration.models import ConsiderationExport, ExportState

    claimed = ConsiderationExport.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    export = ConsiderationExport.objects.select_related("process").get(pk=export_id)
    stored = dict(export.filters)
    language = stored.pop("language", settings.LANGUAGE_CODE)
    filters = ConsiderationFilters.from_dict(stored)
    total = consideration_queryset(export.process, filters).count()
    ConsiderationExport.objects.filter(pk=export_id).update(rows_total=total)

    def progress(done: int) -> None:
        # updated_at is the export's heartbeat: one that stops beating is made again (consideration_exports_recover)
        ConsiderationExport.objects.filter(pk=export_id).update(rows_done=min(done, total), updated_at=timezone.now())

    try:
        with tempfile.TemporaryFile() as scratch:
            consideration_table_write(
                process=export.process,
                format=export.format,
                out=scratch,
                language=language,
                filters=filters,
                progress=progress,
            )
            scratch.seek(0)
            digest = hashlib.sha256()
            for block in iter(lambda: scratch.read(1 << 20), b""):
                digest.update(block)
            scratch.seek(0)
            name = consideration_table_filename(export.process, export.format)
            with transaction.atomic():
                export.file.save(name, File(scratch, name=name), save=False)
                export.sha256 = digest.hexdigest()
                export.state = ExportState.DONE
                export.finished_at = timezone.now()
                export.rows_done = total
                export.save(update_fields=["file", "sha256", "state", "finished_at", "rows_done", "updated_at"])
                audit_record(
                    actor=export.requested_by,
                    action="consideration_export.made",
                    obj=export,
                    data={"rows": total, "sha256": export.sha256, "format": export.format},
                )
    except Exception:
        logger.exception("Consideration table export %s failed", export_id)
        ConsiderationExport.objects.filter(pk=export_id).update(
            state=ExportState.FAILED, finished_at=timezone.now(), updated_at=timezone.now()
        )
        return "failed"
    return "done"


EXPORT_STALE_AFTER = datetime.timedelta(minutes=15)  # no progress for this long: the worker making it is gone


def consideration_exports_recover(*, now=None) -> int:
    """Queue again the exports whose worker died (running, no progress for ``EXPORT_STALE_AFTER``) or whose task
    never reached the queue (queued as long); a housekeeping job. Each is taken back with a conditional update on
    its last heartbeat, and the task claims it again, so two runs at once make it once. Returns how many."""
    from teilhabe.administration.models import ConsiderationExport, ExportState
    from teilhabe.administration.tasks import consideration_export_make

    now = now or timezone.now()
    stale = ConsiderationExport.objects.filter(
        state__in=[ExportState.QUEUED, ExportState.RUNNING], updated_at__lt=now - EXPORT_STALE_AFTER
    )
    requeued = 0
    for pk, beat in stale.values_list("pk", "updated_at"):
        taken = ConsiderationExport.objects.filter(pk=pk, updated_at=beat).update(
            state=ExportState.QUEUED, rows_done=0, updated_at=now
        )
        if taken:
            audit_record(actor=None, action="consideration_export.requeued", obj=ConsiderationExport(pk=pk))
            transaction.on_commit(lambda pk=pk: consideration_export_make.enqueue(export_id=pk), robust=True)
            requeued += 1
    return requeued


# == notifications (helper "notify") ========================================================================
# Mails about public steps: authors are subscribed when their contribution takes its first step (never again
# once they unsubscribed), readers opt in. Every mail is claimed with a conditional update before it is sent,
# so a task or job that runs twice sends nothing twice (at most once: a claimed mail is never sent again).

NOTIFY_RETRY_AFTER = datetime.timedelta(minutes=15)  # a step's mail not sent by then is sent by housekeeping
NOTIFY_GIVE_UP_AFTER = datetime.timedelta(days=3)  # older unsent notifications are not sent any more


def _subscription_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def _active_notifications_q() -> Q:
    """Notifications of subscriptions still wanted, to a recipient that still exists."""
    return Q(subscription__unsubscribed_at__isnull=True) & (
        Q(subscription__user__isnull=True) | Q(subscription__user__is_active=True)
    )


def _authors_subscribe(contribution_ids) -> int:
    """Subscribe the authors of these contributions who have no subscription yet: an account in its preferred
    language, an anonymous author at the confirmed address in the language they wrote in. An unconfirmed
    address, analog input without an account, and an author who unsubscribed get none."""
    rows = Contribution.objects.filter(pk__in=contribution_ids).values_list(
        "pk",
        "author_id",
        "author__is_active",
        "author__preferred_language",
        "author_email",
        "email_confirmed_at",
        "author_language",
    )
    known = Subscription.objects.filter(contribution_id__in=contribution_ids)
    known_users = set(known.filter(user__isnull=False).values_list("contribution_id", "user_id"))
    known_emails = {
        (contribution_id, email.lower())
        for contribution_id, email in known.filter(user__isnull=True).values_list("contribution_id", "email")
    }
    new = []
    for pk, author_id, active, preferred, email, confirmed_at, author_language in rows:
        if author_id is not None:
            if active and (pk, author_id) not in known_users:
                language = supported_language(preferred or author_language)
                new.append(Subscription(contribution_id=pk, user_id=author_id, language=language))
        elif email and confirmed_at is not None and (pk, email.lower()) not in known_emails:
            new.append(Subscription(contribution_id=pk, email=email, language=supported_language(author_language)))
    for subscription in new:
        subscription.reason, subscription.token = SubscriptionReason.AUTHOR, _subscription_token()
    Subscription.objects.bulk_create(new, ignore_conflicts=True, batch_size=BULK_BATCH)
    return len(new)


def _recipient(subscription: Subscription) -> tuple[str, str]:
    """The address and language of a subscription's recipient (an account's current preference first)."""
    user = subscription.user
    if user is not None:
        return user.email, supported_language(user.preferred_language or subscription.language)
    return subscription.email, supported_language(subscription.language)


def _unsubscribe_url(subscription: Subscription, *, everything: bool = False) -> str:
    url = settings.SITE_URL + reverse("administration:unsubscribe", kwargs={"token": subscription.token})
    return url + "?scope=all" if everything else url


def _contribution_url(contribution_id: int) -> str:
    return settings.SITE_URL + reverse("contributions:detail", kwargs={"pk": contribution_id})


def _unsubscribe_headers(url: str) -> dict:
    """RFC 2369 and RFC 8058: a mail program's "unsubscribe" button posts once to this address."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _claim(notification_id: int) -> bool:
    """Take one notification for sending; False when another run took it first."""
    claimed = Notification.objects.filter(pk=notification_id, claimed_at__isnull=True).update(claimed_at=timezone.now())
    return claimed == 1


def _step_mails_send(notifications, connection) -> int:
    """Send one mail per notification (each claimed first); returns how many left."""
    rows = list(notifications.select_related("subscription__user", "step").order_by("pk"))
    if not rows:
        return 0
    details = StepMailDetails([notification.step for notification in rows])
    sent = 0
    for notification in rows:
        subscription = notification.subscription
        address, language = _recipient(subscription)
        if not _claim(notification.pk):
            continue
        item = details.describe(notification.step, language)
        if item is None:  # what the step names is gone: nothing to tell (stays claimed, never sent)
            continue
        is_author = subscription.reason == SubscriptionReason.AUTHOR
        url = _unsubscribe_url(subscription)
        try:
            send_localised_mail(
                to=[address],
                language=language,
                subject=gettext_lazy("News about your contribution")
                if is_author
                else gettext_lazy("News about a contribution you follow"),
                template="administration/email/step",
                context={
                    "step": item,
                    "is_author": is_author,
                    "contribution_id": notification.step.contribution_id,
                    "contribution_url": _contribution_url(notification.step.contribution_id),
                    "unsubscribe_url": url,
                },
                headers=_unsubscribe_headers(url),
                connection=connection,
            )
        except Exception:  # noqa: BLE001 - logged; released, so that housekeeping tries again
            logger.exception("Notification %s could not be sent.", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(claimed_at=None)
            continue
        Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def notifications_for_steps(*, step_ids) -> int:
    """Notify the subscribers of these public steps (the task ``notifications_for_steps`` runs this).

    Subscribes the authors who have no subscription yet, records one notification per active subscription and
    step (a second run adds none), and sends those delivered at each step at once; daily digests collect the
    rest (``notifications_send_digests``). A step of a contribution no longer answerable (removed) notifies
    nobody. Queries per batch of 2,000 steps are constant, plus a claim and a mark per mail sent. Returns how
    many mails were sent.
    """
    ids = sorted({int(pk) for pk in step_ids})
    sent = 0
    connection = get_connection()
    for start in range(0, len(ids), BULK_BATCH):
        batch = ids[start : start + BULK_BATCH]
        with transaction.atomic():
            steps = list(
                PublicStep.objects.filter(pk__in=batch)
                .filter(answerable_q("contribution__"))
                .values_list("pk", "contribution_id")
            )
            contribution_ids = sorted({contribution_id for _pk, contribution_id in steps})
            _authors_subscribe(contribution_ids)
            subscribers = defaultdict(list)
            active = Subscription.objects.filter(contribution_id__in=contribution_ids, unsubscribed_at__isnull=True)
            for pk, contribution_id in active.filter(Q(user__isnull=True) | Q(user__is_active=True)).values_list(
                "pk", "contribution_id"
            ):
                subscribers[contribution_id].append(pk)
            Notification.objects.bulk_create(
                [
                    Notification(subscription_id=subscription_id, step_id=step_id)
                    for step_id, contribution_id in steps
                    for subscription_id in subscribers[contribution_id]
                ],
                ignore_conflicts=True,
                batch_size=BULK_BATCH,
            )
        due = Notification.objects.filter(
            _active_notifications_q(),
            step_id__in=[step_id for step_id, _c in steps],
            subscription__delivery=Delivery.EACH_STEP,
            claimed_at__isnull=True,
            sent_at__isnull=True,
        )
        sent += _step_mails_send(due, connection)
    return sent


def notifications_send_pending(*, now=None) -> int:
    """Send the step mails that should have left but did not (a failed send, a task that died before it ran),
    up to ``NOTIFY_GIVE_UP_AFTER`` old. Safe to run any time: each is claimed before it is sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        _active_notifications_q(),
        subscription__delivery=Delivery.EACH_STEP,
        claimed_at__isnull=True,
        sent_at__isnull=True,
        created_at__lte=now - NOTIFY_RETRY_AFTER,
        created_at__gte=now - NOTIFY_GIVE_UP_AFTER,
    )
    connection = get_connection()
    sent, after = 0, 0
    while True:
        ids = list(pending.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BULK_BATCH])
        if not ids:
            return sent
        sent += _step_mails_send(Notification.objects.filter(pk__in=ids), connection)
        after = ids[-1]


def _digest_period() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.TEILHABE_NOTIFICATION_DIGEST_HOURS)


def notifications_send_digests(*, now=None) -> int:
    """One mail per recipient with every step pending for their daily-digest subscriptions, once the oldest of
    them waited ``TEILHABE_NOTIFICATION_DIGEST_HOURS`` (24): run hourly by housekeeping, so each recipient gets
    at most one summary a day, about a day after the first news in it. Returns how many mails were sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        _active_notifications_q(),
        subscription__delivery=Delivery.DAILY_DIGEST,
        claimed_at__isnull=True,
        sent_at__isnull=True,
        created_at__gte=now - NOTIFY_GIVE_UP_AFTER - _digest_period(),
    )
    cutoff = now - _digest_period()
    users = list(
        pending.filter(subscription__user__isnull=False)
        .values("subscription__user_id")
        .annotate(oldest=Min("created_at"))
        .filter(oldest__lte=cutoff)
        .values_list("subscription__user_id", flat=True)
    )
    addresses = list(
        pending.filter(subscription__user__isnull=True)
        .annotate(address=Lower("subscription__email"))
        .values("address")
        .annotate(oldest=Min("created_at"))
        .filter(oldest__lte=cutoff)
        .values_list("address", flat=True)
    )
    connection = get_connection()
    sent = 0
    chunk = 500
    for start in range(0, len(users), chunk):
        rows = pending.filter(subscription__user_id__in=users[start : start + chunk])
        sent += _digests_send(rows, connection)
    for start in range(0, len(addresses), chunk):
        rows = pending.filter(subscription__user__isnull=True).annotate(address=Lower("subscription__email"))
        sent += _digests_send(rows.filter(address__in=addresses[start : start + chunk]), connection)
    return sent


def _digests_send(notifications, connection) -> int:
    rows = list(notifications.select_related("subscription__user", "step").order_by("step__created_at", "pk"))
    if not rows:
        return 0
    by_recipient = defaultdict(list)
    for notification in rows:
        subscription = notification.subscription
        key = ("user", subscription.user_id) if subscription.user_id else ("email", subscription.email.lower())
        by_recipient[key].append(notification)
    details = StepMailDetails([notification.step for notification in rows])
    sent = 0
    for notifications in by_recipient.values():
        claimed = [notification for notification in notifications if _claim(notification.pk)]
        if not claimed:
            continue
        latest = max(claimed, key=lambda notification: notification.subscription.created_at).subscription
        address, language = _recipient(latest)
        contributions = {}
        for notification in claimed:
            item = details.describe(notification.step, language)
            if item is None:
                continue
            subscription = notification.subscription
            entry = contributions.setdefault(
                subscription.contribution_id,
                {
                    "contribution_id": subscription.contribution_id,
                    "is_author": subscription.reason == SubscriptionReason.AUTHOR,
                    "url": _contribution_url(subscription.contribution_id),
                    "unsubscribe_url": _unsubscribe_url(subscription),
                    "steps": [],
                },
            )
            entry["steps"].append(item)
        if not contributions:
            continue
        everything = _unsubscribe_url(latest, everything=True)
        try:
            send_localised_mail(
                to=[address],
                language=language,
                subject=gettext_lazy("Your daily summary: news about contributions"),
                template="administration/email/digest",
                context={
                    "contributions": list(contributions.values()),
                    "unsubscribe_all_url": everything,
                    "settings_url": _unsubscribe_url(latest),
                },
                headers=_unsubscribe_headers(everything),
                connection=connection,
            )
        except Exception:  # noqa: BLE001 - logged; released, so that the next run tries again
            logger.exception("A daily summary could not be sent.")
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(claimed_at=None)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(sent_at=timezone.now())
        sent += 1
    return sent


def notifications_housekeeping() -> None:
    """The hourly housekeeping job (``TEILHABE_HOUSEKEEPING_JOBS``): late step mails, then the daily digests."""
    notifications_send_pending()
    notifications_send_digests()


@transaction.atomic
def subscription_subscribe(*, user, contribution: Contribution, delivery: str = Delivery.EACH_STEP) -> Subscription:
    """A signed-in reader asks for a mail at each step (or a daily summary) of a published contribution; an
    earlier unsubscribe is undone. Its author can opt in the same way before the first step."""
    _require(user, "administration.subscribe", contribution)
    if delivery not in Delivery.values:
        message = _("Please choose how you want to be notified.")
        raise ApplicationError(message, field_errors={"delivery": message})
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        contribution=contribution,
        user=user,
        defaults={
            "reason": SubscriptionReason.AUTHOR if contribution.author_id == user.pk else SubscriptionReason.SUPPORTER,
            "language": supported_language(user.preferred_language or translation.get_language()),
            "delivery": delivery,
            "token": _subscription_token(),
        },
    )
    if created:
        action = "subscription.created"
    elif subscription.unsubscribed_at is not None or subscription.delivery != delivery:
        action = "subscription.resumed" if subscription.unsubscribed_at is not None else "subscription.delivery_changed"
        subscription.unsubscribed_at = None
        subscription.delivery = delivery
        subscription.save(update_fields=["unsubscribed_at", "delivery", "updated_at"])
    else:
        return subscription  # subscribed like this already
    audit_record(
        actor=user,
        action=action,
        obj=subscription,
        data={"contribution": contribution.pk, "reason": subscription.reason, "delivery": delivery},
    )
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, everything: bool = False, one_click: bool = False) -> int:
    """Stop the mails of this subscription, or (``everything``) of every subscription to the same recipient.

    Holding the token from the mail is the permission: no sign-in. An author who unsubscribed is never
    subscribed again by a later step. Returns how many subscriptions ended (0 when they had already).
    """
    scope = subscription_recipient_q(subscription) if everything else Q(pk=subscription.pk)
    ids = list(
        Subscription.objects.select_for_update()
        .filter(scope, unsubscribed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    now = timezone.now()
    Subscription.objects.filter(pk__in=ids).update(unsubscribed_at=now, updated_at=now)
    audit_record(
        actor=None,
        action="subscription.unsubscribed",
        obj=subscription,
        data={"contribution": subscription.contribution_id, "subscriptions": ids, "one_click": one_click},
    )
    return len(ids)


@transaction.atomic
def subscription_delivery_set(*, subscription: Subscription, delivery: str) -> Subscription:
    """Switch between a mail at each step and one daily summary (the token from the mail is the permission)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if delivery not in Delivery.values:
        message = _("Please choose how you want to be notified.")
        raise ApplicationError(message, field_errors={"delivery": message})
    if subscription.unsubscribed_at is not None:
        raise Conflict(_("You have unsubscribed from these notifications."))
    if subscription.delivery == delivery:
        return subscription
    previous = subscription.delivery
    subscription.delivery = delivery
    subscription.save(update_fields=["delivery", "updated_at"])
    audit_record(
        actor=None,
        action="subscription.delivery_changed",
        obj=subscription,
        data={"contribution": subscription.contribution_id, "from": previous, "to": delivery},
    )
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: Subscription) -> Subscription:
    """Undo an unsubscribe from the settings page (the token from the mail is the permission)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.unsubscribed_at is None:
        return subscription
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["unsubscribed_at", "updated_at"])
    audit_record(
        actor=None,
        action="subscription.resumed",
        obj=subscription,
        data={"contribution": subscription.contribution_id},
    )
    return subscription
