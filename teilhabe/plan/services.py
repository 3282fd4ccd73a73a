"""Writes on the plan: every change is a keyword-only, atomic, audited function here.

Sections: versions (a working draft, publishing for consultation, adoption), sections of a version or of an
expert group's draft (add, change, move, remove, translate), measures' status, links from contributions to
measures, comments on a draft's sections (online and analog), expert groups (members, meeting records, their
draft and its adoption into the plan).
"""

import datetime
import decimal
import re

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.contributions.services import contribution_create, contribution_record_analog
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import ContentTranslation
from teilhabe.core.services import audit_record, content_translation_set
from teilhabe.core.text import clean_plain_text
from teilhabe.plan.models import (
    ALLOWED_CHILDREN,
    BODY_MAX,
    CODE_MAX,
    DOCUMENT_NUMBER_MAX,
    NOTE_MAX,
    PARTNERS_MAX,
    TITLE_MAX,
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
from teilhabe.plan.selectors import PLAN_NAMESPACE, version_next_number, version_working

# The fields of a section that services copy and compare (the many-to-many ones apart).
SECTION_FIELDS = (
    "key",
    "position",
    "kind",
    "number",
    "title",
    "body",
    "field_of_action_id",
    "measure_id",
    "department_id",
    "partners",
    "budget",
    "start",
    "end",
)


def _require(user, perm: str, obj, message=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)


def plan_changed(process_id: int, contribution_ids=()) -> None:
    """After commit: the process's plan pages and figures are stale, and so are the pages (timelines) of the
    contributions named."""
    cache_version_bump(PLAN_NAMESPACE, process_id)
    cache_version_bump(FIGURES_NAMESPACE, process_id)
    for contribution_id in sorted(set(contribution_ids)):
        cache_version_bump(CONTRIBUTION_NAMESPACE, contribution_id)


def _text(value, field: str, max_length: int, *, required_message=None, errors: dict) -> str:
    value = clean_plain_text(value or "")
    if required_message and not value:
        errors[field] = required_message
    elif len(value) > max_length:
        errors[field] = _("Please shorten this text to at most %(max)d characters.") % {"max": max_length}
    return value


def _raise(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(first, field_errors=errors)


# --- versions --------------------------------------------------------------------------------------------------


def _copy_sections(sections, *, version=None, group=None, parent=None, root_parent_map=None) -> dict[int, Section]:
    """Copy sections (with their many-to-many values and translations) to a version or an expert group's draft,
    keeping their keys; ``parent`` is the new parent of the copied top-level sections. Returns old id → copy."""
    sections = list(sections)
    ids = {section.pk for section in sections}
    copies: dict[int, Section] = {}
    pending = [section for section in sections]
    # Parents first: sort by depth.
    depth: dict[int, int] = {}

    def depth_of(section):
        if section.pk not in depth:
            depth[section.pk] = 0 if section.parent_id not in ids else depth_of(by_id[section.parent_id]) + 1
        return depth[section.pk]

    by_id = {section.pk: section for section in sections}
    pending.sort(key=lambda section: (depth_of(section), section.position, section.pk))
    for section in pending:
        copy = Section(
            version=version,
            group=group,
            parent=copies[section.parent_id] if section.parent_id in ids else parent,
            **{name: getattr(section, name) for name in SECTION_FIELDS},
        )
        copy.save()
        copies[section.pk] = copy
    through_groups = Section.target_groups.through
    through_districts = Section.districts.through
    through_groups.objects.bulk_create(
        through_groups(section_id=copies[row.section_id].pk, targetgroup_id=row.targetgroup_id)
        for row in through_groups.objects.filter(section_id__in=ids)
    )
    through_districts.objects.bulk_create(
        through_districts(section_id=copies[row.section_id].pk, district_id=row.district_id)
        for row in through_districts.objects.filter(section_id__in=ids)
    )
    _copy_translations(Section, {pk: copy.pk for pk, copy in copies.items()})
    return copies


def _copy_translations(model, id_map: dict[int, int], fields=None) -> None:
    """Copy the translations of objects of ``model`` (old id → new id), of all their fields or of ``fields``."""
    content_type = ContentType.objects.get_for_model(model)
    rows = ContentTranslation.objects.filter(content_type=content_type, object_id__in=id_map)
    if fields is not None:
        rows = rows.filter(field__in=fields)
    ContentTranslation.objects.bulk_create(
        ContentTranslation(
            content_type=content_type,
            object_id=id_map[row.object_id],
            field=row.field,
            language=row.language,
            text=row.text,
            state=row.state,
        )
        for row in rows
    )


@transaction.atomic
def version_create(
    *, user, process, title: str = "", note: str = "", based_on: PlanVersion | None = None
) -> PlanVersion:
    """Start a working draft: empty, or a copy of ``based_on`` (by default the newest version) with the same
    section keys, so the two can be compared. A process has one working draft at a time."""
    _require(user, "plan.create_version", process)
    if version_working(process) is not None:
        raise Conflict(_("There is a working draft already: change it, or publish it first."))
    if based_on is None:
        based_on = PlanVersion.objects.filter(process=process).order_by("-number").first()
    elif based_on.process_id != process.pk:
        raise ApplicationError(_("Please choose a version of this process."))
    errors = {}
    title = _text(
        title or (based_on.title if based_on else ""),
        "title",
        TITLE_MAX,
        errors=errors,
        required_message=_("Please give the version a title."),
    )
    note = _text(note, "note", NOTE_MAX, errors=errors)
    _raise(errors)
    version = PlanVersion.objects.create(
        process=process,
        number=version_next_number(process),
        title=title,
        note=note,
        based_on=based_on,
        created_by=user,
    )
    if based_on is not None:
        _copy_sections(Section.objects.filter(version=based_on), version=version)
        # The translations of a title or note carried over unchanged still fit; a new text needs new ones.
        unchanged = [
            name for name in PlanVersion.translatable_fields if getattr(version, name) == getattr(based_on, name)
        ]
        if unchanged:
            _copy_translations(PlanVersion, {based_on.pk: version.pk}, fields=unchanged)
    audit_record(
        actor=user,
        action="plan_version.created",
        obj=version,
        data={"number": version.number, "based_on": based_on.number if based_on else None},
    )
    plan_changed(process.pk)
    return version


@transaction.atomic
def version_update(*, user, version: PlanVersion, title: str, note: str = "") -> PlanVersion:
    version = PlanVersion.objects.select_for_update().select_related("process").get(pk=version.pk)
    _require(user, "plan.edit_version", version, _("A published version cannot be changed: start a new version."))
    errors = {}
    version.title = _text(
        title, "title", TITLE_MAX, errors=errors, required_message=_("Please give the version a title.")
    )
    version.note = _text(note, "note", NOTE_MAX, errors=errors)
    _raise(errors)
    version.save(update_fields=["title", "note", "updated_at"])
    audit_record(actor=user, action="plan_version.changed", obj=version, data={"title": version.title})
    plan_changed(version.process_id)
    return version


@transaction.atomic
def version_publish_for_consultation(*, user, version: PlanVersion, phase=None) -> PlanVersion:
    """Publish a working draft as the draft for consultation: from now on it is immutable and public; while
    ``phase`` (a phase of the process) runs, residents comment on its sections."""
    version = PlanVersion.objects.select_for_update().select_related("process").get(pk=version.pk)
    _require(user, "plan.publish_version", version)
    if version.state != VersionState.WORKING:
        raise Conflict(_("Only a working draft can be put out for consultation."))
    if phase is not None and phase.process_id != version.process_id:
        message = _("Please choose a phase of this process.")
        raise ApplicationError(message, field_errors={"phase": message})
    if not Section.objects.filter(version=version).exists():
        raise ApplicationError(_("An empty draft cannot be published: add its sections first."))
    version.state = VersionState.CONSULTATION
    version.consultation_phase = phase
    version.published_at = timezone.now()
    version.save(update_fields=["state", "consultation_phase", "published_at", "updated_at"])
    audit_record(
        actor=user,
        action="plan_version.consultation",
        obj=version,
        data={"number": version.number, "phase": phase.pk if phase else None},
    )
    plan_changed(version.process_id)
    return version


@transaction.atomic
def version_adopt(*, user, version: PlanVersion, adopted_on: datetime.date, document_number: str) -> PlanVersion:
    """Record that the council adopted this version (a working draft or the draft for consultation), on
    ``adopted_on``, with its document number (Drucksache)."""
    version = PlanVersion.objects.select_for_update().select_related("process").get(pk=version.pk)
    _require(user, "plan.publish_version", version)
    if version.state == VersionState.ADOPTED:
        raise Conflict(_("This version has been adopted already."))
    errors = {}
    document_number = _text(
        document_number,
        "document_number",
        DOCUMENT_NUMBER_MAX,
        errors=errors,
        required_message=_("Please give the council's document number."),
    )
    if not isinstance(adopted_on, datetime.date):
        errors["adopted_on"] = _("Please give the date of adoption.")
    elif adopted_on > timezone.localdate():
        errors["adopted_on"] = _("The date of adoption cannot be in the future.")
    _raise(errors)
    if not Section.objects.filter(version=version).exists():
        raise ApplicationError(_("An empty draft cannot be adopted: add its sections first."))
    version.state = VersionState.ADOPTED
    version.adopted_on = adopted_on
    version.document_number = document_number
    version.published_at = version.published_at or timezone.now()
    version.save(update_fields=["state", "adopted_on", "document_number", "published_at", "updated_at"])
    audit_record(
        actor=user,
        action="plan_version.adopted",
        obj=version,
        data={"number": version.number, "adopted_on": adopted_on.isoformat(), "document_number": document_number},
    )
    plan_changed(version.process_id)
    return version


# --- sections --------------------------------------------------------------------------------------------------


def _owner_filter(section_or_owner) -> dict:
    if isinstance(section_or_owner, Section):
        if section_or_owner.version_id:
            return {"version_id": section_or_owner.version_id}
        return {"group_id": section_or_owner.group_id}
    if isinstance(section_or_owner, PlanVersion):
        return {"version_id": section_or_owner.pk}
    return {"group_id": section_or_owner.pk}


def _renumber(owner) -> None:
    """Number the sections of a version or draft: fields of action and text sections at the top level
    1, 2, 3 …, below them 1.1, 1.2 …; measures carry their goal's number and their own (2.1.3)."""
    sections = list(
        Section.objects.filter(**_owner_filter(owner))
        .order_by("position", "id")
        .only("id", "parent_id", "number", "position")
    )
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    changed = []

    def walk(parent_id, prefix):
        for index, section in enumerate(children.get(parent_id, ()), start=1):
            number = f"{prefix}{index}"
            if section.number != number or section.position != index:
                section.number, section.position = number, index
                changed.append(section)
            walk(section.pk, f"{number}.")

    walk(None, "")
    Section.objects.bulk_update(changed, ["number", "position"], batch_size=500)


def _owner_process(owner):
    return owner.process


def _editable(user, owner, section=None) -> None:
    """A working draft may be changed by the process's coordinators; an expert group's draft by its members
    and the coordinators."""
    if isinstance(owner, PlanVersion):
        if owner.state != VersionState.WORKING:
            raise Conflict(_("A published version cannot be changed: start a new version."))
        _require(user, "plan.edit_version", owner)
    else:
        _require(user, "plan.work_in_expert_group", owner)


MEASURE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _next_measure_code(process) -> str:
    codes = Measure.objects.filter(process=process, code__startswith="M-").values_list("code", flat=True)
    numbers = [int(code[2:]) for code in codes if code[2:].isdigit()]
    return f"M-{(max(numbers) if numbers else 0) + 1:03d}"


def _section_values(*, process, kind, values: dict, errors: dict) -> dict:
    """Check what a form says about a section; returns the clean values."""
    clean = {}
    clean["title"] = _text(
        values.get("title"), "title", TITLE_MAX, errors=errors, required_message=_("Please give the section a title.")
    )
    clean["body"] = _text(values.get("body"), "body", BODY_MAX, errors=errors)
    if kind == SectionKind.FIELD:
        field = values.get("field_of_action")
        if field is None or field.process_id != process.pk:
            errors["field_of_action"] = _("Please choose a field of action of this process.")
        clean["field_of_action"] = field
    if kind == SectionKind.MEASURE:
        department = values.get("department")
        if department is not None and department.city_id != process.city_id:
            errors["department"] = _("Please choose a department of this city.")
        clean["department"] = department
        clean["partners"] = _text(values.get("partners"), "partners", PARTNERS_MAX, errors=errors)
        budget = values.get("budget")
        if budget is not None:
            try:
                budget = decimal.Decimal(budget)
            except (decimal.InvalidOperation, TypeError, ValueError):
                budget = decimal.Decimal(-1)
            if not budget.is_finite() or budget < 0 or budget >= 10**10:
                errors["budget"] = _("Please give the budget as an amount in euros, 0 or more.")
        clean["budget"] = budget
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            errors["end"] = _("The end cannot be before the start.")
        clean["start"], clean["end"] = start, end
        groups = list(values.get("target_groups") or ())
        if any(group.process_id != process.pk for group in groups):
            errors["target_groups"] = _("Please choose target groups of this process.")
        districts = list(values.get("districts") or ())
        if any(district.city_id != process.city_id for district in districts):
            errors["districts"] = _("Please choose districts of this city.")
        clean["target_groups"], clean["districts"] = groups, districts
    return clean


@transaction.atomic
def section_add(*, user, owner, kind: str, parent: Section | None = None, code: str = "", **values) -> Section:
    """Add a section at the end of ``parent`` (or of the top level) of a working draft or an expert group's
    draft (``owner``). A new measure section creates the measure (with ``code``, or the next free M-nnn)."""
    _editable(user, owner)
    process = _owner_process(owner)
    if kind not in SectionKind.values:
        raise ApplicationError(_("Please choose a kind of section."))
    if parent is not None and _owner_filter(parent) != _owner_filter(owner):
        raise ApplicationError(_("Please choose a section of this draft."))
    if kind not in ALLOWED_CHILDREN[parent.kind if parent else None]:
        message = _("A section of this kind cannot be placed here.")
        raise ApplicationError(message, field_errors={"kind": message})
    errors = {}
    clean = _section_values(process=process, kind=kind, values=values, errors=errors)
    code = clean_plain_text(code or "")
    if kind == SectionKind.MEASURE and code:
        if len(code) > CODE_MAX:
            errors["code"] = _("Please shorten the code to at most %(max)d characters.") % {"max": CODE_MAX}
        elif not MEASURE_CODE.fullmatch(code):
            # The code is part of the measure's address: no slashes, spaces or other signs.
            errors["code"] = _(
                "Please use only letters, digits, dots, hyphens and underscores in the code, e.g. M-017."
            )
        elif Measure.objects.filter(process=process, code=code).exists():
            errors["code"] = _("A measure with this code exists already.")
    _raise(errors)
    groups, districts = clean.pop("target_groups", []), clean.pop("districts", [])
    measure = None
    if kind == SectionKind.MEASURE:
        measure = Measure.objects.create(process=process, code=code or _next_measure_code(process))
        audit_record(actor=user, action="measure.created", obj=measure, data={"code": measure.code})
    last = Section.objects.filter(**_owner_filter(owner), parent=parent).aggregate(p=Max("position"))["p"] or 0
    section = Section.objects.create(
        **({"version": owner} if isinstance(owner, PlanVersion) else {"group": owner}),
        parent=parent,
        position=last + 1,
        kind=kind,
        measure=measure,
        **clean,
    )
    section.target_groups.set(groups)
    section.districts.set(districts)
    _renumber(owner)
    audit_record(actor=user, action="plan_section.added", obj=section, data={"kind": kind, "key": str(section.key)})
    _draft_touched(owner)
    plan_changed(process.pk)
    return section


def _draft_touched(owner) -> None:
    if isinstance(owner, ExpertGroup):
        ExpertGroup.objects.filter(pk=owner.pk).update(draft_changed_at=timezone.now())


def _section_owner(section: Section):
    return section.version if section.version_id else section.group


@transaction.atomic
def section_update(*, user, section: Section, **values) -> Section:
    """Change a section's texts and, for a measure, its facts (department, partners, target groups, districts,
    budget, start, end)."""
    owners = Section.objects.select_related("version__process", "group__process")
    section = owners.select_for_update(of=("self",)).get(pk=section.pk)
    owner = _section_owner(section)
    _editable(user, owner, section)
    errors = {}
    clean = _section_values(process=owner.process, kind=section.kind, values=values, errors=errors)
    field = clean.get("field_of_action")
    if isinstance(owner, ExpertGroup) and field is not None and field.pk != owner.field_of_action_id:
        errors["field_of_action"] = _("An expert group's draft is the section of the group's own field of action.")
    _raise(errors)
    groups, districts = clean.pop("target_groups", None), clean.pop("districts", None)
    for name, value in clean.items():
        setattr(section, name, value)
    section.save()
    if groups is not None:
        section.target_groups.set(groups)
        section.districts.set(districts)
    audit_record(actor=user, action="plan_section.changed", obj=section, data={"key": str(section.key)})
    _draft_touched(owner)
    plan_changed(owner.process.pk)
    return section


@transaction.atomic
def section_move(*, user, section: Section, direction: str) -> Section:
    """Move a section one place up or down among its siblings."""
    section = Section.objects.select_related("version__process", "group__process").get(pk=section.pk)
    owner = _section_owner(section)
    _editable(user, owner, section)
    siblings = list(
        Section.objects.filter(**_owner_filter(section), parent_id=section.parent_id).order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == section.pk)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None:
        raise ApplicationError(_("Please choose up or down."))
    if not 0 <= other < len(siblings):
        raise Conflict(_("The section is at the edge already."))
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    Section.objects.bulk_update(siblings, ["position"])
    _renumber(owner)
    audit_record(actor=user, action="plan_section.moved", obj=section, data={"direction": direction})
    _draft_touched(owner)
    plan_changed(owner.process.pk)
    return section


@transaction.atomic
def section_remove(*, user, section: Section) -> None:
    """Remove a section and everything below it from a draft. The measures stay (their history and links are
    kept; a later version may hold them again)."""
    section = Section.objects.select_related("version__process", "group__process").get(pk=section.pk)
    owner = _section_owner(section)
    _editable(user, owner, section)
    ids = _subtree_ids(section)
    if SectionComment.objects.filter(section_id__in=ids).exists():
        raise Conflict(_("Residents have commented on this section: it cannot be removed."))
    key = str(section.key)
    audit_record(actor=user, action="plan_section.removed", obj=section, data={"key": key, "sections": len(ids)})
    Section.objects.filter(pk__in=ids).delete()
    _renumber(owner)
    _draft_touched(owner)
    plan_changed(owner.process.pk)


def _subtree_ids(section: Section) -> list[int]:
    rows = list(Section.objects.filter(**_owner_filter(section)).values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    ids, stack = [], [section.pk]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(children.get(pk, ()))
    return ids


def _require_translation_language(language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES} or language == settings.LANGUAGE_CODE:
        message = _("Please choose a language from the list.")
        raise ApplicationError(message, field_errors={"language": message})


@transaction.atomic
def version_translations_set(*, user, version: PlanVersion, language: str, texts: dict) -> None:
    """The title and note of a version (of any state) translated into one language at once (``texts``: field →
    text), all or nothing, checked by a person; the German text stays as it is."""
    _require(user, "plan.translate_version", version)
    _require_translation_language(language)
    if not texts:
        raise ApplicationError(_("Please write at least one translation."))
    if not set(texts) <= set(PlanVersion.translatable_fields):
        raise ApplicationError(_("This text cannot be translated."))
    errors = {}
    limits = {"title": TITLE_MAX, "note": NOTE_MAX}
    required = _("Please write the translation.")
    cleaned = {
        name: _text(text, name, limits[name], errors=errors, required_message=required) for name, text in texts.items()
    }
    _raise(errors)
    for name, text in cleaned.items():
        content_translation_set(obj=version, field=name, language=language, text=text, state="checked", actor=user)
    plan_changed(version.process_id)


@transaction.atomic
def section_translation_set(*, user, section: Section, field: str, language: str, text: str) -> None:
    """A translation of a section's text into an offered language, checked by a person. Published versions are
    immutable in German; their translations may be added and corrected."""
    _require(user, "plan.translate_section", section)
    _require_translation_language(language)
    if field not in Section.translatable_fields:
        raise ApplicationError(_("This text cannot be translated."))
    errors = {}
    limit = {"title": TITLE_MAX, "body": BODY_MAX, "partners": PARTNERS_MAX}[field]
    text = _text(text, "text", limit, errors=errors, required_message=_("Please write the translation."))
    _raise(errors)
    content_translation_set(obj=section, field=field, language=language, text=text, state="checked", actor=user)
    plan_changed(section.process.pk)


# --- measures: status and links --------------------------------------------------------------------------------


@transaction.atomic
def measure_status_change(
    *, user, measure: Measure, status: str, date: datetime.date, note: str = "", spent=None
) -> MeasureStatusChange:
    """A new status of a measure (the controlling scheme), dated, with a short progress note and, if known, what
    has been spent so far. Every change is kept; the contributions linked to the measure show the new status."""
    measure = Measure.objects.select_for_update().select_related("process").get(pk=measure.pk)
    _require(user, "plan.change_measure_status", measure)
    errors = {}
    if status not in MeasureStatus.values:
        errors["status"] = _("Please choose a status from the list.")
    if not isinstance(date, datetime.date):
        errors["date"] = _("Please give the date of the change.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    elif measure.status_date and date < measure.status_date:
        errors["date"] = _("The date cannot be before the last change (%(date)s).") % {"date": measure.status_date}
    note = _text(note, "note", NOTE_MAX, errors=errors)
    if spent is not None:
        try:
            spent = decimal.Decimal(spent)
        except (decimal.InvalidOperation, TypeError, ValueError):
            spent = decimal.Decimal(-1)
        if not spent.is_finite() or spent < 0 or spent >= 10**10:
            errors["spent"] = _("Please give the amount spent in euros, 0 or more.")
    _raise(errors)
    if status == measure.status and not note and spent is None:
        raise Conflict(_("The measure has this status already: add a progress note or the amount spent."))
    change = MeasureStatusChange.objects.create(
        measure=measure,
        status=status,
        previous_status=measure.status,
        date=date,
        note=note,
        spent=spent,
        changed_by=user,
    )
    measure.status, measure.status_date = status, date
    if spent is not None:
        measure.spent = spent
    measure.save(update_fields=["status", "status_date", "spent", "updated_at"])
    audit_record(
        actor=user,
        action="measure.status_changed",
        obj=measure,
        data={
            "status": status,
            "previous": change.previous_status,
            "date": date.isoformat(),
            "spent": str(spent) if spent is not None else None,
        },
    )
    linked = MeasureLink.objects.filter(measure=measure).values_list("contribution_id", flat=True)
    plan_changed(measure.process_id, linked)
    return change


@transaction.atomic
def measures_link(*, user, contribution, measures, disposition=None) -> int:
    """Link a contribution to the measures it led to (adding to the links it has); ``disposition``, when
    given, is the decision the links belong to. Returns how many links are new."""
    _require(user, "plan.link_measures", contribution.process)
    measures = list(measures)
    if any(measure.process_id != contribution.process_id for measure in measures):
        raise ApplicationError(_("Please choose measures of this process."))
    if disposition is not None and disposition.contribution_id != contribution.pk:
        raise ApplicationError(_("This decision belongs to another contribution."))
    existing = set(MeasureLink.objects.filter(contribution=contribution).values_list("measure_id", flat=True))
    new = [measure for measure in measures if measure.pk not in existing]
    for measure in new:
        link = MeasureLink.objects.create(
            contribution=contribution, measure=measure, disposition=disposition, linked_by=user
        )
        audit_record(
            actor=user,
            action="measure_link.added",
            obj=link,
            data={"contribution": contribution.pk, "measure": measure.code},
        )
    if new:
        plan_changed(contribution.process_id, [contribution.pk])
    return len(new)


@transaction.atomic
def measure_unlink(*, user, contribution, measure: Measure) -> None:
    _require(user, "plan.link_measures", contribution.process)
    link = MeasureLink.objects.filter(contribution=contribution, measure=measure).first()
    if link is None:
        raise Conflict(_("The contribution is not linked to this measure."))
    audit_record(
        actor=user,
        action="measure_link.removed",
        obj=link,
        data={"contribution": contribution.pk, "measure": measure.code},
    )
    link.delete()
    plan_changed(contribution.process_id, [contribution.pk])


# --- comments on a draft's sections ----------------------------------------------------------------------------


def _section_fields(section: Section, fields_of_action):
    """A comment's fields of action: those chosen, else the field of action the section is part of."""
    fields_of_action = list(fields_of_action or ())
    if fields_of_action:
        return fields_of_action
    node = section
    while node is not None:
        if node.field_of_action_id:
            return [node.field_of_action]
        node = node.parent
    return []


@transaction.atomic
def section_comment_create(*, user, section: Section, fields_of_action=(), **contribution_values):
    """A resident's contribution on a section of the draft for consultation: an online contribution like any
    other (moderated, routed, decided) that says which section it is on."""
    section = Section.objects.select_related("version__process", "version__consultation_phase").get(pk=section.pk)
    _require(user, "plan.comment_section", section, _("Comments on this draft are not open."))
    contribution = contribution_create(
        process=section.version.process,
        user=user,
        fields_of_action=_section_fields(section, fields_of_action),
        **contribution_values,
    )
    comment = SectionComment.objects.create(contribution=contribution, section=section, version=section.version)
    audit_record(actor=user, action="section_comment.created", obj=comment, data={"section": str(section.key)})
    plan_changed(section.version.process_id)
    return contribution


@transaction.atomic
def section_comment_record_analog(*, user, section: Section, fields_of_action=(), **contribution_values):
    """A comment on a section that came on paper, by letter, at an event …, entered by a coordinator with its
    channel and provenance (``contribution_record_analog``'s arguments)."""
    section = Section.objects.select_related("version__process", "version__consultation_phase").get(pk=section.pk)
    _require(user, "plan.enter_section_comment", section, _("Comments on this draft are not open."))
    contribution = contribution_record_analog(
        process=section.version.process,
        user=user,
        fields_of_action=_section_fields(section, fields_of_action),
        **contribution_values,
    )
    comment = SectionComment.objects.create(contribution=contribution, section=section, version=section.version)
    audit_record(
        actor=user,
        action="section_comment.recorded",
        obj=comment,
        data={"section": str(section.key), "channel": contribution.channel},
    )
    plan_changed(section.version.process_id)
    return contribution


# --- expert groups ---------------------------------------------------------------------------------------------


@transaction.atomic
def expert_group_create(*, user, process, field_of_action, name: str, description: str = "") -> ExpertGroup:
    _require(user, "plan.manage_expert_groups", process)
    errors = {}
    name = _text(name, "name", 200, errors=errors, required_message=_("Please give the group a name."))
    description = _text(description, "description", NOTE_MAX, errors=errors)
    if field_of_action is None or field_of_action.process_id != process.pk:
        errors["field_of_action"] = _("Please choose a field of action of this process.")
    elif ExpertGroup.objects.filter(process=process, field_of_action=field_of_action).exists():
        errors["field_of_action"] = _("This field of action has an expert group already.")
    _raise(errors)
    group = ExpertGroup.objects.create(
        process=process, field_of_action=field_of_action, name=name, description=description
    )
    audit_record(actor=user, action="expert_group.created", obj=group, data={"field": field_of_action.slug})
    plan_changed(process.pk)
    return group


@transaction.atomic
def expert_group_member_add(
    *, user, group: ExpertGroup, person, role: str = ExpertGroupRole.MEMBER, department=None, organisation=None
) -> ExpertGroupMember:
    _require(user, "plan.manage_expert_groups", group.process)
    errors = {}
    if person is None or not person.is_active:
        errors["person"] = _("Please choose a person with an account.")
    if role not in ExpertGroupRole.values:
        errors["role"] = _("Please choose a role from the list.")
    if department is not None and department.city_id != group.process.city_id:
        errors["department"] = _("Please choose a department of this city.")
    if person is not None and ExpertGroupMember.objects.filter(group=group, user=person).exists():
        errors["person"] = _("This person is a member already.")
    _raise(errors)
    member = ExpertGroupMember.objects.create(
        group=group, user=person, role=role, department=department, organisation=organisation
    )
    audit_record(actor=user, action="expert_group.member_added", obj=member, data={"group": group.pk, "role": role})
    return member


@transaction.atomic
def expert_group_member_remove(*, user, member: ExpertGroupMember) -> None:
    _require(user, "plan.manage_expert_groups", member.group.process)
    audit_record(actor=user, action="expert_group.member_removed", obj=member, data={"group": member.group_id})
    member.delete()


@transaction.atomic
def expert_meeting_add(*, user, group: ExpertGroup, date: datetime.date, title: str, record: str) -> ExpertMeeting:
    """The record of a meeting, written by a member (or a coordinator)."""
    _require(user, "plan.work_in_expert_group", group)
    errors = {}
    title = _text(title, "title", 200, errors=errors, required_message=_("Please give the meeting a title."))
    record = _text(record, "record", BODY_MAX, errors=errors, required_message=_("Please write the record."))
    if not isinstance(date, datetime.date):
        errors["date"] = _("Please give the date of the meeting.")
    _raise(errors)
    meeting = ExpertMeeting.objects.create(group=group, date=date, title=title, record=record, written_by=user)
    audit_record(actor=user, action="expert_meeting.added", obj=meeting, data={"group": group.pk})
    return meeting


def _field_section(version: PlanVersion, field_of_action_id: int) -> Section | None:
    return Section.objects.filter(
        version=version, kind=SectionKind.FIELD, field_of_action_id=field_of_action_id, parent__isnull=True
    ).first()


@transaction.atomic
def group_draft_start(*, user, group: ExpertGroup) -> int:
    """Start the group's draft from what the plan says about its field now (the field's section with its
    goals and measures in the newest version), or with an empty field section. Only an empty draft can be
    started. Returns how many sections the draft has."""
    _require(user, "plan.work_in_expert_group", group)
    if Section.objects.filter(group=group).exists():
        raise Conflict(_("The group's draft has been started already."))
    newest = PlanVersion.objects.filter(process_id=group.process_id).order_by("-number").first()
    source = _field_section(newest, group.field_of_action_id) if newest else None
    if source is not None:
        copies = _copy_sections(Section.objects.filter(pk__in=_subtree_ids(source)), group=group)
    else:
        section = Section.objects.create(
            group=group,
            position=1,
            kind=SectionKind.FIELD,
            title=group.field_of_action.name,
            field_of_action=group.field_of_action,
        )
        copies = {section.pk: section}
    _renumber(group)
    audit_record(actor=user, action="expert_group.draft_started", obj=group, data={"sections": len(copies)})
    _draft_touched(group)
    plan_changed(group.process_id)
    return len(copies)


@transaction.atomic
def group_draft_adopt(*, user, group: ExpertGroup) -> PlanVersion:
    """Adopt the group's draft into the plan's working draft: the field's section there (with its goals and
    measures) is replaced by a copy of the group's draft, at the same place; the draft keeps its keys, so the
    next comparison shows what the group changed. Without a working draft, one is started from the newest
    version."""
    _require(user, "plan.adopt_group_draft", group.process)
    draft = list(Section.objects.filter(group=group, parent__isnull=True))
    if len(draft) != 1 or draft[0].kind != SectionKind.FIELD:
        raise ApplicationError(_("The group's draft must consist of its field of action's section."))
    version = version_working(group.process) or version_create(user=user, process=group.process)
    old = _field_section(version, group.field_of_action_id)
    position = (
        old.position
        if old
        else (Section.objects.filter(version=version, parent__isnull=True).aggregate(p=Max("position"))["p"] or 0) + 1
    )
    if old is not None:
        ids = _subtree_ids(old)
        if SectionComment.objects.filter(section_id__in=ids).exists():
            raise Conflict(_("Residents have commented on this field's sections in the working draft."))
        Section.objects.filter(pk__in=ids).delete()
    copies = _copy_sections(Section.objects.filter(group=group), version=version)
    Section.objects.filter(pk=copies[draft[0].pk].pk).update(position=position)
    _renumber(version)
    ExpertGroup.objects.filter(pk=group.pk).update(adopted_at=timezone.now())
    audit_record(
        actor=user,
        action="expert_group.draft_adopted",
        obj=group,
        data={"version": version.number, "sections": len(copies)},
    )
    plan_changed(group.process_id)
    return version


# --- Workspace (the coordinators' and department staff's plan pages) --------------------------------------------


@transaction.atomic
def section_translations_set(*, user, section: Section, language: str, texts: dict) -> None:
    """Several texts of a section translated into one language at once (``texts``: field → text), all or
    nothing; each is checked and audited like ``section_translation_set``."""
    if not texts:
        raise ApplicationError(_("Please write at least one translation."))
    errors = {}
    for name, text in texts.items():
        try:
            section_translation_set(user=user, section=section, field=name, language=language, text=text)
        except NotAllowed:
            raise
        except ApplicationError as error:
            errors[name] = error.field_errors.get("text") or error.message
            if "language" in error.field_errors:
                raise
    _raise(errors)  # raised out of the transaction: the translations saved before it are undone


# --- Analog entry (the coordinators' entry screen) --------------------------------------------------------------


@transaction.atomic
def section_comment_attach(*, user, contribution, section: Section) -> SectionComment:
    """Say which section of the draft for consultation an analog contribution is on: the entry screen records
    the original (channel, provenance, serial, scan) through ``analog_entry_record`` and then this, in one
    transaction. Only while the draft's comments are open, by a coordinator of its process; once a contribution."""
    section = Section.objects.select_related("version__process", "version__consultation_phase").get(pk=section.pk)
    _require(user, "plan.enter_section_comment", section, _("Comments on this draft are not open."))
    if section.version.process_id != contribution.process_id:
        message = _("Please choose a section of this process's draft.")
        raise ApplicationError(message, field_errors={"section": message})
    if SectionComment.objects.filter(contribution=contribution).exists():
        raise Conflict(_("This contribution is on a section of the draft already."))
    comment = SectionComment.objects.create(contribution=contribution, section=section, version=section.version)
    audit_record(
        actor=user,
        action="section_comment.recorded",
        obj=comment,
        data={"section": str(section.key), "channel": contribution.channel},
    )
    plan_changed(section.version.process_id, [contribution.pk])
    return comment
