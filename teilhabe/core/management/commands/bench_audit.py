"""Audited writes per second with parallel writers (docs/benchmarks.md, "Audit chain").

Each writer runs, in its own thread and database connection, transactions that do one unrelated write
(an accessibility feedback row) and record it in the audit chain, as a service does. It writes into the
configured database: run it against a throwaway PostgreSQL database, e.g.

    createdb -h 127.0.0.1 -U postgres teilhabe_bench_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench_audit manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench_audit manage.py bench_audit
"""

import threading
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


class Command(BaseCommand):
    help = "Measures audited writes per second with parallel writers (PostgreSQL; writes into the database)."

    def add_arguments(self, parser):
        parser.add_argument("--writers", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=10.0)
        parser.add_argument("--no-audit", action="store_true", help="the same writes without the audit entry")

    def handle(self, *args, writers, seconds, no_audit, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Parallel writers need PostgreSQL (SQLite serialises every write).")
        _write(not no_audit)  # warm up: tables, connection, sequences
        done = [0] * writers
        errors = []
        start = threading.Barrier(writers + 1)
        stop = threading.Event()

        def worker(n):
            try:
                start.wait()
                while not stop.is_set():
                    _write(not no_audit)
                    done[n] += 1
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        if errors:
            raise CommandError(f"{len(errors)} writers failed: {errors[0]!r}")
        ok, count, broken = audit_verify()
        total = sum(done)
        self.stdout.write(
            f"{writers} writers, {elapsed:.1f} s, {'without' if no_audit else 'with'} audit: "
            f"{total} writes, {total / elapsed:.0f} writes/s; "
            f"audit chain {'intact' if ok else f'BROKEN at entry {broken}'} ({count} entries)"
        )
        if not ok:
            raise CommandError("The audit chain forked or broke under parallel writes.")
