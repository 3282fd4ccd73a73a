"""Measurement: which pages are timed, and how (anonymous requests through the whole stack, in-process)."""

import math
import random
import statistics
import time

from benchmarks.config import FILTER_DISTRICT, FILTER_FIELD, SEARCH_WORD, SEED, TARGET_P95_MS, log


def pages_to_measure(process_slug: str) -> list[dict]:
    from django.conf import settings
    from django.urls import reverse

    from teilhabe.contributions.models import Contribution, Status

    base = reverse("contributions:list", kwargs={"slug": process_slug})
    published = Contribution.objects.filter(process__slug=process_slug, status=Status.PUBLISHED)
    process_id = published.values_list("process_id", flat=True).first()
    last_page = max(1, math.ceil(published.count() / settings.TEILHABE_PAGE_SIZE))
    busiest = list(published.order_by("-comment_count", "-support_count").values_list("pk", flat=True)[:10])
    typical_rng = random.Random(SEED)
    pool = list(published.filter(comment_count__lte=5).values_list("pk", flat=True)[:5000])
    typical = typical_rng.sample(pool, min(20, len(pool)))

    def detail(pk):
        return reverse("contributions:detail", kwargs={"pk": pk})

    return [
        {"name": "home", "urls": [reverse("processes:home")]},
        # Every support or comment makes the cached process figures stale: the home page right after a write.
        {"name": "home (cache cleared)", "urls": [reverse("processes:home")], "clear_cache": True},
        {"name": "list: first page", "urls": [base]},
        {"name": "list: field", "urls": [f"{base}?field={FILTER_FIELD}"]},  # linked from the process page
        {"name": "list: field + district", "urls": [f"{base}?field={FILTER_FIELD}&district={FILTER_DISTRICT}"]},
        {"name": "list: search", "urls": [f"{base}?q={SEARCH_WORD}"]},
        # List counts are cached until a contribution enters or leaves a list: the first visit of a filter
        # or search (or any visit right after a new contribution) counts afresh.
        {"name": "list: search (cache cleared)", "urls": [f"{base}?q={SEARCH_WORD}"], "clear_cache": True},
        {
            "name": "list: field + district (cache cleared)",
            "urls": [f"{base}?field={FILTER_FIELD}&district={FILTER_DISTRICT}"],
            "clear_cache": True,
        },
        # The next visitor after a new contribution elsewhere in the process (it happens many times a day): the
        # process's figures and lists are stale, the rest of the cache is kept.
        {
            "name": "home (after a write)",
            "urls": [reverse("processes:home")],
            "after_write": True,
            "process_id": process_id,
        },
        {"name": "list: first page (after a write)", "urls": [base], "after_write": True, "process_id": process_id},
        {
            "name": "list: search (after a write)",
            "urls": [f"{base}?q={SEARCH_WORD}"],
            "after_write": True,
            "process_id": process_id,
        },
        {
            "name": "detail: most discussed (after a write)",
            "urls": [detail(pk) for pk in busiest],
            "after_write": True,
            "process_id": process_id,
        },
        {"name": "detail: most discussed (cache cleared)", "urls": [detail(pk) for pk in busiest], "clear_cache": True},
        {"name": "list: last page", "urls": [f"{base}?page={last_page}"]},
        {"name": "list: most supported", "urls": [f"{base}?sort=supported"]},
        {"name": "detail: most discussed", "urls": [detail(pk) for pk in busiest]},
        {"name": "detail: typical", "urls": [detail(pk) for pk in typical]},
    ]


def as_after_a_write(page: dict) -> None:
    """Bump what a new contribution elsewhere in the process bumps when it commits (the services'
    ``_figures_changed``): the process's figures and lists. Cards and threads of the pages measured stay valid."""
    from teilhabe.contributions.selectors import LISTS_NAMESPACE
    from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump

    for namespace in (FIGURES_NAMESPACE, LISTS_NAMESPACE):
        cache_version_bump(namespace, page["process_id"])  # outside a transaction: at once


