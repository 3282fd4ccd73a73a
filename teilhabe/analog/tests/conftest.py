"""Fixtures of the analog tests: private storage in a temporary folder, a print run of 50 forms, and an entry as
the entry screen sends it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_format


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def print_run(process, coordinator):
    """Fifty forms of ``process``, numbers 1-50."""
    return PrintRun.objects.create(
        process=process, kind=PrintKind.FORM, language="tr", count=50, first_number=1, printed_by=coordinator
    )


def serial(process, number: int) -> str:
    return serial_format(process_id=process.pk, number=number)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def jpeg_with_exif() -> bytes:
    """A photo of a form with EXIF data (camera and a GPS position) and a comment."""
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0110] = "Modell X"  # Model
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 30.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"Wohnzimmer")
    return buffer.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Frau Beispiel")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def entry(process, **overrides) -> dict:
    """An entry as ``analog_entry_record`` takes it: a paper form without a title, with consent."""
    data = {
        "process": process,
        "channel": "paper_form",
        "form_serial": serial(process, 1),
        "title": "",
        "body": "Mehr Sprachkurse am Abend\nViele arbeiten tagsüber.",
        "fields_of_action": [process.fields_of_action.first()],
        "publication_consent": True,
    }
    data.update(overrides)
    return data
