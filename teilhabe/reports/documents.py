"""The files of a council report, all rendered from one content (its tables, ``tables.py``): the tagged PDF with
an SVG chart before each chart table, one CSV per table and ``data.json`` (the data package, ``data/``), and the
OParl 1.1 Paper (``oparl.json``) whose mainFile is the PDF."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.core.selectors import localise
from teilhabe.reports.charts import GAP, PITCH, WIDTH, bar_chart_svg, chart_height
from teilhabe.reports.periods import period_parse
from teilhabe.reports.tables import ReportTable

OPARL = "https://schema.oparl.org/1.1/"
# A fixed time inside the zip, so that the same content always gives the same data package (and hash).
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ReportFiles:
    pdf: bytes
    data: dict[str, bytes]  # path inside the package ("data/overview.csv", "data/data.json") → bytes
    data_zip: bytes
    oparl: bytes


def tables_of(content: dict) -> list[ReportTable]:
    return [ReportTable.from_dict(table) for table in content.get("tables", [])]


def report_title(report, *, isolated: bool = True) -> str:
    """The report's title; its period isolated left to right for pages and the PDF, plain for OParl."""
    period = report.period_label if isolated else report.period
    return _("Report to the %(committee)s, %(period)s") % {"committee": report.committee.name, "period": period}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def file_urls(report) -> dict[str, str]:
    """Where the report's files are read: the public archive's once published, else the coordinators' pages."""
    if report.is_final:
        return {
            kind: _absolute(reverse(f"reports:public_{kind}", kwargs={"pk": report.pk}))
            for kind in ("pdf", "data", "oparl")
        }
    return {
        kind: _absolute(reverse("reports:file", kwargs={"slug": report.process.slug, "pk": report.pk, "kind": kind}))
        for kind in ("pdf", "data", "oparl")
    }


def _has_bars(table: ReportTable) -> bool:
    """A chart only where it shows something: a bar of zeros (or only suppressed counts) says nothing the table
    does not."""
    return any(isinstance(row[1], int | float) and row[1] > 0 for row in table.rows)


def render_report_pdf(report, content: dict, *, audit: dict | None) -> bytes:
    """The report as a tagged PDF in its language; ``audit`` (count, hash) is printed once it is frozen."""
    from teilhabe.core.pdf import render_pdf

    with translation.override(report.language):
        rtl = translation.get_language_bidi()
        period = period_parse(report.period)
        tables = [
            {
                "table": table,
                "rows": [
                    [{"text": text, "numeric": column.numeric} for text, column in zip(row, table.columns, strict=True)]
                    for row in table.text_rows()
                ],
                "wide": len(table.columns) > 4,
                "chart": (
                    "data:image/svg+xml;base64,"
                    + base64.b64encode(bar_chart_svg(table, rtl=rtl).encode("utf-8")).decode("ascii")
                )
                if table.chart and _has_bars(table)
                else None,
                "chart_height": chart_height(table),
            }
            for table in tables_of(content)
        ]
        return render_pdf(
            template="reports/report_pdf.html",
            context={
                "report": report,
                "content": content,
                "tables": tables,
                "period": period,
                "audit": audit,
                "process_title": localise(report.process, "title", report.language).text,
                "demo": settings.TEILHABE_DEMO,
                "made_at": timezone.localtime(report.made_at) if report.made_at else None,
                "chart": {"width": WIDTH, "pitch": PITCH, "top": GAP - (PITCH - 16) // 2},
            },
            language=report.language,
            title=report_title(report),
        )


def table_csv(table: ReportTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.key for column in table.columns])
    writer.writerows(table.text_rows())
    return out.getvalue().encode("utf-8")


def json_row(table: ReportTable, row: list) -> list:
    """A row as ``data.json`` holds it: counts as numbers, a suppressed count as the text "< k", labels as text."""
    return [
        value if (column.numeric and value is not None) else table.cell_text(index, value)
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True))
    ]


