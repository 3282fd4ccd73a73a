"""Retention: scans past TEILHABE_SCAN_RETENTION_DAYS lose their file (the transcribed contribution stays), each
removal audited; the command and the housekeeping job run it, and running it twice changes nothing more."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from teilhabe.analog.models import Scan
from teilhabe.analog.services import analog_entry_record, scans_purge
from teilhabe.analog.tests.conftest import entry, pdf_bytes, serial, stored_files, upload
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import audit_verify
from teilhabe.core.tasks import housekeeping_run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def scans(process, coordinator, print_run, settings):
    """Two scans: one uploaded 400 days ago (past the 365 days set here), one yesterday."""
    settings.TEILHABE_SCAN_RETENTION_DAYS = 365
    made = []
    for number, days in ((1, 400), (2, 1)):
        form = analog_entry_record(
            user=coordinator, **entry(process, form_serial=serial(process, number), scan=upload("s.pdf", pdf_bytes()))
        )
        scan = Scan.objects.get(contribution=form)
        Scan.objects.filter(pk=scan.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=days))
        made.append(Scan.objects.get(pk=scan.pk))
    return made


def test_an_expired_scan_loses_its_file_and_keeps_its_contribution(scans, private_storage):
    old, recent = scans
    old_file = private_storage / old.file.name
    assert old_file.exists()
    assert scans_purge() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.removed_at is not None and old.file.name == "" and not old_file.exists()
    assert recent.removed_at is None and (private_storage / recent.file.name).exists()
    assert Contribution.objects.filter(pk=old.contribution_id).exists() and Contribution.objects.count() == 2
    audit = AuditEntry.objects.get(action="scan.removed")
    assert audit.object_id == str(old.pk) and audit.data["contribution"] == old.contribution_id
    assert audit.data["sha256"] == old.sha256 and audit.data["retention_days"] == 365
    assert audit_verify()[0]


def test_running_it_twice_changes_nothing_more(scans, private_storage):
    assert scans_purge() == 1
    assert scans_purge() == 0
    assert AuditEntry.objects.filter(action="scan.removed").count() == 1
    assert len(stored_files(private_storage)) == 1


def test_a_file_already_gone_is_still_marked_removed(scans, private_storage):
    old = scans[0]
    (private_storage / old.file.name).unlink()
    assert scans_purge() == 1
    old.refresh_from_db()
    assert old.is_removed


def test_the_command_reports_what_it_removed(scans, capsys):
    call_command("purge_scans")
    assert "Removed 1 scan(s)" in capsys.readouterr().out
    call_command("purge_scans")
    assert "Removed 0 scan(s)" in capsys.readouterr().out


def test_the_housekeeping_job_runs_it(scans, settings):
    settings.TEILHABE_HOUSEKEEPING_JOBS = ["teilhabe.analog.services.scans_purge"]
    assert housekeeping_run_jobs() == {"teilhabe.analog.services.scans_purge": "ok"}
    assert Scan.objects.filter(removed_at__isnull=False).count() == 1
