import datetime
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from teilhabe.administration.models import Department
from teilhabe.contributions.models import Contribution, Status
from teilhabe.contributions.tallies import tallies_build
from teilhabe.events.models import Event
from teilhabe.reports import services
from teilhabe.reports.periods import period_of


@pytest.fixture(autouse=True)
def _private_storage_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def committee(process, coordinator):
    return services.committee_create(
        user=coordinator, process=process, name="Internationaler Ausschuss", short_name="IA"
    )


@pytest.fixture
def meeting(process, coordinator, committee):
    return services.meeting_create(
        user=coordinator, process=process, committee=committee, name="4. Sitzung", date=datetime.date(2026, 1, 20)
    )


@pytest.fixture
def period():
    return str(period_of(timezone.localdate()))


@pytest.fixture
def figures(process, personas):
    """Contributions in three channels and a held event with 3 people at the door (a small cell)."""
    for index, channel in enumerate(["online"] * 7 + ["letter"] * 2 + ["workshop"] * 6):
        Contribution.objects.create(
            process=process,
            title=f"Beitrag {index}",
            body="Text",
            channel=channel,
            author=personas["participant"] if channel == "online" else None,
            entered_by=None if channel == "online" else personas["coordinator"],
            status=Status.PUBLISHED,
            publication_consent=True,
        )
    start = timezone.now() - datetime.timedelta(days=2)
    Event.objects.create(
        process=process,
        type="workshop",
        title="Werkstatt",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state="held",
        attendance_total=3,
        organiser_department=Department.objects.get(code="50"),
    )
    tallies_build(process)
    return process


def make_report(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(**kwargs)
    report.refresh_from_db()
    return report


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The PDF's text; with ``layout`` as laid out on the page (a table's row on one line)."""
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    command = ["pdftotext", *(["-layout"] if layout else []), source, "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout
