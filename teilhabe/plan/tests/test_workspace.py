"""The coordinators' and department staff's plan pages (workspace.py): versions, the section editor, translations,
comments from paper, the measures' status. Every page and POST for the roles that may and may not."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.conftest import PASSWORD
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import ContentTranslation
from teilhabe.plan import services
from teilhabe.plan.models import (
    Measure,
    MeasureStatus,
    MeasureStatusChange,
    PlanVersion,
    Section,
    SectionComment,
    SectionKind,
    VersionState,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_staff(personas, city):
    """Staff of another department: no say over department 50's measures."""
    other = Department.objects.create(city=city, code="40", name="Bildung")
    user = user_create_verified(email="staff40@example.org", password=PASSWORD, roles=[Role.DEPARTMENT_STAFF])
    DepartmentMembership.objects.create(department=other, user=user)
    return user


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """A POST whose services' cache bumps run, as after a real commit."""

    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


def url(name, process, **kwargs):
    return reverse(f"plan:{name}", kwargs={"slug": process.slug, **kwargs})


def section_url(name, version, section):
    return reverse(f"plan:{name}", kwargs={"slug": version.process.slug, "number": version.number, "key": section.key})


def measure_section(version, code):
    return Section.objects.get(version=version, measure__code=code)


# --- versions ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("department_staff", 200),
        ("department_head", 200),
        ("participant", 403),
        ("evaluator", 403),
    ],
)
def test_the_versions_overview_is_for_those_who_work_on_the_plan(draft, personas, process, who, status):
    response = client_of(personas[who]).get(url("work_versions", process))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert url("work_editor", process, number=draft.number) in html
        may_act = who == "coordinator"
        assert (url("work_version_consult", process, number=1) in html) is may_act
        assert (url("work_version_adopt", process, number=1) in html) is may_act


def test_staff_pages_send_anonymous_readers_to_sign_in(draft, process):
    section = measure_section(draft, "M-001")
    measure = section.measure
    for address in (
        url("work_versions", process),
        url("work_version_create", process),
        url("work_editor", process, number=1),
        url("work_version_consult", process, number=1),
        section_url("work_section_edit", draft, section),
        section_url("work_section_translate", draft, section),
        url("work_measures", process),
        url("work_measure", process, pk=measure.pk),
    ):
        response = Client().get(address)
        assert response.status_code == 302 and "/konto/login/" in response["Location"], address


def test_a_coordinator_starts_a_working_draft_based_on_a_version(draft, coordinator, process, post):
    client = client_of(coordinator)
    assert client.get(url("work_version_create", process)).status_code == 409  # there is one already
    services.version_adopt(
        user=coordinator, version=draft, adopted_on=datetime.date(2026, 1, 5), document_number="1/26"
    )
    assert client.get(url("work_version_create", process)).status_code == 200
    response = post(
        client, url("work_version_create", process), {"based_on": "1", "title": "", "note": "Fortschreibung"}
    )
    version = PlanVersion.objects.get(process=process, number=2)
    assert response.status_code == 302 and response["Location"] == url("work_editor", process, number=2)
    assert version.state == VersionState.WORKING and version.based_on == draft and version.title == draft.title
    assert Section.objects.filter(version=version).count() == Section.objects.filter(version=draft).count()


def test_the_first_draft_needs_a_title_and_bad_input_saves_nothing(coordinator, process, post):
    client = client_of(coordinator)
    response = post(client, url("work_version_create", process), {"title": "", "note": ""})
    assert response.status_code == 400 and 'id="id_title_error"' in response.content.decode()
    response = post(client, url("work_version_create", process), {"title": "x" * 301})
    assert response.status_code == 400
    assert not PlanVersion.objects.exists()
    response = post(client, url("work_version_create", process), {"title": "Integrationsplan 4.0"})
    assert response.status_code == 302 and PlanVersion.objects.get().title == "Integrationsplan 4.0"


@pytest.mark.parametrize("who", ["department_staff", "participant"])
def test_only_coordinators_start_change_publish_and_adopt(draft, personas, process, post, who):
    client = client_of(personas[who])
    for name, data in (
        ("work_version_edit", {"title": "Neu"}),
        ("work_version_consult", {"phase": ""}),
        ("work_version_adopt", {"adopted_on": "2026-01-01", "document_number": "1/26"}),
    ):
        assert client.get(url(name, process, number=1)).status_code == 403
        assert post(client, url(name, process, number=1), data).status_code == 403
    assert post(client, url("work_version_create", process), {"title": "X"}).status_code == 403
    draft.refresh_from_db()
    assert draft.state == VersionState.WORKING and draft.title == "Integrationsplan"


