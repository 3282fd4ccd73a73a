"""Throughput (part of every `make bench`, BENCH_THROUGHPUT=0 skips it): requests per second under gunicorn.

The project runs under gunicorn (2 sync workers, 127.0.0.1 on a free port, production settings, the bench
database, the Redis cache) next to a trivial Django view returning a fixed 20 KB page under the same gunicorn
settings (benchmarks/trivial.py). wrk loads them in turn, trivial before each page (A B A B), first with the
page cache on, then with a second project server started with TEILHABE_PAGE_CACHE=0. Between the two passes,
bad query strings are fired at the list (with the page cache on) and the page cache is checked for entries for
them. Everything goes to var/bench/throughput.json; docs/benchmarks.md has the schema.
"""

import concurrent.futures
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from benchmarks.config import BENCH_DIR, ROOT, SEARCH_WORD, SUFFIX, THROUGHPUT_PATH, log

WORKERS = 2
WORKER_CLASS = "sync"
WRK_THREADS = 2
WRK_CONNECTIONS = 8
ACCEPT_LANGUAGE = "de-DE,de;q=0.9,en;q=0.5"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
TARGETS = {"list_first_page_ratio_cached": 0.25, "every_page_ratio_uncached": 0.05, "worker_rss_mib_max": 100.0}
BAD_INPUT_REQUESTS = int(os.environ.get("BENCH_BAD_INPUT_REQUESTS") or 300)  # about; each case as often
BAD_INPUT_CONCURRENCY = 8

LUA = """\
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, "
    .. "\\"max_us\\": %%d, \\"non_2xx\\": %%d, \\"socket_errors\\": %%d}\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def throughput_pages(process_slug: str, pages: list[dict]) -> list[dict]:
    """home, process page, list (first page, field, search), a typical contribution (rotated)."""
    from django.urls import reverse

    by_name = {page["name"]: page for page in pages}
    return [
        {"name": "home", "urls": by_name["home"]["urls"]},
        {"name": "process page", "urls": [reverse("processes:detail", kwargs={"slug": process_slug})]},
        {"name": "list: first page", "urls": by_name["list: first page"]["urls"]},
        {"name": "list: field", "urls": by_name["list: field"]["urls"]},
        {"name": "list: search", "urls": by_name["list: search"]["urls"]},
        {"name": "detail: typical", "urls": by_name["detail: typical"]["urls"]},
    ]


def bad_inputs(list_url: str) -> list[tuple[str, str]]:
    """(case, url): unknown filters, bad page numbers, long and FTS-syntax searches, unknown sort, hidden status."""

    def q(text: str) -> str:
        return "?q=" + urllib.parse.quote_plus(text, safe="")

    many_words = " ".join(f"wort{index}" for index in range(400))
    cases = [
        ("unknown parameter", "?foo=bar"),
        ("unknown field", "?field=nosuch"),
        ("unknown district", "?district=999999"),
        ("district not a number", "?district=abc"),
        ("huge page number", "?page=99999999999999999999"),
        ("negative page", "?page=-1"),
        ("page zero", "?page=0"),
        ("page not a number", "?page=abc"),
        ("huge page with filter", "?field=bildung&page=99999999"),
        # gunicorn refuses request lines over 4,094 bytes (414), as production's would: 4,000 still get through.
        ("search: 5,000 characters", q(((SEARCH_WORD + " ") * 500)[:5000])),
        ("search: 4,000 characters", q(((SEARCH_WORD + " ") * 400)[:4000])),
        ("search: one 5,000-letter word", q("a" * 5000)),
        ("search: 400 words", q(many_words)),
        ("search: quote", q('"')),
        ("search: unbalanced quote", q('"Sprachkurs')),
        ("search: star", q("*")),
        ("search: NEAR(", q("NEAR(")),
        ("search: OR", q("OR")),
        ("search: trailing OR", q(f"{SEARCH_WORD} OR")),
        ("search: FTS operators", q('" OR * NEAR( AND NOT ) ^ :')),
        ("search: column filter", q("title:Kita")),
        ("search: NUL byte", "?q=%00"),
        ("search: invalid UTF-8", "?q=%FF%FE"),
        ("unknown sort", "?sort=nosuch"),
        ("removed ones, anonymous", "?status=removed"),
    ]
    return [(case, list_url + query) for case, query in cases]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (utime and stime of /proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class Server:
    """A gunicorn server in a process group of its own; stop() ends the whole group."""

    def __init__(self, name: str, app: str, env: dict):
        self.name, self.app, self.env = name, app, env
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = BENCH_DIR / f"gunicorn-{name}{SUFFIX}.log"
        self.process = None

    def launch(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--worker-class",
            WORKER_CLASS,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
            self.app,
        ]
        self.log_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    def wait_ready(self, probe_path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited at start; see {self.log_path}:\n{self.log_tail()}")
            if len(self.workers()) >= WORKERS and _get(self.base + probe_path, timeout=10)[0] == 200:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn {self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        """gunicorn's quick shutdown (SIGINT) for the group, then SIGKILL for whatever is left of it."""
        if self.process is None:
            return
        group = self.process.pid  # start_new_session: the master leads its own process group
        if self.process.poll() is None:
            try:
                os.killpg(group, signal.SIGINT)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


