"""The demo's plan (issue 11): a fictional Lokaler Integrationsplan in two versions (data/plan.json, written for this
project) — version 1 adopted by the council about eighteen months ago, its measures' status followed since, and
version 2, a draft for consultation that adds, drops, rewords and moves measures, commented on online and on paper
while the current phase runs. Contributions of the demo are linked to the measures they led to (with their
decision, where there is one), and three expert groups have members, meeting records and, one of them, a started
draft. Only the plan's services write (every step audited); then, as for the contributions and events, a few
timestamps are moved into the past (a demo needs a history)."""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.administration.models import Department, DepartmentMembership, Disposition, Outcome
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import TranslationState
from teilhabe.core.services import content_translation_set
from teilhabe.places.models import District
from teilhabe.plan import services as plan
from teilhabe.plan.models import PlanVersion, Section, SectionKind
from teilhabe.processes.selectors import phase_current
from teilhabe.stakeholders.models import Organisation

User = get_user_model()
DATA = Path(__file__).resolve().parent / "data"
ADOPTED_DAYS_AGO = 540  # version 1: adopted about eighteen months ago, its measures followed since
PUBLISHED_DAYS_AGO = 12  # version 2: out for consultation since
DAYS_A_MONTH = 30.4
# A contribution whose decision went against it did not lead to a measure: it is not linked.
NOT_LINKED = {Outcome.NOT_ADOPTED, Outcome.OUTSIDE_COMPETENCE}


