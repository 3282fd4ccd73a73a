"""Registrations and cancellations at the same moment (PostgreSQL only: SQLite runs one writing transaction at a
time, which ``test_public_registration`` covers with stale copies).

Every change of an event's registrations takes the event's row lock first, so places are counted by one writer at
a time: parallel cancellations never move the same person up twice nor more people than places, and parallel
registrations never overfill an event.
"""

import threading

import pytest
from django.db import connection, connections

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import Registration, RegistrationState
from teilhabe.events.tests.conftest import public_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")


def in_parallel(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def people(count: int) -> list:
    return [user_create_verified(email=f"parallel{number}@example.org", password=PASSWORD) for number in range(count)]


def test_parallel_cancellations_move_up_each_waiting_person_once(process, personas):
    event = public_event(process, capacity=6)
    users = people(10)
    registrations = [services.registration_create(event=event, user=user) for user in users]
    holders, waiting = registrations[:6], registrations[6:]
    assert {registration.state for registration in waiting} == {RegistrationState.WAITING}
    # Six cancellations at once, each of them twice (a double click), for four waiting people.
    jobs = [
        (
            lambda registration=registration, user=user: services.registration_cancel(
                registration=registration, user=user
            )
        )
        for registration, user in zip(holders, users[:6], strict=True)
        for _twice in range(2)
    ]
    in_parallel(jobs)
    states = dict(Registration.objects.filter(event=event).values_list("pk", "state"))
    assert all(states[registration.pk] == RegistrationState.CANCELLED for registration in holders)
    assert all(states[registration.pk] == RegistrationState.CONFIRMED for registration in waiting)
    promoted = AuditEntry.objects.filter(action="registration.promoted")
    assert sorted(promoted.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in waiting)
    assert AuditEntry.objects.filter(action="registration.cancelled").count() == 6


def test_parallel_registrations_never_overfill(process, personas):
    event = public_event(process, capacity=3)
    users = people(8)
    in_parallel([lambda user=user: services.registration_create(event=event, user=user) for user in users])
    counts = {
        state: Registration.objects.filter(event=event, state=state).count()
        for state in (RegistrationState.CONFIRMED, RegistrationState.WAITING)
    }
    assert counts == {RegistrationState.CONFIRMED: 3, RegistrationState.WAITING: 5}
