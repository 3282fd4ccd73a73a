"""Council reports' pages: the coordinators' screen of a process (committees, schedules, sessions, reports asked
for and followed while they are made, frozen, published), and the public archive of published reports."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.reports import selectors, services
from teilhabe.reports.forms import CommitteeForm, MeetingForm, ReportRequestForm, ScheduleForm
from teilhabe.reports.models import WORKING_STATES, Committee, Meeting, ReportState
from teilhabe.reports.periods import period_of

REFRESH_SECONDS = 3
FILES = {
    "pdf": ("pdf", "application/pdf", "report.pdf"),
    "data": ("data_package", "application/zip", "data.zip"),
    "oparl": ("oparl", "application/json", "oparl.json"),
}


def _process_for(request, slug, permission="reports.view_drafts"):
    process = selectors.report_process(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm(permission, request.user, process):
        raise NotAllowed()
    return process


def _title(process) -> str:
    return localise(process, "title", get_language()).text


def _request_form(process, data=None):
    committees = Committee.objects.filter(city_id=process.city_id).order_by("name")
    meetings = Meeting.objects.filter(committee__city_id=process.city_id).select_related("committee")
    # The quarter that ended last is the one a committee usually gets its report on.
    previous = period_of(timezone.localdate()).next(-1)
    return ReportRequestForm(
        data, committees=committees, meetings=meetings, initial={"language": "de", "period": str(previous)}
    )


@login_required
def reports_view(request, slug):
    """A process's council reports: ask for one (coordinators), and every version made, newest period first."""
    process = _process_for(request, slug)
    may_generate = rules.has_perm("reports.generate_report", request.user, process)
    form = _request_form(process) if may_generate else None
    status = 200
    if request.method == "POST":
        if not may_generate:
            raise NotAllowed()
        form = _request_form(process, request.POST)
        if form.is_valid():
            try:
                report = services.report_request(user=request.user, process=process, **form.cleaned_data)
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("The report is being made."))
                return redirect("reports:report", slug=process.slug, pk=report.pk)
        status = 400
    paginator = Paginator(selectors.reports_of(process), settings.TEILHABE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise NotFound() from exc
    return render(
        request,
        "reports/reports.html",
        {
            "process": process,
            "process_title": _title(process),
            "form": form,
            "reports": list(page.object_list),
            "page": page,
            "schedules": selectors.schedules_of(process),
            "may_manage": rules.has_perm("reports.manage_committees", request.user, process),
        },
        status=status,
    )


@login_required
def committees_view(request, slug):
    """The committees of the process's city, their report schedules for this process and their sessions."""
    process = _process_for(request, slug, "reports.manage_committees")
    committees = Committee.objects.filter(city_id=process.city_id).order_by("name")
    forms = {
        "committee": CommitteeForm(),
        "schedule": ScheduleForm(committees=committees),
        "meeting": MeetingForm(committees=committees),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which not in forms:
            raise ApplicationError(_("The request could not be processed."))
        form_class = {"committee": CommitteeForm, "schedule": ScheduleForm, "meeting": MeetingForm}[which]
        extra = {} if which == "committee" else {"committees": committees}
        form = forms[which] = form_class(request.POST, **extra)
        if form.is_valid():
            service = {
                "committee": services.committee_create,
                "schedule": services.schedule_set,
                "meeting": services.meeting_create,
            }[which]
            try:
                service(user=request.user, process=process, **form.cleaned_data)
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("reports:committees", slug=process.slug)
        status = 400
    return render(
        request,
        "reports/committees.html",
        {
            "process": process,
            "process_title": _title(process),
            "committees": list(committees),
            "schedules": selectors.schedules_of(process),
            "meetings": selectors.meetings_of(process),
            "forms": forms,
        },
        status=status,
    )


def _report_for(request, slug, pk):
    process = _process_for(request, slug)
    report = selectors.report_get(process, int_or_404(pk))
    if report is None:
        raise NotFound()
    return process, report


@login_required
def report_view(request, slug, pk):
    """One version of a report: its progress while it is made (the page reloads itself, no JavaScript needed), then
    its files; a coordinator freezes a draft and publishes a frozen one."""
    process, report = _report_for(request, slug, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "freeze":
            services.report_freeze(user=request.user, report=report)
            messages.success(request, _("The report is frozen: its files no longer change."))
        elif action == "publish":
            services.report_publish(user=request.user, report=report)
            messages.success(request, _("The report is published in the archive."))
        else:
            raise ApplicationError(_("The request could not be processed."))
        return redirect("reports:report", slug=process.slug, pk=report.pk)
    working = report.state in WORKING_STATES
    return render(
        request,
        "reports/report.html",
        {
            "process": process,
            "process_title": _title(process),
            "report": report,
            "working": working,
            "refresh": REFRESH_SECONDS if working and request.GET.get("auto") != "0" else None,
            "may_freeze": report.state == ReportState.DRAFT
            and rules.has_perm("reports.freeze_report", request.user, report),
            "may_publish": report.state == ReportState.FROZEN
            and rules.has_perm("reports.publish_report", request.user, report),
            "may_correct": report.is_final and rules.has_perm("reports.generate_report", request.user, process),
        },
    )


def _file_response(report, kind):
    if kind not in FILES:
        raise NotFound()
    field, content_type, name = FILES[kind]
    stored = getattr(report, field)
    if not stored:
        raise NotFound()
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    filename = f"{report.reference}-{name}"
    response = FileResponse(handle, as_attachment=kind != "oparl", filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_file_view(request, slug, pk, kind):
    """A report's file (a draft's too) for those who read drafts; private, never cached."""
    _process, report = _report_for(request, slug, pk)
    if report.state in WORKING_STATES:
        raise NotFound()
    response = _file_response(report, kind)
    response["Cache-Control"] = "private, no-store"
    return response


def archive_view(request):
    """Every published report, by committee and period, with its PDF, data package and OParl JSON."""
    return render(
        request,
        "reports/archive.html",
        {"archive": selectors.archive(), "work": selectors.processes_with_report_work(request.user)},
    )


def public_report_view(request, pk):
    report = selectors.published_report_get(int_or_404(pk))
    if report is None:
        raise NotFound()
    return render(
        request,
        "reports/public_report.html",
        {
            "report": report,
            "process_title": _title(report.process),
            "corrections": report.corrections.filter(state=ReportState.PUBLISHED),
        },
    )


def public_file_view(request, pk, kind):
    report = selectors.published_report_get(int_or_404(pk))
    if report is None:
        raise NotFound()
    response = _file_response(report, kind)
    # A published report's files were fixed when it was frozen; a correction gets URLs of its own.
    response["Cache-Control"] = "public, max-age=86400"
    return response
