"""The call summary for the council committee: the applications with their eligibility, the jury's results
(weighted mean, spread, ranking, jurors and recusals), the recommendation and the decision, and the budget — as a
tagged, accessible PDF (WeasyPrint through ``core.pdf.render_pdf``, as the plan's documents) and as XLSX
(openpyxl) and ODS (odfpy). ``manage.py call_summary`` writes them; the call's coordinators download them.

Scores and results appear only once the chair has closed scoring; before that the summary says so. Who scored
what is never in it: results are per application, recusals a count. A text starting with ``=``, ``+``, ``-``,
``@`` is never read as a formula (a string cell marked ``quotePrefix`` in XLSX, a string-typed cell in ODS).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.competitions.models import Application, ApplicationState, Call, Decision
from teilhabe.competitions.selectors import (
    SupportState,
    call_criteria,
    call_eligibility,
    jury_overview,
    recommended_total,
    support_state,
    support_totals,
)

FORMATS = ("pdf", "xlsx", "ods")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MONEY = {"requested", "costs", "own", "recommended", "granted"}
NUMBERS = {"mean", "spread"}


@dataclass
class SummaryRow:
    rank: int | None
    reference: str
    title: str
    applicant: str
    channel: str
    state: str
    requested: Decimal | None
    costs: Decimal
    own: Decimal | None
    eligibility: str
    reason: str
    jurors: int | None
    recused: int | None
    mean: Decimal | None
    spread: Decimal | None
    recommended: Decimal | None
    decision: str
    granted: Decimal | None
    support: int | None = None

    def values(self, with_support: bool = False) -> list:
        return [getattr(self, key) for key, _label in columns(with_support)]


def columns(with_support: bool = False) -> list[tuple[str, str]]:
    """The applications sheet's columns; with the call's public support phase its totals in a column of their own
    (advice for the jury, never part of the scores)."""
    support = [("support", _("Public support (advice, online + offline)"))] if with_support else []
    return [
        ("rank", _("Rank")),
        ("reference", _("Reference")),
        ("title", _("Project")),
        ("applicant", _("Applicant")),
        ("channel", _("Channel")),
        ("state", _("State")),
        ("requested", _("Asked for (EUR)")),
        ("costs", _("Total costs (EUR)")),
        ("own", _("Own contribution (EUR)")),
        ("eligibility", _("Eligibility")),
        ("reason", _("Reason")),
        ("jurors", _("Jurors who scored")),
        ("recused", _("Recused jurors")),
        ("mean", _("Weighted mean")),
        ("spread", _("Spread")),
        ("recommended", _("Recommended (EUR)")),
        ("decision", _("Decision")),
        ("granted", _("Granted (EUR)")),
        *support,
    ]


@dataclass
class Summary:
    call: Call
    rows: list[SummaryRow]
    closed: bool
    criteria: list
    budget: Decimal
    recommended: Decimal
    counts: dict
    made_at: datetime.datetime
    has_support: bool = False

    @property
    def budget_left(self) -> Decimal:
        return self.budget - self.recommended


def call_summary(call: Call) -> Summary:
    """Everything the summary shows, in a fixed number of queries (the jury's overview does the results)."""
    from django.db.models import Sum

    closed = call.scoring_closed_at is not None
    results = {row.application.pk: row for row in jury_overview(call, seat=None, show_results=closed)}
    applications = list(
        Application.objects.filter(call=call)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("organisation")
        .annotate(costs=Sum("budget_lines__amount"))
        .order_by("submitted_at", "pk")
    )
    eligibility = call_eligibility(call)
    reasons = dict(
        Application.objects.filter(call=call, eligibility__isnull=False).values_list("pk", "eligibility__reason")
    )
    decisions = {decision.application_id: decision for decision in Decision.objects.filter(application__call=call)}
    has_support = support_state(call) != SupportState.NONE
    supports = support_totals(call) if has_support else {}
    rows = []
    for application in applications:
        result = results.get(application.pk)
        decision = decisions.get(application.pk)
        checked = eligibility.get(application.pk)
        rows.append(
            SummaryRow(
                rank=result.rank if result else None,
                reference=application.reference,
                title=application.title,
                applicant=(
                    application.organisation.name
                    if application.organisation
                    else application.group_name or application.contact_name
                ),
                channel=application.get_channel_display(),
                state=application.get_state_display(),
                requested=application.requested,
                costs=application.costs or Decimal("0.00"),
                own=application.own_contribution,
                eligibility=_("not checked") if checked is None else (_("eligible") if checked else _("not eligible")),
                reason=reasons.get(application.pk) or "",
                jurors=result.jurors if result and closed else None,
                recused=result.recused if result and closed else None,
                mean=result.mean if result else None,
                spread=result.spread if result else None,
                recommended=result.recommended if result else None,
                decision=decision.get_outcome_display() if decision else "",
                granted=decision.amount if decision else None,
                support=supports[application.pk].total if application.pk in supports else (0 if has_support else None),
            )
        )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.reference))
    counts = {
        "applications": len(rows),
        "withdrawn": sum(1 for a in applications if a.state == ApplicationState.WITHDRAWN),
        "eligible": sum(1 for ok in eligibility.values() if ok),
        "ineligible": sum(1 for ok in eligibility.values() if not ok),
        "paper": sum(1 for a in applications if a.channel != "online"),
    }
    return Summary(
        call=call,
        rows=rows,
        closed=closed,
        criteria=call_criteria(call),
        budget=call.budget if call.budget is not None else Decimal("0.00"),
        recommended=recommended_total(call) if closed else Decimal("0.00"),
        counts=counts,
        made_at=timezone.now(),
        has_support=has_support,
    )


