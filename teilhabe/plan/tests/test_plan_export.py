"""``manage.py plan_export --process SLUG --version N --format pdf|xlsx|ods|csv --output FILE [--language L]``."""

import csv
import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from openpyxl import load_workbook


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_command_writes_the_measures(draft, process, tmp_path, fmt):
    target = tmp_path / f"massnahmen.{fmt}"
    out = io.StringIO()
    call_command(
        "plan_export", "--process", process.slug, "--version", "1", "--format", fmt, "--output", str(target), stdout=out
    )
    assert f"Wrote version 1 of the plan of {process.slug} ({fmt}, de" in out.getvalue()
    data = target.read_bytes()
    if fmt == "xlsx":
        rows = list(load_workbook(target).active.iter_rows(values_only=True))
        assert [row[0] for row in rows[1:]] == ["M-001", "M-002", "M-003"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert [row[0] for row in rows[1:]] == ["M-001", "M-002", "M-003"]
    else:
        assert data.startswith(b"PK") and b"application/vnd.oasis.opendocument.spreadsheet" in data[:100]


def test_command_takes_a_language(draft, process, tmp_path):
    target = tmp_path / "m.csv"
    call_command("plan_export", process=process.slug, version="1", format="csv", output=str(target), language="en")
    assert target.read_bytes().decode("utf-8-sig").startswith("Code;Number;Measure;")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (make install) not installed")
def test_command_writes_the_pdf_of_a_working_draft(draft, process, tmp_path):
    target = tmp_path / "plan.pdf"
    call_command("plan_export", process=process.slug, version="1", format="pdf", output=str(target), language="ar")
    assert target.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info


def test_command_refuses_what_it_does_not_know(draft, process, tmp_path):
    target = str(tmp_path / "x")
    with pytest.raises(CommandError, match="No process"):
        call_command("plan_export", process="nope", version="1", format="csv", output=target)
    for version in ("2", "0", "abc", "-1", "1.0", "99999999999999999999"):
        with pytest.raises(CommandError, match="has no plan version"):
            call_command("plan_export", process=process.slug, version=version, format="csv", output=target)
    with pytest.raises(CommandError, match="Unknown format"):
        call_command("plan_export", process=process.slug, version="1", format="docx", output=target)
    with pytest.raises(CommandError, match="Unknown language"):
        call_command("plan_export", process=process.slug, version="1", format="csv", output=target, language="xx")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("plan_export", process=process.slug, version="1", format="csv", output=str(tmp_path / "no/x"))
    with pytest.raises(CommandError):  # a required option missing
        call_command("plan_export", process=process.slug, format="csv", output=target)


@pytest.mark.django_db
def test_command_from_the_shell_exits_non_zero_with_a_message(tmp_path, capsys):
    """``--version`` is the plan's version here, not Django's; an unknown process ends with status 1. Run as the
    shell runs it (argv through ManagementUtility), in this process: a subprocess would first have to migrate a
    database of its own."""
    argv = ["manage.py", "plan_export", "--process", "nope", "--version", "3", "--format", "csv"]
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility([*argv, "--output", str(tmp_path / "x.csv")]).execute()
    assert exit_info.value.code == 1
    assert "No process with the slug 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
