"""The spreadsheet import at scale (issue 10): 100,000 generated rows through ``manage.py import_contributions``
into a fresh process of a fresh SQLite database (or PostgreSQL: ``BENCH_IMPORT_DATABASE_URL``); its time, CPU time
and peak resident memory. Targets: ≤ 60 s, ≤ 500 MiB.

The database (``var/bench/imports/imports.sqlite3``) is made anew by ``migrate`` in a process of its own, the
city, its 13 districts, the process with its fields of action and target groups and one coordinator by a second,
and the import is timed in a third, whose VmHWM (the peak resident memory of that process image, Django included)
is the figure. ``make bench`` runs it after the pages (one hook in ``benchmarks/__main__.py``);
``python -m benchmarks.imports`` runs it alone. ``BENCH_IMPORT_ROWS`` changes the number of rows.
"""

import csv
import os
import random
import shutil
import sys

from benchmarks.config import BENCH_DIR, SEED, log, run_in_own_database
from benchmarks.report import operation_line, operation_main
from benchmarks.texts import contribution_text

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS") or 100_000)
# A PostgreSQL database to use instead (dropped and made anew), e.g. postgres://postgres@127.0.0.1:5432/bench_import
POSTGRES_URL = os.environ.get("BENCH_IMPORT_DATABASE_URL") or ""
TARGET_SECONDS = 60.0
TARGET_PEAK_MIB = 500.0
WORK_DIR = BENCH_DIR / "imports"
DB_PATH = WORK_DIR / "imports.sqlite3"
PROCESS_SLUG = "import-bench"
DISTRICTS = [
    "Mitte", "Vahrenwald-List", "Bothfeld-Vahrenheide", "Buchholz-Kleefeld", "Misburg-Anderten",
    "Kirchrode-Bemerode-Wülferode", "Südstadt-Bult", "Döhren-Wülfel", "Ricklingen", "Linden-Limmer",
    "Ahlem-Badenstedt-Davenstedt", "Herrenhausen-Stöcken", "Nord",
]  # fmt: skip
FIELDS = ["bildung", "arbeit", "wohnen", "gesundheit", "sprache", "teilhabe", "antidiskriminierung", "sport-kultur"]
GROUPS = ["gefluechtete", "eu-zugewanderte", "studierende", "fachkraefte", "aeltere"]
CHANNELS = ["workshop", "paper_form", "info_stand", "letter", "district_council", "expert_group"]
HEADER = [
    "Schlüssel", "Titel", "Text", "Handlungsfelder", "Stadtbezirk", "Zielgruppen", "Kanal", "Datum des Originals",
    "Gruppengröße", "Einverständnis zur Veröffentlichung", "Sprache",
]  # fmt: skip

SETUP = f"""
import django, os
django.setup()
from teilhabe.accounts.models import Role
from teilhabe.accounts.services import role_groups_sync, user_create_verified
from teilhabe.places.models import City, District
from teilhabe.processes.models import FieldOfAction, Process, ProcessMembership, ProcessRole, TargetGroup
role_groups_sync()
city = City.objects.create(name="Hannover", slug="hannover", population=545000)
for number, name in enumerate({DISTRICTS!r}, start=1):
    District.objects.create(city=city, number=number, name=name)
process = Process.objects.create(city=city, slug={PROCESS_SLUG!r}, title="LIP 4.0", summary="Bench", is_published=True)
for order, slug in enumerate({FIELDS!r}):
    FieldOfAction.objects.create(process=process, slug=slug, name=slug.title(), order=order)
for slug in {GROUPS!r}:
    TargetGroup.objects.create(process=process, slug=slug, name=slug.title())
user = user_create_verified(email="koordination@example.org", password="bench-" + "x" * 20, roles=[Role.COORDINATOR])
ProcessMembership.objects.create(process=process, user=user, role=ProcessRole.COORDINATOR)
"""

RUNNER = """
import io, sys, time, django
django.setup()
from django.core.management import call_command
out = io.StringIO()
started = time.perf_counter()
try:
    call_command("import_contributions", sys.argv[1], process=sys.argv[2], stdout=out)
except SystemExit as exit_:
    print("EXIT", exit_.code)
seconds = time.perf_counter() - started
cpu = time.process_time()
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(out.getvalue().strip().splitlines()[-1])
print("RESULT", seconds, hwm, cpu)
"""


