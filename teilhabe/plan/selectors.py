"""Reads of the plan: versions and who may see them, a version's tree of sections in the reader's language,
measures with their status, the contributions linked to them and the comments on a draft's sections.

Every plan write bumps ``PLAN_NAMESPACE`` for its process (``plan_changed`` in the services): what is cached
here is keyed by that version and the site's content version (names and translations).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from operator import attrgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from teilhabe.administration.models import AnswerState, Department, Outcome
from teilhabe.administration.selectors import department_ids_of, department_name, staff_name
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.compiled import compiled_rows
from teilhabe.core.models import ContentTranslation
from teilhabe.core.selectors import LocalisedText, content_translation_table, localise
from teilhabe.plan.models import (
    PUBLISHED_STATES,
    ExpertGroup,
    ExpertGroupMember,
    ExpertGroupRole,
    ExpertMeeting,
    Measure,
    MeasureLink,
    MeasureStatus,
    MeasureStatusChange,
    PlanVersion,
    Section,
    SectionComment,
    SectionKind,
    VersionState,
)
from teilhabe.processes.models import FieldOfAction, Process, TargetGroup
from teilhabe.processes.selectors import phase_current, process_get, process_ids_coordinated_by

PLAN_NAMESPACE = "plan"  # object id: the process id
TREE_SECONDS = 3600  # an upper bound; the versions in the key make a tree stale much sooner


# --- who may see what ------------------------------------------------------------------------------------------


def expert_group_ids_of(user, *, process_id: int | None) -> frozenset[int]:
    """The expert groups a person belongs to (of one process, or of all); remembered on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_expert_groups", None)
    if cached is None:
        cached = tuple(ExpertGroupMember.objects.filter(user=user).values_list("group_id", "group__process_id"))
        user._expert_groups = cached
    return frozenset(group for group, process in cached if process_id is None or process == process_id)


def section_comments_open(section: Section, *, at=None) -> bool:
    """Residents can comment on a section while its version is out for consultation and the version's
    consultation phase runs."""
    version = section.version
    if version is None or version.state != VersionState.CONSULTATION or version.consultation_phase_id is None:
        return False
    phase = phase_current(version.process, at=at)
    return phase is not None and phase.pk == version.consultation_phase_id


def version_comments_open(version: PlanVersion, *, at=None) -> bool:
    if version.state != VersionState.CONSULTATION or version.consultation_phase_id is None:
        return False
    phase = phase_current(version.process, at=at)
    return phase is not None and phase.pk == version.consultation_phase_id


# --- versions --------------------------------------------------------------------------------------------------


def versions_of(process, *, published_only: bool) -> list[PlanVersion]:
    versions = PlanVersion.objects.filter(process=process).select_related("consultation_phase")
    if published_only:
        versions = versions.filter(state__in=PUBLISHED_STATES)
    return list(versions.order_by("number"))


def version_current(process) -> PlanVersion | None:
    """The plan the public sees first: the newest published version (adopted or out for consultation)."""
    return (
        PlanVersion.objects.filter(process=process, state__in=PUBLISHED_STATES)
        .select_related("process", "consultation_phase")
        .order_by("-number")
        .first()
    )


def version_adopted_latest(process) -> PlanVersion | None:
    return PlanVersion.objects.filter(process=process, state=VersionState.ADOPTED).order_by("-number").first()


def version_working(process) -> PlanVersion | None:
    return PlanVersion.objects.filter(process=process, state=VersionState.WORKING).select_related("process").first()


def version_get(process, number) -> PlanVersion | None:
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**31:
        return None
    return (
        PlanVersion.objects.filter(process=process, number=number)
        .select_related("process", "consultation_phase")
        .first()
    )


def version_next_number(process) -> int:
    return (PlanVersion.objects.filter(process=process).aggregate(n=Max("number"))["n"] or 0) + 1


# --- a version's tree ------------------------------------------------------------------------------------------


@dataclass
class Node:
    """One section of a version as a reader sees it: texts in the reader's language (German where no
    translation exists: ``fell_back``), its number, its measure's facts and status, its children."""

    id: int
    key: str
    kind: str
    number: str
    title: str
    body: str
    depth: int
    parent_key: str | None
    fell_back: bool = False
    field_of_action_id: int | None = None
    field_slug: str = ""
    measure_id: int | None = None
    measure_code: str = ""
    status: str = ""
    status_label: str = ""
    status_date: datetime.date | None = None
    department_id: int | None = None
    department: str = ""
    partners: str = ""
    target_group_ids: tuple[int, ...] = ()
    target_groups: tuple[str, ...] = ()
    district_ids: tuple[int, ...] = ()
    districts: tuple[str, ...] = ()
    budget: object = None
    spent: object = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"s-{self.key}"


@dataclass
class Tree:
    roots: list[Node]
    nodes: list[Node]  # in reading order (depth first)

    def by_key(self) -> dict[str, Node]:
        return {node.key: node for node in self.nodes}

    def measures(self) -> list[Node]:
        return [node for node in self.nodes if node.kind == SectionKind.MEASURE]

    # In the cache a tree is a list of tuples, one per node in reading order (its children rebuilt from the
    # parents' keys): a third of the size of the nodes' dictionaries, and quicker to store and read.
    def __getstate__(self):
        return [_node_values(node) for node in self.nodes]

    def __setstate__(self, rows):
        self.nodes, self.roots = [], []
        by_key: dict[str, Node] = {}
        for row in rows:
            node = Node(*row)
            self.nodes.append(node)
            by_key[node.key] = node
            (by_key[node.parent_key].children if node.parent_key is not None else self.roots).append(node)


_NODE_FIELDS = tuple(item.name for item in dataclass_fields(Node) if item.name != "children")
_node_values = attrgetter(*_NODE_FIELDS)  # a node's fields as a tuple, in one call


