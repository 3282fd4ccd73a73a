"""The entry screen ("save and next") and the scan download: who may, what comes back, and bad input."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from teilhabe.analog.models import Scan
from teilhabe.analog.services import analog_entry_record
from teilhabe.analog.tests.conftest import entry, pdf_bytes, serial, upload
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.events.models import EventState, EventType
from teilhabe.events.tests.organiser_support import client_of, make_event

pytestmark = pytest.mark.django_db


def url(process) -> str:
    return reverse("analog:entry", kwargs={"slug": process.slug})


def posted(process, **overrides) -> dict:
    data = {
        "channel": "paper_form",
        "form_serial": serial(process, 1),
        "original_date": "",
        "title": "",
        "body": "Mehr Sprachkurse am Abend",
        "fields_of_action": [str(process.fields_of_action.first().pk)],
        "district": "",
        "language": "",
        "publication_consent": "yes",
        "organisation": "",
        "group_size": "",
        "event": "",
    }
    data.update(overrides)
    return data


def en(client):
    client.cookies["django_language"] = "en"
    return client


# Who may -------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(process, personas):
    response = client_of(None).get(url(process))
    assert response.status_code == 302 and "/konto/" in response["Location"]
    assert client_of(None).post(url(process), posted(process)).status_code == 302
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "role", ["participant", "organisation_representative", "district_council_member", "department_head", "evaluator"]
)
def test_other_roles_are_refused(process, personas, print_run, role):
    client = client_of(personas[role])
    assert client.get(url(process)).status_code == 403
    assert client.post(url(process), posted(process)).status_code == 403
    assert not Contribution.objects.exists()


def test_a_coordinator_of_another_process_is_refused(process, personas, print_run):
    from teilhabe.conftest import make_process

    other = make_process(process.city, slug="anderer")
    assert client_of(personas["coordinator"]).get(url(other)).status_code == 403
    assert client_of(personas["coordinator"]).get("/verwaltung/p/gibt-es-nicht/eingabe/").status_code == 404


def test_the_screen_is_a_form_with_fieldsets_and_focus_on_the_serial(process, coordinator):
    response = client_of(coordinator).get(url(process))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") >= 4 and 'enctype="multipart/form-data"' in html
    assert re.search(r'<input[^>]*name="form_serial"[^>]*autofocus', html)
    assert 'value="paper_form"' in html and 'value="online"' not in html and 'value="workshop"' not in html
    assert 'id="saved"' not in html


# Save and next -------------------------------------------------------------------------------------------------


def test_save_and_next_comes_back_empty_with_the_saved_line_and_remembers_channel_event_and_date(
    process, coordinator, print_run
):
    stand = make_event(process, state=EventState.HELD, days=-2, type=EventType.INFO_STAND)
    client = en(client_of(coordinator))
    written = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = client.post(url(process), posted(process, event=str(stand.pk), original_date=written))
    assert response.status_code == 302 and response["Location"] == url(process)
    saved = Contribution.objects.get()
    assert (saved.channel, saved.event, saved.original_date.isoformat()) == (Channel.PAPER_FORM, stand, written)
    assert (saved.entered_by, saved.form_serial, saved.status) == (coordinator, serial(process, 1), Status.PUBLISHED)
    html = client.get(url(process)).content.decode()
    assert 'id="saved-line"' in html and reverse("administration:work", kwargs={"pk": saved.pk}) in html
    assert serial(process, 1) in html and 'id="saved-unpublished"' not in html
    assert f'<option value="{stand.pk}" selected>' in html and f'value="{written}"' in html
    assert re.search(r'<input[^>]*value="paper_form"[^>]*checked', html)
    assert "Mehr Sprachkurse am Abend</textarea>" not in html and serial(process, 1) + '"' not in html
    # The success line is shown once.
    assert 'id="saved-line"' not in client.get(url(process)).content.decode()


def test_a_letter_without_consent_says_it_is_not_published_and_focus_goes_to_the_text(process, coordinator):
    client = en(client_of(coordinator))
    response = client.post(url(process), posted(process, channel="letter", form_serial="", publication_consent="no"))
    assert response.status_code == 302
    letter = Contribution.objects.get()
    assert (letter.channel, letter.publication_consent, letter.status) == ("letter", False, Status.IN_MODERATION)
    with translation.override("en"):
        html = client.get(url(process)).content.decode()
    assert 'id="saved-unpublished"' in html and "counting and analysis" in html
    assert re.search(r'<textarea[^>]*name="body"[^>]*autofocus', html)


def test_a_serial_typed_twice_in_a_row_is_shown_at_the_field(process, coordinator, print_run):
    client = en(client_of(coordinator))
    assert client.post(url(process), posted(process)).status_code == 302
    response = client.post(url(process), posted(process, body="Das nächste Formular"))
    html = response.content.decode()
    assert response.status_code == 400 and Contribution.objects.count() == 1
    assert 'id="error-summary"' in html and 'href="#id_form_serial"' in html and "just now" in html


def test_bad_input_shows_the_error_summary_and_keeps_nothing(process, coordinator, print_run):
    response = en(client_of(coordinator)).post(
        url(process),
        posted(
            process,
            form_serial="12-3",
            body="",
            fields_of_action=[],
            publication_consent="",
            original_date="gestern",
            group_size="0",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Contribution.objects.exists()
    for field in ("body", "fields_of_action", "publication_consent", "original_date", "group_size"):
        assert f'href="#id_{field}' in html, field


def test_a_bad_scan_is_an_error_at_its_field_and_nothing_is_saved(process, coordinator, print_run):
    data = posted(process, scan=upload("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    response = en(client_of(coordinator)).post(url(process), data)
    assert response.status_code == 400 and 'href="#id_scan"' in response.content.decode()
    assert not Contribution.objects.exists() and not Scan.objects.exists()


def test_a_scan_is_saved_with_the_entry(process, coordinator, print_run):
    data = posted(process, scan=upload("scan.pdf", pdf_bytes(), "application/pdf"))
    assert client_of(coordinator).post(url(process), data).status_code == 302
    assert Scan.objects.get().contribution == Contribution.objects.get()


def test_an_event_of_another_process_or_not_held_is_refused(process, coordinator, print_run):
    planned = make_event(process, state=EventState.PLANNED)
    response = client_of(coordinator).post(url(process), posted(process, event=str(planned.pk)))
    assert response.status_code == 400 and not Contribution.objects.exists()


def test_the_screens_queries_do_not_grow_with_events_and_organisations(process, coordinator):
    from teilhabe.stakeholders.models import Organisation

    client = client_of(coordinator)
    make_event(process, state=EventState.HELD, days=-2)
    client.get(url(process))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(process)).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        make_event(process, state=EventState.HELD, days=-3 - number)
        Organisation.objects.create(name=f"Verein {number}", type="migrant_organisation")
    assert queries() == before


# The scan download ---------------------------------------------------------------------------------------------


@pytest.fixture
def scan(process, coordinator, print_run):
    form = analog_entry_record(user=coordinator, **entry(process, scan=upload("scan.pdf", pdf_bytes())))
    return Scan.objects.get(contribution=form)


def scan_url(scan) -> str:
    return reverse("analog:scan", kwargs={"pk": scan.pk})


def test_a_coordinator_downloads_the_scan_as_an_attachment_never_sniffed(coordinator, scan):
    response = client_of(coordinator).get(scan_url(scan))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "role", ["participant", "department_staff", "department_head", "evaluator", "administrator", "committee_member"]
)
def test_nobody_else_gets_the_scan(personas, scan, role):
    assert client_of(personas[role]).get(scan_url(scan)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_a_scan(scan):
    assert client_of(None).get(scan_url(scan)).status_code == 302


@pytest.mark.parametrize("pk", ["0", "abc", "99999", "1e3", "-1"])
def test_an_unknown_scan_is_404(coordinator, pk):
    assert client_of(coordinator).get(f"/verwaltung/scans/{pk}/").status_code == 404


def test_a_removed_scan_is_404(coordinator, scan):
    from teilhabe.analog.services import scans_purge

    scans_purge(now=timezone.now() + datetime.timedelta(days=10_000))
    assert client_of(coordinator).get(scan_url(scan)).status_code == 404


def test_only_recent_held_events_are_offered(process, coordinator, settings):
    from teilhabe.analog import selectors

    recent = make_event(process, state=EventState.HELD, days=-3, title="Infostand Markt")
    old = make_event(process, state=EventState.HELD, days=-(selectors.ENTRY_EVENT_DAYS + 5), title="Alter Infostand")
    planned = make_event(process, state=EventState.PLANNED, days=5, title="Geplanter Infostand")
    page = client_of(coordinator).get(url(process)).content.decode()
    html = re.search(r'<select name="event".*?</select>', page, re.S).group(0)
    assert f'<option value="{recent.pk}"' in html
    assert f'<option value="{old.pk}"' not in html and f'<option value="{planned.pk}"' not in html
