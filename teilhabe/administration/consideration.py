"""The consideration table (Abwägungstabelle): every answerable contribution of a process with its statement and
decision, as a screen and as XLSX, ODS, CSV and PDF files.

One row iterator feeds every format. It reads the contributions in chunks of ids (keyset paging on the primary
key) and, per chunk, their fields of action, active routings, published statement, current decision and the
plan's measures they led to with ``values_list`` — six queries per chunk, no model instances — so memory does not
grow with the table. Each writer takes the rows and a binary file-like object and streams:

- XLSX: openpyxl in write-only mode (rows go to a temporary file, strings inline, no shared-string table);
- ODS: odfpy builds the document (namespaces, styles, columns, the heading row) and its serialisation is cut
  around the table body; the data rows are written in between as the same XML, because odfpy keeps a DOM of
  every cell (at 100,000 rows: about 36 s and several GiB). ``odf.opendocument.load`` reads the result;
- CSV: the csv module, UTF-8 *with* a byte order mark (so that Excel detects UTF-8 and shows umlauts and
  Arabic script), semicolons between fields (what Excel expects in a German locale), CRLF line ends;
- PDF: WeasyPrint through ``core.pdf.render_pdf`` (tagged PDF/UA-1, landscape, the heading row repeated on each
  page, the language set). The whole document is laid out in memory: this format does not stream.

Formula injection: contribution titles and texts are user text. A text starting with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) is written so that no spreadsheet reads it as a formula: in CSV with a leading
apostrophe (the usual convention, shown as part of the text); in XLSX as a string cell (never a formula, which
openpyxl would make of a leading ``=``) marked ``quotePrefix``, so that it stays text when someone edits the cell;
in ODS as a cell of value type string (ODF keeps formulas in a separate attribute, never in the text).

A contribution whose author did not consent to publication keeps its row and its decision, but its title and
text are replaced by a note that they are withheld. Headings and labels are in the language the writer runs in
(``translation.override``); the texts themselves are the originals.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from xml.sax.saxutils import escape

import rules
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.administration.models import (
    AnswerPath,
    AnswerState,
    ConsiderationExport,
    Department,
    Disposition,
    MeasureLink,
    Outcome,
    Routing,
    RoutingRole,
    RoutingState,
    Statement,
    StatementState,
)
from teilhabe.administration.selectors import answerable_q
from teilhabe.contributions.models import Channel, Contribution
from teilhabe.core.errors import ApplicationError
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.places.selectors import district_choices
from teilhabe.processes.models import Process

CHUNK = 1000  # contributions per round of queries
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML (XLSX, ODS)
LIST_SEPARATOR = "; "

# The columns of the files, in order: (key, heading). The screen and the PDF group them.
COLUMNS = [
    ("id", gettext_lazy("No.")),
    ("received", gettext_lazy("Received")),
    ("channel", gettext_lazy("Channel")),
    ("fields", gettext_lazy("Fields of action")),
    ("district", gettext_lazy("District")),
    ("lead", gettext_lazy("Lead department")),
    ("contributing", gettext_lazy("Contributing departments")),
    ("title", gettext_lazy("Title")),
    ("text", gettext_lazy("Contribution")),
    ("statement", gettext_lazy("Statement")),
    ("statement_department", gettext_lazy("Statement by")),
    ("statement_date", gettext_lazy("Statement published")),
    ("outcome", gettext_lazy("Decision")),
    ("justification", gettext_lazy("Justification")),
    ("forwarded_to", gettext_lazy("Forwarded to")),
    ("version", gettext_lazy("Decision version")),
    ("decided", gettext_lazy("Decided on")),
    ("measures", gettext_lazy("Measures in the plan")),
]
# Column widths in the spreadsheets (characters).
WIDTHS = {"id": 8, "received": 12, "channel": 14, "title": 30, "text": 60, "statement": 60, "justification": 50}

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def withheld_text() -> str:
    return _("Text withheld: no consent to publication")


@dataclass(frozen=True)
class ConsiderationFilters:
    """What the table shows: all answerable contributions of the process, or those matching every filter set."""

    field: int | None = None  # a field of action
    district: int | None = None
    channel: str = ""
    department: int | None = None  # actively routed to it, as lead or contributing department
    outcome: str = ""
    answer_state: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "ConsiderationFilters":
        """From a form's cleaned data or an export's stored filters; unknown keys are ignored."""
        return cls(
            field=data.get("field") or None,
            district=data.get("district") or None,
            channel=data.get("channel") or "",
            department=data.get("department") or None,
            outcome=data.get("outcome") or "",
            answer_state=data.get("answer_state") or "",
        )

    def to_dict(self) -> dict:
        """The filters that are set, as JSON-friendly values (stored with an export)."""
        return {name: value for name, value in self.__dict__.items() if value not in (None, "")}


def consideration_queryset(process, filters: ConsiderationFilters):
    """The answerable contributions of ``process`` that match ``filters``, by number."""
    contributions = Contribution.objects.filter(process=process).filter(answerable_q())
    if filters.field:
        contributions = contributions.filter(fields_of_action=filters.field)
    if filters.district:
        contributions = contributions.filter(district_id=filters.district)
    if filters.channel:
        contributions = contributions.filter(channel=filters.channel)
    if filters.department:
        contributions = contributions.filter(
            pk__in=Routing.objects.filter(department_id=filters.department, state=RoutingState.ACTIVE).values(
                "contribution_id"
            )
        )
    if filters.outcome:
        contributions = contributions.filter(answer_path__outcome=filters.outcome)
    if filters.answer_state == AnswerState.RECEIVED:
        contributions = contributions.exclude(
            pk__in=AnswerPath.objects.exclude(state=AnswerState.RECEIVED).values("contribution_id")
        )
    elif filters.answer_state:
        contributions = contributions.filter(answer_path__state=filters.answer_state)
    return contributions.order_by("pk")


@dataclass(slots=True)
class ConsiderationRow:
    """One contribution in the table, as display values (labels in the active language, dates as dates)."""

    pk: int
    received: datetime.date
    channel: str
    fields: list[str]
    district: str
    lead: str
    contributing: list[str]
    title: str
    text: str
    withheld: bool
    answer_state: str
    statement: str = ""
    statement_department: str = ""
    statement_date: datetime.date | None = None
    outcome: str = ""
    outcome_value: str = ""
    justification: str = ""
    forwarded_to: str = ""
    version: int | None = None
    decided: datetime.date | None = None
    measures: list[str] = dataclass_field(default_factory=list)

    def values(self) -> list:
        """The cells in the order of ``COLUMNS``: text, numbers, dates or None (lists joined)."""
        return [
            self.pk,
            self.received,
            self.channel,
            LIST_SEPARATOR.join(self.fields),
            self.district,
            self.lead,
            LIST_SEPARATOR.join(self.contributing),
            self.title,
            self.text,
            self.statement,
            self.statement_department,
            self.statement_date,
            self.outcome,
            self.justification,
            self.forwarded_to,
            self.version,
            self.decided,
            LIST_SEPARATOR.join(self.measures),
        ]


@dataclass
class _Names:
    """Names looked up once per table, in the active language."""

    districts: dict[int, str]
    fields: dict[int, str]
    departments: dict[int, str]
    channels: dict[str, str] = dataclass_field(
        default_factory=lambda: {value: str(label) for value, label in Channel.choices}
    )
    outcomes: dict[str, str] = dataclass_field(
        default_factory=lambda: {value: str(label) for value, label in Outcome.choices}
    )
    states: dict[str, str] = dataclass_field(
        default_factory=lambda: {value: str(label) for value, label in AnswerState.choices}
    )
    measure_states: dict[str, str] = dataclass_field(default_factory=lambda: _measure_status_labels())


def _measure_status_labels() -> dict[str, str]:
    """The labels of a measure's status, from the plan's model (reached through the link's field: this app sits
    below the plan and does not import it)."""
    status = MeasureLink._meta.get_field("measure").related_model._meta.get_field("status")
    return {value: str(label) for value, label in status.choices}


def _names(process) -> _Names:
    language = translation.get_language() or settings.LANGUAGE_CODE
    departments = list(Department.objects.filter(city_id=process.city_id))
    department_table = content_translation_table(Department, language) if language != settings.LANGUAGE_CODE else {}
    return _Names(
        districts={pk: name for pk, _number, name in district_choices(city_id=process.city_id)},
        fields={item.pk: localise(item, "name", language).text for item in process.fields_of_action.all()},
        departments={
            department.pk: f"{department.code} {localise(department, 'name', language, department_table).text}"
            for department in departments
        },
    )


def _local_date(moment) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _rows_for(ids: list[int], names: _Names) -> list[ConsiderationRow]:
    """The rows of these contributions, in the order of ``ids``: six queries, whatever their number."""
    if not ids:
        return []
    rows = {}
    withheld = withheld_text()
    received_label = names.states[AnswerState.RECEIVED]
    for pk, created, channel, district_id, title, body, consent, state in Contribution.objects.filter(
        pk__in=ids
    ).values_list(
        "pk", "created_at", "channel", "district_id", "title", "body", "publication_consent", "answer_path__state"
    ):
        rows[pk] = ConsiderationRow(
            pk=pk,
            received=_local_date(created),
            channel=names.channels.get(channel, channel),
            fields=[],
            district=names.districts.get(district_id, "") if district_id else "",
            lead="",
            contributing=[],
            title=title if consent else withheld,
            text=body if consent else "",
            withheld=not consent,
            answer_state=names.states.get(state, received_label) if state else received_label,
            measures=[],
        )
    through = Contribution.fields_of_action.through
    for contribution_id, field_id in through.objects.filter(contribution_id__in=ids).values_list(
        "contribution_id", "fieldofaction_id"
    ):
        rows[contribution_id].fields.append(names.fields.get(field_id, ""))
    for contribution_id, department_id, role in (
        Routing.objects.filter(contribution_id__in=ids, state=RoutingState.ACTIVE)
        .order_by("department_id")
        .values_list("contribution_id", "department_id", "role")
    ):
        name = names.departments.get(department_id, "")
        if role == RoutingRole.LEAD:
            rows[contribution_id].lead = name
        else:
            rows[contribution_id].contributing.append(name)
    for contribution_id, text, department_id, published_at in (
        Statement.objects.filter(contribution_id__in=ids, state=StatementState.PUBLISHED)
        .order_by("published_at", "pk")
        .values_list("contribution_id", "text", "department_id", "published_at")
    ):
        row = rows[contribution_id]  # the newest published statement wins
        row.statement = text
        row.statement_department = names.departments.get(department_id, "")
        row.statement_date = _local_date(published_at)
    for contribution_id, outcome, justification, forwarded_to, version, created in Disposition.objects.filter(
        contribution_id__in=ids, is_current=True
    ).values_list("contribution_id", "outcome", "justification", "forwarded_to", "version", "created_at"):
        row = rows[contribution_id]
        row.outcome = names.outcomes.get(outcome, outcome)
        row.outcome_value = outcome
        row.justification = justification
        row.forwarded_to = forwarded_to
        row.version = version
        row.decided = _local_date(created)
    # Where it landed in the plan: each linked measure as the newest published version of the plan names it.
    newest: dict[tuple[int, int], tuple] = {}
    for contribution_id, measure_id, code, status, version, number, title in (
        MeasureLink.objects.filter(
            contribution_id__in=ids, measure__sections__version__state__in=("consultation", "adopted")
        )
        .order_by("measure__code")
        .values_list(
            "contribution_id",
            "measure_id",
            "measure__code",
            "measure__status",
            "measure__sections__version__number",
            "measure__sections__number",
            "measure__sections__title",
        )
    ):
        key = (contribution_id, measure_id)
        if key not in newest or version > newest[key][0]:
            newest[key] = (version, code, number, title, status)
    for (contribution_id, _measure_id), (_version, code, number, title, status) in sorted(
        newest.items(), key=lambda item: item[1][1]
    ):
        state = names.measure_states.get(status, status)
        rows[contribution_id].measures.append(f"{code} {number} {title} ({state})")
    return [rows[pk] for pk in ids if pk in rows]


def consideration_page_rows(process) -> Callable[[list[int]], list[ConsiderationRow]]:
    """A loader for ``paginate_ids``: the rows of one page of the screen (a constant number of queries)."""
    names = _names(process)
    return lambda ids: _rows_for(list(ids), names)


def consideration_rows(
    process, filters: ConsiderationFilters, *, chunk: int = CHUNK, progress: Callable[[int], None] | None = None
) -> Iterator[ConsiderationRow]:
    """Every row of the table, in chunks (keyset paging on the id, so no cursor stays open between chunks).

    ``progress(rows_done)`` is called after each chunk has been handed on.
    """
    names = _names(process)
    contributions = consideration_queryset(process, filters)
    last, done = 0, 0
    while True:
        ids = list(contributions.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            return
        yield from _rows_for(ids, names)
        last = ids[-1]
        done += len(ids)
        if progress is not None:
            progress(done)


def headings() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _spreadsheet_text(value: str) -> str:
    return ILLEGAL_XML.sub("", value)


def _neutralised(value: str) -> str:
    """A text that no spreadsheet reads as a formula when opening a CSV file: a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