def _sections_many(owner: str, owner_id: int) -> tuple[dict[int, tuple[list, list]], dict[int, tuple[list, list]]]:
    """Each section's target groups and districts as ([ids], [names]), in their models' order: one query on
    each through table. Plain values, not model instances: with 300 measures, prefetching them cost more than
    the rest of the tree."""
    groups: dict[int, tuple[list, list]] = {}
    districts: dict[int, tuple[list, list]] = {}

    def of(through, placeholder):
        sections = Section.objects.filter(**{f"{owner}_id": placeholder}).order_by().values("pk")
        return through.objects.filter(section_id__in=sections)  # a subquery: no parameter per section

    def group_rows(placeholder):
        return (
            of(Section.target_groups.through, placeholder)
            .order_by("targetgroup__order", "targetgroup__name", "targetgroup_id")
            .values_list("section_id", "targetgroup_id", "targetgroup__name")
        )

    def district_rows(placeholder):
        return (
            of(Section.districts.through, placeholder)
            .order_by("district__number", "district_id")
            .values_list("section_id", "district_id", "district__name")
        )

    for many, rows in (
        (groups, compiled_rows(f"plan-tree-groups:{owner}", group_rows, owner_id)),
        (districts, compiled_rows(f"plan-tree-districts:{owner}", district_rows, owner_id)),
    ):
        for section_id, pk, name in rows:
            ids_names = many.get(section_id)
            if ids_names is None:
                ids_names = many[section_id] = ([], [])
            ids_names[0].append(pk)
            ids_names[1].append(name)
    return groups, districts


# What a node is built from: one row of plain values per section (no model instances: at 300 measures, building
# instances of sections, measures, departments and fields cost more than the rest of the tree).
_TREE_COLUMNS = (
    "pk",
    "key",
    "kind",
    "number",
    "title",
    "body",
    "partners",
    "parent_id",
    "field_of_action_id",
    "field_of_action__slug",
    "measure_id",
    "measure__code",
    "measure__status",
    "measure__status_date",
    "measure__spent",
    "department_id",
    "budget",
    "start",
    "end",
)


_CENTS = Decimal("0.01")


def _key_text(value) -> str:
    """A section's key as text from the database driver's value: a UUID (PostgreSQL) or 32 hex digits (SQLite)."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _date_value(value) -> datetime.date | None:
    """A date from the driver's value: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if value is None or isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _amount_value(value) -> Decimal | None:
    """An amount in euros (two decimal places) from the driver's value: a Decimal (PostgreSQL) or a number
    (SQLite)."""
    return value if value is None or isinstance(value, Decimal) else Decimal(str(value)).quantize(_CENTS)


def _tree_rows(owner: str, owner_id: int) -> list[tuple]:
    """The sections of a version or an expert group's draft (``owner``: "version" or "group") in reading order,
    one row of ``_TREE_COLUMNS`` each, by SQL compiled once per worker: the tree is rebuilt whenever the plan
    changes, and with an emptied cache on every page that shows it."""

    def build(placeholder):
        return (
            Section.objects.filter(**{f"{owner}_id": placeholder})
            .order_by("position", "id")
            .values_list(*_TREE_COLUMNS)
        )

    return compiled_rows(f"plan-tree:{owner}", build, owner_id)


def _tree_build(owner: str, owner_id: int, language: str) -> Tree:
    rows = _tree_rows(owner, owner_id)
    many = _sections_many(owner, owner_id)
    translated = language != settings.LANGUAGE_CODE
    section_texts = content_translation_table(Section, language) if translated else {}
    group_names = content_translation_table(TargetGroup, language) if translated else {}
    status_labels = {value: str(label) for value, label in MeasureStatus.choices}
    department_ids = {row[15] for row in rows if row[15]}
    departments = {
        department.pk: department_name(department, language, content_translation_table(Department, language))
        if translated
        else department_name(department, language, {})
        for department in Department.objects.filter(pk__in=department_ids)
    }

    def text(pk: int, name: str, original: str) -> tuple[str, bool]:
        """The text in the reader's language and whether it fell back to the German original (as ``localise``)."""
        if not translated or not original:
            return original, False
        row = section_texts.get((pk, name))
        if row is None or not row.text.strip():
            return original, True
        return row.text, False

    def group_name(pk: int, name: str) -> str:
        row = group_names.get((pk, "name"))
        return row.text if row is not None and row.text.strip() and name else name

    def group_names_of(ids: list, names: list) -> tuple[str, ...]:
        return tuple(map(group_name, ids, names)) if translated else tuple(names)

    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[7], []).append(row)
    roots: list[Node] = []
    nodes: list[Node] = []
    no_many = ((), ())

    def build(row: tuple, depth: int, parent_key: str | None) -> Node:
        (pk, key, kind, number, title, body, partners, _parent, field_id, field_slug, measure_id, code, status,
         status_date, spent, department_id, budget, start, end) = row  # fmt: skip
        status_date, spent, budget = _date_value(status_date), _amount_value(spent), _amount_value(budget)
        start, end = _date_value(start), _date_value(end)
        if translated:
            title, title_fell_back = text(pk, "title", title)
            body, body_fell_back = text(pk, "body", body)
            partners = text(pk, "partners", partners)[0]
        else:
            title_fell_back = body_fell_back = False
        groups, districts = many[0].get(pk, no_many), many[1].get(pk, no_many)
        node = Node(
            id=pk,
            key=_key_text(key),
            kind=kind,
            number=number,
            title=title,
            body=body,
            depth=depth,
            parent_key=parent_key,
            fell_back=title_fell_back or body_fell_back,
            field_of_action_id=field_id,
            field_slug=field_slug or "",
            measure_id=measure_id,
            measure_code=code or "",
            status=status or "",
            status_label=status_labels.get(status, "") if measure_id else "",
            status_date=status_date,
            department_id=department_id,
            department=departments.get(department_id, "") if department_id else "",
            partners=partners,
            target_group_ids=tuple(groups[0]),
            target_groups=group_names_of(*groups),
            district_ids=tuple(districts[0]),
            districts=tuple(districts[1]),
            budget=budget,
            spent=spent,
            start=start,
            end=end,
        )
        nodes.append(node)
        for child in children.get(pk, ()):
            node.children.append(build(child, depth + 1, node.key))
        return node

    for row in children.get(None, ()):
        roots.append(build(row, 0, None))
    return Tree(roots=roots, nodes=nodes)


