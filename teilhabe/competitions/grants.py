"""The committee's decision and the grants: the coordinators record a decision (approval makes a grant and its
ledger commitment) and pay tranches; the grantee consents to a public page and reports; the public reads the pages
of funded projects whose grantees consented."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.competitions import selectors, services
from teilhabe.competitions.applications import _application, _detail_context
from teilhabe.competitions.forms import DecisionForm, ReportForm, TrancheForm
from teilhabe.competitions.workspace import _call_crumbs, attempt
from teilhabe.core.errors import NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.ui import int_or_404
from teilhabe.processes.selectors import process_get_published


@login_required
def decision_view(request, pk):
    application = _application(request, pk, "competitions.decide")
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.decision_record(
                    user=request.user,
                    application=application,
                    outcome=data["outcome"],
                    amount=data["amount"],
                    decided_on=data["decided_on"],
                    session_reference=data["session_reference"],
                    override_reason=data["override_reason"],
                ),
            )
            if done is not None:
                messages.success(request, _("The decision was recorded and the applicant told."))
                return redirect("competitions:application", pk=application.pk)
    else:
        form = DecisionForm(initial={"decided_on": timezone.localdate()})
    return render(
        request,
        "competitions/work_decision.html",
        {
            **_detail_context(request, application),
            "form": form,
            "recommendation": getattr(application, "recommendation", None)
            if hasattr(application, "recommendation")
            else None,
            "crumbs": _call_crumbs(application.call.process, application.call),
        },
        status=status,
    )


def _grant(request, pk, perm):
    grant = selectors.grant_get(int_or_404(pk))
    if grant is None or not rules.has_perm("competitions.view_grant", request.user, grant):
        raise NotFound()
    if not rules.has_perm(perm, request.user, grant):
        raise NotAllowed()
    return grant


def _grant_context(request, grant) -> dict:
    application = grant.application
    return {
        **_detail_context(request, application),
        "grant": grant,
        "paid": selectors.grant_paid(grant),
        "tranches": selectors.grant_tranches(grant),
        "reports": selectors.grant_reports(grant),
        "can_manage": rules.has_perm("competitions.manage_grant", request.user, grant),
        "can_report": rules.has_perm("competitions.report_on_grant", request.user, grant),
    }


@login_required
def grant_view(request, pk):
    """A grant for its coordinators and its grantee: amount, tranches paid, reports; the forms each may use."""
    grant = selectors.grant_get(int_or_404(pk))
    if grant is None or not (
        rules.has_perm("competitions.manage_grant", request.user, grant)
        or rules.has_perm("competitions.report_on_grant", request.user, grant)
    ):
        raise NotFound()
    context = _grant_context(request, grant)
    context["tranche_form"] = TrancheForm(initial={"booked_on": timezone.localdate()}, auto_id="tranche_%s")
    context["report_form"] = ReportForm(auto_id="report_%s")
    return render(request, "competitions/grant.html", context)


@require_POST
@login_required
def tranche_view(request, pk):
    grant = _grant(request, pk, "competitions.manage_grant")
    form = TrancheForm(request.POST, auto_id="tranche_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done, status = attempt(
            form,
            lambda: services.grant_pay(
                user=request.user,
                grant=grant,
                amount=data["amount"],
                booked_on=data["booked_on"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("The tranche was booked."))
            return redirect("competitions:grant", pk=grant.pk)
    context = _grant_context(request, grant)
    context.update({"tranche_form": form, "report_form": ReportForm(auto_id="report_%s")})
    return render(request, "competitions/grant.html", context, status=status)


@require_POST
@login_required
def report_view(request, pk):
    grant = _grant(request, pk, "competitions.report_on_grant")
    form = ReportForm(request.POST, request.FILES, auto_id="report_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done, status = attempt(
            form,
            lambda: services.grant_report_submit(
                user=request.user,
                grant=grant,
                kind=data["kind"],
                text=data["text"],
                people_reached=data["people_reached"],
                uploads=[data["file"]] if data.get("file") else [],
            ),
        )
        if done is not None:
            messages.success(request, _("Thank you: your report was submitted."))
            return redirect("competitions:grant", pk=grant.pk)
    context = _grant_context(request, grant)
    context.update({"report_form": form, "tranche_form": None})
    return render(request, "competitions/grant.html", context, status=status)


@require_POST
@login_required
def consent_view(request, pk):
    grant = _grant(request, pk, "competitions.report_on_grant")
    services.grant_consent_set(user=request.user, grant=grant, consent=request.POST.get("consent") == "1")
    messages.success(request, _("Your choice was saved."))
    return redirect("competitions:grant", pk=grant.pk)


def _public_versions(request, slug, **kwargs):
    from teilhabe.competitions.page_versions import call_page_versions

    return call_page_versions(slug)


@cache_public_page(_public_versions)
def public_grant_view(request, slug, pk, grant):
    """A funded project's public page (only with the grantee's consent): what it does, where, for whom, the amount,
    the fields of action and districts, and the people its reports say it reached."""
    process = process_get_published(slug=slug)
    number = parse_id(grant)
    found = selectors.grant_get(number) if number is not None and str(number) == grant else None
    if (
        process is None
        or found is None
        or not found.public_consent
        or str(found.application.call_id) != pk
        or found.application.call.process_id != process.pk
    ):
        raise NotFound()
    application = found.application
    reports = selectors.grant_reports(found)
    return render(
        request,
        "competitions/public_grant.html",
        {
            "process": process,
            "call": application.call,
            "grant": found,
            "application": application,
            "fields": list(application.fields_of_action.all()),
            "districts": list(application.districts.all()),
            "target_groups": list(application.target_groups.all()),
            "people_reached": max((report.people_reached for report in reports), default=None),
        },
    )