def _months_later(date: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``date``'s month."""
    index = date.year * 12 + date.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


class _Seed:
    """What the steps share: the process, its lookups, the coordinator, the sections made so far by data key."""

    def __init__(self, process, personas, data):
        self.process = process
        self.personas = personas
        self.data = data
        self.coordinator = personas[Role.COORDINATOR]
        self.today = timezone.localdate()
        self.adopted_on = self.today - datetime.timedelta(days=ADOPTED_DAYS_AGO)
        self.fields = {field.slug: field for field in process.fields_of_action.all()}
        self.groups = {group.slug: group for group in process.target_groups.all()}
        self.districts = {district.number: district for district in District.objects.filter(city=process.city)}
        self.departments = {department.code: department for department in Department.objects.filter(city=process.city)}
        self.keys: dict[str, object] = {}  # data key ("kita-sprache", "introduction", "goal:…") → section key
        self.measures: dict[str, object] = {}  # data key → Measure

    # --- what a measure says -------------------------------------------------------------------------------

    def measure_values(self, item: dict) -> dict:
        start = _months_later(self.adopted_on, item["start"])
        end = None
        if item.get("months"):
            end = _months_later(start, item["months"]) - datetime.timedelta(days=1)
        return {
            "title": item["title"],
            "body": item["body"],
            "department": self.departments[item["dept"]],
            "partners": item.get("partners", ""),
            "target_groups": [self.groups[slug] for slug in item.get("groups", [])],
            "districts": [self.districts[number] for number in item.get("districts", [])],
            "budget": item.get("budget"),
            "start": start,
            "end": end,
        }

    def staff_of(self, department_code: str):
        """Who records a measure's status: a staff member of its department, else the coordinator."""
        membership = (
            DepartmentMembership.objects.filter(department=self.departments.get(department_code), is_head=False)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else self.coordinator

    def person(self, spec: dict):
        if "persona" in spec:
            return self.personas[Role(spec["persona"])]
        return User.objects.filter(email=spec["email"]).first()


def _facts(section: Section) -> dict:
    """Everything ``section_update`` takes, as the section has it now (an update replaces every value)."""
    values = {"title": section.title, "body": section.body}
    if section.kind == SectionKind.MEASURE:
        values.update(
            department=section.department,
            partners=section.partners,
            target_groups=list(section.target_groups.all()),
            districts=list(section.districts.all()),
            budget=section.budget,
            start=section.start,
            end=section.end,
        )
    return values


def _translate(obj, texts: dict, actor, **replace) -> None:
    """A staff text's checked translations (``texts``: field → language → text) written for the demo."""
    for field, by_language in texts.items():
        for language, text in by_language.items():
            content_translation_set(
                obj=obj,
                field=field,
                language=language,
                text=text.format(**replace),
                state=TranslationState.CHECKED,
                actor=actor,
            )


# --- version 1: written, adopted, followed ------------------------------------------------------------------


def _version_one(seed: _Seed) -> PlanVersion:
    data, user = seed.data, seed.coordinator
    spec = data["versions"]["1"]
    document_number = spec["document_number"].format(year=seed.adopted_on.year)
    version = plan.version_create(
        user=user,
        process=seed.process,
        title=spec["title"],
        note=spec["note"].format(document_number=document_number),
    )

    def add(kind, parent=None, **values):
        return plan.section_add(user=user, owner=version, kind=kind, parent=parent, **values)

    intro = data["introduction"]
    seed.keys["introduction"] = add(SectionKind.TEXT, title=intro["title"], body=intro["body"]).key
    cross = data["cross_cutting"]
    parent = add(SectionKind.TEXT, title=cross["title"], body=cross["body"])
    for child in cross["children"]:
        add(SectionKind.TEXT, parent=parent, title=child["title"], body=child["body"])
    field_names = json.loads((DATA / "process_translations.json").read_text(encoding="utf-8"))["fields"]
    situation_title = data["situation_title"]
    for spec_field in data["fields"]:
        field = seed.fields[spec_field["slug"]]
        field_section = add(SectionKind.FIELD, title=field.name, body=spec_field["body"], field_of_action=field)
        for language, text in field_names[field.slug]["name"].items():
            plan.section_translation_set(user=user, section=field_section, field="title", language=language, text=text)
        situation = add(
            SectionKind.TEXT, parent=field_section, title=situation_title["de"], body=spec_field["situation"]
        )
        seed.keys[f"situation:{field.slug}"] = situation.key
        for language, text in situation_title.items():
            if language != "de":
                plan.section_translation_set(user=user, section=situation, field="title", language=language, text=text)
        for goal in spec_field["goals"]:
            goal_section = add(SectionKind.GOAL, parent=field_section, title=goal["title"], body=goal["body"])
            seed.keys[f"goal:{goal['title']}"] = goal_section.key
            for item in goal["measures"]:
                if item.get("new"):
                    continue
                section = add(SectionKind.MEASURE, parent=goal_section, **seed.measure_values(item))
                seed.keys[item["key"]] = section.key
                seed.measures[item["key"]] = section.measure
    closing = data["closing"]
    seed.keys["closing"] = add(SectionKind.TEXT, title=closing["title"], body=closing["body"]).key
    titles = data["title_translations"]  # text sections and goals: copied into version 2 with their sections
    for section in Section.objects.filter(version=version, title__in=list(titles)).order_by("pk"):
        for language, text in titles[section.title].items():
            plan.section_translation_set(user=user, section=section, field="title", language=language, text=text)
    _translate(version, spec["translations"], user, document_number=document_number)
    version = plan.version_adopt(
        user=user, version=version, adopted_on=seed.adopted_on, document_number=document_number
    )
    # Written in the weeks before the council's decision, published with it.
    adopted_at = timezone.make_aware(datetime.datetime.combine(seed.adopted_on, datetime.time(18)))
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=adopted_at - datetime.timedelta(days=70), published_at=adopted_at
    )
    return version


def _statuses(seed: _Seed) -> None:
    """Each measure's dated history since the adoption, recorded by its department's staff."""
    for spec_field in seed.data["fields"]:
        for goal in spec_field["goals"]:
            for item in goal["measures"]:
                if item.get("new"):
                    continue
                user = seed.staff_of(item["dept"])
                last = seed.adopted_on
                for status, months, note, spent in item.get("history", []):
                    date = seed.adopted_on + datetime.timedelta(days=round(months * DAYS_A_MONTH))
                    date = last = min(seed.today, max(last, date))
                    plan.measure_status_change(
                        user=user, measure=seed.measures[item["key"]], status=status, date=date, note=note, spent=spent
                    )


# --- version 2: the draft for consultation -------------------------------------------------------------------


def _version_two(seed: _Seed) -> PlanVersion:
    data, user = seed.data, seed.coordinator
    spec = data["versions"]["2"]
    version = plan.version_create(user=user, process=seed.process, title=spec["title"], note=spec["note"])
    sections = {section.key: section for section in Section.objects.filter(version=version)}

    def section_of(name):
        return sections[seed.keys[name]]

    def update(section, **changes):
        plan.section_update(user=user, section=section, **{**_facts(section), **changes})

    intro = data["introduction"]
    update(section_of("introduction"), body=intro["v2_body"])
    update(section_of("closing"), body=data["closing"]["v2_body"])
    for spec_field in data["fields"]:
        if "situation_v2" in spec_field:
            update(section_of(f"situation:{spec_field['slug']}"), body=spec_field["situation_v2"])
        for goal in spec_field["goals"]:
            goal_section = section_of(f"goal:{goal['title']}")
            for item in goal["measures"]:
                change = item.get("v2")
                if item.get("new"):
                    section = plan.section_add(
                        user=user,
                        owner=version,
                        kind=SectionKind.MEASURE,
                        parent=goal_section,
                        **seed.measure_values(item),
                    )
                    seed.keys[item["key"]] = section.key
                    seed.measures[item["key"]] = section.measure
                elif change == "remove":
                    plan.section_remove(user=user, section=section_of(item["key"]))
                elif change:
                    _measure_changed(seed, section_of(item["key"]), change, update)
    _translate_v2(seed, version)
    _translate(version, spec["translations"], user)
    phase = phase_current(seed.process)
    version = plan.version_publish_for_consultation(user=user, version=version, phase=phase)
    published_at = timezone.now() - datetime.timedelta(days=PUBLISHED_DAYS_AGO)
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=published_at - datetime.timedelta(days=40), published_at=published_at
    )
    return version


