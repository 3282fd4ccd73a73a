"""Writes of council reports: committees, their schedules and sessions; a report requested, made in the background,
frozen (its files and hashes fixed, the audit chain's head printed in it) and published. Every step is audited."""

from __future__ import annotations

import datetime
import hashlib
import logging

import rules
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.core.disclosure import small_cell_k
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.mail import supported_language
from teilhabe.core.services import audit_head, audit_record, audit_seal
from teilhabe.core.text import clean_plain_text
from teilhabe.reports.documents import ReportFiles, report_files
from teilhabe.reports.models import (
    WORKING_STATES,
    Committee,
    CouncilReport,
    Frequency,
    Meeting,
    ReportSchedule,
    ReportState,
)
from teilhabe.reports.periods import period_of, period_parse
from teilhabe.reports.tables import report_tables

logger = logging.getLogger(__name__)

NAME_MAX = 200
# A report takes seconds; one "being made" (or queued) this long ago lost its worker and may be asked for again.
STALE_AFTER = datetime.timedelta(minutes=15)


def _require(user, permission: str, obj) -> None:
    if user is not None and not rules.has_perm(permission, user, obj):
        raise NotAllowed()


def _checked_name(name, *, field: str = "name", limit: int = NAME_MAX) -> str:
    name = clean_plain_text(name or "")
    if not name:
        message = _("Please enter a name.")
        raise ApplicationError(message, field_errors={field: message})
    if len(name) > limit:
        message = _("Please shorten the name to at most %(max)s characters.") % {"max": limit}
        raise ApplicationError(message, field_errors={field: message})
    return name


def _own_committee(process, committee) -> None:
    if committee is None or committee.city_id != process.city_id:
        message = _("Please choose a committee of this city.")
        raise ApplicationError(message, field_errors={"committee": message})


@transaction.atomic
def committee_create(*, user, process, name: str, short_name: str = "", website: str = "") -> Committee:
    """A committee of the process's city council (Ausschuss), e.g. the Internationaler Ausschuss."""
    _require(user, "reports.manage_committees", process)
    name = _checked_name(name)
    short_name = clean_plain_text(short_name or "")[:40]
    if Committee.objects.filter(city_id=process.city_id, name__iexact=name).exists():
        message = _("This city already has a committee of this name.")
        raise ApplicationError(message, field_errors={"name": message})
    committee = Committee.objects.create(city_id=process.city_id, name=name, short_name=short_name, website=website)
    audit_record(actor=user, action="committee.created", obj=committee, data={"name": name, "city": process.city_id})
    return committee


@transaction.atomic
def schedule_set(*, user, process, committee, frequency: str, first_period: str) -> ReportSchedule:
    """How often ``committee`` gets a report on ``process``, from which quarter on (replaces an earlier one)."""
    _require(user, "reports.manage_committees", process)
    _own_committee(process, committee)
    if frequency not in Frequency.values:
        message = _("Please choose how often the committee gets a report.")
        raise ApplicationError(message, field_errors={"frequency": message})
    period = str(period_parse(first_period))
    schedule, created = ReportSchedule.objects.update_or_create(
        committee=committee, process=process, defaults={"frequency": frequency, "first_period": period}
    )
    audit_record(
        actor=user,
        action="report_schedule.created" if created else "report_schedule.changed",
        obj=schedule,
        data={"committee": committee.pk, "process": process.pk, "frequency": frequency, "first_period": period},
    )
    return schedule


@transaction.atomic
def meeting_create(*, user, process, committee, name: str, date) -> Meeting:
    """A session of ``committee`` to which reports are submitted."""
    _require(user, "reports.manage_committees", process)
    _own_committee(process, committee)
    name = _checked_name(name)
    if not isinstance(date, datetime.date):
        message = _("Please enter the date of the session.")
        raise ApplicationError(message, field_errors={"date": message})
    meeting = Meeting.objects.create(committee=committee, name=name, date=date)
    audit_record(
        actor=user,
        action="committee_meeting.created",
        obj=meeting,
        data={"committee": committee.pk, "name": name, "date": date.isoformat()},
    )
    return meeting


