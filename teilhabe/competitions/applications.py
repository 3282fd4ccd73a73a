"""The applicants' pages: start an application to an open call, work on the draft (texts, choices, budget plan,
files), submit it, read it, withdraw it; the list of one's own applications. And the coordinators' pages of a
call's applications: the list and the entry of an application that came on paper.

Every page of an application asks ``competitions.view_application``; someone who may not see it gets 404, as if it
did not exist.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.competitions import selectors, services
from teilhabe.competitions.forms import (
    ApplicationFileForm,
    ApplicationForm,
    ApplicationStartForm,
    EligibilityForm,
    PaperApplicationForm,
)
from teilhabe.competitions.models import Application
from teilhabe.competitions.workspace import _call, _call_crumbs, attempt
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.ui import int_or_404
from teilhabe.processes.selectors import process_get_published


def _application(request, pk, perm="competitions.view_application") -> Application:
    application = selectors.application_get(int_or_404(pk))
    if application is None or not rules.has_perm("competitions.view_application", request.user, application):
        raise NotFound()
    if perm != "competitions.view_application" and not rules.has_perm(perm, request.user, application):
        raise NotAllowed()
    return application


@login_required
def apply_view(request, slug, pk):
    """Start an application: how one applies (as the call allows) and the project's title; then the draft."""
    process = process_get_published(slug=slug)
    number = int_or_404(pk)
    call = selectors.call_get(number)
    if process is None or call is None or call.process_id != process.pk or not call.is_published:
        raise NotFound()
    if not rules.has_perm("competitions.apply", request.user, call):
        raise ApplicationError(_("This call does not take applications now."))
    kinds = selectors.applicant_kinds_for(request.user, call)
    organisations = selectors.organisations_represented_by(request.user) if call.allows_organisations else []
    by_pk = {organisation.pk: organisation for organisation in organisations}
    status = 200
    options = {"kinds": kinds, "organisations": organisations}
    if request.method == "POST":
        form = ApplicationStartForm(request.POST, **options)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            application, status = attempt(
                form,
                lambda: services.application_create(
                    user=request.user,
                    call=call,
                    kind=data["kind"],
                    organisation=by_pk.get(data.get("organisation")),
                    title=data["title"],
                    language=get_language(),
                ),
            )
            if application is not None:
                messages.success(request, _("Your draft was started. It is saved each time you save the form."))
                return redirect("competitions:application_edit", pk=application.pk)
    else:
        form = ApplicationStartForm(**options)
    return render(
        request,
        "competitions/application_start.html",
        {"process": process, "call": call, "form": form, "kinds": kinds},
        status=status,
    )


@login_required
def my_applications_view(request):
    return render(
        request, "competitions/applications_mine.html", {"applications": selectors.applications_of(request.user)}
    )


def _detail_context(request, application) -> dict:
    lines = selectors.application_lines(application)
    user = request.user
    return {
        "application": application,
        "call": application.call,
        "process": application.call.process,
        "lines": lines,
        "total": sum((line.amount for line in lines), 0),
        "files": selectors.application_files(application),
        "target_groups": list(application.target_groups.all()),
        "districts": list(application.districts.all()),
        "fields": list(application.fields_of_action.all()),
        "can_change": rules.has_perm("competitions.change_application", user, application),
        "can_withdraw": rules.has_perm("competitions.withdraw_application", user, application),
        "is_staff_view": rules.has_perm("competitions.view_applications", user, application.call),
        "eligibility": selectors.application_eligibility(application),
        "can_check": rules.has_perm("competitions.check_eligibility", user, application),
        "can_decide": rules.has_perm("competitions.decide", user, application),
        "decision": selectors.application_decision(application),
        "grant": selectors.application_grant(application),
        "can_consent": rules.has_perm("competitions.set_summary_consent", user, application)
        and selectors.support_state(application.call) != selectors.SupportState.NONE,
    }


@login_required
def application_view(request, pk):
    application = _application(request, pk)
    return render(request, "competitions/application.html", _detail_context(request, application))


@login_required
def application_edit_view(request, pk):
    application = _application(request, pk, "competitions.change_application")
    process = application.call.process
    status = 200
    if request.method == "POST":
        form = ApplicationForm(request.POST, process=process)
        status = 400
        if form.is_valid():
            done, status = attempt(
                form,
                lambda: services.application_update(user=request.user, application=application, **form.service_data()),
            )
            if done is not None:
                messages.success(request, _("Your draft was saved."))
                if "submit" in request.POST:
                    return redirect("competitions:application_submit", pk=application.pk)
                return redirect("competitions:application_edit", pk=application.pk)
    else:
        initial = {
            name: getattr(application, name)
            for name in (
                "title",
                "group_name",
                "description",
                "starts_on",
                "ends_on",
                "timeline",
                "requested",
                "own_contribution",
                "other_funding",
            )
        }
        initial["target_groups"] = list(application.target_groups.values_list("pk", flat=True))
        initial["districts"] = list(application.districts.values_list("pk", flat=True))
        initial["fields_of_action"] = list(application.fields_of_action.values_list("pk", flat=True))
        for row, line in enumerate(selectors.application_lines(application), start=1):
            initial[f"item_{row}"], initial[f"amount_{row}"] = line.item, line.amount
        form = ApplicationForm(initial=initial, process=process)
    return render(
        request,
        "competitions/application_edit.html",
        {
            **_detail_context(request, application),
            "form": form,
            "file_form": ApplicationFileForm(auto_id="file_%s"),
            "max_size": services.file_max_bytes(),
        },
        status=status,
    )


