"""Reads for the answer path: who belongs to which department, what is routed where, a contribution's history."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import formats
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
from teilhabe.core.models import ContentTranslation
from teilhabe.core.selectors import LocalisedText, TranslationRow, content_translation_table, localise


def answerable_q(prefix: str = "") -> Q:
    """Contributions that get an answer: the published ones, and analog input given without consent to
    publication (kept unpublished, but answered and decided like every other)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED}) | (
        Q(**{f"{prefix}status": Status.IN_MODERATION, f"{prefix}publication_consent": False})
        & ~Q(**{f"{prefix}channel": Channel.ONLINE})
    )


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
                lines=(_("The moderation checks it; then it is published here."),),
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


def contribution_work(contribution) -> ContributionWork:
    """Everything on the staff page of ``contribution``: routing history, statements, inputs, notes, decisions."""
    routings = list(
        Routing.objects.filter(contribution_id=contribution.pk)
        .select_related("department", "routed_by", "assigned_to", "ended_by")
        .order_by("created_at", "id")
    )
    department_ids = {routing.department_id for routing in routings if routing.is_active}
    members = {}
    for department_id, user_id, display_name, email in (
        DepartmentMembership.objects.filter(department_id__in=department_ids)
        .order_by("user__display_name", "user__email")
        .values_list("department_id", "user_id", "user__display_name", "user__email")
    ):
        members.setdefault(department_id, []).append((user_id, display_name or email))
    rows = tuple(
        RoutingRow(
            pk=routing.pk,
            department=str(routing.department),
            department_id=routing.department_id,
            role=routing.get_role_display(),
            state=routing.get_state_display(),
            is_active=routing.is_active,
            due_date=routing.due_date,
            routed_by=_person(routing.routed_by),
            routed_at=routing.created_at,
            ended_at=routing.ended_at,
            ended_by=_person(routing.ended_by),
            return_reason=routing.return_reason,
            assigned_to_id=routing.assigned_to_id,
            assigned_to=_person(routing.assigned_to),
            members=tuple(members.get(routing.department_id, ())),
            routing=routing,
        )
        for routing in routings
    )
    statements = list(
        Statement.objects.filter(contribution_id=contribution.pk)
        .select_related("department", "drafted_by", "signed_off_by")
        .prefetch_related(Prefetch("reviews", queryset=StatementReview.objects.select_related("reviewer")))
        .order_by("created_at", "id")
    )
    for statement in statements:
        statement.drafted_by_name = _person(statement.drafted_by)
        statement.signed_off_by_name = _person(statement.signed_off_by)
        statement.review_rows = [
            (
                review.created_at,
                _person(review.reviewer),
                review.get_decision_display(),
                review.decision,
                review.comment,
            )
            for review in statement.reviews.all()
        ]
    current = next((s for s in statements if s.state != StatementState.WITHDRAWN), None)
    path = AnswerPath.objects.filter(contribution_id=contribution.pk).first()
    state = path.state if path else AnswerState.RECEIVED
    inputs = list(StatementInput.objects.filter(contribution_id=contribution.pk).select_related("department", "author"))
    notes = list(InternalNote.objects.filter(contribution_id=contribution.pk).select_related("department", "author"))
    for item in (*inputs, *notes):
        item.author_name = _person(item.author)
    decisions = list(
        Disposition.objects.filter(contribution_id=contribution.pk)
        .select_related("decided_by", "group")
        .order_by("-version")
    )
    for decision in decisions:
        decision.decided_by_name = _person(decision.decided_by)
    process = contribution.process
    field_ids = set(
        Contribution.fields_of_action.through.objects.filter(contribution_id=contribution.pk).values_list(
            "fieldofaction_id", flat=True
        )
    )
    return ContributionWork(
        routings=rows,
        path_state=state,
        path_state_label=AnswerState(state).label,
        due_date=path.due_date if path else None,
        statement=current,
        withdrawn=tuple(s for s in statements if s.state == StatementState.WITHDRAWN),
        inputs=tuple(inputs),
        notes=tuple(notes),
        decisions=tuple(decisions),
        fields=tuple(field.name for field in process.fields_of_action.all() if field.pk in field_ids),
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


GROUP_LIST_LIMIT = 200  # the group decision page lists at most this many; filters narrow it


def disposition_candidates(
    *, process, field=None, district=None, state: str = "", q: str = ""
) -> tuple[list[CandidateRow], bool]:
    """Answerable contributions of ``process`` for deciding together, filtered; (rows, more than shown).

    Two queries whatever the number of rows: the rows with their district and answer state, and their fields
    of action (names from the cached process).
    """
    contributions = Contribution.objects.filter(process=process).filter(answerable_q())
    if field is not None:
        contributions = contributions.filter(fields_of_action=field)
    if district is not None:
        contributions = contributions.filter(district=district)
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
    names = {field.pk: field.name for field in process.fields_of_action.all()}
    fields = {}
    for contribution_id, field_id in Contribution.fields_of_action.through.objects.filter(
        contribution_id__in=[row[0] for row in rows]
    ).values_list("contribution_id", "fieldofaction_id"):
        fields.setdefault(contribution_id, []).append(names.get(field_id, ""))
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