def version_tree(version: PlanVersion, language: str) -> Tree:
    """A version's sections as a tree in the reader's language, cached until the plan or a text changes."""
    versions = cache_versions_many([(PLAN_NAMESPACE, version.process_id), (CONTENT_NAMESPACE, "site")])
    key = f"plan-tree:{version.pk}:{language}:{':'.join(str(v) for v in versions.values())}"
    tree = cache.get(key)
    if tree is None:
        tree = _tree_build("version", version.pk, language)
        cache.set(key, tree, TREE_SECONDS)
    return tree


def group_draft_tree(group: ExpertGroup, language: str) -> Tree:
    return _tree_build("group", group.pk, language)


def section_get(*, version: PlanVersion | None = None, group: ExpertGroup | None = None, key) -> Section | None:
    owner = {"version": version} if version is not None else {"group": group}
    try:
        key = uuid.UUID(str(key))
    except ValueError:  # a malformed key is "not found"
        return None
    return (
        Section.objects.select_related("version__process", "group__process", "measure").filter(**owner, key=key).first()
    )


# --- measures --------------------------------------------------------------------------------------------------


def measure_get(process, code: str) -> Measure | None:
    if not isinstance(code, str) or len(code) > 20 or "\x00" in code:  # PostgreSQL refuses NUL in text
        return None
    return Measure.objects.filter(process=process, code=code).select_related("process").first()


def measure_section_latest(measure: Measure, *, published_only: bool) -> Section | None:
    """What the newest version holding the measure says about it (of the published versions, or of all)."""
    sections = Section.objects.filter(measure=measure, version__isnull=False)
    if published_only:
        sections = sections.filter(version__state__in=PUBLISHED_STATES)
    return sections.select_related("version", "department").order_by("-version__number").first()


def measure_department_id(measure: Measure) -> int | None:
    """The department responsible for a measure, as the newest version holding it says."""
    cached = getattr(measure, "_department_id", False)
    if cached is False:
        section = measure_section_latest(measure, published_only=False)
        cached = section.department_id if section else None
        measure._department_id = cached
    return cached


def measure_status_history(measure: Measure) -> list[MeasureStatusChange]:
    return list(measure.status_changes.order_by("date", "id"))


def measure_contribution_ids(measure: Measure, *, user=None) -> list[int]:
    """The contributions linked to a measure that the public may see (published), newest link first; a
    coordinator of the process also sees the unpublished ones."""
    from teilhabe.processes.rules import is_coordinator

    links = MeasureLink.objects.filter(measure=measure)
    if not (user is not None and is_coordinator(user, measure.process)):
        links = links.filter(contribution__status=Status.PUBLISHED)
    return list(links.order_by("-created_at", "-id").values_list("contribution_id", flat=True))


@dataclass(frozen=True)
class MeasureOfContribution:
    code: str
    title: str
    status: str
    status_label: str
    status_date: datetime.date | None
    process_slug: str


def contribution_measures(contribution_id: int, language: str) -> list[MeasureOfContribution]:
    """The measures a contribution led to, with their current status, for its public timeline. The title is
    that of the newest published version holding the measure (measures only in a working draft are left out)."""
    links = list(
        MeasureLink.objects.filter(contribution_id=contribution_id)
        .select_related("measure__process")
        .order_by("measure__code")
    )
    if not links:
        return []
    measure_ids = [link.measure_id for link in links]
    latest: dict[int, Section] = {}
    for section in (
        Section.objects.filter(measure_id__in=measure_ids, version__state__in=PUBLISHED_STATES)
        .select_related("version")
        .order_by("measure_id", "-version__number")
    ):
        latest.setdefault(section.measure_id, section)
    table = content_translation_table(Section, language) if language != settings.LANGUAGE_CODE else {}
    labels = dict(MeasureStatus.choices)
    result = []
    for link in links:
        section = latest.get(link.measure_id)
        if section is None:
            continue
        measure = link.measure
        result.append(
            MeasureOfContribution(
                code=measure.code,
                title=localise(section, "title", language, table).text,
                status=measure.status,
                status_label=str(labels[measure.status]),
                status_date=measure.status_date,
                process_slug=measure.process.slug,
            )
        )
    return result


def measure_choices(process, language: str) -> list[tuple[int, str]]:
    """Every measure of a process with its code and newest title, for choosing the ones a contribution led to."""
    measures = {measure.pk: measure for measure in Measure.objects.filter(process=process)}
    titles: dict[int, Section] = {}
    for section in (
        Section.objects.filter(measure_id__in=measures, version__isnull=False)
        .only("id", "measure_id", "title")
        .order_by("measure_id", "-version__number")
    ):
        titles.setdefault(section.measure_id, section)
    table = content_translation_table(Section, language) if language != settings.LANGUAGE_CODE else {}
    choices = []
    for pk, measure in sorted(measures.items(), key=lambda item: item[1].code):
        section = titles.get(pk)
        title = localise(section, "title", language, table).text if section else ""
        choices.append((pk, f"{measure.code} {title}".strip()))
    return choices


def measure_ids_linked(contribution_id: int) -> list[int]:
    return list(MeasureLink.objects.filter(contribution_id=contribution_id).values_list("measure_id", flat=True))


# --- comments on a draft's sections ----------------------------------------------------------------------------


def section_comment_counts(version: PlanVersion) -> dict[int, int]:
    """How many published contributions each section of a version has (section id → count)."""
    rows = (
        SectionComment.objects.filter(version=version, contribution__status=Status.PUBLISHED)
        .values_list("section_id")
        .order_by()
    )
    counts: dict[int, int] = {}
    for (section_id,) in rows:
        counts[section_id] = counts.get(section_id, 0) + 1
    return counts


