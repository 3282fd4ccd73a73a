"""Retention: registrations are deleted after the retention period; only counts remain, on the event and in the
audit log (``manage.py purge_registrations`` and the housekeeping job)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.core.models import AuditEntry
from teilhabe.core.tasks import housekeeping_run_jobs
from teilhabe.events import services
from teilhabe.events.models import Registration, RegistrationState
from teilhabe.events.tests.conftest import ANONYMOUS, public_event

pytestmark = pytest.mark.django_db


def fill(event, *, confirmed: int, waiting: int = 0, cancelled: int = 0, prefix: str = "p"):
    """Registrations in each state, made directly (the retention is what is tested here)."""
    states = (
        [RegistrationState.CONFIRMED] * confirmed
        + [RegistrationState.WAITING] * waiting
        + [RegistrationState.CANCELLED] * cancelled
    )
    for number, state in enumerate(states):
        Registration.objects.create(
            event=event,
            name=f"Person {number}",
            email=f"{prefix}{number}@example.org",
            language="de",
            state=state,
            token=f"{prefix}-{event.pk}-{number}".ljust(43, "x"),
            needs=["childcare"],
        )


def test_old_registrations_are_deleted_and_counted(process, personas, settings):
    settings.TEILHABE_REGISTRATION_RETENTION_DAYS = 30
    old = public_event(process, days=-40, state="held")
    recent = public_event(process, days=-20, state="held")
    fill(old, confirmed=3, waiting=1, cancelled=2)
    fill(recent, confirmed=2, prefix="r")
    totals = services.registrations_purge()
    assert totals == {"events": 1, "registrations": 6, "unconfirmed": 0}
    old.refresh_from_db()
    assert old.registration_summary == {"confirmed": 3, "waiting": 1, "cancelled": 2}
    assert not Registration.objects.filter(event=old).exists()
    assert Registration.objects.filter(event=recent).count() == 2
    entry = AuditEntry.objects.get(action="event.registrations_purged")
    assert entry.object_id == str(old.pk)
    assert entry.data == {"counts": {"confirmed": 3, "waiting": 1, "cancelled": 2}, "days": 30}
    assert "example.org" not in str(entry.data) and "Person" not in str(entry.data)
    assert services.registrations_purge() == {"events": 0, "registrations": 0, "unconfirmed": 0}  # twice: nothing
    assert AuditEntry.objects.filter(action="event.registrations_purged").count() == 1


def test_an_event_still_running_or_recent_keeps_its_list(process, personas, settings):
    settings.TEILHABE_REGISTRATION_RETENTION_DAYS = 0
    running = public_event(process, days=-0.01, hours=3)
    fill(running, confirmed=1)
    assert services.registrations_purge()["registrations"] == 0


def test_unconfirmed_registrations_are_deleted_after_a_week(process, personas, settings):
    settings.TEILHABE_UNCONFIRMED_DAYS = 7
    event = public_event(process, days=30, capacity=None)
    old = services.registration_create(event=event, user=ANONYMOUS, name="Alt", email="alt@example.org")
    new = services.registration_create(event=event, user=ANONYMOUS, name="Neu", email="neu@example.org")
    user = user_create_verified(email="konto@example.org", password=PASSWORD)
    services.registration_create(event=event, user=user)
    Registration.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert services.registrations_purge()["unconfirmed"] == 1
    assert set(Registration.objects.values_list("email", flat=True)) == {new.email, user.email}
    entry = AuditEntry.objects.get(action="registration.unconfirmed_purged")
    assert entry.data == {"count": 1, "days": 7}


def test_the_command(process, personas, settings):
    settings.TEILHABE_REGISTRATION_RETENTION_DAYS = 10
    fill(public_event(process, days=-11, state="held"), confirmed=2)
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "Deleted 2 registration(s) of 1 event(s)" in out.getvalue()
    assert not Registration.objects.exists()


def test_housekeeping_runs_the_purge_and_the_reminders(process, personas, settings):
    assert "teilhabe.events.services.registrations_purge" in settings.TEILHABE_HOUSEKEEPING_JOBS
    assert "teilhabe.events.services.registrations_housekeeping" in settings.TEILHABE_HOUSEKEEPING_JOBS
    settings.TEILHABE_REGISTRATION_RETENTION_DAYS = 10
    fill(public_event(process, days=-11, state="held"), confirmed=2)
    outcomes = housekeeping_run_jobs()
    assert outcomes["teilhabe.events.services.registrations_purge"] == "ok"
    assert outcomes["teilhabe.events.services.registrations_housekeeping"] == "ok"
    assert not Registration.objects.exists()
