"""The coordinators' paper forms pages: roles, printing, bad input, the status page, downloads, query counts."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teilhabe.contributions.models import Channel
from teilhabe.contributions.services import contribution_record_analog
from teilhabe.core.models import AuditEntry
from teilhabe.events.tests.conftest import public_event
from teilhabe.paper.models import PrintKind, PrintRun, PrintState
from teilhabe.paper.serials import serial_format


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def runs_url(process) -> str:
    return reverse("paper:print_runs", kwargs={"slug": process.slug})


def run_url(run, name="paper:print_run") -> str:
    return reverse(name, kwargs={"slug": run.process.slug, "pk": run.pk})


def a_run(process, **fields) -> PrintRun:
    data = {"process": process, "language": "de", "count": 10, "first_number": 1, "state": PrintState.QUEUED}
    data.update(fields)
    return PrintRun.objects.create(**data)


def enter(process, user, serial):
    return contribution_record_analog(
        process=process,
        user=user,
        channel=Channel.PAPER_FORM,
        title="Beratung in der Bibliothek",
        body="Einmal im Monat eine Sprechstunde in der Stadtteilbibliothek.",
        fields_of_action=[process.fields_of_action.first()],
        original_date=timezone.localdate() - datetime.timedelta(days=1),
        form_serial=serial,
        publication_consent=True,
    )


def test_anonymous_people_are_sent_to_sign_in(process):
    run = a_run(process)
    for url in (runs_url(process), run_url(run), run_url(run, "paper:download")):
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["participant", "department_staff", "evaluator", "administrator", "jury_member"])
def test_other_roles_are_refused(process, personas, role):
    run = a_run(process, state=PrintState.DONE)
    client = client_of(personas[role])
    assert client.get(runs_url(process)).status_code == 403
    assert client.post(runs_url(process), {"kind": "form", "language": "de", "count": 5}).status_code == 403
    assert client.get(run_url(run)).status_code == 403
    assert client.get(run_url(run, "paper:download")).status_code == 403
    assert not PrintRun.objects.exclude(pk=run.pk).exists()


def test_the_coordinator_sees_the_form_and_the_runs(process, coordinator):
    run = a_run(process, place="Infostand Marktkirche", printed_by=coordinator)
    response = client_of(coordinator).get(runs_url(process))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="print-form"' in page and f'id="run-{run.pk}"' in page and "Infostand Marktkirche" in page
    assert serial_format(process_id=process.pk, number=1) in page and serial_format(process_id=process.pk, number=10)


def test_an_unknown_process_or_run_is_404(process, closed_process, coordinator):
    client = client_of(coordinator)
    assert client.get(reverse("paper:print_runs", kwargs={"slug": "gibt-es-nicht"})).status_code == 404
    other = a_run(closed_process)
    wrong = reverse("paper:print_run", kwargs={"slug": process.slug, "pk": other.pk})
    assert client.get(wrong).status_code == 404
    assert client.get(reverse("paper:print_run", kwargs={"slug": process.slug, "pk": "abc"})).status_code == 404
    assert client.get(runs_url(process) + "?page=99").status_code == 404


@pytest.mark.slow
def test_printing_records_the_run_and_the_pdf_can_be_downloaded(
    process, coordinator, django_capture_on_commit_callbacks
):
    event = public_event(process)
    client = client_of(coordinator)
    data = {"kind": "form", "language": "tr", "count": 3, "event": event.pk, "place": "Marktkirche"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(runs_url(process), data)
    run = PrintRun.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == run_url(run)
    assert (run.language, run.count, run.event, run.place) == ("tr", 3, event, "Marktkirche")
    assert run.printed_by == coordinator
    assert AuditEntry.objects.filter(action="print_run.created", actor=coordinator).count() == 1
    page = client.get(run_url(run))
    assert page.status_code == 200 and b'http-equiv="refresh"' not in page.content and b'id="download"' in page.content
    download = client.get(run_url(run, "paper:download"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_run_being_made_reloads_itself_until_it_is_ready(process, coordinator):
    run = a_run(process, state=PrintState.RUNNING)
    client = client_of(coordinator)
    page = client.get(run_url(run)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and 'id="download"' not in page
    assert 'http-equiv="refresh"' not in client.get(run_url(run) + "?auto=0").content.decode()
    # Nothing to download yet.
    assert client.get(run_url(run, "paper:download")).status_code == 404
    failed = a_run(process, state=PrintState.FAILED, first_number=11)
    page = client.get(run_url(failed)).content.decode()
    assert 'http-equiv="refresh"' not in page and "error-text" in page


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "form", "language": "de", "count": 0},
        {"kind": "form", "language": "de", "count": 1001},
        {"kind": "form", "language": "de", "count": "viele"},
        {"kind": "form", "language": "xx", "count": 5},
        {"kind": "banner", "language": "de", "count": 5},
        {"kind": "form", "language": "de", "count": 5, "event": "999999"},
        {"kind": "form", "language": "de", "count": 5, "event": "abc"},
        {"kind": "form", "language": "de", "count": 5, "place": "x" * 201},
        {},
    ],
)
def test_bad_input_is_a_400_with_the_error_and_nothing_is_printed(process, coordinator, data):
    response = client_of(coordinator).post(runs_url(process), data)
    assert response.status_code == 400
    assert b"error-summary" in response.content or b"error-text" in response.content
    assert not PrintRun.objects.exists()


def test_an_event_of_another_process_cannot_be_chosen(process, closed_process, coordinator):
    other = public_event(closed_process)
    data = {"kind": "form", "language": "de", "count": 5, "event": other.pk}
    assert client_of(coordinator).post(runs_url(process), data).status_code == 400
    assert not PrintRun.objects.exists()


def test_the_list_counts_entered_forms_per_run(process, coordinator):
    first = a_run(process, count=10, first_number=1)
    second = a_run(process, count=5, first_number=11, language="ar")
    poster = a_run(process, kind=PrintKind.POSTER, count=2, first_number=0)
    for number in (2, 3, 12):
        enter(process, coordinator, serial_format(process_id=process.pk, number=number))
    enter(process, coordinator, "ALT-0001")  # an old serial of no run
    page = client_of(coordinator).get(runs_url(process)).content.decode()

    def entered_cell(run):
        row = page[page.index(f'id="run-{run.pk}"') :]
        return row[row.index('class="entered">') + len('class="entered">') : row.index("</td>", row.index("entered"))]

    assert entered_cell(first).startswith("2") and entered_cell(second).startswith("1")
    assert entered_cell(poster) == "–"


def test_the_list_queries_do_not_grow_with_runs(process, coordinator, django_assert_max_num_queries):
    client = client_of(coordinator)
    event = public_event(process)
    a_run(process, count=10, first_number=1, event=event, printed_by=coordinator)
    client.get(runs_url(process))
    with CaptureQueriesContext(connection) as few:
        client.get(runs_url(process))
    for index in range(15):
        run = a_run(process, count=5, first_number=100 + index * 5, event=event, printed_by=coordinator)
        enter(process, coordinator, serial_format(process_id=process.pk, number=run.first_number))
    with django_assert_max_num_queries(len(few)):
        response = client.get(runs_url(process))
    assert response.content.decode().count('<tr id="run-') == 16


def test_only_planned_or_held_events_of_the_last_90_days_are_offered(process, coordinator):
    from teilhabe.events.models import EventState

    offered = public_event(process, days=3)
    held = public_event(process, days=-10, state=EventState.HELD)
    cancelled = public_event(process, days=4, state=EventState.CANCELLED)
    old = public_event(process, days=-200, state=EventState.HELD)
    client = client_of(coordinator)
    page = client.get(runs_url(process)).content.decode()
    for event, shown in ((offered, True), (held, True), (cancelled, False), (old, False)):
        assert (f'<option value="{event.pk}"' in page) is shown
    data = {"kind": "form", "language": "de", "count": 5, "event": old.pk}
    assert client.post(runs_url(process), data).status_code == 400
    assert not PrintRun.objects.exists()