def test_title_and_note_of_the_working_draft(draft, coordinator, process, post):
    client = client_of(coordinator)
    assert post(client, url("work_version_edit", process, number=1), {"title": ""}).status_code == 400
    response = post(client, url("work_version_edit", process, number=1), {"title": "Entwurf", "note": "Für den Rat"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.note) == ("Entwurf", "Für den Rat")


def test_putting_the_draft_out_for_consultation(draft, coordinator, process, post):
    client = client_of(coordinator)
    phase = process.phases.first()
    assert client.get(url("work_version_consult", process, number=1)).status_code == 200
    response = post(client, url("work_version_consult", process, number=1), {"phase": "999999"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == VersionState.WORKING
    response = post(client, url("work_version_consult", process, number=1), {"phase": str(phase.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == VersionState.CONSULTATION and draft.consultation_phase == phase
    assert post(client, url("work_version_consult", process, number=1), {"phase": ""}).status_code == 409
    assert post(client, url("work_version_edit", process, number=1), {"title": "Neu"}).status_code == 409


def test_an_empty_draft_is_not_published(coordinator, process, post):
    services.version_create(user=coordinator, process=process, title="Leer")
    response = post(client_of(coordinator), url("work_version_consult", process, number=1), {"phase": ""})
    assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
    assert PlanVersion.objects.get().state == VersionState.WORKING


def test_recording_the_adoption(draft, coordinator, process, post):
    client = client_of(coordinator)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(
        client, url("work_version_adopt", process, number=1), {"adopted_on": tomorrow, "document_number": "1/26"}
    )
    assert response.status_code == 400 and 'id="id_adopted_on_error"' in response.content.decode()
    response = post(client, url("work_version_adopt", process, number=1), {"adopted_on": "2026-01-05"})
    assert response.status_code == 400 and 'id="id_document_number_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == VersionState.WORKING
    data = {"adopted_on": "05.01.2026", "document_number": "1234/2026"}
    assert post(client, url("work_version_adopt", process, number=1), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.adopted_on, draft.document_number) == (
        VersionState.ADOPTED,
        datetime.date(2026, 1, 5),
        "1234/2026",
    )
    assert client.get(url("work_version_adopt", process, number=1)).status_code == 409
    overview = client.get(url("work_versions", process)).content.decode()
    assert "1234/2026" in overview and url("work_version_create", process) in overview


def test_a_version_that_does_not_exist_is_404(draft, coordinator, process):
    client = client_of(coordinator)
    assert client.get(url("work_editor", process, number=7)).status_code == 404
    assert client.get(url("work_editor", process, number=2**40)).status_code == 404
    assert client.get(reverse("plan:work_versions", kwargs={"slug": "nope"})).status_code == 404


# --- the section editor ------------------------------------------------------------------------------------------


def test_the_editor_shows_the_tree_with_its_actions_to_coordinators(draft, coordinator, process):
    response = client_of(coordinator).get(url("work_editor", process, number=1))
    html = response.content.decode()
    assert response.status_code == 200
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    assert f'id="s-{goal.key}"' in html
    assert section_url("work_section_move", draft, measure_section(draft, "M-001")) in html
    assert section_url("work_section_remove", draft, goal) in html
    assert "kind=measure&amp;parent=" + str(goal.key) in html  # add a measure below a goal
    assert "kind=goal&amp;parent=" + str(goal.key) not in html  # but no goal below a goal
    assert html.count('name="direction" value="up"') == Section.objects.filter(version=draft, position__gt=1).count()


@pytest.mark.parametrize(("who", "status"), [("department_staff", 200), ("participant", 403), ("evaluator", 403)])
def test_others_read_the_working_draft_or_nothing(draft, personas, process, who, status):
    response = client_of(personas[who]).get(url("work_editor", process, number=1))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "M-001" in html and "/verschieben/" not in html and "/entfernen/" not in html


def test_the_editor_in_arabic_is_right_to_left(draft, coordinator, process):
    client = client_of(coordinator, "ar")
    for address in (
        url("work_editor", process, number=1),
        url("work_versions", process),
        url("work_measures", process),
    ):
        response = client.get(address)
        assert response.status_code == 200 and 'dir="rtl"' in response.content.decode()


def measure_data(process, **overrides):
    data = {
        "title": "Sprachcafé",
        "body": "Wöchentlich im Stadtteil.",
        "code": "",
        "department": str(Department.objects.get(code="50").pk),
        "partners": "Migrantenverein",
        "target_groups": [str(group.pk) for group in process.target_groups.all()],
        "districts": [str(process.city.districts.first().pk)],
        "budget": "2500.50",
        "start": "2027-01-01",
        "end": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_adding_a_measure_below_a_goal(draft, coordinator, process, post):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    address = url("work_section_add", process, number=1) + f"?kind=measure&parent={goal.key}"
    client = client_of(coordinator)
    form = client.get(address).content.decode()
    for name in ("title", "body", "code", "department", "partners", "budget", "start", "end"):
        assert f'name="{name}"' in form
    assert 'name="target_groups"' in form and 'name="districts"' in form and 'name="field_of_action"' not in form
    response = post(client, address, measure_data(process, code="M-100"))
    section = Section.objects.get(version=draft, title="Sprachcafé")
    assert response.status_code == 302 and response["Location"].endswith(f"#s-{section.key}")
    assert section.parent == goal and section.measure.code == "M-100" and section.budget == 2500.5
    assert section.target_groups.count() == 1 and section.districts.count() == 1
    editor = client.get(url("work_editor", process, number=1)).content.decode()
    assert "Sprachcafé" in editor and "M-100" in editor  # the tree is fresh after the change


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"start": "2028-01-01", "end": "2027-01-01"}, "end"),
        ({"code": "M-001"}, "code"),
        ({"districts": ["999999"]}, "districts"),
        ({"department": "abc"}, "department"),
    ],
)
def test_bad_input_for_a_measure_is_400_at_its_field_and_saves_nothing(
    draft, coordinator, process, post, overrides, field
):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    address = url("work_section_add", process, number=1) + f"?kind=measure&parent={goal.key}"
    before = (Section.objects.count(), Measure.objects.count())
    response = post(client_of(coordinator), address, measure_data(process, **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="section_{field}_error"' in html and f'href="#section_{field}' in html  # the summary links the field
    assert (Section.objects.count(), Measure.objects.count()) == before


def test_a_kind_that_does_not_fit_its_place_is_refused(draft, coordinator, process, post):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    client = client_of(coordinator)
    for query in (f"?kind=goal&parent={goal.key}", "?kind=measure", "?kind=poem", "?kind=text&parent=not-a-key"):
        assert client.get(url("work_section_add", process, number=1) + query).status_code == 400
    assert post(client, url("work_section_add", process, number=1) + "?kind=measure", {"title": "X"}).status_code == 400
    assert not Section.objects.filter(title="X").exists()


def test_a_field_of_action_at_the_top_level(draft, coordinator, process, post):
    field = process.fields_of_action.first()
    address = url("work_section_add", process, number=1) + "?kind=field"
    client = client_of(coordinator)
    assert post(client, address, {"title": "Feld"}).status_code == 400  # needs its field of action
    assert post(client, address, {"title": "Feld", "field_of_action": str(field.pk)}).status_code == 302
    assert Section.objects.get(version=draft, title="Feld").number == "4"


def test_changing_a_section_keeps_its_code(draft, coordinator, process, post):
    section = measure_section(draft, "M-002")
    address = section_url("work_section_edit", draft, section)
    client = client_of(coordinator)
    form = client.get(address).content.decode()
    assert 'name="code"' not in form and "Maßnahme 1.2" in form
    assert post(client, address, measure_data(process, title="")).status_code == 400
    assert Section.objects.get(pk=section.pk).title == "Maßnahme 1.2"
    response = post(client, address, measure_data(process, title="Umbenannt", code="M-999", districts=[]))
    section.refresh_from_db()
    assert response.status_code == 302 and section.title == "Umbenannt" and section.measure.code == "M-002"
    assert section.districts.count() == 0


def test_moving_sections_up_and_down(draft, coordinator, process, post):
    client = client_of(coordinator)
    first, second = Section.objects.filter(version=draft, parent__isnull=True).order_by("position")[:2]
    assert post(client, section_url("work_section_move", draft, first), {"direction": "up"}).status_code == 409
    assert post(client, section_url("work_section_move", draft, first), {"direction": "sideways"}).status_code == 400
    assert client.get(section_url("work_section_move", draft, first)).status_code == 405
    response = post(client, section_url("work_section_move", draft, first), {"direction": "down"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == ("2", "1")
    assert Section.objects.get(version=draft, measure__code="M-001").number == "1.1.1"


def test_removing_a_section_asks_first(draft, coordinator, process, post):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    client = client_of(coordinator)
    confirm = client.get(section_url("work_section_remove", draft, goal))
    assert confirm.status_code == 200 and "<form" in confirm.content.decode()
    assert Section.objects.filter(pk=goal.pk).exists()
    assert post(client, section_url("work_section_remove", draft, goal)).status_code == 302
    assert not Section.objects.filter(version=draft, kind=SectionKind.MEASURE, parent_id=goal.pk).exists()
    assert Measure.objects.filter(code="M-001").exists()  # the measure itself stays


@pytest.mark.parametrize("who", ["department_staff", "participant"])
def test_only_coordinators_change_sections(draft, personas, process, post, who):
    client = client_of(personas[who])
    section = measure_section(draft, "M-001")
    assert client.get(section_url("work_section_edit", draft, section)).status_code == 403
    assert post(client, section_url("work_section_edit", draft, section), {"title": "X"}).status_code == 403
    assert post(client, section_url("work_section_move", draft, section), {"direction": "down"}).status_code == 403
    assert post(client, section_url("work_section_remove", draft, section)).status_code == 403
    assert post(client, url("work_section_add", process, number=1) + "?kind=text", {"title": "X"}).status_code == 403
    assert Section.objects.get(pk=section.pk).title == "Maßnahme 1.1"


def test_a_published_version_cannot_be_edited(draft, coordinator, process, post):
    services.version_publish_for_consultation(user=coordinator, version=draft)
    client = client_of(coordinator)
    section = measure_section(draft, "M-001")
    editor = client.get(url("work_editor", process, number=1))
    html = editor.content.decode()
    assert editor.status_code == 200 and f'href="{section_url("work_section_edit", draft, section)}"' not in html
    assert section_url("work_section_translate", draft, section) in html
    assert client.get(section_url("work_section_edit", draft, section)).status_code == 409
    assert post(client, section_url("work_section_edit", draft, section), {"title": "X"}).status_code == 409
    assert post(client, section_url("work_section_move", draft, section), {"direction": "up"}).status_code == 409
    assert post(client, section_url("work_section_remove", draft, section)).status_code == 409
    assert post(client, url("work_section_add", process, number=1) + "?kind=text", {"title": "X"}).status_code == 409
    assert Section.objects.get(pk=section.pk).title == "Maßnahme 1.1"
    assert client_of(None).get(section_url("work_section_edit", draft, section)).status_code == 302


def test_a_section_that_does_not_exist_is_404(draft, coordinator, process):
    address = reverse(
        "plan:work_section_edit",
        kwargs={"slug": process.slug, "number": 1, "key": "00000000-0000-0000-0000-000000000001"},
    )
    assert client_of(coordinator).get(address).status_code == 404


# --- translations ------------------------------------------------------------------------------------------------


def test_translations_per_language_show_what_is_missing(draft, coordinator, process, post):
    section = measure_section(draft, "M-001")
    address = section_url("work_section_translate", draft, section)
    client = client_of(coordinator)
    page = client.get(address).content.decode()
    assert page.count('class="state-missing"') == 8 * 2  # eight languages, title and text (no partners)
    response = post(client, address + "?sprache=ar", {"title": "إجراء", "body": "نص"})
    assert response.status_code == 302 and "sprache=" in response["Location"]
    rows = ContentTranslation.objects.filter(object_id=section.pk, language="ar")
    assert {row.field: row.text for row in rows} == {"title": "إجراء", "body": "نص"}
    page = client.get(address + "?sprache=ar").content.decode()
    assert page.count('class="state-missing"') == 7 * 2 and 'lang="ar"' in page


def test_bad_translations_are_refused(draft, coordinator, personas, process, post):
    section = measure_section(draft, "M-001")
    address = section_url("work_section_translate", draft, section)
    client = client_of(coordinator)
    assert client.get(address + "?sprache=de").status_code == 400
    assert client.get(address + "?sprache=xx").status_code == 400
    assert post(client, address + "?sprache=en", {"title": "", "body": ""}).status_code == 400
    assert post(client, address + "?sprache=en", {"title": "x" * 301}).status_code == 400
    assert not ContentTranslation.objects.filter(object_id=section.pk).exists()
    staff = client_of(personas["department_staff"])
    assert staff.get(address).status_code == 403
    assert post(staff, address + "?sprache=en", {"title": "Measure"}).status_code == 403


def test_a_published_version_is_still_translated(draft, coordinator, process, post):
    services.version_publish_for_consultation(user=coordinator, version=draft)
    section = measure_section(draft, "M-001")
    address = section_url("work_section_translate", draft, section) + "?sprache=en"
    assert post(client_of(coordinator), address, {"title": "Measure 1.1"}).status_code == 302
    assert ContentTranslation.objects.get(object_id=section.pk, language="en").text == "Measure 1.1"


def test_a_versions_title_and_note_are_translated_and_shown_to_readers(draft, coordinator, personas, process, post):
    PlanVersion.objects.filter(pk=draft.pk).update(note="Entwurf der Verwaltung")
    address = url("work_version_translate", process, number=draft.number)
    client = client_of(coordinator)
    assert address in client.get(url("work_versions", process)).content.decode()
    page = client.get(address).content.decode()
    assert page.count('class="state-missing"') == 8 * 2  # eight languages, title and note
    response = post(client, address + "?sprache=ar", {"title": "خطة الاندماج", "note": "مسودة"})
    assert response.status_code == 302 and "sprache=" in response["Location"]
    rows = ContentTranslation.objects.filter(object_id=draft.pk, language="ar", content_type__model="planversion")
    assert {row.field: row.text for row in rows} == {"title": "خطة الاندماج", "note": "مسودة"}
    # Bad input: a 4xx and nothing saved.
    assert client.get(address + "?sprache=de").status_code == 400
    assert post(client, address + "?sprache=en", {"title": "", "note": ""}).status_code == 400
    assert post(client, address + "?sprache=en", {"title": "x" * 301}).status_code == 400
    assert not ContentTranslation.objects.filter(object_id=draft.pk, language="en").exists()
    # Only coordinators translate a version.
    staff = client_of(personas["department_staff"])
    assert address not in staff.get(url("work_versions", process)).content.decode()
    assert staff.get(address).status_code == 403
    assert post(staff, address + "?sprache=en", {"title": "Plan"}).status_code == 403
    # Readers of the published version see the translated title.
    services.version_publish_for_consultation(user=coordinator, version=draft)
    public = Client(HTTP_ACCEPT_LANGUAGE="ar").get(reverse("plan:plan", kwargs={"slug": process.slug}))
    assert "خطة الاندماج" in public.content.decode()


def test_a_new_version_keeps_the_translations_of_a_title_it_keeps(draft, coordinator, process):
    services.version_translations_set(user=coordinator, version=draft, language="en", texts={"title": "The plan"})
    services.version_adopt(
        user=coordinator, version=draft, adopted_on=datetime.date(2026, 1, 5), document_number="1/26"
    )
    same = services.version_create(user=coordinator, process=process)
    assert ContentTranslation.objects.get(object_id=same.pk, content_type__model="planversion").text == "The plan"
    services.version_adopt(user=coordinator, version=same, adopted_on=datetime.date(2026, 2, 5), document_number="2/26")
    renamed = services.version_create(user=coordinator, process=process, title="Ein neuer Titel")
    assert not ContentTranslation.objects.filter(object_id=renamed.pk, content_type__model="planversion").exists()


# --- comments that came on paper ---------------------------------------------------------------------------------


@pytest.fixture
def consultation(draft, coordinator, process):
    services.version_publish_for_consultation(user=coordinator, version=draft, phase=process.phases.first())
    return draft


def comment_data(**overrides):
    data = {
        "channel": "letter",
        "original_date": "2026-01-05",
        "form_serial": "",
        "title": "",
        "body": "Bitte auch die Kitas einbeziehen.",
        "publication_consent": "yes",
        "group_size": "3",
    }
    data.update(overrides)
    return data


def test_a_coordinator_enters_a_comment_from_paper_on_a_section(consultation, coordinator, process, post):
    goal = Section.objects.filter(version=consultation, kind=SectionKind.GOAL).first()
    client = client_of(coordinator)
    editor = client.get(url("work_editor", process, number=1)).content.decode()
    address = section_url("work_section_comment", consultation, goal)
    assert address in editor
    assert client.get(address).status_code == 200
    response = post(client, address, comment_data())
    assert response.status_code == 302 and response["Location"] == address + "?kanal=letter&datum=2026-01-05"
    assert re.search(r'value="letter"[^>]*checked', client.get(response["Location"]).content.decode())
    comment = SectionComment.objects.get(section=goal)
    contribution = comment.contribution
    assert contribution.channel == "letter" and contribution.group_size == 3
    assert contribution.original_date == datetime.date(2026, 1, 5) and contribution.entered_by == coordinator
    assert goal.number in contribution.title
    assert [field.slug for field in contribution.fields_of_action.all()] == ["bildung"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": ""},
        {"channel": "online"},
        {"publication_consent": ""},
        {"group_size": "0"},
        {"original_date": "2999-01-01"},
    ],
)
def test_a_bad_comment_is_400_and_saves_nothing(consultation, coordinator, post, overrides):
    goal = Section.objects.filter(version=consultation, kind=SectionKind.GOAL).first()
    response = post(
        client_of(coordinator), section_url("work_section_comment", consultation, goal), comment_data(**overrides)
    )
    assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
    assert not Contribution.objects.exists()


def test_comments_from_paper_only_while_the_consultation_runs(draft, coordinator, personas, post):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    address = section_url("work_section_comment", draft, goal)
    assert client_of(coordinator).get(address).status_code == 409  # a working draft
    assert post(client_of(coordinator), address, comment_data()).status_code == 409
    services.version_publish_for_consultation(user=coordinator, version=draft)  # without a phase
    assert client_of(coordinator).get(address).status_code == 409
    for who in ("participant", "department_staff"):
        assert post(client_of(personas[who]), address, comment_data()).status_code == 403
    assert not Contribution.objects.exists()


# --- measures and their status ----------------------------------------------------------------------------------


def codes_in(html) -> list[str]:
    return re.findall(r'<bdi class="plan-work-code">(M-\d+)</bdi>', html)


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("coordinator", ["M-001", "M-002", "M-003"]),
        ("department_staff", ["M-001", "M-002"]),
        ("department_head", ["M-001", "M-002"]),
    ],
)
def test_the_measures_list_shows_what_each_keeps(draft, personas, process, who, codes):
    Section.objects.filter(version=draft, measure__code="M-003").update(department=None)
    response = client_of(personas[who]).get(url("work_measures", process))
    assert response.status_code == 200 and codes_in(response.content.decode()) == codes


def test_the_measures_list_of_another_department_is_empty_and_others_may_not_see_it(
    draft, personas, other_staff, process
):
    response = client_of(other_staff).get(url("work_measures", process))
    assert response.status_code == 200 and codes_in(response.content.decode()) == []
    for who in ("participant", "evaluator"):
        assert client_of(personas[who]).get(url("work_measures", process)).status_code == 403
    assert Client().get(url("work_measures", process)).status_code == 302


def test_the_measures_list_filters_by_status_and_department(draft, coordinator, process):
    services.measure_status_change(
        user=coordinator, measure=Measure.objects.get(code="M-002"), status="in_progress", date=timezone.localdate()
    )
    client = client_of(coordinator)
    html = client.get(url("work_measures", process) + "?status=in_progress").content.decode()
    assert codes_in(html) == ["M-002"]
    department = Department.objects.get(code="50")
    assert (
        len(codes_in(client.get(url("work_measures", process) + f"?department={department.pk}").content.decode())) == 3
    )
    assert client.get(url("work_measures", process) + "?status=nonsense").status_code == 400
    assert client.get(url("work_measures", process) + "?department=99999999999999999999999").status_code == 400


def add_measures(coordinator, draft, count):
    goal = Section.objects.filter(version=draft, kind=SectionKind.GOAL).first()
    department = Department.objects.get(code="50")
    for number in range(count):
        services.section_add(
            user=coordinator,
            owner=draft,
            kind=SectionKind.MEASURE,
            parent=goal,
            title=f"Zusatz {number}",
            department=department,
            target_groups=list(draft.process.target_groups.all()),
        )


def queries_of(client, address) -> int:
    assert client.get(address).status_code == 200  # the process and the translation tables in the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["coordinator", "department_staff"])
def test_the_lists_queries_do_not_grow_with_their_rows(
    draft, personas, process, django_capture_on_commit_callbacks, who
):
    client, coordinator = client_of(personas[who]), personas["coordinator"]
    measures, editor, versions = (
        url("work_measures", process),
        url("work_editor", process, number=1),
        url("work_versions", process),
    )
    few = [queries_of(client, address) for address in (measures, editor, versions)]
    with django_capture_on_commit_callbacks(execute=True):
        add_measures(coordinator, draft, 12)
    assert [queries_of(client, address) for address in (measures, editor)] == few[:2]
    with django_capture_on_commit_callbacks(execute=True):
        services.version_adopt(
            user=coordinator, version=draft, adopted_on=datetime.date(2026, 1, 1), document_number="1"
        )
        services.version_create(user=coordinator, process=process)
    many = [queries_of(client, address) for address in (measures, url("work_editor", process, number=2), versions)]
    assert many == few
    # 12 for staff: the navigation asks for their council seats and whether they sit on a committee (a
    # coordinator's are not needed)
    assert few[0] <= 12 and few[1] <= 12 and few[2] <= 12


def test_department_staff_change_the_status_of_their_measure(draft, personas, process, post):
    measure = Measure.objects.get(code="M-001")
    address = url("work_measure", process, pk=measure.pk)
    client = client_of(personas["department_staff"])
    page = client.get(address)
    assert page.status_code == 200 and timezone.localdate().isoformat() in page.content.decode()
    response = post(
        client,
        address,
        {"status": "in_progress", "date": timezone.localdate().isoformat(), "note": "Los", "spent": "100"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#history")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.spent == 100
    history = client.get(address).content.decode()
    assert "Los" in history


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "in_progress", "date": "2999-01-01"}, "date"),
        ({"status": "in_progress", "date": ""}, "date"),
        ({"status": "sleeping", "date": "2026-01-01"}, "status"),
        ({"status": "in_progress", "date": "2026-01-01", "spent": "-1"}, "spent"),
        ({"status": "in_progress", "date": "2026-01-01", "note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_status_change_is_400_and_saves_nothing(draft, coordinator, process, post, data, field):
    measure = Measure.objects.get(code="M-001")
    response = post(client_of(coordinator), url("work_measure", process, pk=measure.pk), data)
    assert response.status_code == 400 and f'id="status_{field}_error"' in response.content.decode()
    assert not MeasureStatusChange.objects.exists()


def test_the_same_status_without_news_is_a_conflict(draft, coordinator, process, post):
    measure = Measure.objects.get(code="M-001")
    data = {"status": "planned", "date": timezone.localdate().isoformat()}
    assert post(client_of(coordinator), url("work_measure", process, pk=measure.pk), data).status_code == 409


@pytest.mark.parametrize("who", ["other_staff", "participant", "evaluator"])
def test_nobody_else_changes_a_measures_status(draft, personas, other_staff, process, post, who):
    user = other_staff if who == "other_staff" else personas[who]
    measure = Measure.objects.get(code="M-001")
    client = client_of(user)
    assert client.get(url("work_measure", process, pk=measure.pk)).status_code == 403
    data = {"status": "completed", "date": timezone.localdate().isoformat()}
    assert post(client, url("work_measure", process, pk=measure.pk), data).status_code == 403
    assert not MeasureStatusChange.objects.exists()


def test_a_measure_of_another_process_or_none_is_404(draft, coordinator, process, closed_process):
    measure = Measure.objects.get(code="M-001")
    client = client_of(coordinator)
    assert client.get(url("work_measure", closed_process, pk=measure.pk)).status_code == 404
    assert client.get(url("work_measure", process, pk="abc")).status_code == 404
    assert client.get(url("work_measure", process, pk=str(2**70))).status_code == 404


def test_the_tree_and_the_measures_list_escape_what_they_show(
    draft, coordinator, process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        section = measure_section(draft, "M-001")
        services.section_update(user=coordinator, section=section, title="<b>fett</b>", body='"<script>x</script>')
    client = client_of(coordinator)
    for address in (url("work_editor", process, number=1), url("work_measures", process)):
        html = client.get(address).content.decode()
        assert "&lt;b&gt;fett&lt;/b&gt;" in html and "<b>fett</b>" not in html and "<script>x" not in html
