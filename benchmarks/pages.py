"""`python -m benchmarks.pages NAME ...`: time only the pages of `make bench` whose name contains one of the NAMEs
(page cache off, as its first table), for the loop of changing and measuring one page; prints a line a page.

It prepares the bench database as `make bench` does (reused when complete) and writes nothing under var/bench.
"""

import os
import sys

from benchmarks.config import SCALE, configure


def main(names: list[str]) -> int:
    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.answers import answer_pages, prepare_answers
    from benchmarks.data import prepare_database
    from benchmarks.events import event_pages, prepare_events
    from benchmarks.measure import measure, pages_to_measure
    from benchmarks.plan import plan_pages, prepare_plan

    meta, data, _built = prepare_database(SCALE)
    slug = meta["process_slug"]
    prepare_answers(slug, data["contributions"])
    prepare_events(slug)
    prepare_plan(slug)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(STORAGES=storages, DEBUG=False, RATELIMIT_ENABLE=False, TEILHABE_PAGE_CACHE=False):
        pages = pages_to_measure(slug) + answer_pages(slug) + event_pages(slug) + plan_pages(slug)
        pages = [page for page in pages if not names or any(name in page["name"] for name in names)]
        results, failures = measure(
            pages,
            warmup=int(os.environ.get("BENCH_WARMUP") or 5),
            requests=int(os.environ.get("BENCH_REQUESTS") or 40),
        )
    for result in results:
        print(
            f"{result['name'][:60]:60} p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  "
            f"CPU p50 {result['cpu_p50_ms']:6.1f}  queries {result['queries']}"
        )
    for failure in failures:
        print("failed:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
