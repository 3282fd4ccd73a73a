"""Reads for the answer path: who belongs to which department, what is routed where, a contribution's history."""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _

from teilhabe.administration.models import (
    AnswerPath,
    AnswerState,
    Delivery,
    Department,
    DepartmentMembership,
    Disposition,
    InternalNote,
    Outcome,
    PublicStepKind,
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
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.models import ContentTranslation
from teilhabe.core.selectors import LocalisedText, TranslationRow, content_translation_table, localise
from teilhabe.places.selectors import district_choices
from teilhabe.processes.models import FieldOfAction, Process
from teilhabe.processes.selectors import process_ids_coordinated_by


def answerable_q(prefix: str = "") -> Q:
    """Contributions that get an answer: the published ones, and analog input given without consent to
    publication (kept unpublished, but answered and decided like every other)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED}) | (
        Q(**{f"{prefix}status": Status.IN_MODERATION, f"{prefix}publication_consent": False})
        & ~Q(**{f"{prefix}channel": Channel.ONLINE})
    )


def answerable_contributions(*, process):
    """The contributions of ``process`` that get an answer (see ``answerable_q``)."""
    return Contribution.objects.filter(process=process).filter(answerable_q())


def statement_current(*, contribution_id: int) -> Statement | None:
    """The contribution's statement in the works or published (withdrawn ones are history), with its contribution."""
    return (
        Statement.objects.filter(contribution_id=contribution_id)
        .exclude(state=StatementState.WITHDRAWN)
        .select_related("contribution")
        .first()
    )


def disposition_current(*, contribution_id: int) -> Disposition | None:
    """The contribution's current decision (the newest version), if it has one."""
    return Disposition.objects.filter(contribution_id=contribution_id, is_current=True).first()


def contribution_answerable(contribution: Contribution) -> bool:
    if contribution.status == Status.PUBLISHED:
        return True
    return (
        contribution.status == Status.IN_MODERATION
        and not contribution.publication_consent
        and contribution.channel != Channel.ONLINE
    )


def department_ids_of(user) -> frozenset[int]:
    """The departments a person works in; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        rows = list(DepartmentMembership.objects.filter(user=user).values_list("department_id", "is_head"))
        cached = frozenset(department for department, _head in rows)
        user._department_ids = cached
        user._headed_department_ids = frozenset(department for department, head in rows if head)
    return cached


def department_ids_headed_by(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    department_ids_of(user)
    return user._headed_department_ids


def routed_department_ids(contribution_id: int, *, role: str | None = None) -> frozenset[int]:
    """Departments a contribution is actively routed to (as lead, contributing, or either)."""
    routings = Routing.objects.filter(contribution_id=contribution_id, state=RoutingState.ACTIVE)
    if role is not None:
        routings = routings.filter(role=role)
    return frozenset(routings.values_list("department_id", flat=True))


def withdrawn_department_ids(contribution_id: int) -> frozenset[int]:
    """Departments whose routing of the contribution ended because its author withdrew it."""
    routings = Routing.objects.filter(contribution_id=contribution_id, state=RoutingState.WITHDRAWN)
    return frozenset(routings.values_list("department_id", flat=True))


def active_routings(contribution_id: int) -> list[Routing]:
    """The contribution's active routings, lead first."""
    routings = Routing.objects.filter(contribution_id=contribution_id, state=RoutingState.ACTIVE).select_related(
        "department"
    )
    return sorted(routings, key=lambda routing: (routing.role != RoutingRole.LEAD, routing.department.code))


# == contribution work page, public timeline, group decisions (helper "work") ==================================
#
# Display values only: the templates print them. The public timeline shows public steps alone (routing to a
# lead department, a published statement, decisions); drafts, reviews, inputs, notes and assignments never
# reach it.


@dataclass(frozen=True)
class TimelineStep:
    """One step of "What happened to my contribution". ``upcoming`` steps are not reached yet."""

    kind: str  # received, published, routed, statement, decision
    heading: str
    when: datetime.datetime | datetime.date | None = None
    lines: tuple[str, ...] = ()
    text: LocalisedText | None = None  # a statement or a justification, in the reader's language if there is one
    upcoming: bool = False
    earlier: tuple[tuple[datetime.datetime, str], ...] = ()  # earlier decisions: (date, outcome label)


@dataclass(frozen=True)
class Timeline:
    steps: tuple[TimelineStep, ...]

    @property
    def fell_back(self) -> bool:
        """A statement or justification is shown in German because the reader's language is missing."""
        return any(step.text is not None and step.text.is_fallback for step in self.steps)


def channel_phrase(channel: str) -> str:
    """How a contribution came in, as the end of "Received …"."""
    phrases = {
        Channel.ONLINE: _("online"),
        Channel.WORKSHOP: _("at a workshop"),
        Channel.PAPER_FORM: _("by paper form"),
        Channel.LETTER: _("by letter"),
        Channel.EMAIL: _("by e-mail"),
        Channel.PHONE: _("by phone"),
        Channel.INFO_STAND: _("at an info stand"),
        Channel.DISTRICT_COUNCIL: _("through the district integration council"),
        Channel.EXPERT_GROUP: _("from an expert group"),
    }
    return str(phrases.get(channel, _("in another way")))


def _translations_of(objects_by_model, language: str) -> dict[tuple[int, int, str], TranslationRow]:
    """The translations into ``language`` of a few objects ({model: [ids]}), in one query:
    (content type id, object id, field) -> row."""
    if language == settings.LANGUAGE_CODE:
        return {}
    condition = Q()
    types = {}
    for model, ids in objects_by_model.items():
        ids = [pk for pk in ids if pk is not None]
        if ids:
            types[model] = ContentType.objects.get_for_model(model).pk
            condition |= Q(content_type_id=types[model], object_id__in=ids)
    if not types:
        return {}
    rows = ContentTranslation.objects.filter(condition, language=language).values_list(
        "content_type_id", "object_id", "field", "text", "state"
    )
    return {(type_id, object_id, field): TranslationRow(text, state) for type_id, object_id, field, text, state in rows}


def _localised(obj, field: str, language: str, table) -> LocalisedText:
    type_id = ContentType.objects.get_for_model(type(obj)).pk
    return localise(obj, field, language, {(pk, name): row for (t, pk, name), row in table.items() if t == type_id})


def contribution_timeline(contribution, language: str) -> Timeline:
    """The public timeline of ``contribution`` in ``language``: what has happened to it and what comes next.

    Four queries at most (routings, the published statement, the decisions, their translations); department
    names come from the cached translation table.
    """
    names = content_translation_table(Department, language)
    routings = list(
        Routing.objects.filter(contribution_id=contribution.pk)
        .select_related("department")
        .only("department__name", "role", "state", "created_at", "ended_at", "department_id", "contribution_id")
        .order_by("created_at", "id")
    )
    statement = (
        Statement.objects.filter(contribution_id=contribution.pk, state=StatementState.PUBLISHED)
        .select_related("department")
        .first()
    )
    decisions = list(Disposition.objects.filter(contribution_id=contribution.pk).order_by("-version"))
    current = decisions[0] if decisions else None
    table = _translations_of(
        {Statement: [statement.pk if statement else None], Disposition: [current.pk if current else None]}, language
    )

    def department_name(department) -> str:
        return localise(department, "name", language, names).text

    steps = [
        TimelineStep(
            "received",
            _("Received %(channel)s") % {"channel": channel_phrase(contribution.channel)},
            contribution.created_at,
            (
                (_("Dated %(date)s on the original.") % {"date": formats.date_format(contribution.original_date)},)
                if contribution.original_date
                else ()
            ),
        )
    ]
    if contribution.published_at and contribution.status == Status.PUBLISHED:
        steps.append(TimelineStep("published", _("Published on this site"), contribution.published_at))
    elif not contribution.publication_consent:
        steps.append(
            TimelineStep(
                "published",
                _("Not published"),
                lines=(_("It was given without consent to publication. It is answered all the same."),),
            )
        )
    else:
        steps.append(
            TimelineStep(
                "published",
                _("Not yet published"),
                lines=(_("Next: the moderation checks it; then it is published here."),),
                upcoming=True,
            )
        )

    leads = [routing for routing in routings if routing.role == RoutingRole.LEAD]
    for number, lead in enumerate(leads):
        helping = sorted(
            department_name(routing.department)
            for routing in routings
            if routing.role == RoutingRole.CONTRIBUTING
            and routing.created_at <= (lead.ended_at or routing.created_at)
            and (routing.ended_at is None or routing.ended_at > lead.created_at)
        )
        lines = [_("Lead department: %(name)s") % {"name": department_name(lead.department)}]
        if helping:
            lines.append(_("Also asked: %(names)s") % {"names": ", ".join(helping)})
        steps.append(
            TimelineStep(
                "routed",
                _("Passed to a department") if number == 0 else _("Passed to another department"),
                lead.created_at,
                tuple(lines),
            )
        )
    if not leads:
        steps.append(
            TimelineStep(
                "routed",
                _("Not yet passed to a department"),
                lines=(_("The coordinators pass it to the department responsible."),),
                upcoming=True,
            )
        )

    if statement is not None:
        steps.append(
            TimelineStep(
                "statement",
                _("Statement of %(department)s") % {"department": department_name(statement.department)},
                statement.published_at,
                text=_localised(statement, "text", language, table),
            )
        )
    else:
        steps.append(
            TimelineStep(
                "statement", _("No statement yet"), lines=(_("A department has not yet answered."),), upcoming=True
            )
        )

    if current is not None:
        lines = ()
        if current.forwarded_to:
            lines = (_("Forwarded to: %(whom)s") % {"whom": current.forwarded_to},)
        steps.append(
            TimelineStep(
                "decision",
                _("Decision: %(outcome)s") % {"outcome": current.get_outcome_display()},
                current.created_at,
                lines,
                text=_localised(current, "justification", language, table),
                earlier=tuple((earlier.created_at, earlier.get_outcome_display()) for earlier in decisions[1:]),
            )
        )
    else:
        steps.append(
            TimelineStep(
                "decision",
                _("Not yet decided"),
                lines=(_("The coordinators have not yet decided on it."),),
                upcoming=True,
            )
        )
    return Timeline(tuple(steps))


def _person(user) -> str:
    """How staff name a colleague: the display name, else the e-mail address."""
    if user is None:
        return ""
    return user.display_name or user.email


@dataclass(frozen=True)
class RoutingRow:
    pk: int
    department: str
    department_id: int
    role: str
    state: str
    is_active: bool
    due_date: datetime.date
    routed_by: str
    routed_at: datetime.datetime
    ended_at: datetime.datetime | None
    ended_by: str
    return_reason: str
    assigned_to_id: int | None
    assigned_to: str
    members: tuple[tuple[int, str], ...]  # (user id, name) of the department's staff, for the assignment
    routing: Routing  # for the permission questions the view asks


@dataclass(frozen=True)
class ContributionWork:
    """What the staff page of one contribution shows (``administration:work``)."""

    routings: tuple[RoutingRow, ...]
    path_state: str
    path_state_label: str
    due_date: datetime.date | None
    statement: Statement | None  # the current one (not withdrawn), reviews prefetched
    withdrawn: tuple[Statement, ...]
    inputs: tuple[StatementInput, ...]
    notes: tuple[InternalNote, ...]
    decisions: tuple[Disposition, ...]  # newest first
    fields: tuple[str, ...]
    entered_by: str


_work_sql: dict[tuple[str, str], tuple] = {}  # per worker and database: the SQL of each query, compiled once
_ANY_CONTRIBUTION = -987_654_321  # stands for the contribution's id while a query is compiled


def _work_rows(name: str, build, contribution_id: int) -> list:
    """The rows of ``build(id)`` for one contribution: model instances (values of joined tables as attributes),
    read by SQL the ORM compiled once per worker (as the process's children are), without building and compiling
    the query on every request."""
    key = (connection.vendor, name)
    compiled = _work_sql.get(key)
    if compiled is None:
        queryset = build(_ANY_CONTRIBUTION)
        sql, params = queryset.query.sql_with_params()
        compiled = _work_sql[key] = (queryset.model, sql, tuple(params))
    model, sql, params = compiled
    return list(model.objects.raw(sql, [contribution_id if p == _ANY_CONTRIBUTION else p for p in params]))


def _person_of(prefix: str) -> dict:
    """A colleague's name columns for ``_name`` (display name and e-mail address), by the foreign key ``prefix``."""
    return {f"{prefix}_display_name": F(f"{prefix}__display_name"), f"{prefix}_email": F(f"{prefix}__email")}


def _name(row, prefix: str) -> str:
    """How staff name a colleague (``_person``), from the columns ``_person_of`` read; "" without one."""
    return getattr(row, f"{prefix}_display_name") or getattr(row, f"{prefix}_email") or ""


def _department_of(prefix: str = "department") -> dict:
    return {"department_code": F(f"{prefix}__code"), "department_label": F(f"{prefix}__name")}


def _department_name(row) -> str:
    """A department as ``str(department)`` names it; "" without one."""
    return f"{row.department_code} {row.department_label}" if row.department_code is not None else ""


def _work_routings(pk):
    return (
        Routing.objects.filter(contribution_id=pk)
        .annotate(**_department_of(), **_person_of("routed_by"), **_person_of("assigned_to"), **_person_of("ended_by"))
        .order_by("created_at", "id")
    )


def _work_members(pk):
    """The staff of the departments the contribution is actively routed to (for the assignment)."""
    return (
        DepartmentMembership.objects.filter(
            department__routings__contribution_id=pk, department__routings__state=RoutingState.ACTIVE
        )
        .annotate(**_person_of("user"))
        .order_by("user__display_name", "user__email", "id")
    )


def _work_statements(pk):
    return (
        Statement.objects.filter(contribution_id=pk)
        .annotate(**_department_of(), **_person_of("drafted_by"), **_person_of("signed_off_by"))
        .order_by("created_at", "id")
    )


def _work_reviews(pk):
    return (
        StatementReview.objects.filter(statement__contribution_id=pk)
        .annotate(**_person_of("reviewer"))
        .order_by("created_at", "id")
    )


def _work_path(pk):
    return AnswerPath.objects.filter(contribution_id=pk).order_by()


def _work_inputs(pk):
    return (
        StatementInput.objects.filter(contribution_id=pk)
        .annotate(**_department_of(), **_person_of("author"))
        .order_by("created_at", "id")
    )


def _work_notes(pk):
    return (
        InternalNote.objects.filter(contribution_id=pk)
        .annotate(**_department_of(), **_person_of("author"))
        .order_by("created_at", "id")
    )


def _work_decisions(pk):
    return (
        Disposition.objects.filter(contribution_id=pk)
        .annotate(group_title=F("group__title"), **_person_of("decided_by"))
        .order_by("-version")
    )


def _work_fields(pk):
    return Contribution.fields_of_action.through.objects.filter(contribution_id=pk).order_by()


def contribution_work(contribution) -> ContributionWork:
    """Everything on the staff page of ``contribution``: routing history, statements, inputs, notes, decisions.

    One query per kind of row (each compiled once per worker, see ``_work_rows``), whatever the number of rows;
    names of people and departments come as display values. Each row's ``contribution`` is ``contribution``
    itself, so the page's permission questions load nothing again.
    """
    pk = contribution.pk
    routings = _work_rows("routings", _work_routings, pk)
    members = {}
    if any(routing.is_active for routing in routings):
        for membership in _work_rows("members", _work_members, pk):
            members.setdefault(membership.department_id, []).append((membership.user_id, _name(membership, "user")))
    # The page's permission questions (``rules._routed``) take the active routings from here.
    contribution.active_routing_roles = frozenset((r.department_id, r.role) for r in routings if r.is_active)
    rows = []
    for routing in routings:
        routing.contribution = contribution  # the permission questions of the page ask for it: not loaded again
        rows.append(
            RoutingRow(
                pk=routing.pk,
                department=_department_name(routing),
                department_id=routing.department_id,
                role=routing.get_role_display(),
                state=routing.get_state_display(),
                is_active=routing.is_active,
                due_date=routing.due_date,
                routed_by=_name(routing, "routed_by"),
                routed_at=routing.created_at,
                ended_at=routing.ended_at,
                ended_by=_name(routing, "ended_by"),
                return_reason=routing.return_reason,
                assigned_to_id=routing.assigned_to_id,
                assigned_to=_name(routing, "assigned_to"),
                members=tuple(members.get(routing.department_id, ())),
                routing=routing,
            )
        )
    statements = _work_rows("statements", _work_statements, pk)
    reviews: dict[int, list] = {}
    if statements:
        for review in _work_rows("reviews", _work_reviews, pk):
            reviews.setdefault(review.statement_id, []).append(
                (review.created_at, _name(review, "reviewer"), review.get_decision_display(), review.comment)
            )
    for statement in statements:
        statement.contribution = contribution  # the permission questions of the page ask for it
        statement.department_name = _department_name(statement)
        statement.drafted_by_name = _name(statement, "drafted_by")
        statement.signed_off_by_name = _name(statement, "signed_off_by")
        statement.review_rows = reviews.get(statement.pk, [])
    current = next((s for s in statements if s.state != StatementState.WITHDRAWN), None)
    paths = _work_rows("path", _work_path, pk)
    path = paths[0] if paths else None
    state = path.state if path else AnswerState.RECEIVED
    inputs = _work_rows("inputs", _work_inputs, pk)
    notes = _work_rows("notes", _work_notes, pk)
    for item in (*inputs, *notes):
        item.department_name = _department_name(item)
        item.author_name = _name(item, "author")
    decisions = _work_rows("decisions", _work_decisions, pk)
    for decision in decisions:
        decision.contribution = contribution
        decision.decided_by_name = _name(decision, "decided_by")
    field_ids = {link.fieldofaction_id for link in _work_rows("fields", _work_fields, pk)}
    return ContributionWork(
        routings=tuple(rows),
        path_state=state,
        path_state_label=AnswerState(state).label,
        due_date=path.due_date if path else None,
        statement=current,
        withdrawn=tuple(s for s in statements if s.state == StatementState.WITHDRAWN),
        inputs=tuple(inputs),
        notes=tuple(notes),
        decisions=tuple(decisions),
        fields=tuple(field.name for field in contribution.process.fields_of_action.all() if field.pk in field_ids),
        entered_by=_person(contribution.entered_by) if contribution.entered_by_id else "",
    )


@dataclass(frozen=True)
class CandidateRow:
    """A contribution in the list of the group decision page."""

    pk: int
    title: str
    language: str
    district: str
    fields: tuple[str, ...]
    state_label: str
    outcome_label: str


GROUP_LIST_LIMIT = 100  # the group decision page lists at most this many; filters narrow it


def _field_names_by_contribution(ids, *, process, language: str) -> dict[int, list[str]]:
    """The names of each contribution's fields of action in ``language`` (German where not translated), in one
    query for the links; the names come from the process and its translation table."""
    table = content_translation_table(FieldOfAction, language)
    names = {field.pk: localise(field, "name", language, table).text for field in process.fields_of_action.all()}
    fields: dict[int, list[str]] = {}
    for contribution_id, field_id in Contribution.fields_of_action.through.objects.filter(
        contribution_id__in=ids
    ).values_list("contribution_id", "fieldofaction_id"):
        fields.setdefault(contribution_id, []).append(names.get(field_id, ""))
    return fields


def disposition_candidates(
    *, process, field=None, district_id: int | None = None, state: str = "", q: str = ""
) -> tuple[list[CandidateRow], bool]:
    """Answerable contributions of ``process`` for deciding together, filtered; (rows, more than shown).

    Two queries whatever the number of rows: the rows with their district and answer state, and their fields
    of action (names from the cached process).
    """
    contributions = Contribution.objects.filter(process=process).filter(answerable_q())
    if field is not None:
        contributions = contributions.filter(fields_of_action=field)
    if district_id is not None:
        contributions = contributions.filter(district_id=district_id)
    if state == AnswerState.RECEIVED:
        contributions = contributions.filter(Q(answer_path__isnull=True) | Q(answer_path__state=AnswerState.RECEIVED))
    elif state:
        contributions = contributions.filter(answer_path__state=state)
    for term in q.split()[:8]:
        contributions = contributions.filter(Q(title__icontains=term) | Q(body__icontains=term))
    rows = list(
        contributions.order_by("-id").values_list(
            "pk", "title", "language", "district__name", "answer_path__state", "answer_path__outcome"
        )[: GROUP_LIST_LIMIT + 1]
    )
    more = len(rows) > GROUP_LIST_LIMIT
    rows = rows[:GROUP_LIST_LIMIT]
    fields = _field_names_by_contribution([row[0] for row in rows], process=process, language=get_language())
    states = dict(AnswerState.choices)
    outcomes = dict(Outcome.choices)
    return [
        CandidateRow(
            pk=pk,
            title=title,
            language=language,
            district=district_name or "",
            fields=tuple(sorted(fields.get(pk, ()))),
            state_label=str(states.get(path_state or AnswerState.RECEIVED, "")),
            outcome_label=str(outcomes.get(outcome, "")) if outcome else "",
        )
        for pk, title, language, district_name, path_state, outcome in rows
    ], more


# == notifications (helper "notify") ========================================================================


def subscription_by_token(token: str) -> Subscription | None:
    """The subscription a mail's unsubscribe link names, with its contribution; None for an unknown token."""
    if not token or len(token) > 64:
        return None
    return Subscription.objects.select_related("contribution", "user").filter(token=token).first()


def subscription_of(*, user, contribution) -> Subscription | None:
    """A signed-in reader's own subscription to a contribution, if any (active or not)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Subscription.objects.filter(contribution=contribution, user=user).first()


def subscription_recipient_q(subscription: Subscription) -> Q:
    """Every subscription that mails the same recipient: the same account, or the same address without one."""
    if subscription.user_id is not None:
        return Q(user_id=subscription.user_id)
    return Q(user__isnull=True, email__iexact=subscription.email)


def subscription_page(subscription: Subscription) -> dict:
    """What the notification settings page shows: which contribution, in which state, and how many other
    subscriptions mail the same recipient. The title only of a published contribution (its public page's)."""
    contribution = subscription.contribution
    published = contribution.status == Status.PUBLISHED
    others = (
        Subscription.objects.filter(subscription_recipient_q(subscription), unsubscribed_at__isnull=True)
        .exclude(pk=subscription.pk)
        .count()
    )
    return {
        "contribution_id": contribution.pk,
        "title": contribution.title if published else "",
        "title_direction": contribution.direction,
        "published": published,
        "active": subscription.unsubscribed_at is None,
        "is_author": subscription.reason == SubscriptionReason.AUTHOR,
        "digest": subscription.delivery == Delivery.DAILY_DIGEST,
        "delivery_label": Delivery(subscription.delivery).label,
        "others_active": others,
    }


class StepMailDetails:
    """What a mail about public steps tells, loaded once for a batch of steps: the routings' departments, the
    published statements and the decisions. Never an internal note, a draft, an input or a review."""

    def __init__(self, steps):
        ids = {kind: set() for kind in PublicStepKind.values}
        for step in steps:
            ids[step.kind].add(step.object_id)
        self.routings = Routing.objects.select_related("department").in_bulk(ids[PublicStepKind.ROUTED])
        self.statements = (
            Statement.objects.select_related("department")
            .filter(state=StatementState.PUBLISHED)
            .in_bulk(ids[PublicStepKind.STATEMENT_PUBLISHED])
        )
        self.dispositions = Disposition.objects.in_bulk(ids[PublicStepKind.DISPOSED])
        self._tables = {}

    def _localise(self, obj, field: str, language: str) -> LocalisedText:
        key = (type(obj), language)
        if key not in self._tables:
            self._tables[key] = content_translation_table(type(obj), language)
        return localise(obj, field, language, self._tables[key])

    def describe(self, step, language: str) -> dict | None:
        """One step as display values in ``language`` (staff texts, the German original where there is no
        translation); None when what it names is gone (a deleted row, a statement no longer published)."""
        item = {"kind": step.kind, "contribution_id": step.contribution_id}
        if step.kind == PublicStepKind.ROUTED:
            routing = self.routings.get(step.object_id)
            if routing is None:
                return None
            item["department"] = self._localise(routing.department, "name", language)
        elif step.kind == PublicStepKind.STATEMENT_PUBLISHED:
            statement = self.statements.get(step.object_id)
            if statement is None:
                return None
            item["department"] = self._localise(statement.department, "name", language)
            item["text"] = self._localise(statement, "text", language)
        else:
            disposition = self.dispositions.get(step.object_id)
            if disposition is None:
                return None
            item["outcome"] = Outcome(disposition.outcome).label  # lazy: rendered in the mail's language
            item["text"] = self._localise(disposition, "justification", language)
            item["forwarded_to"] = disposition.forwarded_to
        return item


# == queue and routing ==========================================================================================
# The staff workspace, the department queues and the coordinators' routing screen. Rows come as plain values
# (no model instance per row), labels are looked up once per page, and the queries of a page do not grow with
# its rows.

AWAITING_SIGN_OFF = "awaiting_sign_off"  # queue state: the lead's statement waits for the head's sign-off
NOT_ROUTED = "not_routed"  # routing screen: no lead department yet and never handed back
HANDED_BACK = "handed_back"  # routing screen: the lead department handed it back
OPEN_STATES = (AnswerState.RECEIVED, AnswerState.ROUTED, AnswerState.STATEMENT_IN_PROGRESS)  # may be overdue
QUEUE_STATES = (
    AnswerState.ROUTED,
    AnswerState.STATEMENT_IN_PROGRESS,
    AWAITING_SIGN_OFF,
    AnswerState.STATEMENT_PUBLISHED,
    AnswerState.DISPOSED,
)


def answer_state_labels() -> dict[str, str]:
    """Every state a queue or the routing screen shows, in the active language."""
    labels = {value: str(label) for value, label in AnswerState.choices}
    labels[AWAITING_SIGN_OFF] = str(StatementState.IN_REVIEW.label)
    labels[NOT_ROUTED] = gettext("Not routed yet")
    labels[HANDED_BACK] = str(RoutingState.RETURNED.label)
    return labels


def queue_state_choices() -> list[tuple[str, str]]:
    labels = answer_state_labels()
    return [(state, labels[state]) for state in QUEUE_STATES]


def routing_state_choices() -> list[tuple[str, str]]:
    labels = answer_state_labels()
    states = (NOT_ROUTED, HANDED_BACK, AnswerState.ROUTED, AnswerState.STATEMENT_IN_PROGRESS)
    return [(state, labels[state]) for state in (*states, AnswerState.STATEMENT_PUBLISHED, AnswerState.DISPOSED)]


def staff_name(display_name: str, email: str) -> str:
    """How colleagues name each other on staff pages (never shown to the public)."""
    return display_name or email


def has_workspace(user) -> bool:
    """Whether someone works in the staff workspace: a member of a department or a coordinator of a process.
    Both answers are remembered on the user object for the request, so permission checks reuse them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(department_ids_of(user)) or bool(process_ids_coordinated_by(user))


def queue_scope(user, department) -> frozenset[int] | None:
    """The processes whose contributions ``user`` sees in ``department``'s queue: all (None) for its staff, the
    processes they coordinate for a coordinator from elsewhere."""
    if department.pk in department_ids_of(user):
        return None
    return frozenset(process_ids_coordinated_by(user))


@dataclass(frozen=True)
class QueueFilters:
    process: int | None = None
    field: int | None = None
    district: int | None = None
    channel: str = ""
    state: str = ""
    due_before: datetime.date | None = None
    overdue: bool = False
    assignee: int | None = None
    unassigned: bool = False
    descending: bool = False


def _in_review(department_id: int):
    """Contribution ids whose statement by the department waits for sign-off (a subquery)."""
    return Statement.objects.filter(department_id=department_id, state=StatementState.IN_REVIEW).values(
        "contribution_id"
    )


def queue_routings(*, department_id: int, scope: frozenset[int] | None, filters: QueueFilters, today=None):
    """The active routings of a department's queue matching ``filters``, sorted by due date (then routing id)."""
    today = today or timezone.localdate()
    routings = Routing.objects.filter(department_id=department_id, state=RoutingState.ACTIVE)
    if scope is not None:
        routings = routings.filter(contribution__process_id__in=scope)
    if filters.process:
        routings = routings.filter(contribution__process_id=filters.process)
    if filters.field:
        routings = routings.filter(contribution__fields_of_action=filters.field)
    if filters.district:
        routings = routings.filter(contribution__district_id=filters.district)
    if filters.channel:
        routings = routings.filter(contribution__channel=filters.channel)
    if filters.state == AWAITING_SIGN_OFF:
        routings = routings.filter(contribution_id__in=_in_review(department_id))
    elif filters.state == AnswerState.STATEMENT_IN_PROGRESS:
        routings = routings.filter(contribution__answer_path__state=filters.state).exclude(
            contribution_id__in=_in_review(department_id)
        )
    elif filters.state:
        routings = routings.filter(contribution__answer_path__state=filters.state)
    if filters.due_before:
        routings = routings.filter(due_date__lt=filters.due_before)
    if filters.overdue:
        routings = routings.filter(due_date__lt=today, contribution__answer_path__state__in=OPEN_STATES)
    if filters.unassigned:
        routings = routings.filter(assigned_to__isnull=True)
    elif filters.assignee:
        routings = routings.filter(assigned_to_id=filters.assignee)
    return routings.order_by(*(("-due_date", "-pk") if filters.descending else ("due_date", "pk")))


# Per process: bumped by every answer-path service when it commits; queues, answer counts and the answered figure.
ANSWER_NAMESPACE = "answers"
QUEUE_COUNTS_SECONDS = 600  # an upper bound: the key names the versions of the processes counted


def _queue_versions(department_ids, scope, today) -> tuple:
    """What a queue's figures depend on: the answer-path versions of the processes counted, the site's content
    version (a contribution reclassified in the admin) and the day (what is overdue)."""
    process_ids = sorted(
        scope
        if scope is not None
        else Process.objects.filter(city__departments__pk__in=department_ids).values_list("pk", flat=True).distinct()
    )
    pairs = [(ANSWER_NAMESPACE, pk) for pk in process_ids] + [(CONTENT_NAMESPACE, "site")]
    versions = sorted(cache_versions_many(pairs).values())
    return (sorted(department_ids), None if scope is None else process_ids, today.isoformat(), versions)


def queue_count(*, department_id: int, scope: frozenset[int] | None, filters: QueueFilters, today=None) -> int:
    """How many routings of a department's queue match ``filters`` (the paginator's count), cached like
    ``queue_counts``: a long queue filtered by due date counts thousands of rows."""
    today = today or timezone.localdate()
    asked = (_queue_versions([department_id], scope, today), sorted(vars(filters).items(), key=str))
    key = f"queue-count:{hashlib.sha256(repr(asked).encode()).hexdigest()[:32]}"
    count = cache.get(key)
    if count is None:
        count = queue_routings(department_id=department_id, scope=scope, filters=filters, today=today).count()
        cache.set(key, count, QUEUE_COUNTS_SECONDS)
    return count


def queue_counts(*, department_ids, scope: frozenset[int] | None = None, today=None) -> dict[int, dict[str, int]]:
    """Per department: its active routings per queue state, how many are overdue, and the total.

    Two grouped queries, kept in the cache under the answer-path versions of the processes they count (every
    service that changes a routing, statement or decision bumps its process's version), the content version and
    the day."""
    today = today or timezone.localdate()
    department_ids = sorted(department_ids)
    asked = _queue_versions(department_ids, scope, today)
    key = f"queue-counts:{hashlib.sha256(repr(asked).encode()).hexdigest()[:32]}"
    counts = cache.get(key)
    if counts is None:
        counts = _queue_counts(department_ids, scope, today)
        cache.set(key, counts, QUEUE_COUNTS_SECONDS)
    return counts


def _queue_counts(department_ids, scope, today) -> dict[int, dict[str, int]]:
    counts = {pk: dict.fromkeys((*QUEUE_STATES, AnswerState.RECEIVED, "overdue", "total"), 0) for pk in department_ids}
    routings = Routing.objects.filter(department_id__in=department_ids, state=RoutingState.ACTIVE)
    statements = Statement.objects.filter(department_id__in=department_ids, state=StatementState.IN_REVIEW)
    if scope is not None:
        routings = routings.filter(contribution__process_id__in=scope)
        statements = statements.filter(contribution__process_id__in=scope)
    grouped = (
        routings.values_list("department_id", "contribution__answer_path__state")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
        .order_by()
    )
    for department_id, state, number, late in grouped:
        state = state or AnswerState.RECEIVED
        counts[department_id][state] = counts[department_id].get(state, 0) + number
        counts[department_id]["total"] += number
        if state in OPEN_STATES:
            counts[department_id]["overdue"] += late
    for department_id, number in statements.values_list("department_id").annotate(n=Count("pk")).order_by():
        counts[department_id][AWAITING_SIGN_OFF] = number
        counts[department_id][AnswerState.STATEMENT_IN_PROGRESS] -= number
    return counts


@dataclass(frozen=True)
class QueueRow:
    pk: int  # the routing
    contribution_id: int
    title: str
    language: str
    channel: str
    district: str
    is_lead: bool
    role: str
    due_date: datetime.date
    overdue: bool
    assignee_id: int | None
    assignee: str
    state: str
    state_label: str


def queue_rows(ids, *, department_id: int, today=None) -> list[QueueRow]:
    """The display values of a page of a queue: one query for the rows, one for their statements' sign-off."""
    today = today or timezone.localdate()
    rows = list(
        Routing.objects.filter(pk__in=list(ids)).values_list(
            "pk",
            "contribution_id",
            "contribution__title",
            "contribution__language",
            "contribution__channel",
            "contribution__district__name",
            "role",
            "due_date",
            "assigned_to_id",
            "assigned_to__display_name",
            "assigned_to__email",
            "contribution__answer_path__state",
        )
    )
    in_review = set(
        Statement.objects.filter(
            contribution_id__in=[row[1] for row in rows], department_id=department_id, state=StatementState.IN_REVIEW
        ).values_list("contribution_id", flat=True)
    )
    channels, roles, states = dict(Channel.choices), dict(RoutingRole.choices), answer_state_labels()
    result = []
    for pk, contribution_id, title, language, channel, district, role, due, assignee_id, name, email, state in rows:
        state = AWAITING_SIGN_OFF if contribution_id in in_review else (state or AnswerState.RECEIVED)
        result.append(
            QueueRow(
                pk=pk,
                contribution_id=contribution_id,
                title=title,
                language=language,
                channel=str(channels.get(channel, channel)),
                district=district or "",
                is_lead=role == RoutingRole.LEAD,
                role=str(roles.get(role, role)),
                due_date=due,
                overdue=due < today and state in (*OPEN_STATES, AWAITING_SIGN_OFF),
                assignee_id=assignee_id,
                assignee=staff_name(name or "", email or "") if assignee_id else "",
                state=state,
                state_label=states[state],
            )
        )
    return result


def department_members(department_id: int) -> list[tuple[int, str]]:
    """(user id, name) of a department's staff, by name."""
    rows = DepartmentMembership.objects.filter(department_id=department_id).values_list(
        "user_id", "user__display_name", "user__email"
    )
    return sorted(((pk, staff_name(name, email)) for pk, name, email in rows), key=lambda row: row[1].lower())


def department_name(department, language: str | None = None, table: dict | None = None) -> str:
    """A department's code and name in the reader's language (``table``: its translations, when known)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return f"{department.code} {localise(department, 'name', language, table).text}"


def _department_names(departments, language: str) -> dict[int, str]:
    table = content_translation_table(Department, language) if language != settings.LANGUAGE_CODE else {}
    return {department.pk: department_name(department, language, table) for department in departments}


def queue_filter_options(*, department, scope: frozenset[int] | None) -> dict[str, list]:
    """The choices of a queue's filters: the city's processes (those in scope), their fields of action, the
    city's districts and the department's staff."""
    language = get_language() or settings.LANGUAGE_CODE
    processes = Process.objects.filter(city_id=department.city_id).order_by("-created_at")
    if scope is not None:
        processes = processes.filter(pk__in=scope)
    processes = list(processes.only("pk", "title"))
    titles = {process.pk: localise(process, "title", language).text for process in processes}
    table = content_translation_table(FieldOfAction, language)
    fields = FieldOfAction.objects.filter(process_id__in=list(titles)).only("pk", "name", "order", "process_id")
    fields = sorted(fields, key=lambda field: (field.process_id, field.order, field.pk))
    several = len(titles) > 1
    return {
        "process": [(pk, title) for pk, title in titles.items()],
        "field": [
            (
                field.pk,
                f"{localise(field, 'name', language, table).text}"
                + (f" ({titles[field.process_id]})" if several else ""),
            )
            for field in fields
        ],
        "district": [(pk, name) for pk, _number, name in district_choices(city_id=department.city_id)],
        "assignee": department_members(department.pk),
    }


@dataclass(frozen=True)
class DepartmentSummary:
    pk: int
    name: str
    is_head: bool
    counts: dict


@dataclass(frozen=True)
class ProcessSummary:
    pk: int
    slug: str
    title: str
    not_routed: int
    handed_back: int
    overdue: int


def workspace_departments(user, *, today=None) -> list[DepartmentSummary]:
    """The departments someone works in, with the counts of their queues."""
    mine = department_ids_of(user)
    if not mine:
        return []
    headed = department_ids_headed_by(user)
    counts = queue_counts(department_ids=mine, today=today)
    departments = list(Department.objects.filter(pk__in=list(mine)).order_by("code"))
    names = _department_names(departments, get_language() or settings.LANGUAGE_CODE)
    return [
        DepartmentSummary(
            pk=department.pk, name=names[department.pk], is_head=department.pk in headed, counts=counts[department.pk]
        )
        for department in departments
    ]


def workspace_processes(user, *, today=None) -> list[ProcessSummary]:
    """The processes someone coordinates: how many answerable contributions wait for routing, were handed back,
    are overdue."""
    ids = process_ids_coordinated_by(user)
    if not ids:
        return []
    today = today or timezone.localdate()
    language = get_language() or settings.LANGUAGE_CODE
    not_routed = dict(
        Contribution.objects.filter(process_id__in=ids)
        .filter(answerable_q())
        .filter(Q(answer_path__isnull=True) | Q(answer_path__state=AnswerState.RECEIVED, answer_path__returned_at=None))
        .values_list("process_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    paths = {
        process_id: (returned, late)
        for process_id, returned, late in AnswerPath.objects.filter(process_id__in=ids)
        .values_list("process_id")
        .annotate(
            returned=Count("pk", filter=Q(returned_at__isnull=False)),
            late=Count("pk", filter=Q(due_date__lt=today, state__in=OPEN_STATES, lead_department__isnull=False)),
        )
        .order_by()
    }
    return [
        ProcessSummary(
            pk=process.pk,
            slug=process.slug,
            title=localise(process, "title", language).text,
            not_routed=not_routed.get(process.pk, 0),
            handed_back=paths.get(process.pk, (0, 0))[0],
            overdue=paths.get(process.pk, (0, 0))[1],
        )
        for process in Process.objects.filter(pk__in=ids).only("pk", "slug", "title").order_by("-created_at")
    ]


def workspace_queues(user) -> list[tuple[int, str]]:
    """For a coordinator: (id, name) of the departments of the cities of their processes, whose queues they see
    (restricted to their processes)."""
    ids = process_ids_coordinated_by(user)
    if not ids:
        return []
    departments = Department.objects.filter(city__processes__pk__in=ids).distinct().order_by("code")
    return list(_department_names(departments, get_language() or settings.LANGUAGE_CODE).items())


@dataclass(frozen=True)
class RoutingFilters:
    field: str = ""  # a field of action's slug
    district: int | None = None
    channel: str = ""
    state: str = ""
    q: str = ""


def routing_candidates(*, process, filters: RoutingFilters):
    """The answerable contributions of a process matching the routing screen's filters, oldest first."""
    contributions = Contribution.objects.filter(process=process).filter(answerable_q())
    if filters.field:
        contributions = contributions.filter(fields_of_action__process=process, fields_of_action__slug=filters.field)
    if filters.district:
        contributions = contributions.filter(district_id=filters.district)
    if filters.channel:
        contributions = contributions.filter(channel=filters.channel)
    if filters.state == NOT_ROUTED:
        contributions = contributions.filter(
            Q(answer_path__isnull=True) | Q(answer_path__state=AnswerState.RECEIVED, answer_path__returned_at=None)
        )
    elif filters.state == HANDED_BACK:
        contributions = contributions.filter(answer_path__returned_at__isnull=False)
    elif filters.state:
        contributions = contributions.filter(answer_path__state=filters.state)
    for term in filters.q.split()[:8]:  # every word, in the title or the text
        contributions = contributions.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return contributions.order_by("pk")


@dataclass(frozen=True)
class RouteCandidateRow:
    pk: int  # the contribution
    title: str
    language: str
    channel: str
    district: str
    fields: list
    state: str
    state_label: str
    lead: str
    due_date: datetime.date | None
    overdue: bool


def routing_rows(ids, *, process, today=None) -> list[RouteCandidateRow]:
    """The display values of a page of the routing screen (three queries, whatever the number of rows)."""
    today = today or timezone.localdate()
    ids = list(ids)
    language = get_language() or settings.LANGUAGE_CODE
    rows = list(
        Contribution.objects.filter(pk__in=ids).values_list(
            "pk",
            "title",
            "language",
            "channel",
            "district__name",
            "answer_path__state",
            "answer_path__returned_at",
            "answer_path__lead_department_id",
            "answer_path__due_date",
        )
    )
    fields = _field_names_by_contribution(ids, process=process, language=language)
    departments = _department_names(Department.objects.filter(city_id=process.city_id), language)
    channels, states = dict(Channel.choices), answer_state_labels()
    result = []
    for pk, title, lang, channel, district, state, returned_at, lead_id, due in rows:
        if returned_at is not None:
            state = HANDED_BACK
        elif state in (None, AnswerState.RECEIVED):
            state = NOT_ROUTED
        result.append(
            RouteCandidateRow(
                pk=pk,
                title=title,
                language=lang,
                channel=str(channels.get(channel, channel)),
                district=district or "",
                fields=sorted(fields.get(pk, [])),
                state=state,
                state_label=states[state],
                lead=departments.get(lead_id, "") if lead_id else "",
                due_date=due if lead_id else None,
                overdue=bool(lead_id and due and due < today and state in OPEN_STATES),
            )
        )
    return result


def routing_filter_options(process) -> dict[str, list]:
    """The choices of the routing screen's filters: (slug, name) of the process's fields of action in the
    reader's language, (id, name) of the city's districts."""
    language = get_language() or settings.LANGUAGE_CODE
    table = content_translation_table(FieldOfAction, language)
    return {
        "fields": [
            (field.slug, localise(field, "name", language, table).text) for field in process.fields_of_action.all()
        ],
        "districts": [(pk, name) for pk, _number, name in district_choices(city_id=process.city_id)],
    }


def routing_get(pk: int) -> Routing | None:
    """A routing with its contribution (the views then ask whether the reader may see that contribution)."""
    return Routing.objects.select_related("contribution").filter(pk=pk).first()


def department_get(pk: int) -> Department | None:
    return Department.objects.filter(pk=pk).first()


def department_choices(*, city_id: int) -> list[tuple[int, str]]:
    """(id, code and name) of a city's departments, in the reader's language."""
    language = get_language() or settings.LANGUAGE_CODE
    names = _department_names(Department.objects.filter(city_id=city_id).order_by("code"), language)
    return list(names.items())
