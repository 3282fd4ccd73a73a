"""The coverage matrix as a spreadsheet (XLSX, ODS, CSV): one row per cell — type, field or district, organisations
registered, invited, taking part, and whether it is a gap — then the totals per type and per column. Counts only:
no organisation is named, no contact person can appear."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from teilhabe.involvement.selectors import Matrix

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


def matrix_rows(matrix: Matrix) -> list[list]:
    """The heading row, then the cells, the types' totals, the columns' totals and the grand total."""
    column_heading = _("Field of action") if matrix.by == "field" else _("District")
    everything = _("All")
    rows: list[list] = [
        [_("Organisation type"), column_heading, _("Registered"), _("Invited"), _("Taking part"), _("Gap")]
    ]

    def line(type_label, column_label, cell):
        registered, invited, taking_part = cell.counts
        return [type_label, column_label, registered, invited, taking_part, _("yes") if cell.gap else _("no")]

    for row in matrix.rows:
        for (_key, label), cell in zip(matrix.columns, row.cells, strict=True):
            rows.append(line(row.label, label, cell))
    for row in matrix.rows:
        rows.append(line(row.label, everything, row.total))
    for (_key, label), cell in zip(matrix.columns, matrix.totals, strict=True):
        rows.append(line(everything, label, cell))
    rows.append(line(everything, everything, matrix.total))
    return rows


def _text(value):
    """Names come from the registry and the process (typed by people): a leading =, +, - or @ stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_csv(rows, out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    text.flush()
    text.detach()


def write_xlsx(rows, out) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Coverage matrix")[:31]
    for index, row in enumerate(rows):
        sheet.append([_text(value) for value in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        else:
            for cell in sheet[index + 1][:2]:
                cell.data_type = "s"
    for letter, width in zip("ABCDEF", (34, 34, 12, 12, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.save(out)


def write_ods(rows, out) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    bold = Style(name="heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    table = Table(name=_("Coverage matrix"))
    for index, row in enumerate(rows):
        table_row = TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string", stylename=bold if index == 0 else None)
            cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.write(out)


WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "csv": write_csv}


def matrix_write(matrix: Matrix, *, format: str, out) -> None:
    WRITERS[format](matrix_rows(matrix), out)


def matrix_filename(process, *, by: str, format: str) -> str:
    return f"coverage-{process.slug}-{by}.{format}"
