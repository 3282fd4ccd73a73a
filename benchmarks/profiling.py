"""Profile mode (BENCH_PROFILE=1): where the time of each page goes, after the timing and apart from it.

Two passes per page, both in-process like the timing (django.test.Client, anonymous):

1. Shares. A few entry functions of each category are wrapped with a clock that keeps a stack of the categories
   entered; every interval of the request goes to the innermost category open at that moment, the rest to
   "other". So SQL run while a template renders is sql (the ORM's work around it orm), a permission check
   inside a template is permissions, and nothing is counted twice: the shares add up to the request's wall
   time. Without cProfile, so that they are not bent by the profiler's per-call overhead (which weighs most on
   the many small calls of template rendering).
2. Functions. cProfile over the same number of requests: the top functions by own time (tottime) and by
   cumulative time, per request, as text and in profile.json; the raw stats too (.prof, for pstats).

The page cache (if the code has one) is switched off for both passes: a profile of a cache hit says nothing
about rendering.
"""

import cProfile
import functools
import json
import pstats
import re
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.config import PROFILE_DIR, PROFILE_PATH, ROOT, log

CATEGORIES = ("templates", "sql", "orm", "translation", "permissions", "cache", "other")
TOP = 30
TOP_CUMULATIVE = 30
CACHE_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "get_or_set",
    "has_key",
    "incr",
    "decr",
    "set_many",
    "delete_many",
    "incr_version",
    "decr_version",
)
TRANSLATION_FUNCTIONS = (
    "gettext",
    "ngettext",
    "pgettext",
    "npgettext",
    "activate",
    "deactivate",
    "deactivate_all",
    "get_language",
    "get_language_bidi",
    "check_for_language",
    "get_language_from_request",
    "get_language_from_path",
    "get_supported_language_variant",
)


class CategoryClock:
    """Wall time per category; each interval belongs to the innermost category entered (else "other")."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.stack: list[str] = []
        self.running = False
        self.last = 0.0

    def start(self) -> None:
        self.stack, self.running, self.last = [], True, time.perf_counter()

    def stop(self) -> None:
        now = time.perf_counter()
        self.seconds[self.stack[-1] if self.stack else "other"] += now - self.last
        self.running = False

    def wrap(self, function, category: str):
        clock = self

        @functools.wraps(function)
        def timed(*args, **kwargs):
            if not clock.running:
                return function(*args, **kwargs)
            now = time.perf_counter()
            clock.seconds[clock.stack[-1] if clock.stack else "other"] += now - clock.last
            clock.last = now
            clock.stack.append(category)
            clock.calls[category] += 1
            try:
                return function(*args, **kwargs)
            finally:
                now = time.perf_counter()
                clock.seconds[clock.stack.pop()] += now - clock.last
                clock.last = now

        return timed


def _entry_points() -> list[tuple[object, str, str]]:
    """(owner, attribute, category): the functions whose calls open a category."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser, PermissionsMixin
    from django.core.cache import caches
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper
    from django.db.backends.utils import CursorWrapper
    from django.db.models.query import QuerySet
    from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler, SQLUpdateCompiler
    from django.template.base import Template
    from django.utils import translation
    from rules.predicates import Predicate
    from rules.rulesets import RuleSet

    points = [
        # Rendering: every template, included ones too (context processors run inside it).
        (Template, "render", "templates"),
        # SQL: Django's cursor (its wrappers, the query conversion, sqlite3's execute) and fetching the rows,
        # which is where SQLite steps through the query.
        (CursorWrapper, "execute", "sql"),
        (CursorWrapper, "executemany", "sql"),
        (SQLiteCursorWrapper, "fetchone", "sql"),
        (SQLiteCursorWrapper, "fetchmany", "sql"),
        (SQLiteCursorWrapper, "fetchall", "sql"),
        # ORM: evaluating a queryset (building its SQL, rows into objects, prefetching) and every compiled
        # query (count, exists, aggregate, writes), except the cursor time above.
        (QuerySet, "_fetch_all", "orm"),
        (SQLCompiler, "execute_sql", "orm"),
        (SQLInsertCompiler, "execute_sql", "orm"),
        (SQLUpdateCompiler, "execute_sql", "orm"),
        # Permissions: rules (rules.has_perm, {% has_perm %}, predicates called directly) and user.has_perm.
        (RuleSet, "test_rule", "permissions"),
        (Predicate, "test", "permissions"),
        (Predicate, "__call__", "permissions"),
        (PermissionsMixin, "has_perm", "permissions"),
        (AnonymousUser, "has_perm", "permissions"),
    ]
    try:  # Jinja2 templates, should the project use them
        from jinja2.environment import Template as JinjaTemplate

        points += [(JinjaTemplate, "render", "templates")]
    except ImportError:
        pass
    # Translation: django.utils.translation's functions all go through its _trans object (gettext_lazy too),
    # which holds trans_real's functions (and, through them, the gettext module's catalogues).
    points += [(translation._trans, name, "translation") for name in TRANSLATION_FUNCTIONS]
    # Cache: the public methods of every configured cache backend class (the cache tag, the page cache too).
    backends = {type(caches[alias]) for alias in settings.CACHES}
    points += [(backend, name, "cache") for backend in backends for name in CACHE_METHODS if hasattr(backend, name)]
    return points


