"""The plan's documents: a version as a tagged, accessible PDF, and its measures as XLSX, ODS and CSV — the files,
their public download pages and what ``manage.py plan_export`` writes.

- PDF: WeasyPrint through ``core.pdf.render_pdf`` (tagged PDF/UA-1, the language set, right to left for Arabic
  and Persian): a title page with the version's state (adopted on, council document number; or out for
  consultation; or a working draft), a table of contents with page numbers (CSS ``target-counter``), every
  section with a heading by its depth (each heading a bookmark), the measures with their facts and their current
  status. A staff text shown in German because its translation is missing carries ``lang="de"``.
- XLSX (openpyxl), ODS (odfpy) and CSV: one row a measure in reading order, with the columns of ``COLUMNS``. As
  in the consideration table (``administration.consideration``), CSV is UTF-8 with a byte order mark, semicolons
  and CRLF; a text starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is never read as a
  formula (a leading apostrophe in CSV, a string cell marked ``quotePrefix`` in XLSX, a string-typed cell in
  ODS). Amounts are numbers in XLSX and ODS and written in the language's number format in CSV.

Texts, labels and names are in the language asked for (the reader's, for the download pages), from
``selectors.version_tree``. Measures' status is live (it belongs to the measure, not to the version), so every
file says when it was made. A document is kept in the cache under the version, the plan's and the site's content
versions (for the spreadsheets also the process's figures version: they count the linked contributions), the
language and the release: a 300-measure PDF takes seconds to lay out, and a published version changes only when a
measure's status, a translation or a linked contribution does.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import rules
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from teilhabe.administration.consideration import FORMULA_START, ILLEGAL_XML
from teilhabe.contributions.models import Status
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.errors import NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.mail import supported_language
from teilhabe.core.release import RELEASE
from teilhabe.core.selectors import localise
from teilhabe.core.ui import list_join
from teilhabe.plan.models import MeasureLink, PlanVersion, SectionKind, VersionState
from teilhabe.plan.rendering import Fallbacks, date_text, money_text, period_text
from teilhabe.plan.selectors import PLAN_NAMESPACE, Node, Tree, version_get, version_tree
from teilhabe.processes.selectors import process_get_published

FORMATS = ("pdf", "xlsx", "ods", "csv")
SPREADSHEETS = ("xlsx", "ods", "csv")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}
DOCUMENT_SECONDS = 7 * 24 * 3600  # an upper bound: the versions in the key make a document stale much sooner
DOWNLOAD_RATE = "60/h"  # per address, as the contribution's PDF: a large plan's PDF takes seconds the first time
LIST_SEPARATOR = "; "

# The columns of the measure files, in order: (key, heading).
COLUMNS = [
    ("code", gettext_lazy("Code")),
    ("number", gettext_lazy("Number")),
    ("title", gettext_lazy("Measure")),
    ("field", gettext_lazy("Field of action")),
    ("goal", gettext_lazy("Goal")),
    ("department", gettext_lazy("Responsible department")),
    ("partners", gettext_lazy("Partner organisations")),
    ("target_groups", gettext_lazy("Target groups")),
    ("districts", gettext_lazy("Districts")),
    ("budget", gettext_lazy("Planned budget (EUR)")),
    ("spent", gettext_lazy("Spent so far (EUR)")),
    ("start", gettext_lazy("Start")),
    ("end", gettext_lazy("End")),
    ("status", gettext_lazy("Status")),
    ("status_date", gettext_lazy("Status since")),
    ("contributions", gettext_lazy("Linked contributions")),
]
WIDTHS = {"code": 9, "number": 9, "title": 45, "field": 24, "goal": 30, "department": 28, "partners": 30}
MONEY = ("budget", "spent")
DATES = ("start", "end", "status_date")


# --- the rows of the measure files -----------------------------------------------------------------------------


@dataclass(slots=True)
class MeasureFileRow:
    """One measure of a version, as display values in the file's language (amounts as Decimal, dates as dates)."""

    code: str
    number: str
    title: str
    field: str
    goal: str
    department: str
    partners: str
    target_groups: str
    districts: str
    budget: Decimal | None
    spent: Decimal | None
    start: datetime.date | None
    end: datetime.date | None
    status: str
    status_date: datetime.date | None
    contributions: int

    def values(self) -> list:
        return [getattr(self, key) for key, _label in COLUMNS]


