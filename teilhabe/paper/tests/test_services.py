"""print_run_create: serial ranges contiguous and never given twice, validation, permission, audit;
print_run_make: the PDF in private storage, claimed once."""

import pytest
from django.core.files.storage import default_storage

from teilhabe.conftest import make_process
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events.tests.conftest import public_event
from teilhabe.paper.models import NUMBER_MAX, PrintKind, PrintRun, PrintState
from teilhabe.paper.services import print_run_create, print_run_make


def create(process, user, **overrides):
    data = {"user": user, "process": process, "language": "de", "count": 10, "enqueue": False}
    data.update(overrides)
    return print_run_create(**data)


def test_runs_get_contiguous_serial_ranges_in_order(process, coordinator):
    first = create(process, coordinator, count=10)
    second = create(process, coordinator, count=5, language="ar")
    poster = create(process, coordinator, count=3, kind=PrintKind.POSTER)
    third = create(process, coordinator, count=1)
    assert (first.first_number, first.last_number) == (1, 10)
    assert (second.first_number, second.last_number) == (11, 15)
    assert poster.first_number == 0 and poster.last_number == 0
    assert third.first_number == 16


def test_each_process_counts_its_own_serials(process, closed_process, coordinator):
    create(process, coordinator, count=7)
    assert create(closed_process, coordinator, count=2).first_number == 1


def test_a_run_is_audited_with_what_was_printed(process, coordinator):
    event = public_event(process)
    run = create(process, coordinator, count=4, language="tr", event=event, place="  Marktkirche ")
    entry = AuditEntry.objects.get(action="print_run.created", object_id=str(run.pk))
    assert entry.actor == coordinator
    assert entry.data == {
        "process": process.pk,
        "kind": "form",
        "language": "tr",
        "count": 4,
        "first_number": 1,
        "event": event.pk,
        "place": "Marktkirche",
    }
    assert run.place == "Marktkirche" and run.printed_by == coordinator and run.state == PrintState.QUEUED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 1001}, "count"),
        ({"count": "many"}, "count"),
        ({"language": "xx"}, "language"),
        ({"kind": "banner"}, "kind"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(process, coordinator, overrides, field):
    with pytest.raises(ApplicationError) as raised:
        create(process, coordinator, **overrides)
    assert field in raised.value.field_errors
    assert not PrintRun.objects.exists() and not AuditEntry.objects.filter(action="print_run.created").exists()


def test_an_event_of_another_process_is_refused(process, city, coordinator):
    other = make_process(city, slug="andere")
    event = public_event(other)
    with pytest.raises(ApplicationError) as raised:
        create(process, coordinator, event=event)
    assert "event" in raised.value.field_errors


def test_only_coordinators_of_the_process_print(process, personas):
    for role in ("participant", "department_staff", "evaluator", "administrator"):
        with pytest.raises(NotAllowed):
            create(process, personas[role])
    assert not PrintRun.objects.exists()


def test_serials_run_out_at_the_six_digit_limit(process, coordinator):
    PrintRun.objects.create(process=process, language="de", count=1000, first_number=NUMBER_MAX - 1000)
    with pytest.raises(ApplicationError) as raised:
        create(process, coordinator, count=2)
    assert "count" in raised.value.field_errors
    assert create(process, coordinator, count=1).first_number == NUMBER_MAX


@pytest.mark.slow
def test_the_queued_run_is_made_once_into_private_storage(process, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = print_run_create(user=coordinator, process=process, language="en", count=2)
    run.refresh_from_db()
    assert run.state == PrintState.DONE and run.finished_at is not None
    assert run.file.name.startswith("paper/") and default_storage.exists(run.file.name)
    with run.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert print_run_make(run_id=run.pk) == "skipped"
    assert AuditEntry.objects.filter(action="print_run.made", object_id=str(run.pk)).count() == 1


def test_a_failed_rendering_marks_the_run_failed(process, coordinator, monkeypatch):
    run = create(process, coordinator, count=1)

    def broken(run):
        raise OSError("disk full")

    monkeypatch.setattr("teilhabe.paper.documents.print_run_pdf", broken)
    assert print_run_make(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert run.state == PrintState.FAILED and not run.file


def test_stale_runs_are_queued_again_once(process, coordinator, monkeypatch, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from teilhabe.paper.services import print_runs_recover

    made = []
    monkeypatch.setattr("teilhabe.paper.documents.print_run_pdf", lambda run: made.append(run.pk) or b"%PDF-1.7 x")
    stale = create(process, coordinator, count=2)
    fresh = create(process, coordinator, count=2)
    PrintRun.objects.filter(pk=stale.pk).update(
        state=PrintState.RUNNING, updated_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert print_runs_recover() == 1
    assert made == [stale.pk]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.state == PrintState.DONE and fresh.state == PrintState.QUEUED
    assert AuditEntry.objects.filter(action="print_run.requeued", object_id=str(stale.pk)).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert print_runs_recover() == 0
