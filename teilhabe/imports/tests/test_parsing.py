"""Reading files: separators, encodings, BOM, XLSX, and clear refusals of what cannot be read."""

import datetime
import io
import zipfile

import pytest
from django.utils import translation

from teilhabe.imports.parsing import ImportFileError, spreadsheet_read
from teilhabe.imports.tests.conftest import HEADER_DE, csv_bytes, row, xlsx_bytes


def _rows(data: bytes):
    sheet = spreadsheet_read(data)
    return sheet, list(sheet.rows())


def test_comma_separated_utf8():
    sheet, rows = _rows(csv_bytes([row(1), row(2, title="Mehr Plätze, bitte")]))
    assert (sheet.file_format, sheet.delimiter, sheet.encoding) == ("csv", ",", "utf-8")
    assert [line for line, _values in rows] == [2, 3]
    assert rows[1][1]["title"] == "Mehr Plätze, bitte"


def test_semicolons_with_excel_bom_and_german_headers():
    sheet, rows = _rows(csv_bytes([row(1, title="Überall Grün")], header=HEADER_DE, delimiter=";", bom=True))
    assert (sheet.delimiter, sheet.encoding) == (";", "utf-8")
    assert sheet.names[0] == "title"  # the BOM is not part of the first header
    assert rows[0][1]["title"] == "Überall Grün"
    assert rows[0][1]["publication_consent"] == "ja"


def test_windows_1252_is_read_and_named():
    sheet, rows = _rows(
        csv_bytes([row(1, title="Straßenfest für alle – “Nachbarn”")], delimiter=";", encoding="cp1252")
    )
    assert sheet.encoding == "cp1252"
    assert rows[0][1]["title"] == "Straßenfest für alle – “Nachbarn”"


def test_latin1_bytes_cp1252_cannot_decode():
    data = csv_bytes([row(1, title="Qq")]).replace(b"Qq", b"\x81Qq")  # 0x81 is undefined in Windows-1252
    sheet, rows = _rows(data)
    assert sheet.encoding == "latin-1"
    assert rows[0][1]["title"] == "\x81Qq"


def test_tab_separated():
    sheet, rows = _rows(csv_bytes([row(1)], delimiter="\t"))
    assert sheet.delimiter == "\t"
    assert rows[0][1]["fields_of_action"] == "bildung"


def test_xlsx_with_date_and_number_cells():
    data = xlsx_bytes([["Titel", "Text", "bildung", 1, "workshop", datetime.datetime(2025, 3, 12), "ja"]])
    sheet, rows = _rows(data)
    assert sheet.file_format == "xlsx"
    assert rows[0][1]["district"] == "1"
    assert rows[0][1]["original_date"] == datetime.date(2025, 3, 12)


def test_xlsx_named_csv_is_read_as_xlsx():
    sheet, _rows_read = _rows(xlsx_bytes([row(1)]))
    assert sheet.file_format == "xlsx"


def test_blank_rows_are_skipped():
    data = csv_bytes([row(1), ["", "", "", "", "", "", ""], row(3)])
    _sheet, rows = _rows(data)
    assert [line for line, _values in rows] == [2, 4]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        (b"title,text\x00\x01\x02,more", "binary"),
        (b"\n\ntitle,text", "headers"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, words):
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        spreadsheet_read(data)
    assert caught.value.status_code == 400
    assert words in str(caught.value.message)


def test_zip_that_is_no_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        spreadsheet_read(out.getvalue())
    assert "XLSX" in str(caught.value.message)


def test_missing_required_columns_are_named():
    data = csv_bytes([["A", "B"]], header=["title", "district"])
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        spreadsheet_read(data)
    message = str(caught.value.message)
    assert "text" in message and "fields of action" in message and "Handlungsfelder" in message


def test_unknown_columns_are_noted(settings):
    sheet = spreadsheet_read(csv_bytes([row(1) + ["x"]], header=[*HEADER_DE, "Bemerkung"]))
    assert sheet.unknown == ["Bemerkung"]


def test_size_limit(settings):
    settings.TEILHABE_IMPORT_MAX_BYTES = 100
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        spreadsheet_read(csv_bytes([row(n) for n in range(10)]))
    assert "too large" in str(caught.value.message)


@pytest.mark.parametrize(
    "text",
    [
        "  Straße\r\nzwei\rdrei\t vier  ",
        "a\x00b\x07c\x1bd\x7fe\x85f\x9fg",
        "Cafe\u0301",
        "\u200f عربى \x0c",
        "\x1c\x1d x \x1e\x1f",
        "",
    ],
)
def test_clean_text_is_clean_plain_text(text):
    from teilhabe.core.text import clean_plain_text
    from teilhabe.imports.checking import clean_text

    assert clean_text(text) == clean_plain_text(text)


def test_lines_ended_by_cr_alone(process, coordinator):
    from teilhabe.imports.tests.conftest import run_import

    run = run_import(process, coordinator, csv_bytes([row(1), row(2)]).replace(b"\r\n", b"\r"))
    assert (run.state, run.rows_total, run.rows_imported) == ("imported", 2, 2)


def _dates_by_strptime(value):
    """parse_date's definition: the first of DATE_FORMATS that reads the value."""
    import datetime

    from teilhabe.imports.checking import DATE_FORMATS

    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def test_parse_date_reads_what_the_formats_read():
    from teilhabe.imports.checking import parse_date

    days = ["0", "00", "1", "01", "9", "09", "10", "28", "29", "30", "31", "32", "001", " 1", "١"]
    months = ["0", "00", "1", "01", "2", "02", "12", "13", "1 "]
    years = ["2024", "2025", "25", "0999", "0000", "99999", "202"]
    values = [f"{d}.{m}.{y}" for d in days for m in months for y in years]
    values += ["2025-03-04", "04/03/2025", "4.3.25", "29.02.2023", "31.04.2025", "1.1.2025 ", "", "heute", "1..2025"]
    assert sum(parse_date(value) is not None for value in values) > 100
    for value in values:
        assert parse_date(value) == _dates_by_strptime(value), value
