"""The entry screen and the plan's draft for consultation: an original that comments on a section of the draft is
entered like any other (channel, serial, scan) and listed with its section, while the draft's comments are open."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from teilhabe.analog.models import Scan
from teilhabe.analog.services import analog_entry_record
from teilhabe.analog.tests.conftest import entry, pdf_bytes, serial, stored_files, upload
from teilhabe.analog.tests.test_views import posted, url
from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions.models import Contribution
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events.tests.organiser_support import client_of
from teilhabe.plan import services as plan
from teilhabe.plan.models import Section, SectionComment, SectionKind
from teilhabe.processes.models import Phase

pytestmark = pytest.mark.django_db


def _draft(process, coordinator, *, phase=None, measures=1):
    """A plan version with an introduction and a field of action (a goal, ``measures`` measures), published for
    consultation during ``phase`` (by default the process's current one)."""
    version = plan.version_create(user=coordinator, process=process, title="Integrationsplan")
    plan.section_add(user=coordinator, owner=version, kind=SectionKind.TEXT, title="Einleitung", body="Worum es geht.")
    field = plan.section_add(
        user=coordinator,
        owner=version,
        kind=SectionKind.FIELD,
        title="Bildung",
        field_of_action=process.fields_of_action.get(slug="bildung"),
    )
    goal = plan.section_add(user=coordinator, owner=version, kind=SectionKind.GOAL, parent=field, title="Sprache")
    for number in range(measures):
        plan.section_add(
            user=coordinator, owner=version, kind=SectionKind.MEASURE, parent=goal, title=f"Sprachkurse {number}"
        )
    phase = phase or process.phases.get(name="Jetzt")
    return plan.version_publish_for_consultation(user=coordinator, version=version, phase=phase)


@pytest.fixture
def draft(process, coordinator):
    return _draft(process, coordinator)


def _section(version, number) -> Section:
    return Section.objects.get(version=version, number=number)


def _options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="section"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


# The field -----------------------------------------------------------------------------------------------------


def test_without_a_draft_out_for_consultation_there_is_no_section_field(process, coordinator):
    html = client_of(coordinator).get(url(process)).content.decode()
    assert 'name="section"' not in html


def test_the_sections_of_the_draft_are_offered_by_number_and_indented(process, coordinator, draft):
    plan.version_create(user=coordinator, process=process)  # a working draft with copies of the same sections
    with translation.override("en"):
        html = client_of(coordinator).get(url(process), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    options = _options(html)
    ids = {str(pk) for pk in Section.objects.filter(version=draft).values_list("pk", flat=True)}
    assert options[0][0] == "" and {value for value, _label in options[1:]} == ids  # only the draft's sections
    labels = [label.strip("\u2003 ") for _value, label in options[1:]]
    assert labels == ["1 Einleitung", "2 Bildung", "2.1 Sprache", "2.1.1 Sprachkurse 0"]
    assert options[4][1].startswith("\u2003\u2003") and not options[2][1].startswith("\u2003")
    assert '<label for="id_section">' in html


def test_a_paper_form_on_a_section_is_entered_with_its_serial_and_scan(process, coordinator, draft, print_run):
    measure = _section(draft, "2.1.1")
    client = client_of(coordinator)
    data = posted(process, section=str(measure.pk), scan=upload("bogen.pdf", pdf_bytes()))
    response = client.post(url(process), data)
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.channel == "paper_form" and contribution.form_serial == serial(process, 1)
    assert Scan.objects.filter(contribution=contribution).count() == 1
    comment = SectionComment.objects.get(contribution=contribution)
    assert comment.section == measure and comment.version == draft
    assert AuditEntry.objects.filter(action="section_comment.recorded", object_id=str(comment.pk)).exists()
    html = client.get(url(process)).content.decode()
    assert 'id="saved-section"' in html and "2.1.1" in html
    assert '<option value="" selected>' in html  # the next original starts without a section


def test_an_entry_without_a_section_stays_a_contribution_of_its_own(process, coordinator, draft, print_run):
    response = client_of(coordinator).post(url(process), posted(process, section=""))
    assert response.status_code == 302 and Contribution.objects.count() == 1 and not SectionComment.objects.exists()


def test_a_section_of_another_version_is_refused(process, coordinator, draft, print_run):
    working = plan.version_create(user=coordinator, process=process)
    copy = Section.objects.get(version=working, number="2.1.1")
    response = client_of(coordinator).post(url(process), posted(process, section=str(copy.pk)))
    assert response.status_code == 400 and not Contribution.objects.exists()
    for bad in ("abc", "-1", "99999999999999999999"):
        response = client_of(coordinator).post(url(process), posted(process, section=bad))
        assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_an_error_elsewhere_keeps_nothing_not_the_section_nor_the_scan(
    process, coordinator, draft, print_run, private_storage
):
    data = posted(process, section=str(_section(draft, "1").pk), form_serial="12-999999-X")
    data["scan"] = upload("bogen.pdf", pdf_bytes())
    response = client_of(coordinator).post(url(process), data)
    assert response.status_code == 400
    assert not Contribution.objects.exists() and not SectionComment.objects.exists()
    assert stored_files(private_storage) == []


def test_once_the_consultation_is_over_the_field_goes_and_a_late_choice_is_said(process, coordinator, print_run):
    now = timezone.now()
    past = Phase.objects.create(
        process=process, name="Früher", start=now - datetime.timedelta(days=20), end=now - datetime.timedelta(days=2)
    )
    closed = _draft(process, coordinator, phase=past)
    client = client_of(coordinator)
    assert 'name="section"' not in client.get(url(process)).content.decode()
    late = posted(process, section=str(_section(closed, "1").pk))
    response = client.post(url(process), late)
    assert response.status_code == 400 and not Contribution.objects.exists()
    assert 'name="section"' not in response.content.decode()  # the next save enters it without the section
    assert client.post(url(process), posted(process)).status_code == 302
    assert Contribution.objects.count() == 1 and not SectionComment.objects.exists()


def test_the_service_refuses_a_section_whose_comments_are_closed_and_keeps_no_file(
    process, coordinator, print_run, private_storage
):
    now = timezone.now()
    past = Phase.objects.create(
        process=process, name="Früher", start=now - datetime.timedelta(days=20), end=now - datetime.timedelta(days=2)
    )
    closed = _draft(process, coordinator, phase=past)
    with pytest.raises(NotAllowed):
        analog_entry_record(
            user=coordinator,
            section=_section(closed, "2"),
            **entry(process, scan=upload("scan.pdf", pdf_bytes())),
        )
    assert not Contribution.objects.exists() and stored_files(private_storage) == []


def test_the_screens_queries_do_not_grow_with_the_draft(process, coordinator):
    draft = _draft(process, coordinator, measures=2)
    client = client_of(coordinator)
    client.get(url(process))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(process)).status_code == 200
        return len(captured)

    before = queries()
    goal = _section(draft, "2.1")
    Section.objects.bulk_create(
        Section(version=draft, parent=goal, kind=SectionKind.TEXT, title=f"Mehr {n}", number=f"2.1.{n + 3}", position=n)
        for n in range(20)
    )
    plan.plan_changed(process.pk)  # the cached tree is stale
    client.get(url(process))
    assert queries() == before


def test_in_arabic_the_screen_is_right_to_left_with_the_section_field(process, coordinator, draft):
    client = client_of(coordinator)
    client.cookies["django_language"] = "ar"
    response = client.get(url(process))
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html and 'name="section"' in html


# The service ---------------------------------------------------------------------------------------------------


def test_section_comment_attach_checks_who_where_and_once(process, coordinator, personas, draft):
    section = _section(draft, "2.1")
    contribution = make_contribution(process, personas["participant"])
    with pytest.raises(NotAllowed):
        plan.section_comment_attach(user=personas["participant"], contribution=contribution, section=section)
    other = make_process(process.city, slug="anderer")
    foreign = make_contribution(other, personas["participant"])
    with pytest.raises(ApplicationError) as refused:
        plan.section_comment_attach(user=coordinator, contribution=foreign, section=section)
    assert "section" in refused.value.field_errors
    comment = plan.section_comment_attach(user=coordinator, contribution=contribution, section=section)
    assert comment.version == draft and comment.section == section
    with pytest.raises(Conflict):
        plan.section_comment_attach(user=coordinator, contribution=contribution, section=_section(draft, "1"))
    assert AuditEntry.objects.filter(action="section_comment.recorded").count() == 1
