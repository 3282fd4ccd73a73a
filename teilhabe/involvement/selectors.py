"""Reads of involvement: who was invited, who took part (derived from the records of the apps below), the
coverage matrix and the steering group's composition.

Participation of an organisation in a process is any of (``PARTICIPATION_KINDS``): a contribution on its behalf
(not removed), an event it organised or that one of its verified representatives registered for (confirmed), a
seat in an expert group or the steering group, a published statement of the department it stands for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import Statement, StatementState
from teilhabe.contributions.models import Contribution, Status
from teilhabe.events.models import Event, Registration, RegistrationState
from teilhabe.involvement.models import (
    Invitation,
    InvitationResponse,
    InvitationTarget,
    Sector,
    SteeringGroup,
    SteeringMeeting,
    SteeringMember,
)
from teilhabe.involvement.sectors import steering_member_sector
from teilhabe.plan.models import ExpertGroupMember
from teilhabe.stakeholders.models import Organisation, OrganisationType

PARTICIPATION_KINDS = {
    "contribution": _("Contributions on its behalf"),
    "event": _("Events (organised or attended)"),
    "expert_group": _("Expert group membership"),
    "steering_group": _("Steering group seat"),
    "statement": _("Statements of its department"),
}

BY_CHOICES = ("field", "district")


def participation(process) -> dict[int, set[str]]:
    """Organisation id → the kinds of its participation in ``process`` (only organisations that took part)."""
    found: dict[int, set[str]] = defaultdict(set)

    def add(kind, ids):
        for organisation_id in ids:
            if organisation_id is not None:
                found[organisation_id].add(kind)

    add(
        "contribution",
        Contribution.objects.filter(process=process, organisation__isnull=False)
        .exclude(status=Status.REMOVED)
        .values_list("organisation_id", flat=True)
        .order_by()
        .distinct(),
    )
    add(
        "event",
        Event.objects.filter(process=process, organiser_organisation__isnull=False)
        .values_list("organiser_organisation_id", flat=True)
        .order_by()
        .distinct(),
    )
    add(
        "event",
        Registration.objects.filter(
            event__process=process,
            state=RegistrationState.CONFIRMED,
            user__representations__verified_at__isnull=False,
        )
        .values_list("user__representations__organisation_id", flat=True)
        .order_by()
        .distinct(),
    )
    add(
        "expert_group",
        ExpertGroupMember.objects.filter(group__process=process, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .order_by()
        .distinct(),
    )
    add(
        "steering_group",
        SteeringMember.objects.filter(group__process=process, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .order_by()
        .distinct(),
    )
    departments = set(
        Statement.objects.filter(contribution__process=process, state=StatementState.PUBLISHED)
        .values_list("department_id", flat=True)
        .order_by()
        .distinct()
    )
    if departments:
        add(
            "statement",
            Organisation.objects.filter(department_id__in=departments).values_list("id", flat=True),
        )
    return found


def invited_ids(process) -> dict[int, str]:
    """Organisation id → its best response to any invitation of ``process`` (accepted over open over the rest)."""
    rank = {
        InvitationResponse.ACCEPTED: 3,
        InvitationResponse.OPEN: 2,
        InvitationResponse.NO_ANSWER: 1,
        InvitationResponse.DECLINED: 0,
    }
    best: dict[int, str] = {}
    for organisation_id, response in Invitation.objects.filter(process=process).values_list(
        "organisation_id", "response"
    ):
        if organisation_id not in best or rank[response] > rank[best[organisation_id]]:
            best[organisation_id] = response
    return best


# == the coverage matrix ========================================================================================


class Cell:
    """Counts of one cell. Plain integers, no sets: every organisation is visited once, and adds itself once to each
    of its columns, its type's total, its column totals and the grand total, so nothing is counted twice."""

    __slots__ = ("column", "registered", "invited", "taking_part")

    def __init__(self, column: str = ""):
        self.column = column  # the column's key ("" for "none given" and for a type's total)
        self.registered = self.invited = self.taking_part = 0

    def add(self, invited: bool, taking_part: bool) -> None:
        self.registered += 1
        self.invited += invited
        self.taking_part += taking_part

    @property
    def counts(self) -> tuple[int, int, int]:
        return self.registered, self.invited, self.taking_part

    @property
    def gap(self) -> bool:
        """Nobody of this cell has been heard yet."""
        return not self.taking_part


@dataclass
class MatrixRow:
    key: str
    label: str
    cells: list[Cell]
    total: Cell


@dataclass
class Matrix:
    by: str
    columns: list[tuple[str, str]]  # (key, label); the last is "none": organisations without a field / district
    rows: list[MatrixRow]
    totals: list[Cell]
    total: Cell

    @property
    def gap_rows(self) -> list[MatrixRow]:
        return [row for row in self.rows if row.total.gap]

    @property
    def gap_columns(self) -> list[str]:
        return [label for (key, label), cell in zip(self.columns, self.totals, strict=True) if cell.gap and key]


