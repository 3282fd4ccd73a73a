"""Reading an uploaded spreadsheet: CSV (any separator, UTF-8 with or without BOM, else Windows-1252 or Latin-1)
or XLSX (openpyxl), told apart by content, not by the file's name. A file that cannot be read raises
``ImportFileError`` with a message for the person who uploaded it.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from teilhabe.core.errors import ApplicationError
from teilhabe.imports.columns import COLUMNS, REQUIRED, header_columns

SNIFF_BYTES = 64 * 1024
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "ISO-8859-1 (Latin-1)"}


class ImportFileError(ApplicationError):
    """The file itself cannot be imported (empty, not a spreadsheet, columns missing, too big)."""


def max_bytes() -> int:
    return settings.TEILHABE_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.TEILHABE_IMPORT_MAX_ROWS


@dataclass
class Spreadsheet:
    """A readable file: its format, how it was read, and its rows (read afresh on every call of ``rows``)."""

    data: bytes
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    names: list = field(default_factory=list)  # column name per position (None: ignored)
    unknown: list = field(default_factory=list)
    text: str = ""
    opener: Callable | None = None  # opens the stored file (binary): its rows are read from it, not from memory

    def rows(self) -> Iterator[tuple[int, dict]]:
        """(line number, {column name: value}) for every row below the header that is not empty."""
        if self.opener is not None:
            with self.opener() as handle:
                yield from self._rows(handle)
        else:
            yield from self._rows(None)

    def _rows(self, handle) -> Iterator[tuple[int, dict]]:
        if self.file_format == "xlsx":
            source = _xlsx_rows(handle if handle is not None else io.BytesIO(self.data))
        elif handle is not None:
            encoding = "utf-8-sig" if self.encoding == "utf-8" else self.encoding
            source = csv.reader(io.TextIOWrapper(handle, encoding=encoding, newline=""), delimiter=self.delimiter)
        else:
            source = csv.reader(_lines(self.text), delimiter=self.delimiter)
        line = 0
        for line, cells in enumerate(source, start=1):
            if line == 1:
                if not self.names:
                    self.names, self.unknown = header_columns(list(cells))
                continue
            values = {}
            for name, cell in zip(self.names, cells, strict=False):
                if name is not None:
                    values[name] = _cell_value(cell)
            if any(value not in ("", None) for value in values.values()):
                yield line, values

    def count_rows(self) -> int:
        """The rows below the header that are not empty (as ``rows`` yields them, without making their dicts)."""
        if self.file_format == "xlsx":
            return sum(1 for _row in self.rows())
        cells = csv.reader(_lines(self.text), delimiter=self.delimiter)
        next(cells, None)
        wanted = [index for index, name in enumerate(self.names) if name is not None]
        return sum(1 for row in cells if any(row[index].strip() for index in wanted if index < len(row)))


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (``io.StringIO`` would copy a large file into a
    buffer of four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end < 0 else end + 1
        yield text[start:end]
        start = end


def _cell_value(cell):
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _xlsx_rows(source):
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (a BOM dropped) if it is UTF-8, else Windows-1252 (what
    Excel writes on German Windows), else Latin-1 (which reads any bytes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(";,\t", key=first.count)


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def spreadsheet_read(data: bytes) -> Spreadsheet:
    """Read ``data`` as a spreadsheet and check its header; raise ``ImportFileError`` with a clear message."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s; at most %(max)s). Please split it into several files.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(max_bytes())}
        )
    if data.startswith(b"PK"):
        if not _is_xlsx(data):
            raise ImportFileError(_("This ZIP archive is not an XLSX workbook. Please save the file as XLSX or CSV."))
        sheet = Spreadsheet(data=data, file_format="xlsx")
        try:
            header = next(iter(_xlsx_rows(io.BytesIO(data))), None)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise ImportFileError(_("The XLSX workbook cannot be read. Please save it again as XLSX or CSV.")) from exc
    else:
        kind = filetype.guess(data[:8192])
        if kind is not None or b"\x00" in data[:SNIFF_BYTES]:
            described = kind.mime if kind is not None else _("binary data")
            raise ImportFileError(
                _("This is not a CSV or XLSX file (it contains %(kind)s). Please save it as CSV or XLSX.")
                % {"kind": described}
            )
        text, encoding = _decode(data)
        if "\n" not in text:
            text = text.replace("\r", "\n")  # lines ended by CR alone (old Mac files)
        delimiter = _delimiter(text)
        sheet = Spreadsheet(data=b"", file_format="csv", encoding=encoding, delimiter=delimiter, text=text)
        header = next(csv.reader(_lines(text), delimiter=delimiter), None)
    if not header or not any(str(cell or "").strip() for cell in header):
        raise ImportFileError(_("The first row must hold the column headers; it is empty."))
    sheet.names, sheet.unknown = header_columns(list(header))
    missing = [column for column in COLUMNS if column.name in REQUIRED and column.name not in sheet.names]
    if missing:
        raise ImportFileError(
            _("These columns are missing: %(columns)s. Please start from the template.")
            % {"columns": ", ".join(f"{column.de} / {column.en}" for column in missing)}
        )
    return sheet


def spreadsheet_open(opener: Callable, *, file_format: str, encoding: str, delimiter: str) -> Spreadsheet:
    """A stored file that ``spreadsheet_read`` accepted, read row by row from ``opener()`` (a binary file) as it was
    read then: a file of 100,000 rows is never held in memory as a whole."""
    return Spreadsheet(data=b"", file_format=file_format, encoding=encoding, delimiter=delimiter, opener=opener)


def encoding_name(encoding: str) -> str:
    return ENCODING_NAMES.get(encoding, encoding)
