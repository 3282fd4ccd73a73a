from django.shortcuts import redirect, render
from django.utils import timezone

from teilhabe.core.errors import NotFound
from teilhabe.monitoring.metrics import process_figures
from teilhabe.processes.selectors import phase_current, process_get_published, process_list_published, process_phases


def home(request):
    processes = list(process_list_published()[:2])
    if len(processes) == 1:
        return process_detail(request, processes[0].slug)
    return render(request, "processes/process_list.html", {"processes": process_list_published()})


def process_detail(request, slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "phases": process_phases(process),
            "current_phase": phase_current(process),
            "now": timezone.now(),
            "figures": process_figures(process=process),
        },
    )


def process_redirect(request, slug):
    return redirect("processes:detail", slug=slug)