def coverage_matrix(process, *, by: str) -> Matrix:
    """Organisation type × field of action (``by="field"``, an organisation's fields of interest) or × district
    (``by="district"``, the districts where it is active), counting the checked organisations of the registry, those
    invited to anything of ``process`` and those taking part in it. A column "none given" holds the organisations
    without a field (district) of the process."""
    if by not in BY_CHOICES:
        raise ValueError(by)
    if by == "field":
        columns = list(process.fields_of_action.order_by("order", "name").values_list("pk", "name"))
        through = Organisation.fields_of_interest.through.objects.filter(fieldofaction_id__in=[pk for pk, _ in columns])
        links = through.values_list("organisation_id", "fieldofaction_id")
    else:
        columns = list(process.city.districts.order_by("number").values_list("pk", "name"))
        through = Organisation.districts.through.objects.filter(district_id__in=[pk for pk, _ in columns])
        links = through.values_list("organisation_id", "district_id")
    column_index = {pk: index for index, (pk, _name) in enumerate(columns)}
    none_index = len(columns)
    organisations = dict(Organisation.objects.filter(checked_at__isnull=False).values_list("id", "type"))
    invited = invited_ids(process)
    taking_part = participation(process)
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for organisation_id, column_pk in links:
        by_organisation[organisation_id].append(column_index[column_pk])
    types = list(OrganisationType.choices)
    row_index = {value: index for index, (value, _label) in enumerate(types)}
    keys = [str(pk) for pk, _name in columns] + [""]
    grid = [[Cell(column=key) for key in keys] for _ in types]
    row_totals = [Cell() for _ in types]
    column_totals = [Cell(column=key) for key in keys]
    total = Cell()
    none_only = [none_index]
    for organisation_id, organisation_type in organisations.items():
        row = row_index[organisation_type]
        is_invited, is_taking_part = organisation_id in invited, organisation_id in taking_part
        cells = grid[row]
        for column in by_organisation.get(organisation_id, none_only):
            cells[column].add(is_invited, is_taking_part)
            column_totals[column].add(is_invited, is_taking_part)
        row_totals[row].add(is_invited, is_taking_part)
        total.add(is_invited, is_taking_part)
    none_label = str(_("No field given")) if by == "field" else str(_("No district given"))
    return Matrix(
        by=by,
        columns=[(str(pk), name) for pk, name in columns] + [("", none_label)],
        rows=[
            MatrixRow(key=value, label=str(label), cells=grid[index], total=row_totals[index])
            for index, (value, label) in enumerate(types)
        ],
        totals=column_totals,
        total=total,
    )


@dataclass(frozen=True)
class DrillRow:
    organisation: Organisation
    response: str | None
    kinds: list[str]


def matrix_cell_organisations(process, *, by: str, type: str, column: str | None) -> list[DrillRow]:
    """The checked organisations behind one cell (``column`` "" for "none given", None for every column; ``type``
    "" for all types)."""
    queryset = Organisation.objects.filter(checked_at__isnull=False)
    if type:
        queryset = queryset.filter(type=type)
    if by == "field":
        in_process = Organisation.fields_of_interest.through.objects.filter(fieldofaction__process=process)
        key = "fieldofaction_id"
    else:
        in_process = Organisation.districts.through.objects.filter(district__city_id=process.city_id)
        key = "district_id"
    if column:
        ids = in_process.filter(**{key: column}).values("organisation_id")
        queryset = queryset.filter(pk__in=ids)
    elif column is not None:
        queryset = queryset.exclude(pk__in=in_process.values("organisation_id"))
    invited = invited_ids(process)
    taking_part = participation(process)
    return [
        DrillRow(
            organisation=organisation,
            response=invited.get(organisation.pk),
            kinds=[str(PARTICIPATION_KINDS[kind]) for kind in sorted(taking_part.get(organisation.pk, ()))],
        )
        for organisation in queryset.only("id", "name", "type").order_by("name")
    ]


# == invitations ================================================================================================


def invitations_of(process):
    return (
        Invitation.objects.filter(process=process)
        .select_related("organisation", "phase", "event", "expert_group")
        .order_by("organisation__name", "id")
    )


def invitation_counts(process) -> dict[str, int]:
    counts = dict(
        Invitation.objects.filter(process=process).values_list("response").annotate(count=Count("id")).order_by()
    )
    return {value: counts.get(value, 0) for value in InvitationResponse.values}


def invitation_target_label(invitation) -> str:
    if invitation.target == InvitationTarget.EVENT and invitation.event_id:
        return invitation.event.title
    if invitation.target == InvitationTarget.PHASE and invitation.phase_id:
        return invitation.phase.name
    if invitation.target == InvitationTarget.EXPERT_GROUP and invitation.expert_group_id:
        return invitation.expert_group.name
    return str(InvitationTarget(invitation.target).label)


# == the organisation's public page =============================================================================


def public_contributions_of(organisation, process):
    """What an organisation contributed to ``process``: published contributions with consent to publication."""
    return (
        Contribution.objects.filter(
            process=process, organisation=organisation, status=Status.PUBLISHED, publication_consent=True
        )
        .only("id", "title", "published_at", "created_at")
        .order_by("-published_at", "-id")
    )


# == the steering group =========================================================================================


def steering_group_of(process) -> SteeringGroup | None:
    return (
        SteeringGroup.objects.filter(process=process)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=SteeringMember.objects.select_related("department", "organisation", "council"),
            ),
            Prefetch("meetings", queryset=SteeringMeeting.objects.prefetch_related("decisions")),
        )
        .first()
    )


def steering_composition(group) -> list[tuple[str, str, int]]:
    """(sector, label, number of seats) for every sector, in a fixed order."""
    counts = {value: 0 for value in Sector.values}
    for member in group.members.all():
        counts[steering_member_sector(member)] += 1
    return [(value, str(label), counts[value]) for value, label in Sector.choices]
