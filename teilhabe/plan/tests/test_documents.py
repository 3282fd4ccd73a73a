"""The plan's documents: the version as a tagged PDF (German and Arabic), the measures as XLSX, ODS and CSV, their
download pages and who may fetch them."""

import csv
import datetime
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from teilhabe.accounts.models import Role
from teilhabe.conftest import make_contribution
from teilhabe.core.tests.pdf_objects import pdf_objects
from teilhabe.plan import services
from teilhabe.plan.documents import COLUMNS, plan_document
from teilhabe.plan.models import Measure, MeasureStatus, Section

HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None


@pytest.fixture
def adopted(draft, coordinator, process, personas):
    """Version 1 adopted, with a measure in progress, a linked published contribution, an Arabic translation of a
    goal, and a title that a spreadsheet could read as a formula."""
    measure = Measure.objects.get(code="M-001")
    services.measure_status_change(
        user=coordinator,
        measure=measure,
        status=MeasureStatus.IN_PROGRESS,
        date=datetime.date(2026, 7, 1),
        note="Begonnen.",
        spent="1200.50",
    )
    contribution = make_contribution(process, personas["participant"])
    services.measures_link(user=coordinator, contribution=contribution, measures=[measure])
    section = Section.objects.get(version=draft, title="Maßnahme 1.2")
    Section.objects.filter(pk=section.pk).update(title="=SUMME(A1:A9)")
    services.version_adopt(
        user=coordinator, version=draft, adopted_on=datetime.date(2026, 6, 1), document_number="1234/2026"
    )
    goal = Section.objects.get(version=draft, title="Ziel 1")
    services.section_translation_set(user=coordinator, section=goal, field="title", language="ar", text="الهدف الأول")
    cache.clear()
    draft.refresh_from_db()
    return draft


# --- spreadsheets -------------------------------------------------------------------------------------------


def test_xlsx_has_a_row_per_measure_with_every_column(adopted):
    with translation.override("en"):
        data = plan_document(adopted, "xlsx", "en")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "Code", "Number", "Measure", "Field of action", "Goal", "Responsible department", "Partner organisations",
        "Target groups", "Districts", "Planned budget (EUR)", "Spent so far (EUR)", "Start", "End", "Status",
        "Status since", "Linked contributions",
    ]  # fmt: skip
    assert len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Code"] == "M-001" and first["Number"] == "2.1.1" and first["Measure"] == "Maßnahme 1.1"
    assert first["Field of action"] == "Bildung" and first["Goal"] == "Ziel 1"
    assert first["Responsible department"].endswith("Soziales")
    assert first["Target groups"] == "Geflüchtete" and first["Districts"] == "Mitte"
    assert first["Planned budget (EUR)"] == 10000 and float(first["Spent so far (EUR)"]) == 1200.5
    assert first["Start"].date() == datetime.date(2027, 1, 1) and first["End"].date() == datetime.date(2028, 12, 31)
    assert first["Status"] == "In progress" and first["Status since"].date() == datetime.date(2026, 7, 1)
    assert first["Linked contributions"] == 1
    formula = sheet.cell(row=3, column=3)
    assert formula.value == "=SUMME(A1:A9)" and formula.data_type == "s" and formula.quotePrefix
    assert rows[3][0] == "M-003" and rows[3][15] == 0


def test_xlsx_in_arabic_is_right_to_left_with_translated_texts(adopted):
    data = plan_document(adopted, "xlsx", "ar")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.sheet_view.rightToLeft
    assert sheet.cell(row=2, column=5).value == "الهدف الأول"
    assert [cell.value for cell in sheet[2]][:2] == ["M-001", "2.1.1"]


def _ods_rows(data: bytes) -> list[list[str]]:
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = load(io.BytesIO(data))
    [table] = document.spreadsheet.getElementsByType(Table)
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append(
                (
                    cell.getAttribute("valuetype"),
                    cell.getAttribute("value") or cell.getAttribute("datevalue"),
                    "\n".join(str(p) for p in cell.getElementsByType(P)),
                )
            )
        rows.append(cells)
    return rows


def test_ods_has_typed_cells(adopted):
    data = plan_document(adopted, "ods", "en")
    assert zipfile.ZipFile(io.BytesIO(data)).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    rows = _ods_rows(data)
    assert len(rows) == 4 and len(rows[0]) == len(COLUMNS)
    first = rows[1]
    assert (first[0][0], first[0][2]) == ("string", "M-001")
    assert first[9][:2] == ("float", "10000.00")
    assert first[10][:2] == ("float", "1200.50")
    assert first[11][:2] == ("date", "2027-01-01")
    assert first[15][:2] == ("float", "1")
    assert (rows[2][2][0], rows[2][2][2]) == ("string", "=SUMME(A1:A9)")  # text, never a formula


