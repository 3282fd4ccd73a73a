"""Parallel audited writes make one unbroken chain, every entry in it (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections, transaction

from teilhabe.core.models import AccessibilityFeedback, AuditEntry
from teilhabe.core.services import audit_check, audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WRITERS, WRITES = 8, 25


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")


def test_parallel_writers_make_one_chain_without_fork_or_gap():
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer():
        try:
            barrier.wait(timeout=30)
            for _ in range(WRITES):
                with transaction.atomic():
                    feedback = AccessibilityFeedback.objects.create(message="parallel")
                    audit_record(actor=None, action="test.parallel", obj=feedback)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    report = audit_check()
    assert report.ok, report
    # Every entry was chained by the writers themselves (none left waiting), numbered 1..n without a gap.
    assert report.pending == 0 and report.head.count == WRITERS * WRITES == AuditEntry.objects.count()
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, WRITERS * WRITES + 1))
