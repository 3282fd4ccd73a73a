"""Coordinators' paper forms pages: print forms or posters of a process, follow the PDF being made, download it."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.paper import services
from teilhabe.paper.documents import print_run_filename
from teilhabe.paper.forms import PrintRunForm
from teilhabe.paper.models import PrintState
from teilhabe.paper.selectors import entered_counts, event_choices, paper_process, print_run_get, print_runs_of
from teilhabe.paper.serials import serial_format

REFRESH_SECONDS = 3


def _process_for(request, slug):
    process = paper_process(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("paper.print_forms", request.user, process):
        raise NotAllowed()
    return process


def _run_for(request, slug, pk):
    process = _process_for(request, slug)
    run = print_run_get(process=process, pk=int_or_404(pk))
    if run is None:
        raise NotFound()
    return process, run


def _serial_range(run) -> tuple[str, str] | None:
    if not run.first_number:
        return None
    return (
        serial_format(process_id=run.process_id, number=run.first_number),
        serial_format(process_id=run.process_id, number=run.last_number),
    )


@login_required
def print_runs_view(request, slug):
    """The print form and the process's print runs (who printed how many, for what, how many came back)."""
    process = _process_for(request, slug)
    events = event_choices(process)
    status = 200
    if request.method == "POST":
        form = PrintRunForm(request.POST, events=events)
        if form.is_valid():
            try:
                run = services.print_run_create(user=request.user, process=process, **form.cleaned_data)
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("The print run is recorded; its PDF is being made."))
                return redirect("paper:print_run", slug=process.slug, pk=run.pk)
        status = 400
    else:
        form = PrintRunForm(events=events, initial={"language": get_language()})
    paginator = Paginator(print_runs_of(process), settings.TEILHABE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise NotFound() from exc
    runs = list(page.object_list)
    counts = entered_counts(process=process, runs=runs)
    rows = [{"run": run, "entered": counts[run.pk], "serials": _serial_range(run)} for run in runs]
    return render(
        request,
        "paper/print_runs.html",
        {
            "process": process,
            "process_title": localise(process, "title", get_language()).text,
            "form": form,
            "rows": rows,
            "page": page,
        },
        status=status,
    )


@login_required
def print_run_view(request, slug, pk):
    """One print run: while its PDF is being made the page reloads itself (no JavaScript needed), then links it."""
    process, run = _run_for(request, slug, pk)
    pending = run.state in (PrintState.QUEUED, PrintState.RUNNING)
    return render(
        request,
        "paper/print_run.html",
        {
            "process": process,
            "process_title": localise(process, "title", get_language()).text,
            "run": run,
            "pending": pending,
            "refresh": REFRESH_SECONDS if pending and request.GET.get("auto") != "0" else None,
            "serials": _serial_range(run),
            "entered": entered_counts(process=process, runs=[run])[run.pk],
        },
    )


@login_required
def print_run_download_view(request, slug, pk):
    """The run's PDF, from private storage, only to the process's coordinators."""
    _process, run = _run_for(request, slug, pk)
    if run.state != PrintState.DONE or not run.file:
        raise NotFound()
    try:
        handle = run.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    response = FileResponse(
        handle, as_attachment=True, filename=print_run_filename(run), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
