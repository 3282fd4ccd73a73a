"""The columns of an import file (documented in docs/imports.md), their German and English headers, the
templates, and the messages of every error a row can have.

Errors are kept as codes with parameters (on the ImportRun) and worded when they are shown, in the reader's
language.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook


@dataclass(frozen=True)
class Column:
    name: str  # internal name
    en: str
    de: str
    required: bool = False


COLUMNS = [
    Column("key", "key", "Schlüssel"),
    Column("title", "title", "Titel", required=True),
    Column("text", "text", "Text", required=True),
    Column("fields_of_action", "fields of action", "Handlungsfelder", required=True),
    Column("district", "district", "Stadtbezirk"),
    Column("target_groups", "target groups", "Zielgruppen"),
    Column("channel", "channel", "Kanal"),
    Column("original_date", "date on the original", "Datum des Originals"),
    Column("event", "event id", "Veranstaltungsnummer"),
    Column("group_size", "group size", "Gruppengröße"),
    Column("organisation", "organisation", "Organisation"),
    Column("publication_consent", "publication consent", "Einverständnis zur Veröffentlichung"),
    Column("language", "language", "Sprache"),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED = [column.name for column in COLUMNS if column.required]
LIST_SEPARATOR = re.compile(r"[;\n|]")
KEY_MAX = 200


def normalise_header(value) -> str:
    """A header as compared: case-folded, without a BOM, surrounding blanks or doubled spaces; ``_`` as a space."""
    text = str(value or "").replace("\ufeff", "").replace("_", " ")
    return " ".join(text.split()).casefold()


HEADER_NAMES = {
    normalise_header(spelling): column.name for column in COLUMNS for spelling in (column.name, column.en, column.de)
}


def header_columns(header: list) -> tuple[list[str | None], list[str]]:
    """The column name of each header cell (None for one we do not know) and the unknown headers as written."""
    names, unknown = [], []
    for cell in header:
        name = HEADER_NAMES.get(normalise_header(cell))
        if name in names:
            name = None  # a second column of the same name is ignored
        names.append(name)
        if name is None and str(cell or "").strip():
            unknown.append(str(cell).strip())
    return names, unknown


def split_list(value: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATOR.split(value or "") if part.strip()]


# --- Templates -------------------------------------------------------------------------------------------------

EXAMPLES = {
    "de": [
        "werkstatt-2026-03-12-tisch-1",
        "Sprachkurse mit Kinderbetreuung",
        "Viele Eltern können abends nicht teilnehmen, weil es keine Betreuung für die Kinder gibt.",
        "bildung; soziales",
        "1",
        "gefluechtete",
        "workshop",
        "12.03.2026",
        "",
        "8",
        "",
        "ja",
        "de",
    ],
    "en": [
        "workshop-2026-03-12-table-1",
        "Language courses with childcare",
        "Many parents cannot come in the evening because there is no childcare.",
        "bildung; soziales",
        "1",
        "gefluechtete",
        "workshop",
        "2026-03-12",
        "",
        "8",
        "",
        "yes",
        "en",
    ],
}


def template_header(language: str) -> list[str]:
    return [getattr(column, "de" if language == "de" else "en") for column in COLUMNS]


def template_csv(language: str) -> str:
    """The template as CSV: header and one example row (German: semicolons, as German Excel writes them)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "de" else ",", lineterminator="\r\n")
    writer.writerow(template_header(language))
    writer.writerow(EXAMPLES["de" if language == "de" else "en"])
    return out.getvalue()


def template_xlsx(language: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Import"
    sheet.append(template_header(language))
    sheet.append(EXAMPLES["de" if language == "de" else "en"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Messages --------------------------------------------------------------------------------------------------

ROW_ERRORS = {
    "title_missing": _("The title is missing."),
    "text_missing": _("The text is missing."),
    "field_missing": _("At least one field of action is needed."),
    "unknown_field": _("Unknown field of action: %(value)s."),
    "unknown_target_group": _("Unknown target group: %(value)s."),
    "unknown_district": _("Unknown district: %(value)s."),
    "unknown_event": _("Unknown event: %(value)s (an event id of this process is needed)."),
    "event_not_held": _("Event %(value)s is not marked as held yet: its results cannot be imported."),
    "unknown_channel": _("Unknown channel: %(value)s."),
    "unknown_language": _("Unknown language: %(value)s."),
    "unknown_organisation": _("Unknown organisation: %(value)s."),
    "title_too_long": _("The title is too long (%(length)s characters, at most %(max)s)."),
    "text_too_long": _("The text is too long (%(length)s characters, at most %(max)s)."),
    "key_too_long": _("The key is too long (at most %(max)s characters)."),
    "bad_date": _("Not a date: %(value)s (please write 2026-03-12 or 12.03.2026)."),
    "future_date": _("The date on the original cannot be in the future: %(value)s."),
    "bad_group_size": _("The group size must be a whole number of at least 1: %(value)s."),
    "bad_consent": _("Publication consent must be yes or no: %(value)s."),
    "duplicate": _("The same row as line %(line)s of this file."),
}

RESULTS = {
    "valid": _("valid"),
    "invalid": _("invalid"),
    "already": _("already imported"),
    "imported": _("imported"),
}

NOTICES = {
    "encoding": _(
        "The file was not in UTF-8; it was read as %(encoding)s. Please check that umlauts and other letters "
        "look right below."
    ),
    "ignored_columns": _("These columns are not known and were ignored: %(columns)s."),
    "concurrent": _("The same rows were imported by another import at the same moment: nothing of this file was."),
    "not_saved": _("Nothing was imported: %(message)s"),
}


def error_message(code: str, params: dict) -> str:
    template = ROW_ERRORS.get(code)
    return str(template) % params if template is not None else code


def notice_message(code: str, params: dict) -> str:
    template = NOTICES.get(code)
    return str(template) % params if template is not None else code
