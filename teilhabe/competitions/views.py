"""The ideas competition's public pages: a process's published calls, and a call's page with its rules in plain
language (period, budget, limits, who may apply, funding tiers, criteria and scale).

Anonymous readers get these pages whole from the page cache (``page_versions.call_page_versions``); the display
values are prepared here by selectors, not in the templates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.competitions import selectors, services
from teilhabe.competitions.page_versions import call_page_versions
from teilhabe.core.errors import ApplicationError, NotFound
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


def _published_call(slug, pk):
    process = _process_or_404(slug)
    number = parse_id(pk)
    call = selectors.call_get(number) if number is not None and str(number) == pk else None
    if call is None or call.process_id != process.pk or not call.is_published:
        raise NotFound()
    return process, call


@cache_public_page(_page_versions)
def call_view(request, slug, pk):
    """``/p/<slug>/ideenwettbewerbe/<id>/``: a published call with its rules in plain language."""
    process, call = _published_call(slug, pk)
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
            "support": selectors.support_state(call),
        },
    )


@cache_public_page(_page_versions)
def support_view(request, slug, pk):
    """``/p/<slug>/ideenwettbewerbe/<id>/unterstuetzung/``: the call's public support phase: from its opening the
    eligible applications whose applicants agreed to a public summary, each with a button to support it while
    the phase is open. The counts are not shown here: they are advisory input for the jury."""
    process, call = _published_call(slug, pk)
    state = selectors.support_state(call)
    if state == selectors.SupportState.NONE:
        raise NotFound()
    return render(
        request,
        "competitions/public_support.html",
        {
            "process": process,
            "call": call,
            "support": state,
            "applications": selectors.supportable_applications(call),
            "supported": selectors.supported_by(request.user, call),
        },
    )


WRITE_RATE = "60/h"  # as supports of contributions


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def support_toggle_view(request, slug, pk, application):
    """Support an application (``action=support``) or withdraw one's support (``action=withdraw``)."""
    process, call = _published_call(slug, pk)
    number = parse_id(application)
    found = selectors.application_get(number) if number is not None and str(number) == application else None
    if found is None or found.call_id != call.pk or not selectors.is_supportable(found):
        raise NotFound()
    back = reverse("competitions:public_support", kwargs={"slug": process.slug, "pk": call.pk}) + f"#a-{found.pk}"
    try:
        if request.POST.get("action") == "withdraw":
            services.application_support_withdraw(user=request.user, application=found)
            messages.success(request, _("Your support was withdrawn."))
        else:
            services.application_support_add(user=request.user, application=found)
            messages.success(request, _("Thank you: your support was counted."))
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        messages.error(request, _("The support phase is not open: supports are not taken now."))
        response = support_view(request, slug=slug, pk=pk)
        response.status_code = error.status_code
        return response
    return redirect(back)