def linked_contribution_counts(process_id: int) -> dict[int, int]:
    """How many published contributions (of every channel) led to each measure of a process: one query."""
    return dict(
        MeasureLink.objects.filter(measure__process_id=process_id, contribution__status=Status.PUBLISHED)
        .values_list("measure_id")
        .annotate(count=Count("id"))
        .order_by()
    )


def _ancestor(node: Node, nodes: dict[str, Node], kind: str) -> Node | None:
    parent = nodes.get(node.parent_key) if node.parent_key else None
    while parent is not None and parent.kind != kind:
        parent = nodes.get(parent.parent_key) if parent.parent_key else None
    return parent


def measure_file_rows(version: PlanVersion, language: str) -> list[MeasureFileRow]:
    """The measures of a version in reading order, texts and labels in ``language``."""
    tree = version_tree(version, language)
    nodes = tree.by_key()
    counts = linked_contribution_counts(version.process_id)
    rows = []
    for node in tree.measures():
        field = _ancestor(node, nodes, SectionKind.FIELD)
        goal = _ancestor(node, nodes, SectionKind.GOAL)
        rows.append(
            MeasureFileRow(
                code=node.measure_code,
                number=node.number,
                title=node.title,
                field=field.title if field else "",
                goal=goal.title if goal else "",
                department=node.department,
                partners=node.partners,
                target_groups=LIST_SEPARATOR.join(node.target_groups),
                districts=LIST_SEPARATOR.join(node.districts),
                budget=node.budget,
                spent=node.spent,
                start=node.start,
                end=node.end,
                status=node.status_label,
                status_date=node.status_date,
                contributions=counts.get(node.measure_id, 0),
            )
        )
    return rows


def headings() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _clean(value: str) -> str:
    return ILLEGAL_XML.sub("", value)


# --- writers: each takes the rows and a binary file-like object ------------------------------------------------


def write_csv(rows: Iterable[MeasureFileRow], out) -> None:
    def cell(key: str, value):
        if value is None:
            return ""
        if key in MONEY:
            return formats.number_format(value, decimal_pos=2, use_l10n=True)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return "'" + value
        return value

    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(headings())
        for row in rows:
            writer.writerow([cell(key, value) for (key, _label), value in zip(COLUMNS, row.values(), strict=True)])
        text.flush()
    finally:
        text.detach()  # the caller closes ``out``


def write_xlsx(rows: Iterable[MeasureFileRow], out, *, title: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Measures")[:31]
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    workbook.properties.title = title
    workbook.properties.language = translation.get_language()
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    sheet.append(headings())
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([_clean(value) if isinstance(value, str) else value for value in row.values()])
        for (key, _label), cell in zip(COLUMNS, sheet[sheet.max_row], strict=True):
            cell.alignment = top
            if key in MONEY:
                cell.number_format = "#,##0.00"
            elif key in DATES:
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # openpyxl makes a formula of a leading "=": keep it a string
                cell.quotePrefix = True  # and a string when someone edits the cell
    for index, (key, _label) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 16)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(out)


def write_ods(rows: Iterable[MeasureFileRow], out, *, title: str = "") -> None:
    from odf.number import DateStyle, Day, Month, Number, NumberStyle, Text, Year
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    if title:
        from odf.dc import Language, Title

        document.meta.addElement(Title(text=title))
        document.meta.addElement(Language(text=translation.get_language()))
    date_format = DateStyle(name="iso-date")
    for part in (Year(style="long"), Text(text="-"), Month(style="long"), Text(text="-"), Day(style="long")):
        date_format.addElement(part)
    money_format = NumberStyle(name="money")
    money_format.addElement(Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    document.automaticstyles.addElement(date_format)
    document.automaticstyles.addElement(money_format)
    date_style = Style(name="date", family="table-cell", datastylename="iso-date")
    money_style = Style(name="amount", family="table-cell", datastylename="money")
    heading_style = Style(name="heading", family="table-cell")
    heading_style.addElement(TextProperties(fontweight="bold"))
    heading_style.addElement(ParagraphProperties(textalign="start"))
    for style in (date_style, money_style, heading_style):
        document.automaticstyles.addElement(style)
    table = Table(name=_("Measures"))
    for key, _label in COLUMNS:
        style = Style(name=f"col-{key}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{WIDTHS.get(key, 16) * 0.2:.1f}cm"))
        document.automaticstyles.addElement(style)
        table.addElement(TableColumn(stylename=style))
    heading_row = TableRow()
    for heading in headings():
        cell = TableCell(valuetype="string", stylename=heading_style)
        cell.addElement(P(text=heading))
        heading_row.addElement(cell)
    table.addElement(heading_row)
    for row in rows:
        table_row = TableRow()
        for (key, _label), value in zip(COLUMNS, row.values(), strict=True):
            if value is None or value == "":
                cell = TableCell()
            elif key in MONEY:
                cell = TableCell(valuetype="float", value=str(value), stylename=money_style)
                cell.addElement(P(text=f"{value:.2f}"))
            elif isinstance(value, datetime.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_style)
                cell.addElement(P(text=value.isoformat()))
            elif isinstance(value, int):
                cell = TableCell(valuetype="float", value=str(value))
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                for line in _clean(str(value)).split("\n"):
                    cell.addElement(P(text=line))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.write(out)