def _queue(report_id: int) -> None:
    def queue():
        from teilhabe.reports.tasks import report_make as make_task

        make_task.enqueue(report_id=report_id)

    transaction.on_commit(queue, robust=True)


@transaction.atomic
def report_request(
    *, user, process, committee, period: str, meeting=None, language: str = "de", enqueue: bool = True
) -> CouncilReport:
    """Ask for the report to ``committee`` on ``process`` for ``period`` (YYYY-Qn), made in the background.

    A draft (or a failed attempt) of the period is made again in place; once the newest version is frozen, the new
    one is the next version and corrects it. ``user`` None: the ``council_report`` command. ``enqueue=False``: the
    caller makes it itself (``report_make``)."""
    _require(user, "reports.generate_report", process)
    _own_committee(process, committee)
    parsed = period_parse(period)
    if parsed > period_of(timezone.localdate()):
        message = _("This period has not begun yet: please choose the current quarter or an earlier one.")
        raise ApplicationError(message, field_errors={"period": message})
    if meeting is not None and meeting.committee_id != committee.pk:
        message = _("Please choose a session of this committee.")
        raise ApplicationError(message, field_errors={"meeting": message})
    language = supported_language(language)
    versions = CouncilReport.objects.select_for_update().filter(
        process=process, committee=committee, period=str(parsed)
    )
    latest = versions.order_by("-version").first()
    if latest is not None and latest.state in WORKING_STATES and latest.updated_at > timezone.now() - STALE_AFTER:
        raise Conflict(_("This report is being made right now: please wait until it is ready."))
    if latest is not None and not latest.is_final:
        report = latest
        report.state, report.progress, report.step = ReportState.QUEUED, 0, ""
        report.meeting, report.language, report.requested_by = meeting, language, user
        report.save(update_fields=["state", "progress", "step", "meeting", "language", "requested_by", "updated_at"])
        action = "council_report.remake_requested"
    else:
        top = versions.aggregate(top=Max("version"))["top"] or 0
        report = CouncilReport.objects.create(
            process=process,
            committee=committee,
            period=str(parsed),
            version=top + 1,
            corrects=latest,
            meeting=meeting,
            language=language,
            requested_by=user,
        )
        action = "council_report.requested"
    audit_record(
        actor=user,
        action=action,
        obj=report,
        data={
            "process": process.pk,
            "committee": committee.pk,
            "period": report.period,
            "version": report.version,
            "corrects": report.corrects_id,
            "meeting": meeting.pk if meeting else None,
            "language": language,
        },
    )
    if enqueue:
        _queue(report.pk)
    return report


def _progress(report_id: int, percent: int, step: str) -> None:
    # Outside the caller's transaction (there is none): the coordinator's page reads it while the work goes on.
    CouncilReport.objects.filter(pk=report_id).update(progress=percent, step=step, updated_at=timezone.now())


def _store(report: CouncilReport, files: ReportFiles) -> None:
    """Put the files into private storage (replacing a draft's) and note their hashes."""
    for field in ("pdf", "data_package", "oparl"):
        old = getattr(report, field)
        if old:
            old.delete(save=False)
    stem = f"{report.reference}-{report.language}"
    report.pdf.save(f"{stem}.pdf", ContentFile(files.pdf), save=False)
    report.data_package.save(f"{stem}-data.zip", ContentFile(files.data_zip), save=False)
    report.oparl.save(f"{stem}-oparl.json", ContentFile(files.oparl), save=False)
    report.pdf_sha256 = hashlib.sha256(files.pdf).hexdigest()
    report.pdf_sha512 = hashlib.sha512(files.pdf).hexdigest()
    report.data_sha256 = hashlib.sha256(files.data_zip).hexdigest()
    report.oparl_sha256 = hashlib.sha256(files.oparl).hexdigest()


