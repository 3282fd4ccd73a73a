"""The demo's plan: two versions with visible differences, about 85 measures in every status with a dated history,
contributions linked to measures, comments on the draft, expert groups — built by the services, once."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from teilhabe.core.models import AuditEntry, ContentTranslation, TranslationState
from teilhabe.core.services import audit_verify
from teilhabe.demo import plan as demo_plan
from teilhabe.demo.services import DEPARTMENTS, FIELDS, ORGANISATIONS, TARGET_GROUPS
from teilhabe.plan import selectors
from teilhabe.plan.models import (
    ExpertGroup,
    ExpertGroupMember,
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
from teilhabe.processes.models import Process
from teilhabe.processes.selectors import phase_current

CHANGES = ("title", "body", "budget", "partners", "dept", "groups", "move")  # what version 2 may change
DATA = json.loads((demo_plan.DATA / "plan.json").read_text(encoding="utf-8"))


def _measures():
    for field in DATA["fields"]:
        for goal in field["goals"]:
            yield from goal["measures"]


# The data file, checked without a database ----------------------------------------------------------------------


def test_the_data_names_only_what_the_demo_has():
    departments = {code for code, _name in DEPARTMENTS}
    groups = {slug for slug, _name in TARGET_GROUPS}
    organisations = {name for name, _kind in ORGANISATIONS}
    assert [field["slug"] for field in DATA["fields"]] == [slug for slug, _name, _text in FIELDS]
    keys = [item["key"] for item in _measures()]
    assert len(keys) == len(set(keys))
    months_since = demo_plan.ADOPTED_DAYS_AGO / demo_plan.DAYS_A_MONTH
    for item in _measures():
        assert item["dept"] in departments and set(item.get("groups", [])) <= groups, item["key"]
        assert all(1 <= number <= 13 for number in item.get("districts", [])), item["key"]
        assert item["title"] and item["body"] and isinstance(item["links"], list)
        previous = -1
        for status, months, note, spent in item.get("history", []):
            assert status in MeasureStatus.values and note, item["key"]
            assert previous <= months <= months_since, item["key"]  # in order, never in the future
            assert spent is None or 0 <= spent <= (item["budget"] or spent), item["key"]
            previous = months
        change = item.get("v2")
        assert change in (None, "remove") or set(change) <= {*CHANGES}
        if item.get("new"):
            assert "history" not in item and change is None
    for group in DATA["expert_groups"]:
        for member in group["members"]:
            assert member.get("organisation") in (None, *organisations)
    for comment in DATA["comments"] + DATA["analog_comments"]:
        section = comment["section"]
        assert section in keys or section == "introduction" or section.startswith("goal:")


def test_the_plan_says_it_is_fictional():
    assert "erfunden" in DATA["introduction"]["body"] and "erfunden" in DATA["introduction"]["v2_body"]
    assert all("Fiktiv" in version["note"] for version in DATA["versions"].values())


# The seeded demo -----------------------------------------------------------------------------------------------


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            PlanVersion,
            Section,
            Measure,
            MeasureStatusChange,
            MeasureLink,
            SectionComment,
            ExpertGroup,
            ExpertGroupMember,
            ExpertMeeting,
        )
    }


@pytest.mark.slow
def test_seed_demo_builds_the_plan_once(demo):
    process = Process.objects.get(slug="lip-4")
    today = timezone.localdate()

    # Two versions: adopted in the past with its (fictional) document number, and the draft out for consultation.
    adopted, draft = PlanVersion.objects.filter(process=process).order_by("number")
    assert adopted.state == VersionState.ADOPTED and adopted.adopted_on < today
    assert adopted.document_number == f"0815/{adopted.adopted_on.year}"
    assert draft.state == VersionState.CONSULTATION and draft.based_on == adopted
    assert draft.consultation_phase == phase_current(process) and selectors.version_comments_open(draft)
    assert adopted.published_at < draft.published_at < timezone.now()

    # Six fields of action, each with its starting position and goals; about 85 measures in each version.
    for version in (adopted, draft):
        fields = Section.objects.filter(version=version, kind=SectionKind.FIELD, parent=None)
        assert sorted(fields.values_list("field_of_action__slug", flat=True)) == sorted(slug for slug, *_ in FIELDS)
        assert Section.objects.filter(version=version, kind=SectionKind.GOAL).count() >= 12
        assert 80 <= Section.objects.filter(version=version, kind=SectionKind.MEASURE).count() <= 90
    tree = selectors.version_tree(draft, "de")
    assert [node.number for node in tree.roots] == [str(number) for number in range(1, 10)]
    assert all(node.department for node in tree.measures())

    # Visible differences: measures added, removed, reworded and moved; a new introduction.
    old = {s.key: s for s in Section.objects.filter(version=adopted)}
    new = {s.key: s for s in Section.objects.filter(version=draft)}
    old_measures = {k for k, s in old.items() if s.kind == SectionKind.MEASURE}
    new_measures = {k for k, s in new.items() if s.kind == SectionKind.MEASURE}
    assert len(new_measures - old_measures) >= 3 and len(old_measures - new_measures) >= 2
    both = old.keys() & new.keys()
    assert sum(old[k].title != new[k].title for k in both) >= 2
    assert sum(old[k].body != new[k].body for k in both) >= 5
    moved = Section.objects.get(version=draft, title="Willkommenspaket für Neuzugezogene")
    assert moved.position == 1 and old[moved.key].position > 1
    assert sum(old[k].budget != new[k].budget for k in both) >= 2
    introduction = Section.objects.get(version=draft, number="1")
    translated = ContentTranslation.objects.filter(object_id=introduction.pk, field="body")
    assert set(translated.values_list("language", flat=True)) == {"en", "ar"}
    assert set(translated.values_list("state", flat=True)) == {TranslationState.CHECKED}
    assert selectors.version_tree(draft, "ar").roots[0].title == "مقدمة"

    # Every status of the controlling scheme, each change dated (never ahead), with a note.
    measures = Measure.objects.filter(process=process)
    assert set(measures.values_list("status", flat=True)) == set(MeasureStatus.values)
    changes = MeasureStatusChange.objects.filter(measure__process=process)
    assert changes.count() >= 80 and not changes.filter(date__gt=today).exists() and not changes.filter(note="")
    assert not measures.exclude(status=MeasureStatus.PLANNED).filter(status_changes=None).exists()
    assert changes.filter(measure__status=MeasureStatus.REGULAR_OPERATION, status=MeasureStatus.IN_PROGRESS).exists()
    assert measures.filter(spent__gt=0).count() >= 40

    # About 40 contributions linked to measures, of several channels, with their decision where there is one.
    links = MeasureLink.objects.filter(measure__process=process)
    assert 35 <= links.values("contribution").distinct().count() <= 50
    assert links.filter(disposition__isnull=False).count() >= 20
    assert not links.filter(disposition__outcome__in=["not_adopted", "outside_competence"]).exists()
    assert links.values("contribution__channel").distinct().count() >= 3
    assert links.filter(measure__sections__version=draft).exclude(measure__sections__version=adopted).exists()

    # Comments on the draft's sections, online and from paper.
    comments = SectionComment.objects.filter(version=draft)
    assert comments.count() >= 5 and set(comments.values_list("section__version", flat=True)) == {draft.pk}
    assert {"online", "letter"} <= set(comments.values_list("contribution__channel", flat=True))
    assert not comments.filter(contribution__created_at__gt=timezone.now()).exists()

    # Expert groups with members from departments and an organisation, meeting records, one started draft.
    groups = ExpertGroup.objects.filter(process=process)
    assert groups.count() == 3 and not groups.filter(members=None).exists()
    members = ExpertGroupMember.objects.filter(group__process=process)
    assert members.filter(department__isnull=False).exists() and members.filter(organisation__isnull=False).exists()
    assert members.filter(role="chair").count() == 3
    assert ExpertMeeting.objects.filter(group__process=process).count() >= 3
    assert Section.objects.filter(group__process=process).values("group").distinct().count() == 1

    # Written by the services: audited, the chain intact.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "plan_version.adopted",
        "plan_version.consultation",
        "measure.status_changed",
        "measure_link.added",
        "section_comment.created",
        "section_comment.recorded",
        "expert_group.draft_started",
    } <= actions
    assert audit_verify()[0]

    # A second run adds nothing.
    counts = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == counts


def test_months_later_counts_from_the_first_of_the_month():
    assert demo_plan._months_later(datetime.date(2025, 6, 12), 0) == datetime.date(2025, 6, 1)
    assert demo_plan._months_later(datetime.date(2025, 6, 12), 7) == datetime.date(2026, 1, 1)
    assert demo_plan._months_later(datetime.date(2025, 12, 31), 1) == datetime.date(2026, 1, 1)
