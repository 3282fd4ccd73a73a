"""Print runs at the same moment get disjoint, contiguous serial ranges (PostgreSQL only: SQLite runs one writing
transaction at a time). The process row's lock orders the writers."""

import threading

import pytest
from django.db import connection, connections

from teilhabe.paper.models import PrintRun
from teilhabe.paper.services import print_run_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")


def test_parallel_print_runs_never_share_a_serial(process, coordinator):
    counts = [7, 3, 11, 5, 1, 9, 4, 6]
    barrier = threading.Barrier(len(counts))
    errors = []

    def run(count):
        try:
            barrier.wait(timeout=30)
            print_run_create(user=coordinator, process=process, language="de", count=count, enqueue=False)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(count,)) for count in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    ranges = sorted(PrintRun.objects.filter(process=process).values_list("first_number", "count"))
    assert len(ranges) == len(counts)
    expected = 1
    for first, count in ranges:
        assert first == expected  # no gap, no overlap
        expected = first + count
    assert expected - 1 == sum(counts)