def _hashes(report) -> dict:
    return {
        "pdf_sha256": report.pdf_sha256,
        "pdf_sha512": report.pdf_sha512,
        "data_sha256": report.data_sha256,
        "oparl_sha256": report.oparl_sha256,
    }


def report_make(*, report_id: int) -> str:
    """Make a queued report (the task's work): claimed with a conditional update (queued → being made), so a second
    run does nothing; its tables are read from the metrics module, its files rendered and stored as a draft (or it
    fails, with nothing half-saved). Returns what happened."""
    claimed = CouncilReport.objects.filter(pk=report_id, state=ReportState.QUEUED).update(
        state=ReportState.RUNNING, progress=2, step="tables", updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    report = CouncilReport.objects.select_related("process__city", "committee", "meeting", "corrects").get(pk=report_id)
    try:
        with translation.override(report.language):
            tables = report_tables(
                report.process,
                until=period_parse(report.period).end,
                on_table=lambda done, of: _progress(report_id, 2 + 48 * done // of, "tables"),
            )
        made_at = timezone.now()
        report.made_at = made_at
        report.content = {
            "tables": [table.as_dict() for table in tables],
            "made_at": made_at.isoformat(),
            "k": small_cell_k(),
        }
        _progress(report_id, 55, "documents")
        files = report_files(report, report.content)
        _progress(report_id, 90, "storing")
        with transaction.atomic():
            _store(report, files)
            report.state, report.progress, report.step = ReportState.DRAFT, 100, ""
            report.save()
            audit_record(
                actor=report.requested_by,
                action="council_report.made",
                obj=report,
                data={"tables": [table.key for table in tables], **_hashes(report)},
            )
    except Exception:
        logger.exception("Council report %s failed", report_id)
        with transaction.atomic():
            CouncilReport.objects.filter(pk=report_id).update(
                state=ReportState.FAILED, step="", updated_at=timezone.now()
            )
            audit_record(actor=None, action="council_report.failed", obj=CouncilReport(pk=report_id))
        return "failed"
    return "done"


def report_freeze(*, user, report: CouncilReport) -> CouncilReport:
    """Freeze a draft: its PDF is rendered once more from the same content with the audit chain's head printed in
    it, and its files and their hashes are stored for good. A frozen report never changes; a correction is a new
    version (``report_request``)."""
    _require(user, "reports.freeze_report", report)
    if report.state != ReportState.DRAFT:
        raise Conflict(_("Only a draft can be frozen."))
    audit_seal()  # chain what is pending, so that the head printed is the newest entry
    head = audit_head()
    changed = report.updated_at
    report.state, report.frozen_at, report.frozen_by = ReportState.FROZEN, timezone.now(), user
    report.audit_count, report.audit_hash = head.count, head.hash
    files = report_files(report, report.content, audit={"count": head.count, "hash": head.hash})
    with transaction.atomic():
        current = CouncilReport.objects.select_for_update().filter(pk=report.pk).values_list("state", "updated_at")
        if list(current) != [(ReportState.DRAFT, changed)]:
            raise Conflict(_("This report changed meanwhile: please look at it again before freezing it."))
        _store(report, files)
        report.save()
        audit_record(
            actor=user,
            action="council_report.frozen",
            obj=report,
            data={"audit_count": head.count, "audit_hash": head.hash, **_hashes(report)},
        )
    return report


@transaction.atomic
def report_publish(*, user, report: CouncilReport) -> CouncilReport:
    """Put a frozen report into the public archive (its files stay exactly as frozen)."""
    _require(user, "reports.publish_report", report)
    updated = CouncilReport.objects.filter(pk=report.pk, state=ReportState.FROZEN).update(
        state=ReportState.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("Only a frozen report can be published."))
    report.refresh_from_db()
    audit_record(actor=user, action="council_report.published", obj=report, data=_hashes(report))
    return report
