"""The ideas competition's public pages: a process's published calls, and a call's page with its rules in plain
language (period, budget, limits, who may apply, funding tiers, criteria and scale).

Anonymous readers get these pages whole from the page cache (``page_versions.call_page_versions``); the display
values are prepared here by selectors, not in the templates.
"""

from django.shortcuts import render
from django.utils import timezone

from teilhabe.competitions import selectors
from teilhabe.competitions.page_versions import call_page_versions
from teilhabe.core.errors import NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.page_cache import cache_public_page
from teilhabe.processes.selectors import process_get_published


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _page_versions(request, slug, **kwargs):
    return call_page_versions(slug)


@cache_public_page(_page_versions)
def calls_view(request, slug):
    """``/p/<slug>/ideenwettbewerbe/``: the published calls, open ones first."""
    process = _process_or_404(slug)
    now = timezone.now()
    order = {selectors.CallState.OPEN: 0, selectors.CallState.UPCOMING: 1, selectors.CallState.CLOSED: 2}
    items = sorted(
        (
            {"call": call, "state": selectors.call_state(call, now)}
            for call in selectors.calls_of_process(process, published_only=True)
        ),
        key=lambda item: order[item["state"]],
    )
    return render(request, "competitions/public_calls.html", {"process": process, "items": items})


@cache_public_page(_page_versions)
def call_view(request, slug, pk):
    """``/p/<slug>/ideenwettbewerbe/<id>/``: a published call with its rules in plain language."""
    process = _process_or_404(slug)
    number = parse_id(pk)
    call = selectors.call_get(number) if number is not None and str(number) == pk else None
    if call is None or call.process_id != process.pk or not call.is_published:
        raise NotFound()
    criteria = selectors.call_criteria(call)
    total_weight = sum(criterion.weight for criterion in criteria) or 1
    return render(
        request,
        "competitions/public_call.html",
        {
            "process": process,
            "call": call,
            "state": selectors.call_state(call),
            "tiers": [selectors.tier_rule_text(rule) for rule in selectors.tier_rules(selectors.call_tiers(call))],
            "criteria": [
                {"criterion": criterion, "share": round(criterion.weight * 100 / total_weight)}
                for criterion in criteria
            ],
            "applicants": selectors.call_applicant_kinds(call),
            "grants": selectors.public_grants(call),
        },
    )
