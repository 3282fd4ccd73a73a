"""Background work run by the task worker (django-tasks; `manage.py db_worker`).

Housekeeping is one task that runs the jobs listed in ``TEILHABE_HOUSEKEEPING_JOBS`` (dotted paths, so that core
imports no higher app) and then puts itself back in the queue for ``TEILHABE_HOUSEKEEPING_INTERVAL`` seconds
later. Every job must be safe to run twice. ``manage.py schedule_housekeeping`` makes sure one run is waiting.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task

logger = logging.getLogger(__name__)


def housekeeping_run_jobs() -> dict[str, str]:
    """Run every configured job once; one job failing or missing does not stop the others.

    Returns each job's outcome: "ok", "failed" or "missing" (both logged as errors).
    """
    outcomes = {}
    for path in settings.TEILHABE_HOUSEKEEPING_JOBS:
        try:
            job = import_string(path)
        except ImportError:
            logger.error("Housekeeping job %s does not exist; skipped.", path)
            outcomes[path] = "missing"
            continue
        try:
            job()
        except Exception:  # noqa: BLE001 - logged with its traceback; the other jobs still run
            logger.exception("Housekeeping job %s failed.", path)
            outcomes[path] = "failed"
        else:
            outcomes[path] = "ok"
    return outcomes


def _housekeeping_waiting() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=housekeeping.module_path, status=TaskResultStatus.READY).exists()


def housekeeping_schedule(*, delay: datetime.timedelta | None = None) -> bool:
    """Make sure one housekeeping run waits in the queue; returns whether this call added it. Idempotent.

    Only a queue that can defer (the database backend) keeps a run waiting; on the immediate backend (tests,
    DEBUG without a worker) nothing is scheduled, so a run never triggers the next one at once.
    """
    backend = housekeeping.get_backend()
    if not backend.supports_defer or _housekeeping_waiting():
        return False
    housekeeping.using(run_after=timezone.now() + (delay or datetime.timedelta())).enqueue()
    return True


class HousekeepingIncomplete(Exception):
    """A job failed or does not exist: the run is marked failed in the task results (admin), loudly."""


@task()
def housekeeping() -> dict[str, str]:
    outcomes = housekeeping_run_jobs()
    housekeeping_schedule(delay=datetime.timedelta(seconds=settings.TEILHABE_HOUSEKEEPING_INTERVAL))
    problems = [f"{path}: {outcome}" for path, outcome in outcomes.items() if outcome != "ok"]
    if problems:
        raise HousekeepingIncomplete("; ".join(problems))
    return outcomes
