"""`python -m benchmarks` (what `make bench` runs): prepare the data, time the pages, write the report."""

import os
import sys

from benchmarks.config import (
    BENCH_DIR,
    CPU_TARGET_MS,
    CPU_TARGETS_MS,
    PROFILE_DIR,
    PROFILE_PATH,
    QUERIES_PATH,
    RESULTS_PATH,
    SCALE,
    SUMMARY_PATH,
    THROUGHPUT_PATH,
    configure,
    log,
)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.strip().lower() in {"1", "true", "yes", "on"}


def main() -> int:
    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.data import prepare_database
    from benchmarks.measure import explain_slow_queries, measure, pages_to_measure
    from benchmarks.report import build_report, machine_facts, write_report

    requests = int(os.environ.get("BENCH_REQUESTS") or 60)
    warmup = int(os.environ.get("BENCH_WARMUP") or 5)
    profile_requests = int(os.environ.get("BENCH_PROFILE_REQUESTS") or 20)
    profile, throughput = _flag("BENCH_PROFILE", False), _flag("BENCH_THROUGHPUT", True)
    meta, data, built = prepare_database(SCALE)
    if not _flag("BENCH_TIMING", True):
        return throughput_only(meta["process_slug"], pages_to_measure(meta["process_slug"]))
    from benchmarks.answers import answer_pages, export_formats, operations_markdown, prepare_answers, route_by_filter

    data["answers"] = prepare_answers(meta["process_slug"], data["contributions"])
    from benchmarks.events import event_pages, prepare_events

    data["events"] = prepare_events(meta["process_slug"])
    from benchmarks.plan import plan_pages, prepare_plan  # issue 11: a plan of 300 measures in two versions

    data["plan"] = prepare_plan(meta["process_slug"])

    # Plain static storage: templates render {% static %} without a collected manifest.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(STORAGES=storages, DEBUG=False, RATELIMIT_ENABLE=False):
        pages = pages_to_measure(meta["process_slug"]) + answer_pages(meta["process_slug"])
        pages += event_pages(meta["process_slug"])
        pages += plan_pages(meta["process_slug"])
        log(f"bench: timing {len(pages)} pages, {warmup} warm-up + {requests} timed requests each")
        load_before = machine_facts()["load_average_1m"]
        # First what rendering costs (the page cache off: a signed-in reader, or the first anonymous one), then
        # what an anonymous reader gets with it on (the pages that are not about an emptied cache).
        with override_settings(TEILHABE_PAGE_CACHE=False):
            results, failures = measure(pages, warmup=warmup, requests=requests)
        cached_pages = [
            {**page, "name": f"{page['name']} (page cache)", "page_cache": True}
            for page in pages
            if not page.get("clear_cache") and not page.get("after_write") and not page.get("user_id")
        ]
        with override_settings(TEILHABE_PAGE_CACHE=True):
            cached_results, cached_failures = measure(cached_pages, warmup=warmup, requests=requests)
        results, failures = results + cached_results, failures + cached_failures
        for result in results:
            result["page_cache"] = result["name"].endswith("(page cache)")
            result.setdefault("cpu_target_ms", CPU_TARGETS_MS.get(result["name"], CPU_TARGET_MS))
            result["over_cpu_target"] = result["cpu_p50_ms"] > result["cpu_target_ms"]
        load_after = machine_facts()["load_average_1m"]
        slow_queries = explain_slow_queries(pages + cached_pages, results)
        # Apart from the timing, so that its figures carry no profiler overhead.
        profile_report = None
        if profile:
            from benchmarks.profiling import profile_pages

            profile_report, profile_failures = profile_pages(pages, requests=profile_requests)
            failures += profile_failures
    # The answer path's operations: routing by filter (rolled back) and each export in a process of its own.
    operations = [route_by_filter(meta["process_slug"]), *export_formats(meta["process_slug"])]
    failures += [f"{op['name']}: {op['error']}" for op in operations if "error" in op]
    from benchmarks.analog import entry_bench  # issue 10: the staff entry screen's save and next

    analog_entry = entry_bench(meta["process_slug"], warmup=warmup, requests=requests)
    failures += analog_entry.pop("failures")
    from benchmarks.imports import import_operation, imports_markdown  # issue 10: 100,000 rows, a fresh database

    import_result = import_operation()
    failures += [f"{import_result['name']}: {import_result['error']}"] if "error" in import_result else []
    from benchmarks.paper import paper_markdown, paper_operation  # issue 10: 500 paper forms as one PDF

    paper_result = paper_operation()
    failures += [f"{paper_result['name']}: {paper_result['error']}"] if "error" in paper_result else []
    from benchmarks.plan import plan_markdown, plan_operations  # issue 11: the comparison and the PDF

    plan_result = plan_operations(meta["process_slug"])
    failures += [f"{plan_result['name']}: {plan_result['error']}"] if "error" in plan_result else []
    from benchmarks.competitions import competition_markdown, competition_operations  # issue 12

    competition_result = competition_operations(meta["process_slug"])
    failures += (
        [f"{competition_result['name']}: {competition_result['error']}"] if "error" in competition_result else []
    )
    throughput_report = None
    if throughput:
        from benchmarks.throughput import run_throughput

        throughput_report, throughput_failures = run_throughput(meta["process_slug"], pages)
        failures += throughput_failures

    report = build_report(
        meta=meta,
        data=data,
        built=built,
        scale=SCALE,
        warmup=warmup,
        requests=requests,
        results=results,
        failures=failures,
        load={"before": load_before, "after": load_after},
    )
    report["operations"] = operations
    report["import"] = import_result
    report["paper_forms"] = paper_result
    report["plan"] = plan_result
    report["competition"] = competition_result
    report["analog_entry"] = analog_entry
    summary = write_report(report, slow_queries, throughput=throughput_report, profile=profile_report)
    summary += operations_markdown(operations)
    summary += analog_entry["markdown"]
    summary += imports_markdown(import_result)
    summary += paper_markdown(paper_result)
    summary += plan_markdown(plan_result, [page for page in results if page["name"].startswith("plan: ")])
    summary += competition_markdown(competition_result)
    SUMMARY_PATH.write_text(summary)
    print()
    print(summary)
    written = [RESULTS_PATH.name, SUMMARY_PATH.name, QUERIES_PATH.name]
    written += [PROFILE_PATH.name, f"{PROFILE_DIR.name}/"] if profile_report else []
    written += [THROUGHPUT_PATH.name] if throughput_report else []
    print(f"Written to {BENCH_DIR}: {', '.join(written)}")
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def throughput_only(process_slug: str, pages: list[dict]) -> int:
    """BENCH_TIMING=0: the throughput phase alone (for the loop of changing and measuring); it writes
    throughput.json and prints its table, and leaves results.json and summary.md of the last full run alone."""
    from benchmarks.report import throughput_markdown
    from benchmarks.throughput import run_throughput

    report, failures = run_throughput(process_slug, pages)
    print()
    print("\n".join(throughput_markdown(report)))
    print(f"Written to {BENCH_DIR}: {THROUGHPUT_PATH.name}")
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
