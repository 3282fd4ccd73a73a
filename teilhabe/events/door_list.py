"""The organisers' door list (Teilnehmendenliste) of an event as a file: CSV and XLSX.

Everyone who holds or waits for a place, in the order of the list on screen: confirmed registrations, the waiting
list in its order, then those who have not confirmed their address yet. Names and free texts are typed by the
public, so a text starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is written so that no
spreadsheet reads it as a formula, the way the consideration table does (``administration.consideration``): in CSV
with a leading apostrophe, in XLSX as a string cell marked ``quotePrefix``. CSV is UTF-8 with a byte order mark,
semicolons and CRLF (what Excel expects in a German locale); XLSX is written by openpyxl in write-only mode.
Headings and labels are in the language the writer runs in; the person's texts are as they typed them.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.administration.consideration import FORMULA_START, ILLEGAL_XML
from teilhabe.events.models import Need, RegistrationState
from teilhabe.events.selectors import DoorList, interpretation_language_name

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LIST_SEPARATOR = "; "


def headings() -> list[str]:
    return [
        _("No."),
        _("Name"),
        _("E-mail address"),
        _("State"),
        _("Place on the waiting list"),
        _("Registered on"),
        _("Support needed"),
        _("Interpretation requested"),
        _("Other needs"),
        _("Present"),
    ]


def need_labels(needs) -> list[str]:
    labels = dict(Need.choices)
    return [str(labels.get(need, need)) for need in needs]


def rows(door: DoorList):
    """One list of values per person, in the order of ``headings``."""
    states = dict(RegistrationState.choices)
    for number, registration in enumerate(door.rows, start=1):
        yield [
            number,
            registration.name,
            registration.email,
            str(states[registration.state]),
            getattr(registration, "position", None),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            LIST_SEPARATOR.join(need_labels(registration.needs)),
            interpretation_language_name(registration.interpretation_language)
            if registration.interpretation_language
            else "",
            registration.needs_text,
            "",
        ]


def _neutralised(value: str) -> str:
    """A text no spreadsheet reads as a formula when opening a CSV file: a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def write_csv(door: DoorList, out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(headings())
        for row in rows(door):
            writer.writerow(
                ["" if value is None else (_neutralised(value) if isinstance(value, str) else value) for value in row]
            )
        text.flush()
    finally:
        text.detach()


def write_xlsx(door: DoorList, out) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Registrations")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading_cells = []
    for heading in headings():
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)

    def text_cell(value: str):
        value = ILLEGAL_XML.sub("", value)
        if not value.startswith(FORMULA_START):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl makes a formula of a leading "=": keep it a string
        cell.quotePrefix = True  # and a string when someone edits the cell
        return cell

    for row in rows(door):
        sheet.append([text_cell(value) if isinstance(value, str) else value for value in row])
    workbook.save(out)


def door_list_file(door: DoorList, file_format: str) -> bytes:
    """The door list as a CSV or XLSX file's bytes."""
    out = io.BytesIO()
    if file_format == "xlsx":
        write_xlsx(door, out)
    else:
        write_csv(door, out)
    return out.getvalue()


def door_list_filename(event, file_format: str) -> str:
    return f"anmeldungen-veranstaltung-{event.pk}.{file_format}"
