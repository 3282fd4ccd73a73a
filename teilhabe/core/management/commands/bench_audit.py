"""Audited writes per second with parallel writers (docs/benchmarks.md, "Audit chain").

Each writer runs, in its own process and database connection (as app server processes do), transactions that
do one unrelated write (an accessibility feedback row) and record it in the audit chain, as a service does. It
writes into the configured database: run it against a throwaway PostgreSQL database, e.g.

    createdb -h 127.0.0.1 -U postgres teilhabe_bench_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench_audit manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench_audit manage.py bench_audit
"""

import multiprocessing
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from teilhabe.core.models import AccessibilityFeedback
from teilhabe.core.services import audit_record, audit_verify


def _write(audit: bool) -> None:
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(message="bench", page_url="/bench")
        if audit:
            audit_record(actor=None, action="bench.write", obj=feedback)


def _writer(audit: bool, start: float, stop: float) -> int:
    """One writer process (as one app server process): writes from ``start`` until ``stop`` (wall clock)."""
    connections.close_all()  # never share the parent's connection
    time.sleep(max(0.0, start - time.time()))
    done = 0
    while time.time() < stop:
        _write(audit)
        done += 1
    connections.close_all()
    return done


class Command(BaseCommand):
    help = "Measures audited writes per second with parallel writers (PostgreSQL; writes into the database)."

    def add_arguments(self, parser):
        parser.add_argument("--writers", type=int, default=8, help="parallel writer processes")
        parser.add_argument("--seconds", type=float, default=10.0)
        parser.add_argument("--no-audit", action="store_true", help="the same writes without the audit entry")

    def handle(self, *args, writers, seconds, no_audit, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Parallel writers need PostgreSQL (SQLite serialises every write).")
        _write(not no_audit)  # warm up: tables, sequences
        connections.close_all()
        start = time.time() + 2.0  # every process connected and ready before the clock starts
        with multiprocessing.get_context("fork").Pool(writers) as pool:
            counts = pool.starmap(_writer, [(not no_audit, start, start + seconds)] * writers)
        ok, count, broken = audit_verify()
        total = sum(counts)
        self.stdout.write(
            f"{writers} writers, {seconds:.0f} s, {'without' if no_audit else 'with'} audit: "
            f"{total} writes, {total / seconds:.0f} writes/s; "
            f"audit chain {'intact' if ok else f'BROKEN at entry {broken}'} ({count} entries)"
        )
        if not ok:
            raise CommandError("The audit chain forked or broke under parallel writes.")