# --- the PDF ---------------------------------------------------------------------------------------------------


@dataclass
class PdfSection:
    """A section as the PDF shows it: its node, heading level, ``lang`` attributes of texts shown in German, and
    for a measure its facts."""

    node: Node
    level: int
    title_lang: str
    body_lang: str
    facts: list[tuple[str, str, str]]  # (label, value, lang attribute)


def _direction(text: str, page_rtl: bool) -> str:
    """The ``dir`` attribute of a value by its first strong character (what ``dir="auto"`` does, which WeasyPrint
    does not): a German department name keeps its order on an Arabic page, an Arabic one on a German page. Empty
    when the value runs the page's way (every element costs WeasyPrint time)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return ' dir="ltr"' if page_rtl else ""
        if kind in ("R", "AL"):
            return "" if page_rtl else ' dir="rtl"'
    return ""


def _measure_facts(node: Node, fallbacks: Fallbacks) -> list[tuple[str, str, str]]:
    """(label, value, attributes of the value) of a measure: ``lang="de"`` for a text shown in German, else the
    value's own direction."""
    status = node.status_label
    if node.status_date:
        status = _("%(status)s, since %(date)s") % {"status": status, "date": date_text(node.status_date)}
    facts = [(_("Current status"), status)]
    if node.department:
        facts.append((_("Responsible department"), node.department))
    if node.partners:
        facts.append((_("Partner organisations"), node.partners))
    if node.target_groups:
        facts.append((_("Target groups"), list_join(node.target_groups)))
    if node.districts:
        facts.append((_("Districts"), list_join(node.districts)))
    period = period_text(node.start, node.end)
    if period:
        facts.append((_("Period"), period))
    if node.budget is not None:
        facts.append((_("Planned budget"), money_text(node.budget)))
    if node.spent is not None:
        facts.append((_("Spent so far"), money_text(node.spent)))
    partners_lang = fallbacks.lang(node.id, "partners", node.partners) if node.partners else ""
    rtl = translation.get_language_bidi()
    return [
        (label, value, partners_lang if value is node.partners and partners_lang else _direction(value, rtl))
        for label, value in facts
    ]


def _toc_html(tree: Tree, fallbacks: Fallbacks) -> str:
    """The table of contents as nested lists: every section but the measures, each with its page number (the
    stylesheet adds it after the link with ``target-counter``)."""
    parts: list[str] = []

    def items(nodes: list[Node]) -> None:
        shown = [node for node in nodes if node.kind != SectionKind.MEASURE]
        if not shown:
            return
        parts.append("<ol>")
        for node in shown:
            title_lang = fallbacks.lang(node.id, "title", node.title)
            parts.append(
                f'<li><a href="#{node.anchor}"><bdi class="number">{escape(node.number)}</bdi> '
                f"<span{title_lang}>{escape(node.title)}</span></a>"
            )
            items(node.children)
            parts.append("</li>")
        parts.append("</ol>")

    items(tree.roots)
    return "".join(parts)


def _state_text(version: PlanVersion) -> str:
    if version.state == VersionState.ADOPTED:
        return _("Adopted by the council on %(date)s, council document (Drucksache) %(number)s.") % {
            "date": date_text(version.adopted_on),
            "number": version.document_number,
        }
    if version.state == VersionState.CONSULTATION:
        published = timezone.localtime(version.published_at).date() if version.published_at else None
        return _("Draft for consultation, published on %(date)s.") % {"date": date_text(published)}
    return _("Working draft: not published.")


def plan_title(version: PlanVersion, language: str) -> str:
    return localise(version, "title", language).text


