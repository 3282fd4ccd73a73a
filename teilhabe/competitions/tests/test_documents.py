"""The call summary for the committee: ``manage.py call_summary`` as a tagged PDF, XLSX and ODS; scores only after
closing; nothing of who scored what."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from teilhabe.competitions.documents import call_summary
from teilhabe.competitions.models import Call, Score

pytestmark = pytest.mark.django_db
HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None


def test_the_summary_rows(scored, open_call):
    open_call.refresh_from_db()
    summary = call_summary(open_call)
    assert summary.closed and len(summary.rows) == 2
    first = summary.rows[0]
    assert first.rank == 1 and first.mean == Decimal("6.00") and first.spread == Decimal("0.00")
    assert first.jurors == 1 and first.recused == 0
    assert summary.recommended == Decimal("3500.00")
    assert summary.budget_left == summary.budget - Decimal("3500.00")


def test_no_scores_before_closing(scored, open_call):
    Call.objects.filter(pk=open_call.pk).update(scoring_closed_at=None)
    open_call.refresh_from_db()
    summary = call_summary(open_call)
    assert all(row.mean is None and row.jurors is None and row.rank is None for row in summary.rows)
    assert summary.recommended == Decimal("0.00")


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_the_pdf_is_tagged_and_reads_well(scored, open_call, tmp_path):
    Score.objects.filter(application=scored[0]).update(comment="GEHEIMER KOMMENTAR")
    output = tmp_path / "summary.pdf"
    call_command(
        "call_summary", "--call", str(open_call.pk), "--format", "pdf", "--output", str(output), "--language", "en"
    )
    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(output), "-"], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Call summary: Zusammen Wirken" in text
    assert "Budget left" in text and "3,500.00" in text and "6.00" in text
    assert re.search(r"6\.00\s+0\.00\s+1 \(0\)", text)  # mean, spread (0.00, not a dash), jurors (recused)
    assert "GEHEIMER KOMMENTAR" not in text and "chair@example.org" not in text


def test_the_spreadsheets(scored, open_call, tmp_path):
    from odf.opendocument import load
    from odf.table import Table
    from openpyxl import load_workbook

    xlsx = tmp_path / "summary.xlsx"
    call_command(
        "call_summary", "--call", str(open_call.pk), "--format", "xlsx", "--output", str(xlsx), "--language", "en"
    )
    workbook = load_workbook(xlsx)
    sheet = workbook["Applications"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Rank", "Reference", "Project"]
    assert (
        sheet.cell(row=2, column=header.index("Weighted mean") + 1).value == Decimal("6.00")
        or float(sheet.cell(row=2, column=header.index("Weighted mean") + 1).value) == 6.0
    )
    assert [row[0].value for row in workbook["Budget"].iter_rows()] == ["Call budget", "Recommended", "Budget left"]
    ods = tmp_path / "summary.ods"
    call_command("call_summary", "--call", str(open_call.pk), "--format", "ods", "--output", str(ods))
    document = load(str(ods))
    assert len(document.spreadsheet.getElementsByType(Table)) == 2


def test_bad_arguments(open_call, tmp_path):
    with pytest.raises(CommandError):
        call_command("call_summary", "--call", "999999", "--format", "pdf", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("call_summary", "--call", str(open_call.pk), "--format", "doc", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("call_summary", "--call", "abc", "--format", "pdf", "--output", str(tmp_path / "x"))


def test_the_coordinators_download_the_summary(scored, open_call, coordinator, personas):
    from django.urls import reverse

    from teilhabe.competitions.tests.conftest import client_of

    for format in ("pdf", "xlsx", "ods"):
        url = reverse("competitions:call_summary", kwargs={"pk": open_call.pk, "format": format})
        response = client_of(coordinator).get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        for role, user in personas.items():
            if role != "coordinator":
                assert client_of(user).get(url).status_code == 403, role
    assert client_of(coordinator).get(url.replace(".ods", ".doc")).status_code == 404