def _run(args: list[str], *, timeout: int = 1200):
    return run_in_own_database(
        args, database_url=POSTGRES_URL or f"sqlite:///{DB_PATH}", var_dir=WORK_DIR / "var", timeout=timeout
    )


def _fresh_postgres() -> None:
    """Drop and create the PostgreSQL database of ``BENCH_IMPORT_DATABASE_URL`` (through the server's own
    ``postgres`` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(POSTGRES_URL)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        raise SystemExit(f"bench: refusing to drop {name!r}: the import benchmark's database name starts with bench")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def generate(path, rows: int) -> None:
    """``rows`` results as German Excel writes them (semicolons, UTF-8 with BOM), each with its own key."""
    rng = random.Random(SEED)
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(rows):
            district = rng.randrange(len(DISTRICTS))
            title, body = contribution_text(rng, DISTRICTS[district])
            writer.writerow(
                [
                    f"bench-{n}",
                    title[:160],
                    body[:5000],
                    "; ".join(rng.sample(FIELDS, rng.choice((1, 1, 2)))),
                    str(district + 1) if rng.random() < 0.5 else DISTRICTS[district],
                    rng.choice(GROUPS) if rng.random() < 0.4 else "",
                    rng.choice(CHANNELS),
                    f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025",
                    str(rng.randint(2, 12)) if rng.random() < 0.5 else "",
                    "ja" if rng.random() < 0.9 else "nein",
                    "de",
                ]
            )


def import_operation() -> dict:
    """Generate the file, make the fresh database and time the import; an operation row of the bench report."""
    name = f"import: {ROWS:,} rows (CSV{', PostgreSQL' if POSTGRES_URL else ''})"
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    source = WORK_DIR / f"results-{ROWS}.csv"
    generate(source, ROWS)
    log(f"bench: import of {ROWS} rows ({source.stat().st_size / 2**20:.1f} MiB); migrating a fresh database")
    if POSTGRES_URL:
        _fresh_postgres()
    for step, args in (("migrate", ["manage.py", "migrate", "--no-input", "-v", "0"]), ("set-up", ["-c", SETUP])):
        done = _run(args)
        if done.returncode:
            return {"name": name, "error": f"{step}: {(done.stderr or done.stdout)[-2000:]}"}
    completed = _run(["-c", RUNNER, str(source), PROCESS_SLUG])
    line = next((x for x in completed.stdout.splitlines() if x.startswith("RESULT ")), None)
    if completed.returncode or line is None or "EXIT" in completed.stdout:
        return {"name": name, "error": (completed.stderr or completed.stdout)[-2000:]}
    summary = next(x for x in completed.stdout.splitlines() if x.startswith("import run"))
    _label, seconds, rss_kb, cpu = line.split()
    seconds, peak, cpu = float(seconds), int(rss_kb) / 1024, float(cpu)
    log(f"  {name}: {seconds:.1f} s (CPU {cpu:.1f} s), peak {peak:.0f} MiB — {summary}")
    return {
        "name": name,
        "contributions": ROWS,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_mib": round(peak, 1),
        "bytes": source.stat().st_size,
        "summary": summary,
        "target_seconds": TARGET_SECONDS,
        "target_peak_mib": TARGET_PEAK_MIB,
        "met": seconds <= TARGET_SECONDS and peak <= TARGET_PEAK_MIB and f"imported: {ROWS}," in summary,
    }


def imports_markdown(operation: dict) -> str:
    details = (
        f"{operation.get('seconds')} s (CPU {operation.get('cpu_seconds')} s), peak {operation.get('peak_mib')} MiB "
        f"({operation.get('summary')})"
    )
    header = f"Import (target: 100,000 rows ≤ {TARGET_SECONDS:g} s and ≤ {TARGET_PEAK_MIB:g} MiB peak):"
    return "\n".join(["", header, "", operation_line(operation, details)]) + "\n"


if __name__ == "__main__":
    sys.exit(operation_main(import_operation, imports_markdown, "import"))
