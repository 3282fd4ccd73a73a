"""The staff workspace of the answer path: department queues, routing, statements, decisions, notes; the
residents' notification settings; the consideration table. Views parse input, call a service or selector and
render; permissions are decided once per page."""

import rules
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from teilhabe.administration import consideration, services
from teilhabe.administration.forms import ConsiderationExportForm, ConsiderationFilterForm
from teilhabe.administration.models import ExportFormat, ExportState
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.ui import apply_errors

# == consideration table ==

CONSIDERATION_PER_PAGE = 50
EXPORT_REFRESH_SECONDS = 5


def _consideration_process(request, slug):
    """The process of a consideration table page: 404 when missing, 403 for everyone but its coordinators."""
    process = consideration.consideration_process(slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("administration.view_consideration_table", request.user, process):
        raise NotAllowed()
    return process


def _consideration_page(request, process, *, filter_form, export_form=None, status=200):
    filters = consideration.ConsiderationFilters.from_dict(filter_form.cleaned_data if filter_form.is_valid() else {})
    page = None
    if filter_form.is_valid():
        page = paginate_ids(
            consideration.consideration_queryset(process, filters),
            page_number=request.GET.get("page"),
            per_page=CONSIDERATION_PER_PAGE,
            load_rows=consideration.consideration_page_rows(process),
        )
    if export_form is None:
        export_form = ConsiderationExportForm(
            initial=filters.to_dict(), options=consideration.consideration_filter_options(process)
        )
    return render(
        request,
        "administration/consideration.html",
        {
            "process": process,
            "form": filter_form,
            "export_form": export_form,
            "page": page,
            "filtered": bool(filters.to_dict()),
            "exports": consideration.consideration_exports_recent(process=process, user=request.user),
            "formats": ExportFormat.choices,
        },
        status=status,
    )


@login_required
def consideration_view(request, slug):
    """The consideration table of a process (coordinators): every answerable contribution with its statement
    and decision, filtered and paged, with exports of the filtered table."""
    process = _consideration_process(request, slug)
    options = consideration.consideration_filter_options(process)
    form = ConsiderationFilterForm(request.GET, options=options)
    return _consideration_page(request, process, filter_form=form, status=200 if form.is_valid() else 400)


@require_POST
@login_required
def consideration_export_view(request, slug):
    """Ask for the (filtered) table as a file: queued, made in the background, then shown on its status page."""
    process = _consideration_process(request, slug)
    options = consideration.consideration_filter_options(process)
    form = ConsiderationExportForm(request.POST, options=options)
    if form.is_valid():
        data = dict(form.cleaned_data)
        file_format = data.pop("format")
        try:
            export = services.consideration_export_request(
                user=request.user,
                process=process,
                format=file_format,
                filters=consideration.ConsiderationFilters.from_dict(data).to_dict(),
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            return redirect("administration:consideration_export_status", pk=export.pk)
    filters = ConsiderationFilterForm({}, options=options)
    return _consideration_page(request, process, filter_form=filters, export_form=form, status=400)


def _export_or_404(request, pk):
    number = parse_id(pk)
    export = consideration.consideration_export_visible(user=request.user, pk=number) if number else None
    if export is None or str(number) != pk:
        raise NotFound()
    return export


@login_required
def consideration_export_status_view(request, pk):
    """How far an export is; reloads itself (without JavaScript) while it is being made, unless asked not to."""
    export = _export_or_404(request, pk)
    working = export.state in (ExportState.QUEUED, ExportState.RUNNING)
    return render(
        request,
        "administration/consideration_export.html",
        {
            "export": export,
            "process": export.process,
            "working": working,
            "refresh": EXPORT_REFRESH_SECONDS if working and request.GET.get("auto") != "0" else None,
            "percent": (100 * export.rows_done // export.rows_total) if export.rows_total else 0,
        },
    )


@login_required
def consideration_export_download_view(request, pk):
    """The file of a finished export, to the coordinators of its process only (404 for everyone else)."""
    export = _export_or_404(request, pk)
    if export.state != ExportState.DONE or not export.file:
        raise NotFound()
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound() from error
    name = consideration.consideration_table_filename(
        export.process, export.format, day=timezone.localtime(export.finished_at).date()
    )
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=consideration.CONTENT_TYPES[export.format]
    )
    response["Cache-Control"] = "private, no-store"
    return response