def render_plan_pdf(version: PlanVersion, language: str) -> bytes:
    """The version as a tagged PDF in ``language`` (rendered now; ``plan_document`` keeps it)."""
    from teilhabe.core.pdf import render_pdf

    language = supported_language(language)
    with translation.override(language):
        tree = version_tree(version, language)
        fallbacks = Fallbacks(language)
        sections = [
            PdfSection(
                node=node,
                level=min(2 + node.depth, 6),
                title_lang=fallbacks.lang(node.id, "title", node.title),
                body_lang=fallbacks.lang(node.id, "body", node.body),
                facts=_measure_facts(node, fallbacks) if node.kind == SectionKind.MEASURE else [],
            )
            for node in tree.nodes
        ]
        title = plan_title(version, language)
        process = version.process
        context = {
            "process_title": localise(process, "title", language),
            "version": version,
            "version_title": localise(version, "title", language),
            "version_note": localise(version, "note", language),
            "state_text": _state_text(version),
            "toc_html": _toc_html(tree, fallbacks),
            "sections": sections,
            "measure_count": sum(1 for node in tree.nodes if node.kind == SectionKind.MEASURE),
            "made_at": timezone.localtime(),
            "german": fallbacks.attribute,  # the attributes of a staff text shown in German
            "demo": settings.TEILHABE_DEMO,
        }
        return render_pdf(template="plan/pdf.html", context=context, language=language, title=title)


# --- every format, cached --------------------------------------------------------------------------------------


def _write(version: PlanVersion, format: str, language: str) -> bytes:
    if format == "pdf":
        return render_plan_pdf(version, language)
    writer = {"xlsx": write_xlsx, "ods": write_ods, "csv": write_csv}[format]
    out = io.BytesIO()
    with translation.override(language):
        rows = measure_file_rows(version, language)
        if format == "csv":
            writer(rows, out)
        else:
            writer(rows, out, title=plan_title(version, language))
    return out.getvalue()


def plan_document(version: PlanVersion, format: str, language: str) -> bytes:
    """Version ``version`` as ``format`` (pdf, xlsx, ods or csv) in ``language``: from the cache, or made now
    and kept until the plan, a staff text or (for the spreadsheets, which count linked contributions) the
    process's contributions change."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    language = supported_language(language)
    pairs = [(PLAN_NAMESPACE, version.process_id), (CONTENT_NAMESPACE, "site")]
    if format in SPREADSHEETS:
        pairs.append((FIGURES_NAMESPACE, version.process_id))
    versions = cache_versions_many(pairs)
    key = f"plan-document:{RELEASE}:{version.pk}:{format}:{language}:" + ":".join(str(versions[pair]) for pair in pairs)
    data = cache.get(key)
    if data is None:
        data = _write(version, format, language)
        cache.set(key, data, DOCUMENT_SECONDS)
    return data


def document_filename(version: PlanVersion, format: str, language: str) -> str:
    name = "plan" if format == "pdf" else "massnahmen"
    return f"{name}-{version.process.slug}-fassung-{version.number}-{language}.{format}"


# --- the download pages ----------------------------------------------------------------------------------------


def _version_or_404(request, slug, number) -> PlanVersion:
    """The version ``number`` of the published process ``slug``, when the reader may see it (a working draft
    answers 404 to everyone but the staff who see it)."""
    process = process_get_published(slug=slug)
    parsed = parse_id(number)
    if process is None or parsed is None or str(parsed) != number:
        raise NotFound()
    version = version_get(process, parsed)
    if version is None or not rules.has_perm("plan.view_version", request.user, version):
        raise NotFound(_("This version of the plan does not exist."))
    version.process = process
    return version


def _download(request, version: PlanVersion, format: str, *, inline: bool) -> HttpResponse:
    language = supported_language(request.LANGUAGE_CODE)
    response = HttpResponse(plan_document(version, format, language), content_type=CONTENT_TYPES[format])
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document_filename(version, format, language)}"'
    if version.state == VersionState.WORKING:
        response["Cache-Control"] = "private, no-store"
    return response


@ratelimit(key="ip", rate=DOWNLOAD_RATE, method="GET", block=True)
def pdf_view(request, slug, number):
    """``/p/<slug>/plan/fassung/<n>/plan.pdf``: the version as a tagged PDF in the reader's language."""
    return _download(request, _version_or_404(request, slug, number), "pdf", inline=True)


@ratelimit(key="ip", rate=DOWNLOAD_RATE, method="GET", block=True)
def measures_file_view(request, slug, number, format):
    """``/p/<slug>/plan/fassung/<n>/massnahmen.xlsx`` (or ``.ods``, ``.csv``): the version's measures."""
    if format not in SPREADSHEETS:
        raise NotFound()
    return _download(request, _version_or_404(request, slug, number), format, inline=False)
