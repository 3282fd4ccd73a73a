import datetime

import pytest
from django.db import IntegrityError, transaction

from teilhabe.conftest import make_contribution
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.plan import selectors, services
from teilhabe.plan.models import Measure, MeasureStatus, PlanVersion, Section, SectionKind, VersionState


def test_draft_is_numbered_and_measures_get_codes(draft):
    tree = selectors.version_tree(draft, "de")
    assert [node.number for node in tree.roots] == ["1", "2", "3"]
    assert [(node.number, node.measure_code) for node in tree.measures()] == [
        ("2.1.1", "M-001"),
        ("2.1.2", "M-002"),
        ("3.1.1", "M-003"),
    ]
    assert tree.measures()[0].target_groups == ("Geflüchtete",)


def test_published_version_is_immutable_and_a_new_version_keeps_keys(draft, coordinator):
    services.version_adopt(
        user=coordinator, version=draft, adopted_on=datetime.date(2026, 6, 1), document_number="1234/2026"
    )
    section = Section.objects.filter(version=draft, kind=SectionKind.TEXT).first()
    with pytest.raises(Conflict):
        services.section_update(user=coordinator, section=section, title="Neu")
    second = services.version_create(user=coordinator, process=draft.process)
    assert second.number == 2 and second.state == VersionState.WORKING
    assert set(Section.objects.filter(version=second).values_list("key", flat=True)) == set(
        Section.objects.filter(version=draft).values_list("key", flat=True)
    )
    copy = Section.objects.get(version=second, key=section.key)
    services.section_update(user=coordinator, section=copy, title="Einleitung, neu gefasst")
    assert Section.objects.get(pk=section.pk).title == "Einleitung"
    with pytest.raises(Conflict):
        services.version_create(user=coordinator, process=draft.process)


def test_adoption_needs_document_number_and_a_date(draft, coordinator):
    with pytest.raises(ApplicationError) as error:
        services.version_adopt(user=coordinator, version=draft, adopted_on=None, document_number="")
    assert set(error.value.field_errors) == {"adopted_on", "document_number"}
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=draft.pk).update(state="adopted")


def test_status_change_is_dated_audited_and_only_for_coordinators_and_the_department(draft, personas):
    measure = Measure.objects.get(code="M-001")
    with pytest.raises(NotAllowed):
        services.measure_status_change(
            user=personas["participant"], measure=measure, status=MeasureStatus.IN_PROGRESS, date=datetime.date.today()
        )
    change = services.measure_status_change(
        user=personas["department_staff"],
        measure=measure,
        status=MeasureStatus.IN_PROGRESS,
        date=datetime.date.today(),
        note="Begonnen.",
        spent="1200.50",
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS and change.previous_status == MeasureStatus.PLANNED
    assert str(measure.spent) == "1200.50"
    assert AuditEntry.objects.filter(action="measure.status_changed", object_id=str(measure.pk)).count() == 1


def test_links_show_on_the_contribution_once_published(draft, coordinator, participant, process):
    contribution = make_contribution(process, participant)
    measure = Measure.objects.get(code="M-002")
    assert services.measures_link(user=coordinator, contribution=contribution, measures=[measure]) == 1
    assert services.measures_link(user=coordinator, contribution=contribution, measures=[measure]) == 0
    assert selectors.contribution_measures(contribution.pk, "de") == []  # only in a working draft so far
    services.version_publish_for_consultation(user=coordinator, version=draft)
    [shown] = selectors.contribution_measures(contribution.pk, "de")
    assert shown.code == "M-002" and shown.title == "Maßnahme 1.2"
    with pytest.raises(NotAllowed):
        services.measures_link(user=participant, contribution=contribution, measures=[measure])


def test_section_comments_only_while_the_consultation_phase_runs(draft, coordinator, participant, process):
    section = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    phase = process.phases.first()
    services.version_publish_for_consultation(user=coordinator, version=draft, phase=phase)
    contribution = services.section_comment_create(
        user=participant,
        section=section,
        title="Zum Ziel",
        body="Bitte auch Kitas einbeziehen.",
        publication_consent=True,
    )
    assert contribution.plan_section_comment.section == section
    assert [field.slug for field in contribution.fields_of_action.all()] == ["bildung"]
    assert selectors.section_comment_ids(section) == [contribution.pk]
    analog = services.section_comment_record_analog(
        user=coordinator, section=section, channel="letter", title="Brief", body="Per Post.", publication_consent=True
    )
    assert analog.channel == "letter" and analog.plan_section_comment.version == draft
    other_version = services.version_create(user=coordinator, process=process)
    copy = Section.objects.get(version=other_version, key=section.key)
    with pytest.raises(NotAllowed):
        services.section_comment_create(user=participant, section=copy, title="x", body="y", publication_consent=True)


def test_expert_group_draft_is_adopted_into_the_working_draft(draft, coordinator, personas, process):
    field = process.fields_of_action.get(slug="bildung")
    group = services.expert_group_create(
        user=coordinator, process=process, field_of_action=field, name="Fachgruppe Bildung"
    )
    member = personas["department_staff"]
    services.expert_group_member_add(user=coordinator, group=group, person=member)
    with pytest.raises(NotAllowed):
        services.group_draft_start(user=personas["participant"], group=group)
    assert services.group_draft_start(user=member, group=group) == 4  # field, goal, two measures
    goal = Section.objects.get(group=group, kind=SectionKind.GOAL)
    services.section_add(user=member, owner=group, kind=SectionKind.MEASURE, parent=goal, title="Neue Maßnahme")
    services.expert_meeting_add(
        user=member, group=group, date=datetime.date.today(), title="1. Sitzung", record="Beschlossen."
    )
    version = services.group_draft_adopt(user=coordinator, group=group)
    assert version == draft
    tree = selectors.version_tree(PlanVersion.objects.get(pk=draft.pk), "de")
    assert [node.number for node in tree.roots] == ["1", "2", "3"]
    assert [node.title for node in tree.measures()][:3] == ["Maßnahme 1.1", "Maßnahme 1.2", "Neue Maßnahme"]


@pytest.mark.parametrize("code", ["M/017", "M 017", "M-017?", "-M", "Ä-1"])
def test_a_measure_code_that_cannot_be_an_address_is_refused(draft, coordinator, code):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    with pytest.raises(ApplicationError) as refused:
        services.section_add(
            user=coordinator, owner=draft, kind=SectionKind.MEASURE, parent=goal, title="Neu", code=code
        )
    assert "code" in refused.value.field_errors
    assert not Measure.objects.filter(code=code).exists()
    kept = services.section_add(
        user=coordinator, owner=draft, kind=SectionKind.MEASURE, parent=goal, title="Neu", code="M-017.a_1"
    )
    assert kept.measure.code == "M-017.a_1"
