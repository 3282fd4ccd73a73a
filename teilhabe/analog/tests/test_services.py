"""The entry of one original: the serial checked (never silently accepted), the scan sniffed, re-encoded and
stored privately, all or nothing; who entered it, when, and from which channel."""

import datetime
import hashlib
import io

import pytest
from django.utils import timezone, translation
from PIL import Image

from teilhabe.analog.models import Scan
from teilhabe.analog.services import analog_entry_record, title_from_text
from teilhabe.analog.tests.conftest import (
    entry,
    jpeg_with_exif,
    pdf_bytes,
    png_with_text,
    serial,
    stored_files,
    upload,
)
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def refused(user, data) -> dict:
    with pytest.raises(ApplicationError) as caught:
        analog_entry_record(user=user, **data)
    assert caught.value.status_code == 400
    return caught.value.field_errors


# Serial numbers ------------------------------------------------------------------------------------------------


def test_a_paper_form_with_a_printed_serial_is_recorded_with_its_provenance(process, coordinator, print_run):
    written = timezone.localdate() - datetime.timedelta(days=3)
    typed = serial(process, 7).lower().replace("-", " ")  # case and separators do not matter
    form = analog_entry_record(user=coordinator, **entry(process, form_serial=typed, original_date=written))
    assert (form.channel, form.form_serial, form.original_date) == (Channel.PAPER_FORM, serial(process, 7), written)
    assert (form.entered_by, form.status, form.title) == (coordinator, Status.PUBLISHED, "Mehr Sprachkurse am Abend")
    assert AuditEntry.objects.filter(action="contribution.created", object_id=str(form.pk)).exists()


@pytest.mark.parametrize(
    ("typed", "status"),
    [("kein-serial", "malformed"), ("typo", "malformed"), ("other-process", "unknown"), ("beyond-run", "unknown")],
)
def test_a_bad_serial_is_refused_at_its_field_and_nothing_is_kept(process, coordinator, print_run, typed, status):
    good = serial(process, 3)
    text = {
        "kein-serial": "kein-serial",
        "typo": good[:-1] + ("A" if good[-1] != "A" else "B"),  # a wrong check letter
        "other-process": serial_of_process(process.pk + 100, 3),
        "beyond-run": serial(process, 51),
    }[typed]
    errors = refused(coordinator, entry(process, form_serial=text))
    assert set(errors) == {"form_serial"}
    assert not Contribution.objects.exists()


def serial_of_process(process_id, number):
    from teilhabe.paper.serials import serial_format

    return serial_format(process_id=process_id, number=number)


def test_a_serial_typed_twice_in_a_row_is_caught_and_named_as_such(process, coordinator, print_run):
    first = analog_entry_record(user=coordinator, **entry(process, form_serial=serial(process, 4)))
    with translation.override("en"):  # the messages as written (the catalogues translate them)
        errors = refused(
            coordinator,
            entry(process, form_serial=serial(process, 4), previous_serial=first.form_serial, body="Zweiter"),
        )
        assert "just now" in str(errors["form_serial"])
        errors = refused(coordinator, entry(process, form_serial=serial(process, 4), body="Später noch einmal"))
        assert "already been entered" in str(errors["form_serial"])
    assert Contribution.objects.count() == 1


def test_a_paper_form_needs_a_serial_and_other_channels_have_none(process, coordinator, print_run):
    assert set(refused(coordinator, entry(process, form_serial=""))) == {"form_serial"}
    assert set(refused(coordinator, entry(process, channel="letter"))) == {"form_serial"}
    letter = analog_entry_record(user=coordinator, **entry(process, channel="letter", form_serial=""))
    assert (letter.channel, letter.form_serial) == (Channel.LETTER, "")


def test_every_field_error_comes_at_once(process, coordinator, print_run):
    errors = refused(coordinator, entry(process, form_serial="x", body="", fields_of_action=[], channel="paper_form"))
    assert {"form_serial", "body", "fields_of_action"} <= set(errors)


@pytest.mark.parametrize("channel", ["online", "workshop", "expert_group", "nonsense"])
def test_only_the_entry_screens_channels_are_taken(process, coordinator, channel):
    assert "channel" in refused(coordinator, entry(process, channel=channel, form_serial=""))