class Instrumented:
    """Context manager: the entry points wrapped with the clock, restored on exit."""

    def __init__(self, clock: CategoryClock):
        self.clock = clock
        self.saved = []

    def __enter__(self):
        for owner, name, category in _entry_points():
            own = name in vars(owner)
            original = getattr(owner, name)
            if isinstance(owner, type) and own:
                original = vars(owner)[name]  # the plain function, not a bound one
            self.saved.append((owner, name, own, vars(owner).get(name)))
            setattr(owner, name, self.clock.wrap(original, category))
        return self.clock

    def __exit__(self, *exc):
        for owner, name, own, original in reversed(self.saved):
            if own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self.saved = []


def _short_path(filename: str) -> str:
    if filename == "~":
        return "built-in"
    path = Path(filename)
    for prefix in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(ROOT)):
        try:
            return str(path.relative_to(prefix))
        except ValueError:
            continue
    return filename


def _function_rows(stats: pstats.Stats, requests: int, key: int, count: int) -> list[dict]:
    """key 2 = own time (tottime), 3 = cumulative time; per request, in ms. By cumulative time, the request's
    outer chain (test client, handler, middleware: each ≥ 95 % of the whole) is left out."""
    entries = sorted(stats.stats.items(), key=lambda item: -item[1][key])
    if key == 3:
        entries = [entry for entry in entries if entry[1][3] < 0.95 * stats.total_tt]
    entries = entries[:count]
    rows = []
    for (filename, line, function), (_primitive, calls, own, cumulative, _callers) in entries:
        rows.append(
            {
                "function": re.sub(r" at 0x[0-9a-f]+", "", function),
                "file:line": f"{_short_path(filename)}:{line}",
                "own_ms_per_request": round(own * 1000 / requests, 3),
                "cumulative_ms_per_request": round(cumulative * 1000 / requests, 3),
                "calls_per_request": round(calls / requests, 1),
            }
        )
    return rows


def _request(client, cache, page: dict, index: int):
    url = page["urls"][index % len(page["urls"])]
    if page.get("clear_cache"):
        cache.clear()  # outside the measured part, as in the timing
    elif page.get("after_write"):
        from benchmarks.measure import as_after_a_write

        as_after_a_write(page)
    return url


