"""Background work: housekeeping runs its jobs, survives a missing one, and keeps exactly one run waiting."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from teilhabe.core.services import audit_checkpoint_latest, audit_head, audit_record
from teilhabe.core.tasks import housekeeping, housekeeping_schedule

RUNS = []
COUNTING_JOB = "teilhabe.core.tests.test_tasks.counting_job"


def counting_job():
    RUNS.append(timezone.now())


@pytest.fixture(autouse=True)
def _no_runs():
    RUNS.clear()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_settings_name_the_audit_checkpoint_and_the_purge_of_unconfirmed_contributions(settings):
    assert settings.TEILHABE_HOUSEKEEPING_JOBS == [
        "teilhabe.core.services.audit_checkpoint_job",
        "teilhabe.contributions.services.contribution_purge_unconfirmed",
        "teilhabe.administration.services.notifications_housekeeping",
        "teilhabe.administration.services.consideration_exports_recover",
        "teilhabe.events.services.registrations_housekeeping",
        "teilhabe.events.services.registrations_purge",
        "teilhabe.analog.services.scans_purge",
        "teilhabe.stakeholders.services.contact_persons_purge",
        "teilhabe.imports.services.import_runs_recover",
        "teilhabe.paper.services.print_runs_recover",
    ]


def test_housekeeping_writes_the_audit_checkpoint(process):
    audit_record(actor=None, action="test.entry", obj=process)
    result = housekeeping.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert audit_checkpoint_latest() == audit_head() and audit_head().count >= 1


def test_housekeeping_runs_once_on_the_immediate_backend(settings, db):
    settings.TEILHABE_HOUSEKEEPING_JOBS = [COUNTING_JOB]
    result = housekeeping.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(RUNS) == 1  # it cannot defer, so it does not enqueue itself again (no recursion)
    assert housekeeping_schedule() is False


def test_a_missing_job_is_reported_and_the_others_still_run(settings, db, caplog):
    settings.TEILHABE_HOUSEKEEPING_JOBS = ["teilhabe.core.no_such_module.job", COUNTING_JOB]
    with caplog.at_level(logging.ERROR, logger="teilhabe.core.tasks"):
        result = housekeeping.enqueue()
    assert len(RUNS) == 1
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "teilhabe.core.tasks.HousekeepingIncomplete"
    assert "teilhabe.core.no_such_module.job does not exist" in caplog.text


def test_schedule_command_without_a_deferring_queue_runs_the_jobs_once(settings, db, capsys):
    settings.TEILHABE_HOUSEKEEPING_JOBS = [COUNTING_JOB]
    call_command("schedule_housekeeping")
    assert len(RUNS) == 1 and f"{COUNTING_JOB}: ok" in capsys.readouterr().out


def test_schedule_command_keeps_exactly_one_run_waiting(database_queue, db):
    call_command("schedule_housekeeping")
    call_command("schedule_housekeeping")
    waiting = DBTaskResult.objects.filter(task_path="teilhabe.core.tasks.housekeeping")
    assert waiting.count() == 1 and waiting.get().status == TaskResultStatus.READY
    assert RUNS == []  # only the worker runs it


def test_the_worker_runs_housekeeping_and_it_schedules_the_next_run(database_queue, settings, transactional_db):
    settings.TEILHABE_HOUSEKEEPING_JOBS = [COUNTING_JOB]
    settings.TEILHABE_HOUSEKEEPING_INTERVAL = 3600
    call_command("schedule_housekeeping")
    call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
    assert len(RUNS) == 1
    done, waiting = DBTaskResult.objects.order_by("enqueued_at")
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert waiting.status == TaskResultStatus.READY
    expected = timezone.now() + datetime.timedelta(hours=1)
    assert abs(waiting.run_after - expected) < datetime.timedelta(minutes=1)
    housekeeping.call()  # a second run at the same time adds no second waiting run
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