# Writers: each takes the rows and a binary file-like object. ------------------------------------------------


def write_csv(rows: Iterable[ConsiderationRow], out, *, title: str = "") -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(headings())
        for row in rows:
            writer.writerow(
                [
                    "" if value is None else (_neutralised(value) if isinstance(value, str) else value)
                    for value in row.values()
                ]
            )
        text.flush()
    finally:
        text.detach()  # the caller closes ``out``


def write_xlsx(rows: Iterable[ConsiderationRow], out, *, title: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Consideration table")[:31])
    sheet.freeze_panes = "A2"
    for index, (key, _label) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 18)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    heading_cells = []
    for heading in headings():
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)

    def text_cell(value: str):
        value = _spreadsheet_text(value)
        if not value.startswith(FORMULA_START):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl makes a formula of a leading "=": keep it a string
        cell.quotePrefix = True  # and a string when someone edits the cell in Excel or LibreOffice
        cell.alignment = wrap
        return cell

    for row in rows:
        sheet.append([text_cell(value) if isinstance(value, str) else value for value in row.values()])
    workbook.save(out)


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        iso = value.isoformat()
        return (
            f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    lines = _spreadsheet_text(str(value)).split("\n")
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def write_ods(rows: Iterable[ConsiderationRow], out, *, title: str = "") -> None:
    from odf import manifest
    from odf.number import DateStyle, Day, Month, Text, Year
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    date_format = DateStyle(name="iso-date")
    for part in (Year(style="long"), Text(text="-"), Month(style="long"), Text(text="-"), Day(style="long")):
        date_format.addElement(part)
    document.automaticstyles.addElement(date_format)
    document.automaticstyles.addElement(Style(name="date", family="table-cell", datastylename="iso-date"))
    heading_style = Style(name="heading", family="table-cell")
    heading_style.addElement(TextProperties(fontweight="bold"))
    heading_style.addElement(ParagraphProperties(textalign="start"))
    document.automaticstyles.addElement(heading_style)
    table = Table(name=_("Consideration table"))
    for key, _label in COLUMNS:
        style = Style(name=f"col-{key}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{WIDTHS.get(key, 18) * 0.2:.1f}cm"))
        document.automaticstyles.addElement(style)
        table.addElement(TableColumn(stylename=style))
    heading_row = TableRow()
    for heading in headings():
        cell = TableCell(valuetype="string", stylename=heading_style)
        cell.addElement(P(text=heading))
        heading_row.addElement(cell)
    table.addElement(heading_row)
    marker = "teilhabe-rows-go-here"
    table.addElement(TableRow(stylename=marker))
    document.spreadsheet.addElement(table)
    content = document.contentxml().decode("utf-8")
    marker_row = f'<table:table-row table:style-name="{marker}"/>'
    head, tail = content.split(marker_row)

    def entry(name: str, *, stored: bool = False) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return info

    files = manifest.Manifest()
    files.addElement(manifest.FileEntry(fullpath="/", mediatype=document.mimetype))
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(entry("mimetype", stored=True), document.mimetype)  # first and uncompressed (ODF)
        with archive.open(entry("content.xml"), "w") as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8")
            stream.write(head)
            for row in rows:
                stream.write(
                    "<table:table-row>" + "".join(_ods_cell(value) for value in row.values()) + "</table:table-row>"
                )
            stream.write(tail)
            stream.flush()
            stream.detach()
        for name, xml in (("styles.xml", document.stylesxml()), ("meta.xml", document.metaxml())):
            archive.writestr(entry(name), xml)
        for name in ("content.xml", "styles.xml", "meta.xml"):
            files.addElement(manifest.FileEntry(fullpath=name, mediatype="text/xml"))
        listing = io.StringIO()
        listing.write("<?xml version='1.0' encoding='UTF-8'?>\n")
        files.toXml(0, listing)
        archive.writestr(entry("META-INF/manifest.xml"), listing.getvalue())