def _measure_changed(seed: _Seed, section: Section, change: dict, update) -> None:
    changes = {name: change[name] for name in ("title", "body", "partners", "budget") if name in change}
    if "dept" in change:
        changes["department"] = seed.departments[change["dept"]]
    if "groups" in change:
        changes["target_groups"] = [seed.groups[slug] for slug in change["groups"]]
    if changes:
        update(section, **changes)
    move = change.get("move")
    if move == "up":
        plan.section_move(user=seed.coordinator, section=section, direction="up")
    elif move == "top":
        for _ in range(Section.objects.get(pk=section.pk).position - 1):
            plan.section_move(user=seed.coordinator, section=section, direction="up")


def _translate_v2(seed: _Seed, version: PlanVersion) -> None:
    """The new introduction and a few measure titles in English and Arabic, checked."""
    user = seed.coordinator
    keyed = {section.key: section for section in Section.objects.filter(version=version)}
    intro = keyed[seed.keys["introduction"]]
    for field, by_language in seed.data["introduction"]["v2_translations"].items():
        for language, text in by_language.items():
            plan.section_translation_set(user=user, section=intro, field=field, language=language, text=text)
    for key, by_language in seed.data["measure_translations"].items():
        for language, text in by_language.items():
            plan.section_translation_set(
                user=user, section=keyed[seed.keys[key]], field="title", language=language, text=text
            )


# --- links, comments, expert groups -------------------------------------------------------------------------


def _links(seed: _Seed) -> None:
    """The contributions that led to each measure (every channel), with their decision where there is one."""
    for spec_field in seed.data["fields"]:
        for goal in spec_field["goals"]:
            for item in goal["measures"]:
                for title in item["links"]:
                    contribution = Contribution.objects.filter(process=seed.process, title=title).order_by("pk").first()
                    if contribution is None:
                        continue
                    disposition = Disposition.objects.filter(contribution=contribution, is_current=True).first()
                    if disposition is not None and disposition.outcome in NOT_LINKED:
                        continue
                    plan.measures_link(
                        user=seed.coordinator,
                        contribution=contribution,
                        measures=[seed.measures[item["key"]]],
                        disposition=disposition,
                    )


