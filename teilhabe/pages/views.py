import rules
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from teilhabe.core.errors import NotAllowed, NotFound
from teilhabe.core.selectors import translation_status
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


@login_required
def translation_status_view(request, slug):
    """For coordinators: which process texts exist in which language, and in what state."""
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("processes.change_process", request.user, process):
        raise NotAllowed()
    languages = [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    objects = [process, *process_phases(process), *process.fields_of_action.all(), *process.target_groups.all()]
    rows = translation_status(objects, [code for code, _name in languages])
    for row in rows:
        row["state_list"] = [(code, row["states"][code]) for code, _name in languages]
    return render(
        request, "processes/translation_status.html", {"process": process, "rows": rows, "languages": languages}
    )
