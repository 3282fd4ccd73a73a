"""The staff entry screen at scale (issue 10): "save and next" on /verwaltung/p/<slug>/eingabe/ with the 100,000
contributions of the bench database, signed in as the process's coordinator, each POST a paper form with a fresh
serial from a print run (so every request checks its serial against the print runs and the entered forms).

Timed per entry: the POST alone (check, save, audit, redirect) and the whole "save and next" (the POST and the
empty screen it leads to), p50/p95 over ``requests`` entries after ``warmup``; a second series attaches a scan
(an A4 page as JPEG at 150 dpi, re-encoded on every save). Everything is written in one transaction that is rolled
back at the end (and the scans' files deleted), so the data stays as generated.

``python -m benchmarks.analog`` runs it alone on the bench database (``make bench`` runs it after the pages).
"""

import io
import time

from benchmarks.config import log
from benchmarks.measure import _percentile

TARGET_P95_MS = 100.0
TARGETS_NOTE = "save and next (POST with a serial check, then the empty screen) p95 ≤ 100 ms"


def _scan_jpeg() -> bytes:
    """An A4 page at 150 dpi (1240 × 1754), a few lines of "handwriting", as a phone or scanner would send it."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 245)
    draw = ImageDraw.Draw(image)
    for line in range(30):
        y = 200 + line * 45
        draw.line([(120, y), (1120 - (line * 37) % 300, y + 4)], fill=40, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _entry(process, fields, serial: str, number: int) -> dict:
    return {
        "channel": "paper_form",
        "form_serial": serial,
        "original_date": "",
        "title": "",
        "body": f"Mehr Sprachkurse am Abend, mit Kinderbetreuung (Formular {number}).\nViele arbeiten tagsüber.",
        "fields_of_action": [str(fields[number % len(fields)])],
        "district": "",
        "language": "de",
        "publication_consent": "yes" if number % 4 else "no",
        "organisation": "",
        "group_size": "",
        "event": "",
    }


def _series(client, url, process, fields, serials, *, warmup: int, requests: int, scan: bytes | None) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    post_ms, round_ms, cpu_ms, failures = [], [], [], []
    for index in range(warmup + requests):
        number, serial = serials.pop(0)
        data = _entry(process, fields, serial, number)
        if scan is not None:
            data["scan"] = SimpleUploadedFile("scan.jpg", scan, content_type="image/jpeg")
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.post(url, data)
        posted = time.perf_counter()
        following = client.get(url) if response.status_code == 302 else None
        ended, ended_cpu = time.perf_counter(), time.process_time()
        if response.status_code != 302 or following is None or following.status_code != 200:
            failures.append(f"analog entry: {serial} answered {response.status_code}")
            continue
        if index >= warmup:
            post_ms.append((posted - began) * 1000)
            round_ms.append((ended - began) * 1000)
            cpu_ms.append((ended_cpu - began_cpu) * 1000)
    if not round_ms:
        return {"failures": failures or ["analog entry: nothing timed"]}
    return {
        "requests": len(round_ms),
        "post_p50_ms": round(_percentile(post_ms, 50), 1),
        "post_p95_ms": round(_percentile(post_ms, 95), 1),
        "p50_ms": round(_percentile(round_ms, 50), 1),
        "p95_ms": round(_percentile(round_ms, 95), 1),
        "max_ms": round(max(round_ms), 1),
        "cpu_p50_ms": round(_percentile(cpu_ms, 50), 1),
        "failures": failures,
    }


def entry_bench(process_slug: str, *, warmup: int = 5, requests: int = 60) -> dict:
    """Both series (without and with a scan); returns their figures, the failures and a markdown section."""
    from django.conf import settings
    from django.db import transaction
    from django.db.models import F, Max
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from teilhabe.accounts.models import User
    from teilhabe.analog.models import Scan
    from teilhabe.contributions.models import Contribution
    from teilhabe.paper.models import PrintKind, PrintRun
    from teilhabe.paper.serials import serial_format
    from teilhabe.processes.models import Process

    process = Process.objects.get(slug=process_slug)
    coordinator = User.objects.get(email="koordination@bench.teilhabe.test")
    fields = list(process.fields_of_action.order_by("pk").values_list("pk", flat=True))
    url = reverse("analog:entry", kwargs={"slug": process_slug})
    total = 2 * (warmup + requests)
    before = Contribution.objects.count()
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    series, files = {}, []
    log(f"bench: analog entry, {warmup} warm-up + {requests} timed entries, without and with a scan")
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False, RATELIMIT_ENABLE=False):
        client = Client()
        client.force_login(coordinator)
        with transaction.atomic():
            runs = PrintRun.objects.filter(process=process, kind=PrintKind.FORM)
            first = runs.aggregate(end=Max(F("first_number") + F("count")))["end"] or 1  # after every run so far
            PrintRun.objects.create(
                process=process,
                kind=PrintKind.FORM,
                language="de",
                count=total,
                first_number=first,
                printed_by=coordinator,
                state="done",
            )
            serials = [(n, serial_format(process_id=process.pk, number=n)) for n in range(first, first + total)]
            series["without a scan"] = _series(
                client, url, process, fields, serials, warmup=warmup, requests=requests, scan=None
            )
            series["with a scan (A4 JPEG, 150 dpi)"] = _series(
                client, url, process, fields, serials, warmup=warmup, requests=requests, scan=_scan_jpeg()
            )
            files = list(Scan.objects.exclude(file="").values_list("file", flat=True))
            entered = Contribution.objects.count() - before
            transaction.set_rollback(True)
    storage = Scan._meta.get_field("file").storage
    for name in files:
        storage.delete(name)
    failures = [failure for figures in series.values() for failure in figures.pop("failures", [])]
    if entered != total - len(failures):
        failures.append(f"analog entry: {entered} contributions entered, {total} expected")
    for name, figures in series.items():
        if "p95_ms" in figures:
            log(
                f"  analog entry, {name:<32} POST p95 {figures['post_p95_ms']:>6.1f} ms   "
                f"save and next p50 {figures['p50_ms']:>6.1f} ms   p95 {figures['p95_ms']:>6.1f} ms"
            )
    main = series["without a scan"]
    return {
        "target_p95_ms": TARGET_P95_MS,
        "series": series,
        "met": "p95_ms" in main and main["p95_ms"] <= TARGET_P95_MS,
        "failures": failures,
        "markdown": _markdown(series),
    }


def _markdown(series: dict) -> str:
    lines = [
        "",
        f"Analog entry screen (target: {TARGETS_NOTE}; the series with a scan has no target of its own):",
        "",
        "| Series | entries | POST p50 | POST p95 | save and next p50 | save and next p95 | CPU p50 | |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for name, figures in series.items():
        if "p95_ms" not in figures:
            lines.append(f"| {name} | | | | | | | **failed** |")
            continue
        targeted = name == "without a scan"
        verdict = "" if not targeted else ("ok" if figures["p95_ms"] <= TARGET_P95_MS else "**over target**")
        lines.append(
            f"| {name} | {figures['requests']} | {figures['post_p50_ms']} | {figures['post_p95_ms']} | "
            f"{figures['p50_ms']} | {figures['p95_ms']} | {figures['cpu_p50_ms']} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    import json
    import os

    from benchmarks.config import BENCH_DIR, SCALE, configure

    configure()
    from benchmarks.data import prepare_database
    from benchmarks.report import machine_facts

    meta, _data, _built = prepare_database(SCALE)
    load_before = machine_facts()["load_average_1m"]
    result = entry_bench(
        meta["process_slug"],
        warmup=int(os.environ.get("BENCH_WARMUP") or 5),
        requests=int(os.environ.get("BENCH_REQUESTS") or 60),
    )
    result["load_average_1m"] = {"before": load_before, "after": machine_facts()["load_average_1m"]}
    (BENCH_DIR / "analog-entry.json").write_text(json.dumps(result, indent=2))
    print(result["markdown"])
    load = result["load_average_1m"]
    print(f"load average (1 min) before {load['before']}, after {load['after']}")
    if result["failures"]:
        print("bench: failed:", *result["failures"], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
