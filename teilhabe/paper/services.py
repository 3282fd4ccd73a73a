"""Writes of paper forms: a print run is recorded (its serial range allocated under a lock), then its PDF is made
in the background and kept in private storage. Every state change is audited."""

import datetime
import logging

import rules
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.events.models import Event
from teilhabe.paper.models import COUNT_MAX, NUMBER_MAX, PLACE_MAX, PrintKind, PrintRun, PrintState
from teilhabe.processes.models import Process

logger = logging.getLogger(__name__)


def _checked(*, process, kind: str, language: str, count, event, place: str) -> tuple[int, str]:
    errors = {}
    if kind not in PrintKind.values:
        errors["kind"] = _("Please choose forms or a poster.")
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Please choose a language from the list.")
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= COUNT_MAX:
        errors["count"] = _("Please enter a number of sheets from 1 to %(max)s.") % {"max": COUNT_MAX}
    if event is not None and event.process_id != process.pk:
        errors["event"] = _("Please choose an event of this process.")
    place = clean_plain_text(place)
    if len(place) > PLACE_MAX:
        errors["place"] = _("Please shorten the place to at most %(max)s characters.") % {"max": PLACE_MAX}
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)
    return count, place


def _next_number(process_id: int) -> int:
    """The first free serial number of the process. The caller holds the lock on the process row."""
    top = PrintRun.objects.filter(process_id=process_id, kind=PrintKind.FORM).aggregate(
        top=Max(F("first_number") + F("count") - 1)
    )["top"]
    return (top or 0) + 1


@transaction.atomic
def print_run_create(
    *,
    user,
    process,
    kind: str = PrintKind.FORM,
    language: str,
    count: int,
    event: Event | None = None,
    place: str = "",
    enqueue: bool = True,
) -> PrintRun:
    """Record a print run of ``process`` and queue its PDF (``tasks.print_run_make``).

    Forms get the next ``count`` serial numbers of the process, contiguous and never given twice, also with
    writers in parallel: the process row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writes one at a
    time anyway) while the range is read and taken. ``user`` None: printed by the ``paper_forms`` command.
    ``enqueue=False``: the caller makes the PDF itself (``print_run_make``), as the command does.
    """
    if user is not None and not rules.has_perm("paper.print_forms", user, process):
        raise NotAllowed()
    count, place = _checked(process=process, kind=kind, language=language, count=count, event=event, place=place)
    locked = Process.objects.select_for_update().only("pk").get(pk=process.pk)
    first_number = 0
    if kind == PrintKind.FORM:
        first_number = _next_number(locked.pk)
        if first_number + count - 1 > NUMBER_MAX:
            message = _("This process has used up its serial numbers (at most %(max)s sheets).") % {"max": NUMBER_MAX}
            raise ApplicationError(message, field_errors={"count": message})
    run = PrintRun.objects.create(
        process=process,
        kind=kind,
        language=language,
        count=count,
        first_number=first_number,
        event=event,
        place=place,
        printed_by=user,
    )
    audit_record(
        actor=user,
        action="print_run.created",
        obj=run,
        data={
            "process": process.pk,
            "kind": kind,
            "language": language,
            "count": count,
            "first_number": first_number,
            "event": event.pk if event is not None else None,
            "place": place,
        },
    )
    if enqueue:

        def queue():
            from teilhabe.paper.tasks import print_run_make as make_task

            make_task.enqueue(run_id=run.pk)

        transaction.on_commit(queue, robust=True)
    return run


def print_run_make(*, run_id: int) -> str:
    """Make a queued run's PDF (the task's work): claimed with a conditional update (queued → being made), so a
    second run of the task does nothing; then ready with the file, or failed. Returns what happened."""
    from teilhabe.paper.documents import print_run_filename, print_run_pdf

    claimed = PrintRun.objects.filter(pk=run_id, state=PrintState.QUEUED).update(
        state=PrintState.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    run = PrintRun.objects.select_related("process__city", "event", "printed_by").get(pk=run_id)
    try:
        pdf = print_run_pdf(run)
        with transaction.atomic():
            run.file.save(print_run_filename(run), ContentFile(pdf), save=False)
            run.state = PrintState.DONE
            run.finished_at = timezone.now()
            run.save(update_fields=["file", "state", "finished_at", "updated_at"])
            audit_record(actor=run.printed_by, action="print_run.made", obj=run, data={"bytes": len(pdf)})
    except Exception:
        logger.exception("Print run %s failed", run_id)
        PrintRun.objects.filter(pk=run_id).update(
            state=PrintState.FAILED, finished_at=timezone.now(), updated_at=timezone.now()
        )
        return "failed"
    return "done"


RUN_STALE_AFTER = datetime.timedelta(minutes=15)  # 1,000 sheets take well under a minute: the worker is gone


def print_runs_recover(*, now=None) -> int:
    """Queue again the print runs whose worker died (being made for ``RUN_STALE_AFTER``) or whose task never
    reached the queue (queued as long); a housekeeping job. Each is taken back with a conditional update on its
    last change, and the task claims it again, so two runs of this job at once make it once. Returns how many."""
    from teilhabe.paper.tasks import print_run_make as make_task

    now = now or timezone.now()
    stale = PrintRun.objects.filter(
        state__in=[PrintState.QUEUED, PrintState.RUNNING], updated_at__lt=now - RUN_STALE_AFTER
    )
    requeued = 0
    for pk, changed in stale.values_list("pk", "updated_at"):
        with transaction.atomic():
            taken = PrintRun.objects.filter(pk=pk, updated_at=changed).update(state=PrintState.QUEUED, updated_at=now)
            if taken:
                audit_record(actor=None, action="print_run.requeued", obj=PrintRun(pk=pk))
                transaction.on_commit(lambda pk=pk: make_task.enqueue(run_id=pk), robust=True)
                requeued += 1
    return requeued
