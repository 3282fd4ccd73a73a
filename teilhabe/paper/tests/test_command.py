"""python manage.py paper_forms: records the run, writes the PDF, refuses bad arguments clearly."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from teilhabe.core.models import AuditEntry
from teilhabe.events.tests.conftest import public_event
from teilhabe.paper.models import PrintKind, PrintRun, PrintState
from teilhabe.paper.serials import serial_format
from teilhabe.paper.tests.conftest import page_count


@pytest.mark.slow
def test_the_command_records_the_run_and_writes_the_pdf(process, coordinator, tmp_path, capsys):
    event = public_event(process)
    output = tmp_path / "formulare.pdf"
    call_command(
        "paper_forms",
        "--process", process.slug,
        "--language", "ar",
        "--count", "3",
        "--output", str(output),
        "--event", str(event.pk),
        "--place", "Infostand Marktkirche",
        "--user", coordinator.email.upper(),
    )  # fmt: skip
    run = PrintRun.objects.get()
    assert (run.kind, run.language, run.count, run.first_number) == (PrintKind.FORM, "ar", 3, 1)
    assert run.event == event and run.place == "Infostand Marktkirche" and run.printed_by == coordinator
    assert run.state == PrintState.DONE
    assert page_count(output.read_bytes(), tmp_path) == 3
    with run.file.open("rb") as stored:
        assert stored.read() == output.read_bytes()
    out = capsys.readouterr().out
    for number in (1, 3):
        assert serial_format(process_id=process.pk, number=number) in out
    assert AuditEntry.objects.get(action="print_run.created").actor == coordinator


@pytest.mark.slow
def test_a_poster_without_a_user(process, tmp_path):
    output = tmp_path / "plakat.pdf"
    call_command(
        "paper_forms", "--process", process.slug, "--language", "uk", "--count", "1", "--output", str(output),
        "--kind", "poster",
    )  # fmt: skip
    run = PrintRun.objects.get()
    assert run.kind == PrintKind.POSTER and run.printed_by is None and run.first_number == 0
    assert output.read_bytes().startswith(b"%PDF-")
    assert AuditEntry.objects.get(action="print_run.created").actor is None


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--process", "nope"], "Unknown process"),
        (["--language", "xx"], "Unknown language"),
        (["--count", "0"], "--count"),
        (["--count", "1001"], "--count"),
        (["--event", "999999"], "No event"),
        (["--user", "nobody@example.org"], "Unknown user"),
        (["--user", "participant@example.org"], "not allowed"),
        (["--output", "/nonexistent/dir/x.pdf"], "does not exist"),
    ],
)
def test_bad_arguments_are_clear_errors_and_record_nothing(process, personas, tmp_path, arguments, says):
    defaults = {"--process": process.slug, "--language": "de", "--count": "2", "--output": str(tmp_path / "x.pdf")}
    defaults.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    flat = [part for pair in defaults.items() for part in pair]
    with pytest.raises(CommandError) as raised, translation.override("en"):
        call_command("paper_forms", *flat)
    assert says in str(raised.value)
    assert not PrintRun.objects.exists()
