import rules
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from teilhabe.competitions.page_versions import process_page_versions_with_calls
from teilhabe.competitions.selectors import calls_of_process
from teilhabe.contributions.models import Channel
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version
from teilhabe.core.errors import NotAllowed, NotFound
from teilhabe.core.page_cache import cache_public_page, site_page_versions
from teilhabe.core.selectors import translation_status
from teilhabe.monitoring.metrics import (
    answer_counts,
    answer_figures_by_channel,
    answered_figures,
    event_outcome_figures,
    process_figures,
    process_figures_by_channel,
    published_by_channel,
    published_totals,
    support_figures,
)
from teilhabe.processes.selectors import (
    phase_current,
    process_get_published,
    process_list_published,
    process_phases,
    process_slugs_published,
)


def _home_page_versions(request):
    slugs = process_slugs_published()
    if len(slugs) != 1:
        return site_page_versions()  # the list of processes shows their staff-written texts only
    return process_page_versions_with_calls(slugs[0])


@cache_public_page(_home_page_versions)
def home(request):
    slugs = process_slugs_published()
    if len(slugs) == 1:
        process = process_get_published(slug=slugs[0])
        if process is None:
            raise NotFound()
        return _process_page(request, process)
    return render(request, "processes/process_list.html", {"processes": process_list_published()})


def _process_page_versions(request, slug):
    return process_page_versions_with_calls(slug)  # the page links the process's published calls


@cache_public_page(_process_page_versions)
def process_detail(request, slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return _process_page(request, process)


def _process_page(request, process):
    published = published_by_channel(process=process)  # read once: every published figure comes from it
    totals = published_totals(process=process, published=published)
    answers = answer_counts(process=process, published=published)
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "phases": process_phases(process),
            "current_phase": phase_current(process),
            "now": timezone.now(),
            "figures": process_figures(process=process, totals=totals),
            "supports": support_figures(process=process, totals=totals),
            "answers": answered_figures(process=process, counts=answers),
            "channels": _channel_rows(process, published, answers),
            "events": event_outcome_figures(process=process),
            "calls": calls_of_process(process, published_only=True),
            "content_version": cache_version(CONTENT_NAMESPACE, "site"),
        },
    )


def _channel_rows(process, published: dict, answer_counts_of_process: dict) -> list[dict]:
    """Every figure of the process page split by channel (online, workshop, paper form, …), channels that occur
    only, in the order of ``Channel``; the answered figures count analog input kept unpublished too."""
    figures = process_figures_by_channel(process=process, published=published)
    answers = answer_figures_by_channel(process=process, counts=answer_counts_of_process)
    empty = {"contributions": 0, "supports": 0, "comments": 0}
    return [
        {
            "label": label,
            **figures.get(channel, empty),
            "answered": answers.get(channel, {}).get("answered", 0),
            "answerable": answers.get(channel, {}).get("answerable", 0),
        }
        for channel, label in Channel.choices
        if channel in figures or channel in answers
    ]


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
