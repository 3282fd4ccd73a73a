"""Reads of council reports: committees, schedules and sessions of a process's city, a process's reports, and the
public archive (published reports only)."""

from __future__ import annotations

from collections import OrderedDict

from teilhabe.processes.models import Process
from teilhabe.processes.selectors import is_committee_member, process_ids_evaluated_by
from teilhabe.reports.models import Committee, CouncilReport, Meeting, ReportSchedule, ReportState


def report_process(*, slug: str) -> Process | None:
    return Process.objects.select_related("city").filter(slug=slug).first()


def committees_of(process) -> list[Committee]:
    return list(Committee.objects.filter(city_id=process.city_id).order_by("name"))


def committee_get(process, pk) -> Committee | None:
    return Committee.objects.filter(city_id=process.city_id, pk=pk).first()


def meeting_get(committee, pk) -> Meeting | None:
    return Meeting.objects.filter(committee=committee, pk=pk).first()


STEP_QUARTERS = {"quarterly": 1, "half_yearly": 2, "yearly": 4}


def schedules_of(process, *, today=None) -> list[ReportSchedule]:
    """The process's report schedules, each with ``due``: the periods it asks for up to the current quarter, newest
    first, as (period, state of its newest report or None). Two queries whatever the number of reports."""
    from django.utils import timezone

    from teilhabe.reports.periods import period_of, period_parse

    schedules = list(ReportSchedule.objects.filter(process=process).select_related("committee"))
    newest = {}
    for committee_id, period, state in (
        CouncilReport.objects.filter(process=process).order_by("version").values_list("committee_id", "period", "state")
    ):
        newest[(committee_id, period)] = state
    now = period_of(today or timezone.localdate())
    for schedule in schedules:
        due, period = [], period_parse(schedule.first_period)
        while period <= now and len(due) < 200:
            due.append((str(period), newest.get((schedule.committee_id, str(period)))))
            period = period.next(STEP_QUARTERS.get(schedule.frequency, 1))
        schedule.due = list(reversed(due))[:8]
    return schedules


def meetings_of(process) -> list[Meeting]:
    return list(Meeting.objects.filter(committee__city_id=process.city_id).select_related("committee"))


def reports_of(process):
    """The process's reports, every version, newest period first (a queryset, to paginate)."""
    return CouncilReport.objects.filter(process=process).select_related("committee", "meeting", "corrects", "process")


def report_get(process, pk) -> CouncilReport | None:
    return (
        CouncilReport.objects.filter(process=process, pk=pk)
        .select_related("committee", "meeting", "corrects", "process__city")
        .first()
    )


def committee_by_name(process, name: str) -> Committee | None:
    return Committee.objects.filter(city_id=process.city_id, name__iexact=name.strip()).first()


def published_report_get(pk) -> CouncilReport | None:
    return (
        CouncilReport.objects.filter(pk=pk, state=ReportState.PUBLISHED)
        .select_related("committee", "meeting", "corrects", "process__city")
        .first()
    )


def archive() -> OrderedDict:
    """Published reports by committee, then period (newest first), each period's versions newest first:
    ``{committee: {period: [report, …]}}``. Two queries whatever the number of reports."""
    reports = (
        CouncilReport.objects.filter(state=ReportState.PUBLISHED)
        .select_related("committee", "meeting", "corrects", "process")
        .order_by("committee__name", "committee_id", "-period", "-version")
    )
    grouped: OrderedDict = OrderedDict()
    corrected = set(
        CouncilReport.objects.filter(state=ReportState.PUBLISHED, corrects__isnull=False).values_list(
            "corrects_id", flat=True
        )
    )
    for report in reports:
        report.is_corrected = report.pk in corrected
        grouped.setdefault(report.committee, OrderedDict()).setdefault(report.period, []).append(report)
    return grouped


def processes_with_report_work(user) -> list[Process]:
    """The processes whose reports (drafts too) ``user`` reads: those they coordinate or evaluate; every published
    process for a committee member."""
    if not getattr(user, "is_authenticated", False):
        return []
    from teilhabe.processes.selectors import process_ids_coordinated_by

    processes = Process.objects.order_by("title")
    if is_committee_member(user):
        return list(processes.filter(is_published=True))
    ids = process_ids_coordinated_by(user) | process_ids_evaluated_by(user)
    return list(processes.filter(pk__in=ids)) if ids else []