def _get(url: str, timeout: float = 30) -> tuple[int | str, int]:
    """(status or error name, bytes) of an anonymous GET; never raises."""
    request = urllib.request.Request(url, headers={"Accept-Language": ACCEPT_LANGUAGE})  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0
    except (OSError, ValueError) as error:
        return type(error).__name__, 0


def _wrk(base: str, paths: list[str], seconds: int) -> dict:
    lua = LUA % {"paths": ", ".join(json.dumps(path) for path in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        command = [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{WRK_CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Accept-Language: {ACCEPT_LANGUAGE}",
            "-s",
            script.name,
            base + paths[0],
        ]
        run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(script.name)
    for line in run.stdout.splitlines():
        if line.startswith("BENCH "):
            raw = json.loads(line[6:])
            # wrk stops with requests in flight; the workers finish them (and store them in the page cache)
            # after it has gone. Let them, so that they do not overlap the next run or a check.
            time.sleep(min(5.0, raw["max_us"] / 1e6))
            return {
                "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
                "p50_ms": round(raw["p50_us"] / 1000, 1),
                "p95_ms": round(raw["p95_us"] / 1000, 1),
                "max_ms": round(raw["max_us"] / 1000, 1),
                "requests": raw["requests"],
                "non_2xx": raw["non_2xx"],
                "socket_errors": raw["socket_errors"],
            }
    raise RuntimeError(f"wrk gave no result (exit {run.returncode}): {run.stdout[-500:]} {run.stderr[-500:]}")


def _warm_up(server: Server, pages: list[dict]) -> None:
    """Each page (up to 3 of its URLs) a few times, concurrently, so that both workers have loaded their code."""
    paths = [url for page in pages for url in page["urls"][:3]]
    with concurrent.futures.ThreadPoolExecutor(WORKERS * 2) as pool:
        list(pool.map(lambda path: _get(server.base + path), paths * 3))


def _redis_cache() -> tuple[str | None, str]:
    """(REDIS_URL for the servers or None, description); the bench's Redis db is flushed first."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
        client.ping()
        client.flushdb()
        return REDIS_URL, f"redis ({REDIS_URL}, flushed before the run)"
    except Exception as error:  # noqa: BLE001 - any failure means: no Redis, fall back
        return None, f"locmem, per worker (Redis at {REDIS_URL} not reachable: {type(error).__name__})"


def _short(url: str) -> str:
    return url if len(url) <= 120 else f"{url[:100]}… ({len(url)} characters)"


def _measured_wrk(server: Server, paths: list[str], seconds: int) -> dict:
    """A wrk run, with the CPU time the server's workers spent per request it answered: a cross-check of the
    requests per second that other load on the machine disturbs less (it leaves out wrk, Redis and waiting)."""
    workers = server.workers()
    cpu_before = _cpu_seconds(workers)
    run = _wrk(server.base, paths, seconds)
    cpu = _cpu_seconds(workers) - cpu_before
    run["worker_cpu_ms_per_request"] = round(cpu * 1000 / run["requests"], 3) if run["requests"] else None
    return run


def _pass(label: str, project: Server, trivial: Server, pages: list[dict], seconds: int, trivial_runs: list) -> list:
    log(f"bench: throughput, {label}: trivial page before each page (A B A B), {seconds} s per wrk run")
    results = []
    for page in pages:
        before = _measured_wrk(trivial, ["/"], seconds)
        trivial_runs.append({"pass": label, **before})
        run = _measured_wrk(project, page["urls"], seconds)
        results.append({"name": page["name"], "url": page["url"], **run, "trivial_rps_before": before["rps"]})
        log(
            f"  {page['name']:<18} {run['rps']:>8.1f} req/s  p95 {run['p95_ms']:>7.1f} ms   "
            f"(trivial {before['rps']:.0f} req/s, p95 {before['p95_ms']:.1f} ms)"
        )
    return results


def _fire_bad_inputs(server: Server, cases: list[tuple[str, str]]) -> list[dict]:
    repeats = max(1, BAD_INPUT_REQUESTS // len(cases))
    jobs = [(case, url) for case, url in cases for _ in range(repeats)]
    with concurrent.futures.ThreadPoolExecutor(BAD_INPUT_CONCURRENCY) as pool:
        statuses = list(pool.map(lambda job: _get(server.base + job[1])[0], jobs))
    counts: dict[str, Counter] = {}
    for (_case, url), status in zip(jobs, statuses, strict=True):
        counts.setdefault(url, Counter())[str(status)] += 1
    return [{"case": case, "url": _short(url), "statuses": dict(sorted(counts[url].items()))} for case, url in cases]


def _page_cache_entries(redis_url: str | None) -> set[str] | None:
    """The page cache's keys in Redis now (None without Redis or without a page cache in the code)."""
    if not redis_url:
        return None
    try:
        from teilhabe.core.page_cache import KEY_PREFIX
    except ImportError:
        return None
    import redis

    keys = set()
    for raw in redis.Redis.from_url(redis_url).scan_iter(match=f"*:{KEY_PREFIX}:*", count=1000):
        parts = raw.decode(errors="replace").split(":", 2)  # Django's key: prefix:version:key
        if len(parts) == 3 and parts[2].startswith(f"{KEY_PREFIX}:"):
            keys.add(parts[2])
    return keys


def _check_page_cache(env: dict, bad_urls: list[str], good_urls: list[str]) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.cache_check"],
        cwd=ROOT,
        env=env,
        input=json.dumps({"bad": bad_urls, "good": good_urls}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if run.returncode != 0:
        return {"available": False, "note": f"cache check failed: {run.stderr.strip()[-500:]}"}
    return json.loads(run.stdout.strip().splitlines()[-1])


def _page_cache_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("teilhabe.core.page_cache") is not None


def run_throughput(process_slug: str, pages: list[dict]) -> tuple[dict, list[str]]:
    """The throughput phase; writes throughput.json and returns (report, failures)."""
    from django.db import connection

    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk not found (make bench installs it: apt-get install wrk); BENCH_THROUGHPUT=0 skips")
    seconds = int(os.environ.get("BENCH_THROUGHPUT_SECONDS") or 5)
    pages = throughput_pages(process_slug, pages)
    list_url = pages[2]["urls"][0]
    only = {name.strip() for name in os.environ.get("BENCH_THROUGHPUT_PAGES", "").split(",") if name.strip()}
    if only:  # a quick trial of some pages (the test suite's)
        pages = [page for page in pages if page["name"] in only] or pages
    for page in pages:
        page["url"] = page["urls"][0] + (f" (+{len(page['urls']) - 1} more, rotated)" if len(page["urls"]) > 1 else "")
    cases = bad_inputs(list_url)
    connection.close()  # the gunicorn workers open the database themselves

    started = time.monotonic()
    redis_url, cache_backend = _redis_cache()
    project_env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    project_env.update({"DJANGO_SETTINGS_MODULE": "benchmarks.server_settings", "PYTHONDONTWRITEBYTECODE": "1"})
    if redis_url:
        project_env["REDIS_URL"] = redis_url
    trivial_env = {key: value for key, value in project_env.items() if key != "DJANGO_SETTINGS_MODULE"}
    cached_env = {**project_env, "TEILHABE_PAGE_CACHE": "1"}
    uncached_env = {**project_env, "TEILHABE_PAGE_CACHE": "0"}
    all_paths = [url for page in pages for url in page["urls"]]

    trivial = Server("trivial", "benchmarks.trivial:application", trivial_env)
    cached = Server("cached", "teilhabe.wsgi:application", cached_env)
    uncached = Server("uncached", "teilhabe.wsgi:application", uncached_env)
    trivial_runs, rss, failures = [], [], []
    try:
        log(f"bench: throughput: gunicorn, {WORKERS} {WORKER_CLASS} workers each; cache: {cache_backend}")
        for server in (trivial, cached, uncached):  # started together, to save time; idle until their turn
            server.launch()
        for server in (trivial, cached, uncached):
            server.wait_ready("/")
        _warm_up(trivial, [{"urls": ["/"]}])
        _warm_up(cached, pages)
        pages_cached = _pass("page cache on", cached, trivial, pages, seconds, trivial_runs)
        log(f"bench: bad input: {len(cases)} cases at the list, about {BAD_INPUT_REQUESTS} requests")
        entries_before = _page_cache_entries(redis_url)
        bad = _fire_bad_inputs(cached, cases)
        entries_after = _page_cache_entries(redis_url)
        rss += [{"server": "page cache on", "pid": pid, "rss_mib": _rss_mib(pid)} for pid in cached.workers()]
        cached.stop()
        if redis_url:
            check = _check_page_cache(cached_env, [url for _, url in cases], all_paths + [list_url])
        else:
            check = {"available": False, "note": "the workers' local-memory caches cannot be looked into"}
        _warm_up(uncached, pages)
        pages_uncached = _pass("page cache off", uncached, trivial, pages, seconds, trivial_runs)
        rss += [{"server": "page cache off", "pid": pid, "rss_mib": _rss_mib(pid)} for pid in uncached.workers()]
    finally:
        for server in (trivial, cached, uncached):
            server.stop()

    trivial_rps = round(sum(run["rps"] for run in trivial_runs) / len(trivial_runs), 1)
    trivial_cpu = [run["worker_cpu_ms_per_request"] for run in trivial_runs if run.get("worker_cpu_ms_per_request")]
    trivial_cpu_ms = round(sum(trivial_cpu) / len(trivial_cpu), 3) if trivial_cpu else None
    for result in pages_cached + pages_uncached:
        result["ratio_to_trivial"] = round(result["rps"] / trivial_rps, 3)
        page_cpu = result.get("worker_cpu_ms_per_request")
        result["cpu_ratio_to_trivial"] = round(trivial_cpu_ms / page_cpu, 3) if trivial_cpu_ms and page_cpu else None
        if result["non_2xx"] or result["socket_errors"]:
            failures.append(
                f"throughput {result['name']}: {result['non_2xx']} non-2xx responses, "
                f"{result['socket_errors']} socket errors"
            )
    server_errors = [
        f"bad input {item['case']}: {item['url']} answered {status} ({count}×)"
        for item in bad
        for status, count in item["statuses"].items()
        if not status.isdigit() or int(status) >= 500
    ]
    failures += server_errors
    cached_urls = check.get("cached", {})
    new_entries = None if entries_before is None or entries_after is None else sorted(entries_after - entries_before)
    worker_rss = [item["rss_mib"] for item in rss if item["rss_mib"] is not None]
    first_page = next((result for result in pages_cached if result["name"] == "list: first page"), None)
    met = {
        "list_first_page_ratio_cached": first_page is not None
        and first_page["ratio_to_trivial"] >= TARGETS["list_first_page_ratio_cached"],
        "every_page_ratio_uncached": all(
            result["ratio_to_trivial"] >= TARGETS["every_page_ratio_uncached"] for result in pages_uncached
        ),
        "worker_rss_mib_max": bool(worker_rss) and max(worker_rss) <= TARGETS["worker_rss_mib_max"],
    }
    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - started, 1),
        "seconds_per_run": seconds,
        "server": f"gunicorn, {WORKERS} {WORKER_CLASS} workers, 127.0.0.1, DEBUG off, DB_CONN_MAX_AGE as production",
        "load_generator": f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s, Accept-Language: {ACCEPT_LANGUAGE}",
        "cache_backend": cache_backend,
        "page_cache_available": _page_cache_available(),
        "trivial_rps": trivial_rps,
        "trivial_worker_cpu_ms_per_request": trivial_cpu_ms,
        "trivial_runs": trivial_runs,
        "pages": pages_cached,
        "pages_uncached": pages_uncached,
        "worker_rss_mib": worker_rss,
        "worker_rss": rss,
        "bad_input": bad,
        "bad_input_5xx": server_errors,
        "bad_input_cached": len(cached_urls) if check.get("available") else None,
        "bad_input_cached_urls": [_short(url) for url in cached_urls],
        "bad_input_cached_keys_checked": check.get("keys_checked"),
        "bad_input_cached_note": check.get("note", ""),
        # Independent of page_cache_keys_for: page cache keys that appeared in Redis while only bad input came in.
        "bad_input_new_page_cache_entries": None if new_entries is None else len(new_entries),
        "targets": TARGETS,
        "met": met,
        "failures": failures,
    }
    # Flagged (in the summary and the JSON), not failed, like a page over target; only a 5xx fails the bench.
    if cached_urls or new_entries:
        log(
            f"bench: the page cache stored bad input: {len(cached_urls)} URLs by page_cache_keys_for, "
            f"{len(new_entries or [])} new keys in Redis"
        )
    THROUGHPUT_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    ratio = f"{first_page['ratio_to_trivial']:.3f}" if first_page else "not measured"
    log(
        f"bench: throughput: trivial {trivial_rps:.0f} req/s; list first page {ratio} of it (page cache on); "
        f"worker RSS {', '.join(f'{value:.0f}' for value in worker_rss)} MiB; "
        f"bad input: {len(server_errors)} 5xx, cached entries: {report['bad_input_cached']}; "
        f"{report['duration_s']:.0f} s"
    )
    return report, failures