def write_pdf(rows: Iterable[ConsiderationRow], out, *, title: str = "") -> None:
    from teilhabe.core.pdf import render_pdf

    language = translation.get_language() or settings.LANGUAGE_CODE
    out.write(
        render_pdf(
            template="administration/consideration_pdf.html",
            context={"rows": rows, "made_at": timezone.localtime()},
            language=language,
            title=title,
        )
    )


WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "csv": write_csv, "pdf": write_pdf}


def consideration_table_title(process) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _("Consideration table: %(process)s") % {"process": localise(process, "title", language).text}


def pdf_max_rows() -> int:
    """The most rows a PDF holds: WeasyPrint lays the whole document out in memory (500 rows of long texts are
    about 400 landscape pages, 35 s and 320 MiB), so a larger table is filtered first or exported as a
    spreadsheet. Setting ``TEILHABE_CONSIDERATION_PDF_MAX_ROWS``."""
    return settings.TEILHABE_CONSIDERATION_PDF_MAX_ROWS


def pdf_refusal(rows: int) -> str | None:
    """Why a table of ``rows`` rows cannot be a PDF, or None when it can."""
    if rows <= pdf_max_rows():
        return None
    return _(
        "A PDF can hold at most %(max)s contributions; this table has %(count)s. Please filter the table, or "
        "choose XLSX, ODS or CSV."
    ) % {"max": pdf_max_rows(), "count": rows}