@login_required
def application_submit_view(request, pk):
    """A last look, then the submission; refusals name what is missing or which rule is broken."""
    application = _application(request, pk, "competitions.change_application")
    problems = {}
    status = 200
    if request.method == "POST":
        try:
            services.application_submit(user=request.user, application=application)
        except ApplicationError as error:
            if error.status_code == 403:
                raise
            problems = error.field_errors or {"": error.message}
            status = error.status_code
        else:
            messages.success(request, _("Your application was submitted. You will receive a confirmation by e-mail."))
            return redirect("competitions:application", pk=application.pk)
    else:
        problems = services._completeness(application)
    return render(
        request,
        "competitions/application_submit.html",
        {**_detail_context(request, application), "problems": list(problems.values())},
        status=status,
    )


@login_required
def application_withdraw_view(request, pk):
    application = _application(request, pk, "competitions.withdraw_application")
    if request.method == "POST":
        services.application_withdraw(user=request.user, application=application)
        messages.success(request, _("Your application was withdrawn."))
        return redirect("competitions:application", pk=application.pk)
    return render(request, "competitions/application_withdraw.html", _detail_context(request, application))


@require_POST
@login_required
def application_file_add_view(request, pk):
    application = _application(request, pk, "competitions.change_application")
    form = ApplicationFileForm(request.POST, request.FILES, auto_id="file_%s")
    if form.is_valid():
        try:
            services.application_file_add(
                user=request.user,
                application=application,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ApplicationError as error:
            if error.status_code == 403:
                raise
            messages.error(request, error.message)
            return redirect(reverse("competitions:application_edit", kwargs={"pk": application.pk}) + "#files-title")
        messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Please choose a file."))
    return redirect(reverse("competitions:application_edit", kwargs={"pk": application.pk}) + "#files-title")


@require_POST
@login_required
def application_file_remove_view(request, pk, file):
    application = _application(request, pk, "competitions.change_application")
    stored = application.files.filter(pk=int_or_404(file)).first()
    if stored is None:
        raise NotFound()
    services.application_file_remove(user=request.user, stored=stored)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("competitions:application_edit", kwargs={"pk": application.pk}) + "#files-title")


@login_required
def application_file_view(request, pk, file):
    """A private file, only to those who see the application; never cached."""
    application = _application(request, pk)
    stored = application.files.filter(pk=int_or_404(file)).first()
    if stored is None:
        raise NotFound()
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.pk}.{stored.file.name.rsplit(".", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# == the coordinators' pages of a call's applications ============================================================


@login_required
def call_applications_view(request, pk):
    call = _call(request, pk)
    applications = selectors.call_applications(call)
    checked = selectors.call_eligibility(call)
    return render(
        request,
        "competitions/work_applications.html",
        {
            "call": call,
            "process": call.process,
            "applications": applications,
            "drafts": selectors.call_applications(call, include_drafts=True).__len__() - len(applications),
            "eligible": {pk for pk, ok in checked.items() if ok},
            "ineligible": {pk for pk, ok in checked.items() if not ok},
            "crumbs": _call_crumbs(call.process, call),
        },
    )


@login_required
def paper_application_view(request, pk):
    call = _call(request, pk)
    if not rules.has_perm("competitions.enter_paper_application", request.user, call):
        raise NotAllowed()
    languages = list(settings.LANGUAGES)
    status = 200
    if request.method == "POST":
        form = PaperApplicationForm(request.POST, request.FILES, process=call.process, languages=languages)
        status = 400
        if form.is_valid():
            application, status = attempt(
                form,
                lambda: services.application_enter_paper(user=request.user, call=call, **form.service_data()),
            )
            if application is not None:
                messages.success(
                    request,
                    _("The application %(reference)s was entered.") % {"reference": application.reference},
                )
                return redirect("competitions:call_applications", pk=call.pk)
    else:
        form = PaperApplicationForm(process=call.process, languages=languages)
    return render(
        request,
        "competitions/work_paper_application.html",
        {"call": call, "process": call.process, "form": form, "crumbs": _call_crumbs(call.process, call)},
        status=status,
    )


@login_required
def eligibility_view(request, pk):
    """The checklist of a submitted application, the outcome and the reason; the applicant is told by mail."""
    application = _application(request, pk, "competitions.check_eligibility")
    current = selectors.application_eligibility(application)
    status = 200
    if request.method == "POST":
        form = EligibilityForm(request.POST)
        status = 400
        if form.is_valid():
            done, status = attempt(
                form,
                lambda: services.eligibility_record(user=request.user, application=application, **form.service_data()),
            )
            if done is not None:
                messages.success(request, _("The check was recorded and the applicant told."))
                return redirect("competitions:call_applications", pk=application.call_id)
    else:
        initial = {}
        if current is not None:
            initial = {f"check_{key}": value for key, value in current.checklist.items()}
            initial.update({"outcome": "eligible" if current.is_eligible else "ineligible", "reason": current.reason})
        form = EligibilityForm(initial=initial)
    return render(
        request,
        "competitions/work_eligibility.html",
        {**_detail_context(request, application), "form": form, "crumbs": _call_crumbs(application.call.process)},
        status=status,
    )


@login_required
@require_POST
def summary_consent_view(request, pk):
    """The applicant agrees (``consent=1``) or no longer agrees to a public summary in the support phase."""
    application = _application(request, pk, "competitions.set_summary_consent")
    services.application_summary_consent_set(
        user=request.user, application=application, consent=request.POST.get("consent") == "1"
    )
    messages.success(request, _("Your choice was saved."))
    return redirect("competitions:application", pk=application.pk)