def data_json(report, content: dict) -> bytes:
    """Every table with its rows as printed (a suppressed count is the text "< k"), and what the report is."""
    tables = tables_of(content)
    document = {
        "report": {
            "reference": report.reference,
            "process": report.process.slug,
            "committee": report.committee.name,
            "period": report.period,
            "version": report.version,
            "corrects": report.corrects.reference if report.corrects_id else None,
            "language": report.language,
            "made_at": content.get("made_at"),
            # The monitoring figures are those at made_at; the evaluation's stop at the period's last day.
            "evaluation_until": period_parse(report.period).end.isoformat(),
            "small_cell_k": content.get("k"),
        },
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [{"key": c.key, "label": c.label} for c in table.columns],
                "rows": [json_row(table, row) for row in table.rows],
            }
            for table in tables
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def data_files(report, content: dict) -> dict[str, bytes]:
    files = {f"data/{table.key}.csv": table_csv(table) for table in tables_of(content)}
    files["data/data.json"] = data_json(report, content)
    return files


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return out.getvalue()


def oparl_document(report, pdf: bytes) -> dict:
    """The report as an OParl 1.1 Paper (Informationsdrucksache): the PDF as its mainFile (with its SHA-512), the
    committee it goes to as Organization and the session it is submitted to as Meeting. teilhabe runs no OParl
    server, so the committee and the session are embedded under the vendor keys ``teilhabe:organization`` and
    ``teilhabe:meeting`` (OParl 1.1 allows prefixed extensions) and named by URL where OParl expects URLs."""
    urls = file_urls(report)
    archive = _absolute(reverse("reports:archive"))
    committee = report.committee
    organization_id = f"{archive}#committee-{committee.pk}"
    paper_id = _absolute(reverse("reports:public_report", kwargs={"pk": report.pk}))
    made = report.frozen_at or report.made_at or timezone.now()
    with translation.override(report.language):
        title = report_title(report, isolated=False)
    organization = {
        "id": organization_id,
        "type": OPARL + "Organization",
        "name": committee.name,
        "organizationType": committee.organization_type,
        "classification": committee.classification,
    }
    if committee.short_name:
        organization["shortName"] = committee.short_name
    if committee.website:
        organization["website"] = committee.website
    main_file = {
        "id": urls["pdf"],
        "type": OPARL + "File",
        "name": title,
        "fileName": "report.pdf",
        "mimeType": "application/pdf",
        "date": made.date().isoformat(),
        "size": len(pdf),
        "sha512Checksum": hashlib.sha512(pdf).hexdigest(),
        "accessUrl": urls["pdf"],
        "downloadUrl": urls["pdf"],
        "paper": [paper_id],
    }
    data_file = {
        "id": urls["data"],
        "type": OPARL + "File",
        "name": _("Data package (CSV and JSON)"),
        "fileName": "data.zip",
        "mimeType": "application/zip",
        "accessUrl": urls["data"],
        "downloadUrl": urls["data"],
        "paper": [paper_id],
    }
    paper = {
        "id": paper_id,
        "type": OPARL + "Paper",
        "name": title,
        "reference": report.reference,
        "date": made.date().isoformat(),
        "paperType": "Informationsdrucksache",
        "mainFile": main_file,
        "auxiliaryFile": [data_file],
        "underDirectionOf": [organization_id],
        "created": (report.created_at or made).isoformat(),
        "modified": made.isoformat(),
        "web": paper_id,
        "teilhabe:organization": organization,
    }
    if report.corrects_id:
        paper["relatedPaper"] = [_absolute(reverse("reports:public_report", kwargs={"pk": report.corrects_id}))]
    if report.meeting_id:
        meeting = report.meeting
        meeting_id = f"{archive}#meeting-{meeting.pk}"
        main_file["meeting"] = [meeting_id]
        paper["consultation"] = [
            {
                "id": f"{paper_id}#consultation",
                "type": OPARL + "Consultation",
                "paper": paper_id,
                "meeting": meeting_id,
                "organization": [organization_id],
                "authoritative": False,
                "role": "Kenntnisnahme",
            }
        ]
        paper["teilhabe:meeting"] = {
            "id": meeting_id,
            "type": OPARL + "Meeting",
            "name": meeting.name,
            "start": timezone.make_aware(
                timezone.datetime.combine(meeting.date, timezone.datetime.min.time())
            ).isoformat(),
            "organization": [organization_id],
        }
    return paper


def report_files(report, content: dict, *, audit: dict | None = None) -> ReportFiles:
    pdf = render_report_pdf(report, content, audit=audit)
    data = data_files(report, content)
    oparl = json.dumps(oparl_document(report, pdf), ensure_ascii=False, indent=2).encode("utf-8")
    return ReportFiles(pdf=pdf, data=data, data_zip=zipped(data), oparl=oparl)