def test_csv_is_utf8_with_bom_semicolons_and_neutralised_formulas(adopted):
    data = plan_document(adopted, "csv", "de")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4 and len(rows[0]) == len(COLUMNS)
    assert rows[1][0] == "M-001" and rows[1][7] == "Geflüchtete"
    assert rows[1][9] == "10000,00" and rows[1][10] == "1200,50"  # the German number format
    assert rows[1][11] == "2027-01-01" and rows[1][15] == "1"
    assert rows[2][2] == "'=SUMME(A1:A9)"
    english = list(csv.reader(io.StringIO(plan_document(adopted, "csv", "en").decode("utf-8-sig")), delimiter=";"))
    assert english[0][0] == "Code" and english[1][9] == "10000.00"


def test_documents_are_cached_until_the_plan_changes(adopted, coordinator, django_capture_on_commit_callbacks):
    def status_of_m003() -> str:
        rows = list(csv.reader(io.StringIO(plan_document(adopted, "csv", "en").decode("utf-8-sig")), delimiter=";"))
        return next(row for row in rows if row[0] == "M-003")[13]

    assert status_of_m003() == "Planned"
    Measure.objects.filter(code="M-003").update(status=MeasureStatus.COMPLETED)  # no service: nothing bumped
    assert status_of_m003() == "Planned"  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_status_change(
            user=coordinator, measure=Measure.objects.get(code="M-003"), status=MeasureStatus.DISCONTINUED,
            date=datetime.date(2026, 8, 1),
        )  # fmt: skip
    assert status_of_m003() == "Discontinued"


# --- the PDF ------------------------------------------------------------------------------------------------


def _pdf_objects(data: bytes) -> str:
    return pdf_objects(data)


def _pdf_facts(data: bytes, tmp_path) -> tuple[str, str, str]:
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return text, info, _pdf_objects(data)


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils (make install) not installed")
def test_pdf_is_tagged_german_with_headings_contents_and_facts(adopted, tmp_path):
    data = plan_document(adopted, "pdf", "de")
    assert data.startswith(b"%PDF")
    text, info, raw = _pdf_facts(data, tmp_path)
    assert "Tagged:          yes" in info
    assert "/Lang (de)" in raw
    assert "Integrationsplan" in text and "1234/2026" in text
    for heading in ("Einleitung", "Bildung", "Ziel 1", "Maßnahme 1.1"):
        assert heading in text, heading
    assert "M-001" in text and "1.200,50 €" in text and "10.000 €" in text
    assert "/Outlines" in raw and "/StructTreeRoot" in raw  # bookmarks from the headings; the tags


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils (make install) not installed")
def test_pdf_in_arabic_is_arabic_and_right_to_left(adopted, tmp_path):
    data = plan_document(adopted, "pdf", "ar")
    text, info, raw = _pdf_facts(data, tmp_path)
    assert "Tagged:          yes" in info and "/Lang (ar)" in raw
    words = set(text.replace("\u202b", " ").replace("\u202c", " ").split())
    assert {"الهدف", "الأول"} <= words
    fonts = subprocess.run(["pdffonts", str(tmp_path / "plan.pdf")], capture_output=True, text=True).stdout
    assert "Arabic" in fonts


# --- the download pages -------------------------------------------------------------------------------------


def _urls(version):
    slug, number = version.process.slug, version.number
    return {
        "pdf": reverse("plan:pdf", kwargs={"slug": slug, "number": number}),
        **{
            fmt: reverse("plan:measures_file", kwargs={"slug": slug, "number": number, "format": fmt})
            for fmt in ("xlsx", "ods", "csv")
        },
    }


def test_published_version_documents_are_public_in_the_readers_language(client, adopted):
    urls = _urls(adopted)
    assert urls["pdf"].endswith("/plan/fassung/1/plan.pdf") and urls["csv"].endswith("/fassung/1/massnahmen.csv")
    for fmt in ("xlsx", "ods", "csv"):
        response = client.get(urls[fmt], HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, fmt
        assert (
            response["Content-Disposition"].startswith("attachment; filename=")
            and f".{fmt}" in response["Content-Disposition"]
        )
    response = client.get(urls["csv"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode("utf-8-sig").startswith("Code;")
    response = client.get(urls["pdf"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "/Lang (en)" in _pdf_objects(response.content)


def test_working_draft_documents_are_not_public(client, draft):
    for url in _urls(draft).values():
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_working_draft_documents_are_for_the_staff_who_see_it(client, draft, personas, role):
    """As plan.view_version on a working draft (docs/roles.md): department staff and heads, coordinators."""
    client.force_login(personas[role])
    response = client.get(_urls(draft)["csv"])
    if role in {"department_staff", "department_head", "coordinator"}:
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/p/lip/plan/fassung/9/plan.pdf",
        "/p/lip/plan/fassung/01/plan.pdf",
        "/p/lip/plan/fassung/abc/massnahmen.csv",
        "/p/lip/plan/fassung/1/massnahmen.docx",
        "/p/lip/plan/fassung/1/massnahmen.pdf",
        "/p/nope/plan/fassung/1/plan.pdf",
        "/p/lip/plan/fassung/99999999999999999999999/massnahmen.csv",
    ],
)
def test_bad_addresses_answer_404(client, adopted, path):
    assert client.get(path).status_code == 404