def profile_page(client, page: dict, requests: int) -> dict:
    from django.core.cache import cache

    clock = CategoryClock()
    failures = []
    with Instrumented(clock):
        for index in range(requests):
            url = _request(client, cache, page, index)
            clock.start()
            response = client.get(url)
            clock.stop()
            if response.status_code != 200:
                failures.append(f"{page['name']}: {url} answered {response.status_code} (profile)")
    total = sum(clock.seconds.values())
    shares = {category: round(100 * clock.seconds[category] / total, 1) for category in CATEGORIES}

    profiler = cProfile.Profile()
    for index in range(requests):
        url = _request(client, cache, page, index)
        profiler.enable()
        client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    return {
        "name": page["name"],
        "url": page["urls"][0] + (f" (+{len(page['urls']) - 1} more, rotated)" if len(page["urls"]) > 1 else ""),
        "requests": requests,
        "total_ms_per_request": round(total * 1000 / requests, 2),
        "profiled_ms_per_request": round(stats.total_tt * 1000 / requests, 2),
        "shares": shares,
        "ms_per_request": {category: round(clock.seconds[category] * 1000 / requests, 2) for category in CATEGORIES},
        "calls_per_request": {category: round(clock.calls[category] / requests, 1) for category in CATEGORIES[:-1]},
        "top": _function_rows(stats, requests, 2, TOP),
        "top_cumulative": _function_rows(stats, requests, 3, TOP_CUMULATIVE),
        "_stats": stats,
        "_failures": failures,
    }


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("+", " "))


def _function_table(rows: list[dict]) -> list[str]:
    lines = [f"{'own ms':>9} {'cum ms':>9} {'calls':>9}  function (file:line)"]
    for row in rows:
        lines.append(
            f"{row['own_ms_per_request']:>9.3f} {row['cumulative_ms_per_request']:>9.3f} "
            f"{row['calls_per_request']:>9.1f}  {row['function']} ({row['file:line']})"
        )
    return lines


def page_text(result: dict) -> str:
    lines = [
        f"Profile of {result['name']}: {result['url']}",
        f"{result['requests']} requests, in-process (django.test.Client, anonymous), page cache off.",
        "",
        f"Wall time per request without profiler: {result['total_ms_per_request']:.2f} ms; "
        f"under cProfile: {result['profiled_ms_per_request']:.2f} ms.",
        "",
        "Shares (each interval counted for the innermost category open; see docs/benchmarks.md):",
    ]
    for category in CATEGORIES:
        calls = result["calls_per_request"].get(category)
        lines.append(
            f"  {category:<12} {result['shares'][category]:>5.1f} %  {result['ms_per_request'][category]:>8.2f} ms"
            + (f"  ({calls:g} entries per request)" if calls is not None else "")
        )
    lines += [
        "",
        f"Top {TOP} functions by own time (tottime), per request, under cProfile:",
        *_function_table(result["top"]),
        "",
        f"Top {TOP_CUMULATIVE} functions by cumulative time (the function and everything it calls), per request, "
        "without the request's outer chain (test client, handler, middleware):",
        *_function_table(result["top_cumulative"]),
    ]
    return "\n".join(lines) + "\n"


def share_line(result: dict) -> str:
    shares = "  ".join(f"{category} {result['shares'][category]:>4.1f}%" for category in CATEGORIES)
    return f"  {result['name']:<40} {result['total_ms_per_request']:>7.1f} ms  {shares}"


def profile_pages(pages: list[dict], *, requests: int) -> tuple[dict, list[str]]:
    """Profile every page; write profile/<page>.txt (+ .prof) and profile.json; returns (report, failures)."""
    from django.test import Client
    from django.test.utils import override_settings

    from benchmarks.measure import sign_in_for

    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    client = Client()
    results, failures = [], []
    log(f"bench: profiling {len(pages)} pages, {requests} requests each (shares, then cProfile)")
    with override_settings(TEILHABE_PAGE_CACHE=False):
        for page in pages:
            sign_in_for(client, page)
            result = profile_page(client, page, requests)
            slug = _slug(page["name"])
            result.pop("_stats").dump_stats(PROFILE_DIR / f"{slug}.prof")
            failures += result.pop("_failures")
            result["file"] = f"{PROFILE_DIR.name}/{slug}.txt"
            (PROFILE_DIR / f"{slug}.txt").write_text(page_text(result))
            results.append(result)
            log(share_line(result))
    report = {
        "requests_per_page": requests,
        "page_cache": False,
        "categories": list(CATEGORIES),
        "pages": results,
    }
    PROFILE_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report, failures
