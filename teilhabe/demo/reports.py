"""The demo's council reports (issue 15): the council's Internationaler Ausschuss, its quarterly report schedule for
the process, a session of it (fictional, "(fiktiv)") and the first quarterly report — the last quarter that has
ended — made, frozen and published in the archive."""

import datetime

from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.reports import services as reports
from teilhabe.reports.models import Committee, CouncilReport, Meeting, ReportState
from teilhabe.reports.periods import period_of

COMMITTEE = "Internationaler Ausschuss"
MEETING = "Sitzung des Internationalen Ausschusses (fiktiv)"


def demo_reports(process, personas) -> CouncilReport:
    """The committee, its schedule and session, and its first quarterly report, published; a second run adds
    nothing."""
    coordinator = personas[Role.COORDINATOR]
    period = period_of(timezone.localdate()).next(-1)
    committee = Committee.objects.filter(city=process.city, name=COMMITTEE).first() or reports.committee_create(
        user=coordinator, process=process, name=COMMITTEE, short_name="IA"
    )
    if not committee.schedules.filter(process=process).exists():
        reports.schedule_set(
            user=coordinator, process=process, committee=committee, frequency="quarterly", first_period=str(period)
        )
    meeting = Meeting.objects.filter(committee=committee, name=MEETING).first() or reports.meeting_create(
        user=coordinator,
        process=process,
        committee=committee,
        name=MEETING,
        date=timezone.localdate() + datetime.timedelta(days=14),
    )
    published = CouncilReport.objects.filter(
        process=process, committee=committee, period=str(period), state=ReportState.PUBLISHED
    ).first()
    if published is not None:
        return published
    report = reports.report_request(
        user=coordinator, process=process, committee=committee, period=str(period), meeting=meeting, enqueue=False
    )
    reports.report_make(report_id=report.pk)
    report.refresh_from_db()
    report = reports.report_freeze(user=coordinator, report=report)
    return reports.report_publish(user=coordinator, report=report)
