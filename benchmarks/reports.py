"""A full council report at scale (issue 15, item 9): the report to a committee on the bench process with its
100,000 contributions, made as the background task makes it (tables from the metrics module, the tagged PDF with its
charts, the data package, the OParl document) and frozen (the PDF made again with the audit chain's head, files and
hashes stored) — target ≤ 10 s for the whole. Timed with an emptied cache (the metrics computed afresh), in German
and in Arabic.

``python -m benchmarks.reports`` reuses (or builds) the bench database and prints its lines; the committee and the
reports it makes are deleted afterwards (their audit entries stay, as audit entries do). ``make bench`` runs it after
the councils' benchmark and writes its lines to var/bench/reports.md.
"""

import sys
import time

from benchmarks.config import SCALE

TARGET_SECONDS = 10.0
COMMITTEE = "Internationaler Ausschuss (Benchmark)"


def time_report(process_slug: str, language: str) -> dict:
    from django.core.cache import cache
    from django.utils import timezone

    from teilhabe.contributions.models import Contribution
    from teilhabe.processes.models import Process
    from teilhabe.reports import services
    from teilhabe.reports.models import Committee, CouncilReport, ReportState
    from teilhabe.reports.periods import period_of

    process = Process.objects.get(slug=process_slug)
    committee, _made = Committee.objects.get_or_create(city=process.city, name=COMMITTEE, defaults={"short_name": "IA"})
    period = str(period_of(timezone.localdate()))
    try:
        cache.clear()  # the metrics are computed afresh, as after a change or a restart
        began, began_cpu = time.perf_counter(), time.process_time()
        report = services.report_request(
            user=None, process=process, committee=committee, period=period, language=language, enqueue=False
        )
        outcome = services.report_make(report_id=report.pk)
        made = time.perf_counter() - began
        report.refresh_from_db()
        if outcome != "done" or report.state != ReportState.DRAFT:
            return {"error": f"the report was not made ({outcome})"}
        frozen = services.report_freeze(user=None, report=report)
        seconds = time.perf_counter() - began
        return {
            "language": language,
            "contributions": Contribution.objects.filter(process=process).count(),
            "tables": len(frozen.content["tables"]),
            "made_seconds": round(made, 2),
            "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - began_cpu, 2),
            "pdf_bytes": frozen.pdf.size,
            "met": seconds <= TARGET_SECONDS,
        }
    finally:
        for report in CouncilReport.objects.filter(committee=committee).order_by("-version"):
            for field in (report.pdf, report.data_package, report.oparl):
                if field:
                    field.delete(save=False)
            report.delete()
        committee.delete()


def main() -> int:
    from benchmarks.config import configure

    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.data import prepare_database

    meta, _data, _built = prepare_database(SCALE)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    results = []
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        for language in ("de", "ar"):
            results.append(time_report(meta["process_slug"], language))
    failures = [result["error"] for result in results if "error" in result]
    lines = [
        "",
        f"Council reports (target: a full report, made and frozen, ≤ {TARGET_SECONDS:.0f} s). Bench scale {SCALE:g}.",
        "",
    ]
    for result in results:
        if "error" in result:
            lines.append(f"- council report: **failed**: {result['error']}")
            continue
        lines.append(
            f"- council report ({result['language']}, {result['contributions']:,} contributions, {result['tables']} "
            f"tables): made in {result['made_seconds']} s, frozen after {result['seconds']} s in all (CPU "
            f"{result['cpu_seconds']} s, PDF {result['pdf_bytes']:,} bytes) — "
            + ("ok" if result["met"] else "**over target**")
        )
    print("\n".join(lines))
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0  # a missed target is a line of the report, not a failure of the run


if __name__ == "__main__":
    sys.exit(main())
