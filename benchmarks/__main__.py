"""`python -m benchmarks` (what `make bench` runs): prepare the data, time the pages, write the report."""

import os
import sys

from benchmarks.config import BENCH_DIR, QUERIES_PATH, RESULTS_PATH, SCALE, SUMMARY_PATH, configure, log


def main() -> int:
    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.data import prepare_database
    from benchmarks.measure import explain_slow_queries, measure, pages_to_measure
    from benchmarks.report import build_report, machine_facts, write_report

    requests = int(os.environ.get("BENCH_REQUESTS") or 60)
    warmup = int(os.environ.get("BENCH_WARMUP") or 5)
    meta, data, built = prepare_database(SCALE)

    # Plain static storage: templates render {% static %} without a collected manifest.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(STORAGES=storages, DEBUG=False, RATELIMIT_ENABLE=False):
        pages = pages_to_measure(meta["process_slug"])
        log(f"bench: timing {len(pages)} pages, {warmup} warm-up + {requests} timed requests each")
        load_before = machine_facts()["load_average_1m"]
        results, failures = measure(pages, warmup=warmup, requests=requests)
        load_after = machine_facts()["load_average_1m"]
        slow_queries = explain_slow_queries(pages, results)

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
    summary = write_report(report, slow_queries)
    print()
    print(summary)
    print(f"Written to {BENCH_DIR}: {RESULTS_PATH.name}, {SUMMARY_PATH.name}, {QUERIES_PATH.name}")
    if failures:
        print("bench: some requests did not answer 200", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
