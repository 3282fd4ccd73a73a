"""The report: machine and code facts, the JSON results and the markdown summary under var/bench/."""

import datetime as dt
import json
import os
import platform
from pathlib import Path

from benchmarks.config import (
    CPU_TARGET_MS,
    CPU_TARGETS_MS,
    DB_PATH,
    QUERIES_PATH,
    RESULTS_PATH,
    ROOT,
    SUMMARY_PATH,
    TARGET_P95_MS,
)


def git_commit() -> str | None:
    """The checked-out commit (read from .git, without running git); None outside a checkout."""
    try:
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        path = ROOT / ".git" / ref
        if path.exists():
            return path.read_text().strip()
        for line in (ROOT / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return None


def machine_facts() -> dict:
    memory_kb = 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import django

    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def summary_markdown(report: dict, *, throughput: dict | None = None, profile: dict | None = None) -> str:
    machine, data = report["machine"], report["data"]
    lines = [
        f"# teilhabe bench — {report['date']}",
        "",
        f"Code: commit {(report['git_commit'] or 'unknown')[:10]} (plus any uncommitted changes in the checkout).",
        f"Machine: {machine['nproc']} CPU ({machine['cpu']}), {machine['memory_gb']} GB RAM; Python "
        f"{machine['python']}, Django {machine['django']}, SQLite {machine['sqlite']}.",
        f"Data: {data['contributions']:,} contributions ({data['contributions_published']:,} published), "
        f"{data['supports']:,} supports, {data['comments']:,} comments, {data['users']:,} accounts; "
        f"database {data['database_mb']} MB.",
        f"Server time per request in-process (django.test.Client, anonymous, DEBUG off), {report['warmup']} warm-up "
        f"and {report['requests']} timed requests per page. Targets: p95 ≤ {TARGET_P95_MS:.0f} ms; CPU p50 ≤ "
        f"{CPU_TARGET_MS:.0f} ms (list: first page ≤ {CPU_TARGETS_MS['list: first page']:.0f} ms). Rows without "
        '"(page cache)" are rendered with the page cache off; the others are served by it.',
        "",
        "| Page | URL | p50 ms | p95 ms | max ms | CPU p50 ms | queries | SQL ms | |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in report["pages"]:
        flags = [
            *(["**p95 over target**"] if page["over_target"] else []),
            *([f"**CPU over {page['cpu_target_ms']:.0f} ms**"] if page.get("over_cpu_target") else []),
        ]
        flag = ", ".join(flags) or "ok"
        lines.append(
            f"| {page['name']} | `{page['url']}` | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{page['max_ms']:.1f} | {page['cpu_p50_ms']:.1f} | {page['queries']} | {page['sql_ms']:.1f} | {flag} |"
        )
    over = [page["name"] for page in report["pages"] if page["over_target"] or page.get("over_cpu_target")]
    lines += ["", f"Over target: {', '.join(over)}." if over else "All pages within target."]
    if report["failures"]:
        lines += ["", "Failed requests:", *(f"- {failure}" for failure in report["failures"])]
    lines.append("")
    lines += [
        "CPU p50: processor time of the request in this process (less disturbed by other load than wall time). "
        "queries, SQL ms: number and summed time of the database queries of one extra request.",
        f"Load average (1 min) before / after timing: {report['load_average_1m']['before']} / "
        f"{report['load_average_1m']['after']}.",
    ]
    if throughput:
        lines += throughput_markdown(throughput)
    if profile:
        lines += profile_markdown(profile)
    return "\n".join(lines) + "\n"


def throughput_markdown(throughput: dict) -> list[str]:
    targets, met = throughput["targets"], throughput["met"]
    lines = [
        "",
        "## Throughput",
        "",
        f"{throughput['server']}; {throughput['load_generator']}; cache: {throughput['cache_backend']}. "
        f"Trivial 20 KB Django view under the same server: {throughput['trivial_rps']:.0f} req/s (mean of "
        f"{len(throughput['trivial_runs'])} runs, one before each page run). Page cache in the code: "
        f"{'yes' if throughput['page_cache_available'] else 'no'}.",
        "",
        "| Page | URL | page cache | req/s | p95 ms | ratio to trivial | worker CPU ms/req | CPU ratio |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for label, key in (("on", "pages"), ("off", "pages_uncached")):
        for page in throughput[key]:
            lines.append(
                f"| {page['name']} | `{page['url']}` | {label} | {page['rps']:.1f} | {page['p95_ms']:.1f} | "
                f"{page['ratio_to_trivial']:.3f} | {_number(page.get('worker_cpu_ms_per_request'), 2)} | "
                f"{_number(page.get('cpu_ratio_to_trivial'), 3)} |"
            )
    lines += [
        "",
        f"Trivial view: {_number(throughput.get('trivial_worker_cpu_ms_per_request'), 2)} ms of worker CPU per "
        "request. CPU ratio: the trivial view's worker CPU per request over the page's, a cross-check of the ratio "
        "to trivial that other load on the machine disturbs less (it leaves out wrk, Redis and waiting).",
    ]
    rss = ", ".join(f"{item['rss_mib']:.0f} ({item['server']})" for item in throughput["worker_rss"])
    cached = throughput["bad_input_cached"]
    lines += [
        "",
        f"Worker RSS after load, MiB: {rss}.",
        "",
        "Targets: list first page ≥ "
        f"{targets['list_first_page_ratio_cached']} of trivial (page cache on): "
        f"{'met' if met['list_first_page_ratio_cached'] else '**not met**'}; every page ≥ "
        f"{targets['every_page_ratio_uncached']} (page cache off): "
        f"{'met' if met['every_page_ratio_uncached'] else '**not met**'}; every worker ≤ "
        f"{targets['worker_rss_mib_max']:.0f} MiB: {'met' if met['worker_rss_mib_max'] else '**not met**'}.",
        "",
        f"Bad input at the list ({len(throughput['bad_input'])} cases, "
        f"{sum(sum(item['statuses'].values()) for item in throughput['bad_input'])} requests): "
        + ", ".join(
            f"{status}: {count}"
            for status, count in sorted(_status_totals(throughput["bad_input"]).items(), key=lambda item: item[0])
        )
        + (f"; **5xx**: {len(throughput['bad_input_5xx'])} cases" if throughput["bad_input_5xx"] else "; no 5xx")
        + ".",
        "Page cache entries for them (by page_cache_keys_for): "
        + _count(cached, f"not checked: {throughput['bad_input_cached_note']}")
        + "; page cache keys new in Redis after them: "
        + _count(throughput["bad_input_new_page_cache_entries"], "not checked")
        + ".",
    ]
    urls = throughput["bad_input_cached_urls"]
    lines += [f"Stored: {', '.join(f'`{url}`' for url in urls)}."] if urls else []
    return lines


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _count(value: int | None, missing: str) -> str:
    if value is None:
        return missing
    return f"**{value}**" if value else "0"


def _status_totals(bad_input: list[dict]) -> dict:
    totals: dict[str, int] = {}
    for item in bad_input:
        for status, count in item["statuses"].items():
            totals[status] = totals.get(status, 0) + count
    return totals


def profile_markdown(profile: dict) -> list[str]:
    categories = profile["categories"]
    lines = [
        "",
        "## Profile",
        "",
        f"{profile['requests_per_page']} requests per page, in-process, page cache off; wall time per request "
        "without profiler, and its shares (innermost category, see docs/benchmarks.md). Top functions: "
        "profile/<page>.txt.",
        "",
        "| Page | ms | " + " | ".join(f"{category} %" for category in categories) + " |",
        "|---|--:|" + "--:|" * len(categories),
    ]
    for page in profile["pages"]:
        shares = " | ".join(f"{page['shares'][category]:.1f}" for category in categories)
        lines.append(f"| {page['name']} | {page['total_ms_per_request']:.1f} | {shares} |")
    return lines


def build_report(*, meta, data, built, scale, warmup, requests, results, failures, load) -> dict:
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "target_p95_ms": TARGET_P95_MS,
        "warmup": warmup,
        "requests": requests,
        "machine": machine_facts(),
        "load_average_1m": load,
        "data": {key: value for key, value in data.items() if key != "problems"},
        "database": {
            "path": str(DB_PATH),
            "generated_at": meta["generated_at"],
            "generation_seconds": meta["generation_seconds"],
            "generation_steps_seconds": meta.get("steps_seconds", {}),
            "built_this_run": built,
            "scale": scale,
        },
        "pages": results,
        "failures": failures,
    }


def write_report(
    report: dict, slow_queries: str, *, throughput: dict | None = None, profile: dict | None = None
) -> str:
    """Write results, summary and slow queries; returns the summary."""
    QUERIES_PATH.write_text(slow_queries)
    RESULTS_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    summary = summary_markdown(report, throughput=throughput, profile=profile)
    SUMMARY_PATH.write_text(summary)
    return summary


def operation_line(operation: dict, details: str) -> str:
    """One timed operation of ``make bench`` (a PDF, an import) as a markdown list item with its verdict."""
    if "error" in operation:
        return f"- {operation['name']}: **failed**"
    verdict = "ok" if operation["met"] else "**over target**"
    return f"- {operation['name']}: {details} — {verdict}"


def operation_main(run, markdown, name: str) -> int:
    """``python -m benchmarks.<operation>``: run it alone, print its markdown; exit 1 if it failed or missed."""
    import sys
    import time

    from benchmarks.config import log

    started = time.monotonic()
    operation = run()
    print(markdown(operation))
    log(f"bench: {name} benchmark done in {time.monotonic() - started:.0f} s")
    if "error" in operation:
        print(operation["error"], file=sys.stderr)
        return 1
    return 0 if operation["met"] else 1