def sign_in_for(client, page: dict) -> None:
    """Staff pages are requested signed in as the person who uses them (``user_id``); every other page
    anonymously."""
    from teilhabe.accounts.models import User

    if page.get("user_id"):
        client.force_login(User.objects.get(pk=page["user_id"]))
    else:
        client.logout()


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


class QueryRecorder:
    """Records each query of a request with its own time (django.db execute_wrapper), for counts and diagnosis."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "ms": (time.perf_counter() - began) * 1000})


def measure(pages: list[dict], *, warmup: int, requests: int) -> tuple[list[dict], list[str]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()  # anonymous; keeps its cookies (the CSRF cookie) like a browser
    results, failures = [], []
    for page in pages:
        urls = page["urls"]
        sign_in_for(client, page)
        for index in range(warmup):
            client.get(urls[index % len(urls)])
        times, cpu_times = [], []
        for index in range(requests):
            url = urls[index % len(urls)]
            if page.get("clear_cache"):
                cache.clear()  # outside the timed part
            elif page.get("after_write"):
                as_after_a_write(page)
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            cpu_times.append((time.process_time() - began_cpu) * 1000)
            if response.status_code != 200:
                failures.append(f"{page['name']}: {url} answered {response.status_code}")
        recorder = QueryRecorder()
        if page.get("clear_cache"):
            cache.clear()
        elif page.get("after_write"):
            as_after_a_write(page)
        with connection.execute_wrapper(recorder):
            response = client.get(urls[0])
        page["queries"] = recorder.queries
        sql_ms = sum(query["ms"] for query in recorder.queries)
        p95 = _percentile(times, 95)
        results.append(
            {
                "name": page["name"],
                "url": urls[0] + (f" (+{len(urls) - 1} more, rotated)" if len(urls) > 1 else ""),
                "urls": urls,
                "p50_ms": round(_percentile(times, 50), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(times), 1),
                "cpu_p50_ms": round(_percentile(cpu_times, 50), 1),
                "cpu_p95_ms": round(_percentile(cpu_times, 95), 1),
                "requests": requests,
                "queries": len(recorder.queries),
                "sql_ms": round(sql_ms, 1),
                "bytes": len(response.content),
                "target_p95_ms": page.get("target_p95_ms", TARGET_P95_MS),
                "over_target": p95 > page.get("target_p95_ms", TARGET_P95_MS),
                **({"cpu_target_ms": page["cpu_target_ms"]} if "cpu_target_ms" in page else {}),
            }
        )
        log(f"  {page['name']:<26} p50 {results[-1]['p50_ms']:>7.1f} ms   p95 {p95:>7.1f} ms")
    return results, failures


def explain_slow_queries(pages: list[dict], results: list[dict], *, slower_than_ms: float = 2.0) -> str:
    """For each page over target: its slow queries with their time and SQLite's query plan (markdown)."""
    from django.db import connection

    lines = ["# Slow queries of the pages over target", ""]
    for page, result in zip(pages, results, strict=True):
        if not result["over_target"]:
            continue
        slow = [query for query in page.get("queries", []) if query["ms"] >= slower_than_ms]
        sql_ms = result["sql_ms"]
        lines += [
            f"## {page['name']} — p95 {result['p95_ms']} ms, {result['queries']} queries, SQL {sql_ms} ms",
            "",
            f"`{page['urls'][0]}`; the rest of the time ({max(0.0, result['p50_ms'] - sql_ms):.0f} ms at p50) is "
            "Python: view, forms, template rendering.",
            "",
        ]
        for query in sorted(slow, key=lambda query: -query["ms"]):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"], query["params"])
                plan = [row[-1] for row in cursor.fetchall()]
            lines += [
                f"### {query['ms']:.1f} ms",
                "",
                "```sql",
                query["sql"],
                "```",
                f"params: `{[str(param) for param in query['params'] or ()]}`",
                "",
                "Plan:",
                "",
                *(f"- {step}" for step in plan),
                "",
            ]
        if not slow:
            lines += [f"No query over {slower_than_ms} ms.", ""]
    return "\n".join(lines) + "\n"
