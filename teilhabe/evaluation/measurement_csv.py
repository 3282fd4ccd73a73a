"""Reading and checking a CSV file of measurements (the dry run). Nothing here writes.

Columns (German or English header, any case, any order; unknown columns are named and ignored):
``Indikator``/``indicator`` (the indicator's name or number), ``Datum``/``date``, ``Wert``/``value``, and the
optional ``Notiz``/``note`` and ``Quelle``/``source``. Separators ``;`` or ``,`` (or tab), UTF-8 (with or without
BOM) or Windows-1252. Decimal comma or point.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError
from teilhabe.core.text import clean_plain_text
from teilhabe.evaluation.models import SOURCE_MAX, Indicator, Measurement

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_DIGITS = 11  # before the decimal point (DecimalField(max_digits=14, decimal_places=3))

HEADERS = {
    "indicator": {"indicator", "indikator"},
    "date": {"date", "datum"},
    "value": {"value", "wert"},
    "note": {"note", "notiz", "bemerkung"},
    "source": {"source", "quelle"},
}
REQUIRED = ("indicator", "date", "value")


class MeasurementFileError(ApplicationError):
    """The file itself cannot be read (empty, not text, columns missing, too big)."""


@dataclass
class Row:
    line: int
    raw: dict
    indicator: Indicator | None = None
    date: datetime.date | None = None
    value: Decimal | None = None
    note: str = ""
    source: str = ""
    old_value: Decimal | None = None
    action: str = ""  # new, change, same, error
    errors: list = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list
    unknown_columns: list
    imported: int | None = None

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def change_count(self) -> int:
        return self.count("change")

    @property
    def same_count(self) -> int:
        return self.count("same")


def decimal_parse(value) -> tuple[Decimal | None, str]:
    """A number as people write it ("12,5", "12.5", "1.234,5" is refused as ambiguous), or an error message."""
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None, _("Please give a number.")
    if "," in text and "." in text:
        return None, _("Please write the number without thousands separators, for example 1234,5.")
    text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        return None, _("“%(value)s” is not a number.") % {"value": str(value)[:40]}
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": str(value)[:40]}
    if number.as_tuple().exponent < -3:
        return None, _("Please give at most three decimal places.")
    if abs(number) >= Decimal(10) ** MAX_DIGITS:
        return None, _("The number is too large.")
    return number, ""


def date_parse(value) -> datetime.date | None:
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    if not data or not data.strip():
        raise MeasurementFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise MeasurementFileError(_("The file is too large (at most 1 MB)."))
    if b"\x00" in data[:4096]:
        raise MeasurementFileError(_("This is not a CSV file. Please save the table as CSV and upload that."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    return max((";", ",", "\t"), key=first_line.count)


def _header(cells: list[str]) -> tuple[list[str | None], list[str]]:
    names, unknown = [], []
    for cell in cells:
        folded = cell.strip().casefold().replace("_", " ")
        name = next((key for key, spellings in HEADERS.items() if folded in spellings), None)
        if name is None and cell.strip():
            unknown.append(cell.strip())
        names.append(name)
    return names, unknown


def csv_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line, {column: text}) for every non-empty row, and the unknown columns; raises MeasurementFileError."""
    text = _decode(data)
    first = text.splitlines()[0] if text.splitlines() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise MeasurementFileError(_("The file is empty."))
    names, unknown = _header(header)
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise MeasurementFileError(
            _("The file lacks the columns: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    try:
        for line, cells in enumerate(reader, start=2):
            values = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name}
            if any(values.values()):
                rows.append((line, values))
            if len(rows) > MAX_ROWS:
                raise MeasurementFileError(_("The file has too many rows (at most %(max)s).") % {"max": MAX_ROWS})
    except csv.Error:
        raise MeasurementFileError(_("The file cannot be read as CSV."))
    if not rows:
        raise MeasurementFileError(_("The file has no rows below the header."))
    return rows, unknown


def measurements_check(*, process, data: bytes) -> ImportPreview:
    """Check every row against the process's indicators and say what it would change."""
    rows, unknown = csv_rows(data)
    indicators = list(Indicator.objects.filter(process=process))
    by_name = {indicator.name.casefold(): indicator for indicator in indicators}
    by_id = {str(indicator.pk): indicator for indicator in indicators}
    existing = {
        (item.indicator_id, item.measured_on): item.value
        for item in Measurement.objects.filter(indicator__process=process).only("indicator_id", "measured_on", "value")
    }
    today = timezone.localdate()
    seen: dict[tuple[int, datetime.date], int] = {}
    checked = []
    for line, values in rows:
        row = Row(line=line, raw=values)
        name = values.get("indicator", "")
        row.indicator = by_name.get(name.casefold()) or by_id.get(name)
        if not name:
            row.errors.append(_("The indicator is missing."))
        elif row.indicator is None:
            row.errors.append(_("The process has no indicator “%(name)s”.") % {"name": name[:80]})
        row.date = date_parse(values.get("date"))
        if not values.get("date"):
            row.errors.append(_("The date is missing."))
        elif row.date is None:
            row.errors.append(
                _("“%(value)s” is not a date. Please write it as 2027-01-31 or 31.01.2027.")
                % {"value": values["date"][:40]}
            )
        elif row.date > today:
            row.errors.append(_("The date lies in the future."))
        row.value, problem = decimal_parse(values.get("value"))
        if problem:
            row.errors.append(problem)
        row.note = clean_plain_text(values.get("note", ""))
        row.source = clean_plain_text(values.get("source", ""))
        for label, text in ((_("The note"), row.note), (_("The source"), row.source)):
            if len(text) > SOURCE_MAX:
                row.errors.append(_("%(what)s has more than %(max)s characters.") % {"what": label, "max": SOURCE_MAX})
        if row.indicator is not None and row.date is not None:
            key = (row.indicator.pk, row.date)
            if key in seen:
                row.errors.append(
                    _("Line %(line)s has a value for the same indicator and date already.") % {"line": seen[key]}
                )
            else:
                seen[key] = line
            row.old_value = existing.get(key)
        if row.errors:
            row.action = "error"
        elif row.old_value is None:
            row.action = "new"
        elif row.old_value == row.value:
            row.action = "same"
        else:
            row.action = "change"
        checked.append(row)
    return ImportPreview(rows=checked, unknown_columns=unknown)