def consideration_table_write(
    *,
    process,
    format: str,
    out,
    language: str,
    filters: ConsiderationFilters | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the table of ``process`` as ``format`` to the binary file-like object ``out``, headings and labels
    in ``language``. ``progress(rows_done)`` is called as the rows are read."""
    writer = WRITERS[format]  # KeyError: the caller checks the format
    filters = filters or ConsiderationFilters()
    with translation.override(language):
        if format == "pdf":
            refusal = pdf_refusal(consideration_queryset(process, filters).count())
            if refusal:
                raise ApplicationError(refusal, field_errors={"format": refusal})
        rows = consideration_rows(process, filters, progress=progress)
        writer(rows, out, title=consideration_table_title(process))


def consideration_table_filename(process, format: str, *, day: datetime.date | None = None) -> str:
    return f"abwaegungstabelle-{process.slug}-{(day or timezone.localdate()).isoformat()}.{format}"


# The screen ---------------------------------------------------------------------------------------------------


def consideration_process(slug: str):
    """The process ``slug`` (published or not: its coordinators answer either way), or None."""
    return Process.objects.filter(slug=slug).select_related("city").first()


def consideration_filter_options(process) -> dict[str, list[tuple]]:
    """(value, label) of each filter of the screen, in the active language."""
    names = _names(process)
    return {
        "field": list(names.fields.items()),
        "district": list(names.districts.items()),
        "channel": list(names.channels.items()),
        "department": sorted(names.departments.items(), key=lambda item: item[1]),
        "outcome": list(names.outcomes.items()),
        "answer_state": list(names.states.items()),
    }


def consideration_exports_recent(*, process, user, limit: int = 5) -> list:
    """The person's latest exports of this process's table, newest first (for the screen's list)."""
    return list(
        ConsiderationExport.objects.filter(process=process, requested_by=user)
        .only("pk", "format", "state", "rows_total", "rows_done", "created_at", "finished_at")
        .order_by("-created_at", "-pk")[:limit]
    )


def consideration_export_visible(*, user, pk: int):
    """An export whose process the person coordinates, with its process; None when missing or not theirs."""
    export = ConsiderationExport.objects.select_related("process").filter(pk=pk).first()
    if export is None or not rules.has_perm("administration.view_consideration_table", user, export.process):
        return None
    return export
