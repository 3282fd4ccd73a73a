"""Fixtures of the import tests: private storage in a temporary directory, files in every shape, a held event."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from teilhabe.administration.models import Department
from teilhabe.events.models import Event, EventState, EventType
from teilhabe.imports import services

HEADER_EN = ["title", "text", "fields of action", "district", "channel", "date on the original", "publication consent"]
HEADER_DE = [
    "Titel",
    "Text",
    "Handlungsfelder",
    "Stadtbezirk",
    "Kanal",
    "Datum des Originals",
    "Einverständnis zur Veröffentlichung",
]


def row(n: int, **overrides) -> list[str]:
    values = {
        "title": f"Ergebnis {n}: Sprachkurse",
        "text": f"Mehr Kurse mit Kinderbetreuung, Tisch {n}.",
        "fields": "bildung",
        "district": "1",
        "channel": "workshop",
        "date": "12.03.2025",
        "consent": "ja",
    }
    values.update(overrides)
    return [
        values["title"],
        values["text"],
        values["fields"],
        values["district"],
        values["channel"],
        values["date"],
        values["consent"],
    ]


def csv_bytes(rows, *, header=HEADER_EN, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    def cell(value):
        value = str(value)
        return f'"{value}"' if any(ch in value for ch in f'{delimiter}"\n') else value

    lines = [delimiter.join(cell(value) for value in line) for line in [header, *rows]]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, header=HEADER_DE) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for line in rows:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def held_event(process, **overrides) -> Event:
    start = (timezone.now() - datetime.timedelta(days=3)).replace(microsecond=0)
    data = {
        "process": process,
        "type": EventType.WORKSHOP,
        "title": "Werkstatt Sprachkurse",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "state": EventState.HELD,
        "organiser_department": Department.objects.get(code="50"),
    }
    data.update(overrides)
    return Event.objects.create(**data)


def run_import(process, user, data: bytes, *, name="ergebnisse.csv", event=None, execute=True):
    """Upload, check and (with ``execute``) import a file, as the pages do; returns the run."""
    run = services.import_run_create(user=user, process=process, file_name=name, data=data, event=event)
    run = services.import_run_dispatch(run=run)
    if execute and run.state == "checked" and not run.rows_invalid and run.rows_valid:
        run = services.import_run_dispatch(run=services.import_run_request(run=run, user=user))
    return run