def section_comment_ids(section: Section) -> list[int]:
    """The published contributions on a section, oldest first (the list a reader of the draft sees)."""
    return list(
        SectionComment.objects.filter(section=section, contribution__status=Status.PUBLISHED)
        .order_by("contribution__published_at", "contribution_id")
        .values_list("contribution_id", flat=True)
    )


def section_of_contribution(contribution_id: int) -> SectionComment | None:
    return (
        SectionComment.objects.filter(contribution_id=contribution_id)
        .select_related("section", "version__process")
        .first()
    )


# --- expert groups ---------------------------------------------------------------------------------------------


def expert_groups_of(process) -> list[ExpertGroup]:
    return list(ExpertGroup.objects.filter(process=process).select_related("field_of_action").order_by("name"))


def expert_group_get(pk) -> ExpertGroup | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return ExpertGroup.objects.filter(pk=pk).select_related("process", "field_of_action").first()


def expert_group_members(group: ExpertGroup) -> list[ExpertGroupMember]:
    return list(group.members.select_related("user", "department", "organisation").order_by("role", "user__email"))


def expert_group_contributions(group: ExpertGroup, *, user):
    """The contributions of the group's field of action, every channel, never removed ones: the group's reading
    list. Analog input kept without consent to publication is part of it for the city's staff only (department
    staff, members who sit in the group for a department, the process's coordinators); members from organisations
    read what is published."""
    from teilhabe.processes.rules import is_coordinator

    staff = (
        bool(department_ids_of(user))
        or is_coordinator(user, group.process)
        or ExpertGroupMember.objects.filter(group=group, user_id=user.pk, department__isnull=False).exists()
    )
    kept = Q(publication_consent=False, entered_by__isnull=False) if staff else Q(pk__in=[])
    return (
        Contribution.objects.filter(process_id=group.process_id, fields_of_action=group.field_of_action_id)
        .filter(Q(status=Status.PUBLISHED) | kept)
        .exclude(status=Status.REMOVED)
        .order_by("-created_at", "-id")
    )


# --- Workspace (the coordinators' and department staff's plan pages) --------------------------------------------


def workspace_process(slug) -> Process | None:
    """The process of a staff plan page by its slug, published or not (a plan is drafted before the process is
    published), with its phases, fields of action and target groups as ``process_get`` loads them."""
    if not isinstance(slug, str) or not slug or len(slug) > 50:
        return None
    pk = Process.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return process_get(pk=pk) if pk is not None else None


@dataclass(frozen=True)
class VersionRow:
    """A version in the staff overview, with how many sections and measures it holds."""

    version: PlanVersion
    sections: int
    measures: int


def workspace_versions(process) -> list[VersionRow]:
    """Every version of a process, newest first, with its counts (one query)."""
    versions = (
        PlanVersion.objects.filter(process=process)
        .select_related("consultation_phase", "based_on")
        .annotate(
            section_count=Count("sections", distinct=True),
            measure_count=Count("sections", filter=Q(sections__kind=SectionKind.MEASURE), distinct=True),
        )
        .order_by("-number")
    )
    return [VersionRow(version, version.section_count, version.measure_count) for version in versions]


def workspace_section(*, owner, key) -> Section | None:
    """A section of a version or of an expert group's draft (``owner``), by its key, with its many-to-many
    values for the editor's form."""
    owner_filter = {"version": owner} if isinstance(owner, PlanVersion) else {"group": owner}
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None
    return (
        Section.objects.filter(**owner_filter, key=key)
        .select_related("version__process", "group__process", "measure", "parent")
        .prefetch_related("target_groups", "districts")
        .first()
    )


def translations_of(obj) -> dict[tuple[str, str], tuple[str, str]]:
    """The translations of a section's or a version's texts: (field, language) → (text, state)."""
    rows = ContentTranslation.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).values_list("field", "language", "text", "state")
    return {(field_name, language): (text, state) for field_name, language, text, state in rows}


@dataclass(frozen=True)
class MeasureRow:
    """A measure as the staff list shows it: what the newest version holding it says, and its live status."""

    pk: int
    code: str
    title: str
    number: str
    version_number: int | None
    department_id: int | None
    department: str
    status: str
    status_label: str
    status_date: datetime.date | None
    spent: object
    budget: object
    start: datetime.date | None
    end: datetime.date | None


def _measure_rows(measures, language: str) -> list[MeasureRow]:
    """Rows for ``measures`` (a queryset of one process's measures): the measures, the sections of the versions
    holding them (the newest one counts) and the departments, in three queries whatever their number."""
    measures = list(measures.values_list("pk", "code", "status", "status_date", "spent"))
    if not measures:
        return []
    latest: dict[int, tuple] = {}
    for row in (
        Section.objects.filter(measure_id__in=[row[0] for row in measures], version__isnull=False)
        .order_by("measure_id", "-version__number")
        .values_list(
            "measure_id", "id", "title", "number", "version__number", "department_id", "budget", "start", "end"
        )
    ):
        latest.setdefault(row[0], row)
    translated = language != settings.LANGUAGE_CODE
    titles = content_translation_table(Section, language) if translated else {}
    department_ids = {row[5] for row in latest.values() if row[5]}
    departments = {}
    if department_ids:
        table = content_translation_table(Department, language) if translated else {}
        departments = {
            department.pk: department_name(department, language, table)
            for department in Department.objects.filter(pk__in=department_ids)
        }
    labels = dict(MeasureStatus.choices)
    rows = []
    for pk, code, status, status_date, spent in measures:
        section = latest.get(pk)
        title = ""
        if section is not None:
            row = titles.get((section[1], "title"))
            title = row.text if row is not None and row.text.strip() else section[2]
        rows.append(
            MeasureRow(
                pk=pk,
                code=code,
                title=title,
                number=section[3] if section else "",
                version_number=section[4] if section else None,
                department_id=section[5] if section else None,
                department=departments.get(section[5], "") if section else "",
                status=status,
                status_label=str(labels.get(status, status)),
                status_date=status_date,
                spent=spent,
                budget=section[6] if section else None,
                start=section[7] if section else None,
                end=section[8] if section else None,
            )
        )
    return rows


def workspace_measures(
    process, language: str, *, department_ids=None, department_id: int | None = None, status: str = ""
) -> list[MeasureRow]:
    """The measures of a process for the staff list, by code: all of them, or only those of ``department_ids``
    (the departments a member of staff works in, by the newest version holding each measure); filtered by one
    department and by status."""
    measures = Measure.objects.filter(process=process).order_by("code")
    if status:
        measures = measures.filter(status=status)
    rows = _measure_rows(measures, language)
    if department_ids is not None:
        rows = [row for row in rows if row.department_id in department_ids]
    if department_id is not None:
        rows = [row for row in rows if row.department_id == department_id]
    return rows


def workspace_measure(process, pk) -> Measure | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Measure.objects.filter(process=process, pk=pk).select_related("process").first()


def workspace_measure_row(measure: Measure, language: str) -> MeasureRow:
    return _measure_rows(Measure.objects.filter(pk=measure.pk), language)[0]


@dataclass(frozen=True)
class StatusChangeRow:
    date: datetime.date
    status_label: str
    previous_label: str
    note: str
    spent: object
    changed_by: str
    created_at: datetime.datetime


def measure_history_rows(measure: Measure) -> list[StatusChangeRow]:
    """A measure's status changes, newest first, with who made them (as staff name a colleague)."""
    labels = dict(MeasureStatus.choices)
    changes = MeasureStatusChange.objects.filter(measure=measure).select_related("changed_by").order_by("-date", "-id")
    return [
        StatusChangeRow(
            date=change.date,
            status_label=str(labels.get(change.status, change.status)),
            previous_label=str(labels.get(change.previous_status, "")) if change.previous_status else "",
            note=change.note,
            spent=change.spent,
            changed_by=change.changed_by.display_name or change.changed_by.email,
            created_at=change.created_at,
        )
        for change in changes
    ]


@dataclass(frozen=True)
class LinkedMeasure:
    """A measure a contribution led to, for the staff work page's box."""

    pk: int
    label: str
    status_label: str
    with_decision: bool


def _measure_choice_rows(process_id: int, language: str) -> list[tuple[int, str, str, bool]]:
    """(id, code and newest title, status label, whether a version holds it) of every measure of a process, by
    code; cached until the plan or a text changes. A measure only in an expert group's draft has no version yet."""
    versions = cache_versions_many([(PLAN_NAMESPACE, process_id), (CONTENT_NAMESPACE, "site")])
    key = f"plan-measure-options:{process_id}:{language}:{':'.join(str(v) for v in versions.values())}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            (row.pk, f"{row.code} {row.title}".strip(), row.status_label, row.version_number is not None)
            for row in _measure_rows(Measure.objects.filter(process_id=process_id).order_by("code"), language)
        ]
        cache.set(key, rows, TREE_SECONDS)
    return rows


def contribution_measure_box(contribution_id: int, process_id: int, language: str):
    """What the work page's box "Measures this contribution led to" shows: the linked measures and, as (id, label)
    choices, the measures of the plan's versions that can still be linked. Cached until the plan (links,
    statuses, sections) or a text changes, so that the work page asks the database nothing more for it."""
    versions = cache_versions_many([(PLAN_NAMESPACE, process_id), (CONTENT_NAMESPACE, "site")])
    key = f"plan-links:{contribution_id}:{':'.join(str(v) for v in versions.values())}"
    links = cache.get(key)
    if links is None:
        links = list(
            MeasureLink.objects.filter(contribution_id=contribution_id).values_list("measure_id", "disposition_id")
        )
        cache.set(key, links, TREE_SECONDS)
    rows = _measure_choice_rows(process_id, language)
    linked = dict(links)
    shown = [
        LinkedMeasure(pk, label, status_label, linked[pk] is not None)
        for pk, label, status_label, _in_plan in rows
        if pk in linked
    ]
    return shown, [(pk, label) for pk, label, _status, in_plan in rows if in_plan and pk not in linked]


def staff_plan_processes(user) -> list[Process]:
    """The processes whose plan makes one of the person's departments responsible for a measure (slug and
    title only): the staff start page links their measures."""
    department_ids = department_ids_of(user)
    if not department_ids:
        return []
    return list(
        Process.objects.filter(
            pk__in=Section.objects.filter(department_id__in=department_ids, version__isnull=False).values(
                "version__process_id"
            )
        )
        .only("pk", "slug", "title")
        .order_by("title")
    )


def measure_scope(user, process) -> frozenset[int] | None:
    """Which measures of a process someone keeps: None for all of them (a coordinator of the process), else
    the ids of the departments they work in (empty for anyone else)."""
    if process.pk in process_ids_coordinated_by(user):
        return None
    return department_ids_of(user)


def workspace_measures_by_id(process_id: int, ids) -> list[Measure]:
    return list(Measure.objects.filter(process_id=process_id, pk__in=list(ids)).select_related("process"))


# --- Public pages (the plan as residents read it) --------------------------------------------------------------


def versions_published(process) -> list[PlanVersion]:
    """The published versions of a process, oldest first, cached until the plan changes. Each carries the (cached)
    process, so asking whether its comments are open costs no query."""
    plan = cache_versions_many([(PLAN_NAMESPACE, process.pk)])[(PLAN_NAMESPACE, process.pk)]
    key = f"plan-published:{process.pk}:{plan}"
    versions = cache.get(key)
    if versions is None:
        versions = list(
            PlanVersion.objects.filter(process=process, state__in=PUBLISHED_STATES)
            .select_related("consultation_phase")
            .order_by("number")
        )
        cache.set(key, versions, TREE_SECONDS)
    for version in versions:
        version.process = process
    return versions