def _clean(value: str) -> str:
    return ILLEGAL_XML.sub("", value)


def write_xlsx(summary: Summary, out, *, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Applications")[:31]
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    workbook.properties.title = title
    workbook.properties.language = translation.get_language()
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    sheet.append([label for _key, label in columns(summary.has_support)])
    for cell in sheet[1]:
        cell.font = bold
    for row in summary.rows:
        values = row.values(summary.has_support)
        sheet.append([_clean(value) if isinstance(value, str) else value for value in values])
        for (key, _label), cell in zip(columns(summary.has_support), sheet[sheet.max_row], strict=True):
            cell.alignment = top
            if key in MONEY or key in NUMBERS:
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = sheet.dimensions
    budget = workbook.create_sheet(_("Budget")[:31])
    for label, value in _budget_lines(summary):
        budget.append([label, value])
        budget.cell(row=budget.max_row, column=2).number_format = "#,##0.00"
    workbook.save(out)


def _budget_lines(summary: Summary) -> list[tuple[str, Decimal]]:
    return [
        (_("Call budget"), summary.budget),
        (_("Recommended"), summary.recommended),
        (_("Budget left"), summary.budget_left),
    ]


def write_ods(summary: Summary, out, *, title: str) -> None:
    from odf.dc import Language, Title
    from odf.number import Number, NumberStyle
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    document.meta.addElement(Title(text=title))
    document.meta.addElement(Language(text=translation.get_language()))
    money_format = NumberStyle(name="money")
    money_format.addElement(Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    document.automaticstyles.addElement(money_format)
    money_style = Style(name="amount", family="table-cell", datastylename="money")
    heading_style = Style(name="heading", family="table-cell")
    heading_style.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(money_style)
    document.automaticstyles.addElement(heading_style)

    def cell_of(value, money=False):
        if value is None or value == "":
            return TableCell()
        if isinstance(value, Decimal) or money:
            cell = TableCell(valuetype="float", value=str(value), stylename=money_style)
            cell.addElement(P(text=f"{value:.2f}"))
        elif isinstance(value, int):
            cell = TableCell(valuetype="float", value=str(value))
            cell.addElement(P(text=str(value)))
        else:
            cell = TableCell(valuetype="string")
            for line in _clean(str(value)).split("\n"):
                cell.addElement(P(text=line))
        return cell

    table = Table(name=_("Applications"))
    heading_row = TableRow()
    for _key, label in columns(summary.has_support):
        cell = TableCell(valuetype="string", stylename=heading_style)
        cell.addElement(P(text=label))
        heading_row.addElement(cell)
    table.addElement(heading_row)
    for row in summary.rows:
        table_row = TableRow()
        for value in row.values(summary.has_support):
            table_row.addElement(cell_of(value))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    budget = Table(name=_("Budget"))
    for label, value in _budget_lines(summary):
        table_row = TableRow()
        table_row.addElement(cell_of(label))
        table_row.addElement(cell_of(value, money=True))
        budget.addElement(table_row)
    document.spreadsheet.addElement(budget)
    document.write(out)


def summary_title(call: Call) -> str:
    return _("Call summary: %(title)s") % {"title": call.title}


def render_summary_pdf(summary: Summary, language: str) -> bytes:
    from teilhabe.core.pdf import render_pdf

    return render_pdf(
        template="competitions/pdf_summary.html",
        context={"summary": summary, "call": summary.call, "columns": columns(summary.has_support)},
        language=language,
        title=summary_title(summary.call),
    )


def call_summary_document(call: Call, format: str, language: str) -> bytes:
    import io

    from teilhabe.core.mail import supported_language

    language = supported_language(language)
    with translation.override(language):
        summary = call_summary(call)
        if format == "pdf":
            return render_summary_pdf(summary, language)
        out = io.BytesIO()
        (write_xlsx if format == "xlsx" else write_ods)(summary, out, title=summary_title(call))
        return out.getvalue()