def _comments(seed: _Seed, version: PlanVersion, residents) -> None:
    """Residents' comments on sections of the draft, and two statements on paper entered by the coordinator."""
    sections = {section.key: section for section in Section.objects.filter(version=version)}
    published_at = timezone.now() - datetime.timedelta(days=PUBLISHED_DAYS_AGO)
    made = []
    for number, item in enumerate(seed.data["comments"]):
        contribution = plan.section_comment_create(
            user=residents[item["resident"] % len(residents)],
            section=sections[seed.keys[item["section"]]],
            title=item["title"],
            body=item["body"],
            language=item["language"],
            fields_of_action=[seed.fields[slug] for slug in item.get("fields", [])],  # else the section's field
            publication_consent=True,
        )
        made.append((contribution, published_at + datetime.timedelta(days=1 + number * 2, hours=number * 3)))
    for item in seed.data["analog_comments"]:
        original = seed.today - datetime.timedelta(days=item["days_ago"])
        contribution = plan.section_comment_record_analog(
            user=seed.coordinator,
            section=sections[seed.keys[item["section"]]],
            channel=item["channel"],
            title=item["title"],
            body=item["body"],
            language="de",
            organisation=Organisation.objects.filter(name=item.get("organisation", "")).first(),
            district=seed.districts.get(item.get("district")),
            group_size=item.get("group_size"),
            original_date=original,
            publication_consent=True,
        )
        made.append((contribution, timezone.now() - datetime.timedelta(days=item["days_ago"] - 1, hours=5)))
    for contribution, at in made:  # only the timestamps move; never into the future
        at = min(at, timezone.now())
        Contribution.objects.filter(pk=contribution.pk).update(created_at=at, published_at=at)


def _expert_groups(seed: _Seed) -> None:
    user = seed.coordinator
    for spec in seed.data["expert_groups"]:
        group = plan.expert_group_create(
            user=user,
            process=seed.process,
            field_of_action=seed.fields[spec["field"]],
            name=spec["name"],
            description=spec["description"],
        )
        chair = None
        for member in spec["members"]:
            person = seed.person(member)
            if person is None:  # a department account the answers' demo did not make
                continue
            plan.expert_group_member_add(
                user=user,
                group=group,
                person=person,
                role=member["role"],
                department=seed.departments.get(member.get("department")),
                organisation=Organisation.objects.filter(name=member.get("organisation", "")).first(),
            )
            chair = chair or (person if member["role"] == "chair" else None)
        for meeting in spec["meetings"]:
            writer = chair if meeting["writer"] == "chair" else seed.personas[Role(meeting["writer"])]
            plan.expert_meeting_add(
                user=writer or user,
                group=group,
                date=seed.today - datetime.timedelta(days=meeting["days_ago"]),
                title=meeting["title"],
                record=meeting["record"],
            )
        if "draft" in spec:
            _group_draft(seed, group, spec["draft"])


def _group_draft(seed: _Seed, group, spec: dict) -> None:
    """The group's draft, started from the draft for consultation: one measure added, one reworded."""
    member = seed.personas[Role(spec["by"])]
    plan.group_draft_start(user=member, group=group)
    added = spec["add"]
    goal = Section.objects.get(group=group, kind=SectionKind.GOAL, title=added["goal"])
    values = seed.measure_values({**added, "start": 24, "months": 36})
    plan.section_add(user=member, owner=group, kind=SectionKind.MEASURE, parent=goal, **values)
    changed = Section.objects.get(group=group, key=seed.keys[spec["update"]["key"]])
    plan.section_update(user=member, section=changed, **{**_facts(changed), "body": spec["update"]["body"]})


def demo_plan(process, personas, residents) -> None:
    """Seed the plan once (a second run adds nothing): after the contributions, their answers and decisions."""
    if PlanVersion.objects.filter(process=process).exists():
        return
    data = json.loads((DATA / "plan.json").read_text(encoding="utf-8"))
    seed = _Seed(process, personas, data)
    with transaction.atomic():  # one commit: much faster on SQLite, and all or nothing
        _version_one(seed)
        _statuses(seed)
        version = _version_two(seed)
        _links(seed)
        _comments(seed, version, residents)
        _expert_groups(seed)
