"""The import pages of a process's coordinators: upload, templates, a run's progress and report."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.ui import apply_errors
from teilhabe.imports import selectors, services
from teilhabe.imports.columns import COLUMNS, RESULTS, error_message, notice_message, template_csv, template_xlsx
from teilhabe.imports.forms import UploadForm
from teilhabe.imports.models import RunState
from teilhabe.imports.parsing import encoding_name, max_bytes

REFRESH_SECONDS = 3
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _process(request, slug):
    process = selectors.import_process(slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("imports.import_contributions", request.user, process):
        raise NotAllowed()
    return process


def _run(request, pk):
    number = parse_id(pk)
    run = selectors.import_run_visible(user=request.user, pk=number) if number and str(number) == pk else None
    if run is None:
        raise NotFound()
    return run


def _upload_page(request, process, form, status=200):
    return render(
        request,
        "imports/upload.html",
        {
            "process": process,
            "form": form,
            "runs": selectors.import_runs_recent(process=process),
            "columns": COLUMNS,
            "max_size": max_bytes(),
        },
        status=status,
    )


@login_required
def upload_view(request, slug):
    """Upload a CSV or XLSX file of results: it is checked first (the dry run), then imported on request."""
    process = _process(request, slug)
    events = selectors.import_events(process)
    if request.method != "POST":
        return _upload_page(request, process, UploadForm(events=events))
    form = UploadForm(request.POST, request.FILES, events=events)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.import_run_create(
                user=request.user,
                process=process,
                file_name=upload.name,
                data=upload.read(),
                event=form.cleaned_data["event"],
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            services.import_run_dispatch(run=run)
            return redirect("imports:run", pk=run.pk)
    return _upload_page(request, process, form, status=400)


@login_required
def template_view(request, slug, language, fmt):
    """The template (header and one example row) in German or English, as CSV or XLSX."""
    _process(request, slug)
    if language not in ("de", "en") or fmt not in TEMPLATE_TYPES:
        raise NotFound()
    body = template_csv(language).encode("utf-8-sig") if fmt == "csv" else template_xlsx(language)
    response = HttpResponse(body, content_type=TEMPLATE_TYPES[fmt])
    name = "vorlage-import" if language == "de" else "import-template"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def run_view(request, pk):
    """A run: its progress while it is checked or imported (the page reloads itself), then its report."""
    run = _run(request, pk)
    working = run.is_working
    problems_only = request.GET.get("rows") != "all" and bool(run.rows_invalid)
    page = (
        None
        if working
        else selectors.import_report_page(run, problems_only=problems_only, page_number=request.GET.get("page"))
    )
    rows = [
        {
            "line": line,
            "title": title,
            "result": result,
            "result_label": RESULTS.get(result, result),
            "errors": [error_message(code, params) for code, params in errors],
        }
        for line, title, result, errors in (page.object_list if page else [])
    ]
    checked, imported = services.import_progress(run)
    done = imported if run.state == RunState.IMPORTING and imported else checked
    response = render(
        request,
        "imports/run.html",
        {
            "run": run,
            "process": run.process,
            "working": working,
            "refresh": REFRESH_SECONDS if working and request.GET.get("auto") != "0" else None,
            "rows_checked": checked,
            "rows_imported": imported,
            "percent": min(100, 100 * done // run.rows_total) if run.rows_total else 0,
            "notices": [notice_message(code, params) for code, params in run.notices],
            "encoding": encoding_name(run.encoding) if run.encoding else "",
            "page": page,
            "rows": rows,
            "problems_only": problems_only,
            "can_import": run.state == RunState.CHECKED and not run.rows_invalid and run.rows_valid > 0,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def run_import_view(request, pk):
    """Import a checked run (all or nothing); then its page shows the progress and the report."""
    run = _run(request, pk)
    run = services.import_run_request(run=run, user=request.user)
    run = services.import_run_dispatch(run=run)
    if run.state == RunState.IMPORTED:
        messages.success(request, _("The rows were imported."))
    return redirect("imports:run", pk=run.pk)


@login_required
def report_view(request, pk):
    """The run's report as CSV (every row with its result and errors, in the reader's language)."""
    run = _run(request, pk)
    if run.is_working:
        raise NotFound()
    response = HttpResponse(services.import_report_csv(run).encode("utf-8-sig"), content_type=TEMPLATE_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