def version_of_number(process, number: int) -> PlanVersion | None:
    """Version ``number`` of a process: from the cached published ones, else (a working draft) from the database."""
    for version in versions_published(process):
        if version.number == number:
            return version
    version = version_get(process, number)
    if version is not None:
        version.process = process
    return version


def version_comment_counts(version: PlanVersion) -> dict[int, int]:
    """How many published contributions each section of a version has (section id → count), in one grouped query
    cached until the plan or a contribution of the process changes (publishing, moderating)."""
    pairs = [(PLAN_NAMESPACE, version.process_id), (FIGURES_NAMESPACE, version.process_id)]
    versions = cache_versions_many(pairs)
    key = f"plan-comment-counts:{version.pk}:{':'.join(str(versions[pair]) for pair in pairs)}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(
            SectionComment.objects.filter(version=version, contribution__status=Status.PUBLISHED)
            .values_list("section_id")
            .annotate(count=Count("id"))
            .order_by()
        )
        cache.set(key, counts, TREE_SECONDS)
    return counts


def section_comments_published(section_id: int):
    """The published contributions made on a section, oldest first: a queryset to page through."""
    return Contribution.objects.filter(plan_section_comment__section_id=section_id, status=Status.PUBLISHED).order_by(
        "published_at", "id"
    )


def measure_contributions_published(measure: Measure):
    """The published contributions (of every channel) that led to a measure, newest first: a queryset to page
    through."""
    linked = MeasureLink.objects.filter(measure=measure).values("contribution_id")
    return Contribution.objects.filter(pk__in=linked, status=Status.PUBLISHED).order_by("-published_at", "-id")


@dataclass(frozen=True)
class Appearance:
    """A version holding a measure: which, in what state, and the measure's section there."""

    version_number: int
    version_title: LocalisedText
    state: str
    state_label: str
    adopted_on: datetime.date | None
    document_number: str
    section_number: str
    section_key: str


def measure_appearances(measure: Measure, language: str, *, with_working: bool) -> list[Appearance]:
    """The versions holding a measure, newest first: the published ones, and the working draft ``with_working``."""
    states = [*PUBLISHED_STATES, VersionState.WORKING] if with_working else list(PUBLISHED_STATES)
    sections = (
        Section.objects.filter(measure=measure, version__state__in=states)
        .select_related("version")
        .only(
            "number",
            "key",
            "version__id",
            "version__number",
            "version__title",
            "version__state",
            "version__adopted_on",
            "version__document_number",
        )
        .order_by("-version__number")
    )
    table = content_translation_table(PlanVersion, language) if language != settings.LANGUAGE_CODE else {}
    labels = dict(VersionState.choices)
    return [
        Appearance(
            version_number=section.version.number,
            version_title=localise(section.version, "title", language, table),
            state=section.version.state,
            state_label=str(labels[section.version.state]),
            adopted_on=section.version.adopted_on,
            document_number=section.version.document_number,
            section_number=section.number,
            section_key=str(section.key),
        )
        for section in sections
    ]


@dataclass(frozen=True)
class StatusEntry:
    """One dated step of a measure's status history as the public sees it."""

    date: datetime.date
    status: str
    status_label: str
    note: LocalisedText
    spent: object


def measure_history_public(measure: Measure, language: str) -> list[StatusEntry]:
    """A measure's status changes, oldest first, with their progress notes in the reader's language."""
    table = content_translation_table(MeasureStatusChange, language) if language != settings.LANGUAGE_CODE else {}
    labels = dict(MeasureStatus.choices)
    return [
        StatusEntry(
            date=change.date,
            status=change.status,
            status_label=str(labels.get(change.status, change.status)),
            note=localise(change, "note", language, table),
            spent=change.spent,
        )
        for change in MeasureStatusChange.objects.filter(measure=measure)
        .only("id", "date", "status", "note", "spent")
        .order_by("date", "id")
    ]


@dataclass(frozen=True)
class PublicMeasureRow:
    """A measure in the public list: what the version says and its live status, with what the filters ask."""

    section_id: int
    key: str
    code: str
    number: str
    title: str
    field_slug: str
    field_name: str
    department_id: int | None
    department: str
    district_ids: tuple[int, ...]
    target_group_ids: tuple[int, ...]
    status: str
    status_label: str
    start: datetime.date | None
    end: datetime.date | None


def measure_rows(tree: Tree, field_names: dict[str, str]) -> list[PublicMeasureRow]:
    """The measures of a version's tree in reading order, each with the field of action it stands under
    (``field_names``: slug → name in the reader's language)."""
    by_key = {node.key: node for node in tree.nodes}

    def field_of(node: Node) -> str:
        while node is not None:
            if node.field_slug:
                return node.field_slug
            node = by_key.get(node.parent_key)
        return ""

    rows = []
    for node in tree.measures():
        slug = field_of(node)
        rows.append(
            PublicMeasureRow(
                section_id=node.id,
                key=node.key,
                code=node.measure_code,
                number=node.number,
                title=node.title,
                field_slug=slug,
                field_name=field_names.get(slug, ""),
                department_id=node.department_id,
                department=node.department,
                district_ids=node.district_ids,
                target_group_ids=node.target_group_ids,
                status=node.status,
                status_label=node.status_label,
                start=node.start,
                end=node.end,
            )
        )
    return rows


@dataclass(frozen=True)
class CommentedSection:
    """The section of a draft a contribution was made on, for the contribution's page."""

    process_slug: str
    version_number: int
    version_title: LocalisedText
    version_state_label: str
    section_key: str
    section_number: str
    section_title: LocalisedText


def contribution_section(contribution_id: int, language: str) -> CommentedSection | None:
    """Which section of which version a contribution was made on, or None."""
    comment = section_of_contribution(contribution_id)
    if comment is None:
        return None
    translated = language != settings.LANGUAGE_CODE
    section, version = comment.section, comment.version
    return CommentedSection(
        process_slug=version.process.slug,
        version_number=version.number,
        version_title=localise(version, "title", language, None if translated else {}),
        version_state_label=str(dict(VersionState.choices)[version.state]),
        section_key=str(section.key),
        section_number=section.number,
        section_title=localise(section, "title", language, None if translated else {}),
    )


