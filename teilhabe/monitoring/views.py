"""The dashboards: public (/p/<slug>/zahlen/) and internal (/verwaltung/p/<slug>/monitoring/), each with its
tables as CSV and JSON. Every number comes from ``dashboard`` (which reads ``metrics``); views only render."""

import csv

import rules
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_GET

from teilhabe.core.errors import NotAllowed, NotFound
from teilhabe.monitoring.charts import Bar, bar_chart_svg, chart_description
from teilhabe.monitoring.dashboard import (
    PEOPLE,
    computed_at,
    dashboard_figures,
    dashboard_json,
    dashboard_tables,
    display,
    table_as_csv_rows,
)
from teilhabe.processes.selectors import process_get_published


def _process(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _internal_process(request, slug):
    process = _process(slug)
    if not rules.has_perm("monitoring.view_internal_dashboard", request.user, process):
        raise NotAllowed()
    return process


def _data(process, internal):
    figures = dashboard_figures(process=process, internal=internal)
    return figures, dashboard_tables(process=process, figures=figures, internal=internal)


def _render(request, process, internal):
    figures, tables = _data(process, internal)
    k = figures["small_cell_k"]
    rtl = get_language_bidi()
    shown = []
    for table in tables:
        kinds = {column.key: column.kind for column in table.columns}
        label_key = table.columns[0].key
        rows = [[display(row.get(column.key), column.kind, k) for column in table.columns] for row in table.rows]
        chart = None
        if table.chart and table.rows:
            bars = [
                Bar(
                    label=str(row.get(label_key)),
                    value=row.get(table.chart) if isinstance(row.get(table.chart), int | float) else None,
                    text=display(row.get(table.chart), kinds[table.chart], k),
                )
                for row in table.rows
            ]
            description = chart_description(table.title, bars)
            chart = mark_safe(  # noqa: S308 — every text in the SVG is escaped by the renderer
                bar_chart_svg(
                    chart_id=f"chart-{table.key}", title=table.title, description=description, bars=bars, rtl=rtl
                )
            )
        shown.append({"table": table, "rows": rows, "chart": chart, "has_people": PEOPLE in kinds.values()})
    stamp = computed_at(figures)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "process": process,
            "internal": internal,
            "tables": shown,
            "computed_at": stamp,
            "age_minutes": int((timezone.now() - stamp).total_seconds() // 60),
            "index": figures["representativeness"]["index"],
            "can_view_internal": internal
            or (
                request.user.is_authenticated
                and rules.has_perm("monitoring.view_internal_dashboard", request.user, process)
            ),
            "k": k,
            "json_url_name": "monitoring:internal_json" if internal else "monitoring:public_json",
            "csv_url_name": "monitoring:internal_csv" if internal else "monitoring:public_csv",
        },
    )


def _json(process, internal):
    figures, tables = _data(process, internal)
    return JsonResponse(
        dashboard_json(process=process, figures=figures, tables=tables),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


def _csv(process, internal, table_key):
    figures, tables = _data(process, internal)
    found = next((table for table in tables if table.key == table_key), None)
    if found is None:
        raise NotFound()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-{found.key}.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 with the mark
    writer = csv.writer(response)
    writer.writerow([found.title, figures["computed_at"]])
    writer.writerows(table_as_csv_rows(found, figures["small_cell_k"]))
    return response


@require_GET
def public_dashboard_view(request, slug):
    return _render(request, _process(slug), internal=False)


@require_GET
def public_json_view(request, slug):
    return _json(_process(slug), internal=False)


@require_GET
def public_csv_view(request, slug, table):
    return _csv(_process(slug), False, table)


@require_GET
@login_required
def internal_dashboard_view(request, slug):
    return _render(request, _internal_process(request, slug), internal=True)


@require_GET
@login_required
def internal_json_view(request, slug):
    return _json(_internal_process(request, slug), internal=True)


@require_GET
@login_required
def internal_csv_view(request, slug, table):
    return _csv(_internal_process(request, slug), True, table)
