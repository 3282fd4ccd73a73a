"""manage.py import_contributions: exit codes, the summary line, --dry-run, --event, --template de|en."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from teilhabe.contributions.models import Contribution
from teilhabe.imports.columns import COLUMNS
from teilhabe.imports.tests.conftest import csv_bytes, held_event, row

pytestmark = pytest.mark.django_db


def _call(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_contributions", *args, stdout=out, stderr=err, **options)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def _file(tmp_path, data: bytes, name="ergebnisse.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_and_summary(process, coordinator, tmp_path):
    path = _file(tmp_path, csv_bytes([row(1), row(2)]))
    code, out, _err = _call(path, process=process.slug)
    assert code == 0
    assert "rows: 2, valid: 2, invalid: 0, imported: 2, already imported: 0" in out.strip().splitlines()[-1]
    assert Contribution.objects.count() == 2
    code, out, _err = _call(path, process=process.slug)
    assert code == 0
    assert "rows: 2, valid: 0, invalid: 0, imported: 0, already imported: 2" in out
    assert Contribution.objects.count() == 2


def test_dry_run_imports_nothing(process, coordinator, tmp_path):
    code, out, _err = _call(_file(tmp_path, csv_bytes([row(1)])), process=process.slug, dry_run=True)
    assert code == 0
    assert "rows: 1, valid: 1, invalid: 0, imported: 0, already imported: 0" in out
    assert not Contribution.objects.exists()


def test_invalid_rows_exit_non_zero_and_are_listed(process, coordinator, tmp_path):
    code, out, err = _call(_file(tmp_path, csv_bytes([row(1), row(2, district="77")])), process=process.slug)
    assert code == 1
    assert "line 3:" in err
    assert "rows: 2, valid: 1, invalid: 1, imported: 0" in out
    assert not Contribution.objects.exists()


def test_unreadable_file_and_unknown_process(process, coordinator, tmp_path):
    with pytest.raises(CommandError) as caught:
        _call(_file(tmp_path, b"%PDF-1.4 nothing"), process=process.slug)
    assert caught.value.returncode == 2
    with pytest.raises(CommandError):
        _call(_file(tmp_path, csv_bytes([row(1)])), process="gibt-es-nicht")
    with pytest.raises(CommandError):
        _call(_file(tmp_path, csv_bytes([row(1)])), process=process.slug, event=999999)


def test_event_option(process, coordinator, tmp_path):
    event = held_event(process)
    code, _out, _err = _call(_file(tmp_path, csv_bytes([row(1)])), process=process.slug, event=event.pk)
    assert code == 0
    assert Contribution.objects.get().event == event


@pytest.mark.parametrize("language", ["de", "en"])
def test_template(language, db):
    code, out, _err = _call(template=language)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out), delimiter=";" if language == "de" else ","))
    assert len(rows) == 2
    assert rows[0] == [getattr(column, language) for column in COLUMNS]
    assert len(rows[1]) == len(COLUMNS)


def test_template_imports_cleanly(process, coordinator, tmp_path):
    """The example row of each template is itself a valid row."""
    for language in ("de", "en"):
        _code, out, _err = _call(template=language)
        code, summary, err = _call(_file(tmp_path, out.encode(), f"{language}.csv"), process=process.slug, dry_run=True)
        assert code == 0, err
        assert "valid: 1, invalid: 0" in summary