# --- Expert groups (groups.py: the groups' pages under /verwaltung/fachgruppen/) -------------------------------


@dataclass(frozen=True)
class ExpertGroupRow:
    """An expert group in a process's list, with its members and the state of its draft."""

    group: ExpertGroup
    members: int
    chairs: tuple[str, ...]
    draft_sections: int
    changed_since_adoption: bool


def draft_changed_since_adoption(group: ExpertGroup) -> bool:
    """Whether the group's draft has changes a coordinator has not adopted into the plan yet."""
    if group.draft_changed_at is None:
        return False
    return group.adopted_at is None or group.draft_changed_at > group.adopted_at


def expert_group_rows(process) -> list[ExpertGroupRow]:
    """The expert groups of a process by name, each with its number of members, its chairs and the size of its
    draft: two queries however many groups there are."""
    groups = list(
        ExpertGroup.objects.filter(process=process)
        .select_related("field_of_action")
        .annotate(member_count=Count("members", distinct=True), section_count=Count("draft_sections", distinct=True))
        .order_by("name", "id")
    )
    chairs: dict[int, list[str]] = {}
    for group_id, name, email in (
        ExpertGroupMember.objects.filter(group__process=process, role=ExpertGroupRole.CHAIR)
        .order_by("user__display_name", "user__email")
        .values_list("group_id", "user__display_name", "user__email")
    ):
        chairs.setdefault(group_id, []).append(staff_name(name, email))
    return [
        ExpertGroupRow(
            group=group,
            members=group.member_count,
            chairs=tuple(chairs.get(group.pk, ())),
            draft_sections=group.section_count,
            changed_since_adoption=draft_changed_since_adoption(group),
        )
        for group in groups
    ]


@dataclass(frozen=True)
class DraftSource:
    """Where starting a group's draft takes it from: the newest version of the plan and its field's section
    there (None: the draft starts with an empty section of the field)."""

    version: PlanVersion | None
    section: SubtreeSummary | None


def group_draft_source(group: ExpertGroup) -> DraftSource:
    version = PlanVersion.objects.filter(process_id=group.process_id).order_by("-number").first()
    if version is None:
        return DraftSource(None, None)
    rows = _section_rows(version=version)
    root = _field_root(rows, group.field_of_action_id)
    return DraftSource(version, _subtree_summary(rows, root) if root is not None else None)


def expert_group_free_fields(process) -> list[FieldOfAction]:
    """The fields of action of a process that have no expert group yet, in their order."""
    taken = ExpertGroup.objects.filter(process=process).values("field_of_action_id")
    return list(FieldOfAction.objects.filter(process=process).exclude(pk__in=taken).order_by("order", "name"))


@dataclass(frozen=True)
class MemberRow:
    """A member of an expert group as colleagues see them: name, address, role and where they come from."""

    pk: int
    user_id: int
    name: str
    email: str
    role: str
    role_label: str
    department: str
    organisation: str


def expert_group_member_rows(group: ExpertGroup, language: str) -> list[MemberRow]:
    """The members of a group, chairs first, then by name (one query, department names from the cached
    translation table)."""
    table = content_translation_table(Department, language) if language != settings.LANGUAGE_CODE else {}
    labels = dict(ExpertGroupRole.choices)
    members = (
        ExpertGroupMember.objects.filter(group=group)
        .select_related("user", "department", "organisation")
        .order_by("role", "user__display_name", "user__email", "id")
    )
    return [
        MemberRow(
            pk=member.pk,
            user_id=member.user_id,
            name=staff_name(member.user.display_name, member.user.email),
            email=member.user.email,
            role=member.role,
            role_label=str(labels.get(member.role, member.role)),
            department=department_name(member.department, language, table) if member.department_id else "",
            organisation=member.organisation.name if member.organisation_id else "",
        )
        for member in members
    ]


def expert_group_member_get(group: ExpertGroup, pk) -> ExpertGroupMember | None:
    """A member of ``group`` by id; anything else (another group's member, a malformed id) is None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return ExpertGroupMember.objects.filter(group=group, pk=pk).select_related("user", "group__process").first()


def person_by_email(email: str):
    """The active account with this e-mail address (case does not matter), or None."""
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()


@dataclass(frozen=True)
class GroupContributionRow:
    """A contribution in an expert group's reading list: where it came from and what was decided."""

    pk: int
    title: str
    language: str
    channel: str
    channel_label: str
    district: str
    date: datetime.date
    published: bool
    supports: int
    state_label: str
    outcome: str
    outcome_label: str


def expert_group_contribution_rows(ids) -> list[GroupContributionRow]:
    """The display values of a page of ``expert_group_contributions``, in one query: each contribution with its
    district and its answer path, which holds the state and the outcome of the current decision (kept by the
    answer services with every decision), so no decision is read row by row."""
    channels, states, outcomes = dict(Channel.choices), dict(AnswerState.choices), dict(Outcome.choices)
    rows = Contribution.objects.filter(pk__in=list(ids)).values_list(
        "pk",
        "title",
        "language",
        "channel",
        "district__name",
        "original_date",
        "created_at",
        "status",
        "support_count",
        "analog_support_count",
        "answer_path__state",
        "answer_path__outcome",
    )
    result = []
    for pk, title, language, channel, district, original, created, status, online, analog, state, outcome in rows:
        result.append(
            GroupContributionRow(
                pk=pk,
                title=title,
                language=language,
                channel=channel,
                channel_label=str(channels.get(channel, channel)),
                district=district or "",
                date=original or timezone.localdate(created),
                published=status == Status.PUBLISHED,
                supports=online + analog,
                state_label=str(states.get(state or AnswerState.RECEIVED, "")),
                outcome=outcome or "",
                outcome_label=str(outcomes.get(outcome, "")) if outcome else "",
            )
        )
    return result


@dataclass(frozen=True)
class MeetingRow:
    pk: int
    date: datetime.date
    title: str
    record: str
    written_by: str


def expert_group_meeting_rows(group: ExpertGroup) -> list[MeetingRow]:
    """The meeting records of a group, newest first, with who wrote them (one query)."""
    return [
        MeetingRow(pk=pk, date=date, title=title, record=record, written_by=staff_name(name, email))
        for pk, date, title, record, name, email in ExpertMeeting.objects.filter(group=group)
        .order_by("-date", "-id")
        .values_list("pk", "date", "title", "record", "written_by__display_name", "written_by__email")
    ]


@dataclass(frozen=True)
class SubtreeSummary:
    """A field's section with what stands below it: how many goals and measures, and which measures."""

    number: str
    title: str
    goals: int
    measures: int
    sections: int
    measure_codes: tuple[str, ...]


def _subtree_summary(sections: list[tuple], root_id: int) -> SubtreeSummary:
    """``sections``: (id, parent id, kind, number, title, measure code, field of action) of a version or draft."""
    children: dict[int | None, list[tuple]] = {}
    by_id = {}
    for row in sections:
        children.setdefault(row[1], []).append(row)
        by_id[row[0]] = row
    kinds: dict[str, int] = {}
    codes = []
    stack = [by_id[root_id]]
    count = 0
    while stack:
        row = stack.pop()
        count += 1
        kinds[row[2]] = kinds.get(row[2], 0) + 1
        if row[5]:
            codes.append(row[5])
        stack.extend(children.get(row[0], ()))
    root = by_id[root_id]
    return SubtreeSummary(
        number=root[3],
        title=root[4],
        goals=kinds.get(SectionKind.GOAL, 0),
        measures=kinds.get(SectionKind.MEASURE, 0),
        sections=count,
        measure_codes=tuple(sorted(codes)),
    )


def _section_rows(**owner) -> list[tuple]:
    return list(
        Section.objects.filter(**owner)
        .order_by("position", "id")
        .values_list("id", "parent_id", "kind", "number", "title", "measure__code", "field_of_action_id")
    )


@dataclass(frozen=True)
class AdoptionPreview:
    """What adopting a group's draft would do to the plan's working draft.

    ``version`` is the working draft (None: adopting starts one as a copy of ``based_on``, the newest version);
    ``current`` is the field's section there now (None: the draft's field section is added at the end);
    ``draft`` the group's draft. ``commented``: residents commented on the sections that would be replaced,
    so the adoption is refused.
    """

    version: PlanVersion | None
    based_on: PlanVersion | None
    current: SubtreeSummary | None
    draft: SubtreeSummary | None
    draft_is_adoptable: bool
    measures_added: tuple[str, ...]
    measures_dropped: tuple[str, ...]
    commented: bool
    changed_since_adoption: bool


def group_adoption_preview(group: ExpertGroup) -> AdoptionPreview:
    """Compare the group's draft with the field's section of the plan's working draft (or of the newest version,
    which a working draft would be copied from)."""
    version = (
        PlanVersion.objects.filter(process_id=group.process_id, state=VersionState.WORKING)
        .select_related("based_on")
        .first()
    )
    based_on = None
    source = version
    if version is None:
        based_on = PlanVersion.objects.filter(process_id=group.process_id).order_by("-number").first()
        source = based_on
    current = None
    commented = False
    if source is not None:
        rows = _section_rows(version=source)
        root = _field_root(rows, group.field_of_action_id)
        if root is not None:
            current = _subtree_summary(rows, root)
            if version is not None:
                ids = _subtree_ids_of(rows, root)
                commented = SectionComment.objects.filter(section_id__in=ids).exists()
    draft_rows = _section_rows(group=group)
    roots = [row for row in draft_rows if row[1] is None]
    adoptable = len(roots) == 1 and roots[0][2] == SectionKind.FIELD
    draft = _subtree_summary(draft_rows, roots[0][0]) if adoptable else None
    old_codes = set(current.measure_codes) if current else set()
    new_codes = set(draft.measure_codes) if draft else set()
    return AdoptionPreview(
        version=version,
        based_on=based_on,
        current=current,
        draft=draft,
        draft_is_adoptable=adoptable,
        measures_added=tuple(sorted(new_codes - old_codes)),
        measures_dropped=tuple(sorted(old_codes - new_codes)),
        commented=commented,
        changed_since_adoption=draft_changed_since_adoption(group),
    )


def _field_root(rows: list[tuple], field_of_action_id: int) -> int | None:
    """The id of the top-level section of a field of action among a version's section rows."""
    for row in rows:
        if row[1] is None and row[2] == SectionKind.FIELD and row[6] == field_of_action_id:
            return row[0]
    return None


def _subtree_ids_of(rows: list[tuple], root_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row[0])
    ids, stack = [], [root_id]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(children.get(pk, ()))
    return ids


@dataclass(frozen=True)
class MyGroupRow:
    """An expert group someone belongs to, for their list of groups."""

    group: ExpertGroup
    role_label: str


def expert_groups_of_person(user) -> list[MyGroupRow]:
    """The expert groups a person is a member of, by process and name (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    labels = dict(ExpertGroupRole.choices)
    return [
        MyGroupRow(group=member.group, role_label=str(labels.get(member.role, member.role)))
        for member in ExpertGroupMember.objects.filter(user=user)
        .select_related("group__process", "group__field_of_action")
        .order_by("group__process__title", "group__name", "group_id")
    ]


def coordinated_processes_with_groups(user) -> list[Process]:
    """The processes a person coordinates (their expert groups are managed from there), by title."""
    ids = process_ids_coordinated_by(user)
    if not ids:
        return []
    return list(Process.objects.filter(pk__in=ids).order_by("title", "id"))


def has_expert_group_work(user) -> bool:
    """Whether the navigation offers the expert groups: to their members and to coordinators (the memberships
    are remembered on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(process_ids_coordinated_by(user)) or bool(expert_group_ids_of(user, process_id=None))