@pytest.mark.parametrize("role", ["participant", "department_staff", "organisation_representative", "evaluator"])
def test_only_coordinators_enter(process, personas, print_run, role):
    with pytest.raises(NotAllowed):
        analog_entry_record(user=personas[role], **entry(process))
    assert not Contribution.objects.exists()


def test_without_consent_the_text_is_kept_but_never_published(process, coordinator, print_run):
    form = analog_entry_record(user=coordinator, **entry(process, publication_consent=False))
    assert (form.status, form.publication_consent) == (Status.IN_MODERATION, False)


def test_a_title_is_taken_from_the_first_line_cut_at_a_word():
    assert title_from_text("Kurz\nLang") == "Kurz"
    long = "Wir brauchen " + "mehr Sprachkurse " * 10
    made = title_from_text(long)
    assert len(made) <= 81 and made.endswith("…") and long.startswith(made[:-1])


# Scans ---------------------------------------------------------------------------------------------------------


def test_a_pdf_scan_is_kept_as_it_is_privately_with_its_checksum(process, coordinator, print_run, private_storage):
    content = pdf_bytes()
    form = analog_entry_record(user=coordinator, **entry(process, scan=upload("scan.jpg", content, "image/jpeg")))
    scan = Scan.objects.get(contribution=form)
    assert (scan.content_type, scan.size, scan.sha256) == ("application/pdf", len(content), sha(content))
    assert scan.file.name.startswith("analog/scans/") and scan.file.name.endswith(".pdf")
    assert (private_storage / scan.file.name).read_bytes() == content
    assert (scan.uploaded_by, scan.removed_at) == (coordinator, None)
    entry_ = AuditEntry.objects.get(action="scan.added")
    assert entry_.data["sha256"] == scan.sha256 and entry_.data["contribution"] == form.pk


def test_a_jpeg_is_re_encoded_without_its_exif_and_comment(process, coordinator, print_run, private_storage):
    original = jpeg_with_exif()
    assert b"Kamerahersteller" in original and b"Wohnzimmer" in original
    form = analog_entry_record(user=coordinator, **entry(process, scan=upload("foto.jpeg", original)))
    scan = Scan.objects.get(contribution=form)
    kept = (private_storage / scan.file.name).read_bytes()
    assert scan.content_type == "image/jpeg" and scan.sha256 == sha(kept) and scan.size == len(kept)
    assert b"Kamerahersteller" not in kept and b"Wohnzimmer" not in kept and b"Exif" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (40, 30) and not image.getexif()


def test_a_png_is_re_encoded_without_its_text_chunks(process, coordinator, print_run, private_storage):
    form = analog_entry_record(user=coordinator, **entry(process, scan=upload("brief.png", png_with_text())))
    scan = Scan.objects.get(contribution=form)
    kept = (private_storage / scan.file.name).read_bytes()
    assert scan.content_type == "image/png" and b"Frau Beispiel" not in kept


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,  # a program named .pdf
        b"GIF89a" + b"\x00" * 100,  # an image type that is not taken
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,  # the start of a JPEG, then nothing readable
        b"",
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_kept(process, coordinator, print_run, private_storage, content):
    errors = refused(coordinator, entry(process, scan=upload("scan.pdf", content, "application/pdf")))
    assert "scan" in errors
    assert not Contribution.objects.exists() and not Scan.objects.exists()
    assert stored_files(private_storage) == []


def test_a_scan_over_the_size_limit_is_refused(process, coordinator, print_run, private_storage, settings):
    settings.TEILHABE_SCAN_MAX_BYTES = 50
    errors = refused(coordinator, entry(process, scan=upload("scan.pdf", pdf_bytes() + b" " * 100)))
    assert "scan" in errors and not Contribution.objects.exists()


def test_a_failure_after_the_file_was_written_leaves_neither_row_nor_file(
    process, coordinator, print_run, private_storage, monkeypatch
):
    from teilhabe.analog import services

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        analog_entry_record(user=coordinator, **entry(process, scan=upload("scan.pdf", pdf_bytes())))
    assert not Contribution.objects.exists() and not Scan.objects.exists()
    assert stored_files(private_storage) == []


def test_a_scan_with_errors_elsewhere_is_not_kept(process, coordinator, print_run, private_storage):
    errors = refused(coordinator, entry(process, body="", scan=upload("scan.pdf", pdf_bytes())))
    assert "body" in errors
    assert not Scan.objects.exists() and stored_files(private_storage) == []


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
