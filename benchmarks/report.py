"""The report: machine and code facts, the JSON results and the markdown summary under var/bench/."""

import datetime as dt
import json
import os
import platform
from pathlib import Path

from benchmarks.config import DB_PATH, QUERIES_PATH, RESULTS_PATH, ROOT, SUMMARY_PATH, TARGET_P95_MS


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


def summary_markdown(report: dict) -> str:
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
        f"and {report['requests']} timed requests per page. Target: p95 ≤ {TARGET_P95_MS:.0f} ms.",
        "",
        "| Page | URL | p50 ms | p95 ms | max ms | CPU p50 ms | queries | SQL ms | |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in report["pages"]:
        flag = "**over target**" if page["over_target"] else "ok"
        lines.append(
            f"| {page['name']} | `{page['url']}` | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{page['max_ms']:.1f} | {page['cpu_p50_ms']:.1f} | {page['queries']} | {page['sql_ms']:.1f} | {flag} |"
        )
    over = [page["name"] for page in report["pages"] if page["over_target"]]
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
    return "\n".join(lines) + "\n"


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


def write_report(report: dict, slow_queries: str) -> str:
    """Write results, summary and slow queries; returns the summary."""
    QUERIES_PATH.write_text(slow_queries)
    RESULTS_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    summary = summary_markdown(report)
    SUMMARY_PATH.write_text(summary)
    return summary
