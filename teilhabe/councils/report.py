"""The annual report of a council (Jahresbericht an den Bezirksrat) as a tagged, accessible PDF (WeasyPrint through
``core.pdf.render_pdf``): the sessions held and their attendance, the statements and their answers with the time
to answer, the funded activities and the budget balance, and the participation from the district by channel.

Everything is read by ``annual_report`` (one place, used by the command and the download page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation

from teilhabe.contributions.models import Channel
from teilhabe.core.mail import supported_language
from teilhabe.councils.models import AgendaItem, DistrictSpace, SessionAttendance
from teilhabe.councils.selectors import BudgetSummary, PositionRow, budget_summary, position_rows
from teilhabe.events.models import Event, EventState, EventType
from teilhabe.monitoring.metrics import district_participation_by_channel


@dataclass(frozen=True)
class SessionLine:
    date: datetime.date
    title: str
    attendance: int | None
    members_present: int | None
    guests: int | None
    agenda_items: int
    decisions: int


@dataclass(frozen=True)
class AnnualReport:
    space: DistrictSpace
    year: int
    sessions: list[SessionLine]
    attendance_total: int
    positions: list[PositionRow]
    answered: int
    overdue: int
    median_days: float | None
    budget: BudgetSummary
    channels: list[tuple[str, int]]
    contributions_total: int
    made_at: datetime.datetime


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def annual_report(space: DistrictSpace, year: int) -> AnnualReport:
    sessions = list(
        Event.objects.filter(
            type=EventType.COUNCIL_SESSION, organiser_council=space, state=EventState.HELD, starts_at__year=year
        )
        .annotate(items=Count("agenda_items"))
        .order_by("starts_at")
    )
    decided = dict(
        AgendaItem.objects.filter(session__in=sessions)
        .exclude(decision="")
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    present = {
        record.session_id: (record.member_count, record.guests)
        for record in SessionAttendance.objects.filter(session__in=sessions).annotate(member_count=Count("members"))
    }
    lines = [
        SessionLine(
            timezone.localdate(session.starts_at),
            session.title,
            session.attendance_total,
            present.get(session.pk, (None, None))[0],
            present.get(session.pk, (None, None))[1],
            session.items,
            decided.get(session.pk, 0),
        )
        for session in sessions
    ]
    positions = [row for row in position_rows(space, public=False, year=year) if row.state != "draft"]
    days = [row.days_to_answer for row in positions if row.days_to_answer is not None]
    channel_labels = dict(Channel.choices)
    counts = district_participation_by_channel(district=space.district, year=year)
    channels = [(str(channel_labels.get(channel, channel)), n) for channel, n in counts]
    return AnnualReport(
        space=space,
        year=year,
        sessions=lines,
        attendance_total=sum(line.attendance or 0 for line in lines),
        positions=positions,
        answered=len(days),
        overdue=sum(1 for row in positions if row.overdue),
        median_days=_median(days),
        budget=budget_summary(space, year),
        channels=channels,
        contributions_total=sum(n for _label, n in channels),
        made_at=timezone.localtime(),
    )


def report_title(space: DistrictSpace, year: int) -> str:
    from django.utils.translation import gettext as _

    return _("Annual report %(year)d of the %(council)s") % {"year": year, "council": space.name}


def render_annual_report(space: DistrictSpace, year: int, language: str) -> bytes:
    """The report as a tagged PDF in ``language`` (headings and labels; the council's texts as written)."""
    from teilhabe.core.pdf import render_pdf

    language = supported_language(language)
    with translation.override(language):
        report = annual_report(space, year)
        title = report_title(space, year)
        return render_pdf(
            template="councils/annual_report.html",
            context={"report": report, "demo": settings.TEILHABE_DEMO},
            language=language,
            title=title,
        )
