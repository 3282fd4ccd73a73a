"""Paper forms at scale (issue 10): 500 participation forms as one PDF through ``manage.py paper_forms``, in a
fresh process of a fresh SQLite database; its time and peak resident memory. Target: ≤ 30 s.

The database (``var/bench/paper/paper.sqlite3``) is made anew by ``migrate`` in a process of its own, the city
with its 13 districts, the process with eight fields of action, its current phase and one coordinator by a second,
and the command is timed in a third (recording the run, rendering, storing the file and writing it out), whose
VmHWM (the peak resident memory of that process image, Django and WeasyPrint included) is the figure.
``make bench`` runs it after the pages (one hook in ``benchmarks/__main__.py``); ``python -m benchmarks.paper``
runs it alone. ``BENCH_PAPER_SHEETS`` changes the number of sheets, ``BENCH_PAPER_LANGUAGE`` the language.
"""

import os
import shutil
import subprocess
import sys

from benchmarks.config import BENCH_DIR, log, run_in_own_database
from benchmarks.report import operation_line, operation_main

SHEETS = int(os.environ.get("BENCH_PAPER_SHEETS") or 500)
LANGUAGE = os.environ.get("BENCH_PAPER_LANGUAGE") or "de"
TARGET_SECONDS = 30.0
WORK_DIR = BENCH_DIR / "paper"
DB_PATH = WORK_DIR / "paper.sqlite3"
PROCESS_SLUG = "paper-bench"
DISTRICTS = [
    "Mitte", "Vahrenwald-List", "Bothfeld-Vahrenheide", "Buchholz-Kleefeld", "Misburg-Anderten",
    "Kirchrode-Bemerode-Wülferode", "Südstadt-Bult", "Döhren-Wülfel", "Ricklingen", "Linden-Limmer",
    "Ahlem-Badenstedt-Davenstedt", "Herrenhausen-Stöcken", "Nord",
]  # fmt: skip
FIELDS = [
    "Bildung", "Arbeit und Ausbildung", "Wohnen", "Gesundheit", "Sprache", "Teilhabe und Demokratie",
    "Antidiskriminierung", "Sport und Kultur",
]  # fmt: skip

SETUP = f"""
import datetime, django
django.setup()
from django.utils import timezone
from teilhabe.accounts.models import Role
from teilhabe.accounts.services import role_groups_sync, user_create_verified
from teilhabe.places.models import City, District
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, ProcessRole
role_groups_sync()
city = City.objects.create(name="Hannover", slug="hannover", population=545000)
for number, name in enumerate({DISTRICTS!r}, start=1):
    District.objects.create(city=city, number=number, name=name)
process = Process.objects.create(
    city=city, slug={PROCESS_SLUG!r}, title="Lokaler Integrationsplan 4.0 – Hannover gemeinsam gestalten",
    summary="Was brauchen Sie, um in Hannover gut anzukommen und mitzureden?", is_published=True,
)
now = timezone.now()
Phase.objects.create(
    process=process, name="Ideensammlung",
    start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=30),
    description="Was sollte die Stadt in den nächsten fünf Jahren für ein gutes Zusammenleben tun?",
    allows_contribute=True,
)
for order, name in enumerate({FIELDS!r}):
    FieldOfAction.objects.create(process=process, slug=f"feld-{{order}}", name=name, order=order)
user = user_create_verified(email="koordination@example.org", password="bench-" + "x" * 20, roles=[Role.COORDINATOR])
ProcessMembership.objects.create(process=process, user=user, role=ProcessRole.COORDINATOR)
"""

RUNNER = """
import io, os, sys, time, django
django.setup()
from django.core.management import call_command
out = io.StringIO()
started, cpu = time.perf_counter(), time.process_time()
call_command(
    "paper_forms", process=sys.argv[1], language=sys.argv[2], count=int(sys.argv[3]), output=sys.argv[4],
    place="Infostand Marktkirche", user="koordination@example.org", stdout=out,
)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(out.getvalue().strip().splitlines()[-1])
print("RESULT", seconds, hwm, cpu, os.getloadavg()[0])
"""


def _run(args: list[str], *, timeout: int = 1200):
    return run_in_own_database(args, database_url=f"sqlite:///{DB_PATH}", var_dir=WORK_DIR / "var", timeout=timeout)


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=120).stdout
    return int(next((line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Pages:")), "0"))


def paper_operation() -> dict:
    """Make the fresh database and time the command; an operation row of the bench report."""
    name = f"paper forms: {SHEETS} sheets as one PDF ({LANGUAGE})"
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    log(f"bench: {name}; migrating a fresh database")
    for step, args in (("migrate", ["manage.py", "migrate", "--no-input", "-v", "0"]), ("set-up", ["-c", SETUP])):
        done = _run(args)
        if done.returncode:
            return {"name": name, "error": f"{step}: {(done.stderr or done.stdout)[-2000:]}"}
    output = WORK_DIR / "forms.pdf"
    completed = _run(["-c", RUNNER, PROCESS_SLUG, LANGUAGE, str(SHEETS), str(output)])
    line = next((x for x in completed.stdout.splitlines() if x.startswith("RESULT ")), None)
    if completed.returncode or line is None:
        return {"name": name, "error": (completed.stderr or completed.stdout)[-2000:]}
    summary = next(x for x in completed.stdout.splitlines() if x.startswith("Print run"))
    _label, seconds, rss_kb, cpu, load = line.split()
    seconds, peak, pages = float(seconds), int(rss_kb) / 1024, _pages(output)
    log(f"  {name}: {seconds:.1f} s (CPU {float(cpu):.1f} s), peak {peak:.0f} MiB, {pages} pages")
    return {
        "name": name,
        "sheets": SHEETS,
        "pages": pages,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(float(cpu), 1),
        "load_average_1m": round(float(load), 2),
        "peak_mib": round(peak, 1),
        "bytes": output.stat().st_size,
        "summary": summary,
        "target_seconds": TARGET_SECONDS,
        "met": seconds <= TARGET_SECONDS and pages == SHEETS,
    }


def paper_markdown(operation: dict) -> str:
    details = (
        f"{operation.get('seconds')} s (CPU {operation.get('cpu_seconds')} s, load average "
        f"{operation.get('load_average_1m')}), peak {operation.get('peak_mib')} MiB, {operation.get('pages')} pages, "
        f"{(operation.get('bytes') or 0) / 2**20:.1f} MiB"
    )
    header = f"Paper forms (target: 500 sheets as one PDF ≤ {TARGET_SECONDS:g} s):"
    return "\n".join(["", header, "", operation_line(operation, details)]) + "\n"


if __name__ == "__main__":
    sys.exit(operation_main(paper_operation, paper_markdown, "paper forms"))
