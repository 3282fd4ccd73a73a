"""The benchmark lives outside the package and still runs: generate a small database, time every page once,
profile it, and (where Debian's wrk is installed) a throughput run of two pages under gunicorn, 1 s per run."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HAVE_WRK = shutil.which("wrk") is not None
# The benchmark builds a SQLite database of its own whatever DATABASE_URL says: the run of the suite on
# PostgreSQL would only repeat the same test (minutes of CI).
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the benchmark runs on its own SQLite database"
)


def test_the_benchmark_is_not_part_of_the_package():
    assert not (ROOT / "teilhabe" / "bench.py").exists()
    assert (ROOT / "benchmarks" / "__main__.py").exists()


@pytest.fixture(scope="module")
def small_bench(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bench")
    env = {
        **os.environ,
        "BENCH_DIR": str(directory),
        "BENCH_SCALE": "0.01",
        "BENCH_REQUESTS": "1",
        "BENCH_WARMUP": "0",
        "BENCH_PROFILE": "1",
        "BENCH_PROFILE_REQUESTS": "2",
        "BENCH_THROUGHPUT": "1" if HAVE_WRK else "0",
        "BENCH_THROUGHPUT_SECONDS": "1",
        "BENCH_THROUGHPUT_PAGES": "list: first page,detail: typical",
        "BENCH_BAD_INPUT_REQUESTS": "26",
        # The operations at their smallest: this test proves they run, make bench measures them at full size.
        "BENCH_IMPORT_ROWS": "200",
        "BENCH_PAPER_SHEETS": "4",
        "BENCH_COMPETITION_APPLICATIONS": "20",
        "BENCH_LEDGER_ENTRIES": "200",
        "BENCH_COMPETITION_REQUESTS": "2",
        "BENCH_PLAN_DIFF_REQUESTS": "2",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    return directory, run


@pytest.mark.slow
def test_a_small_benchmark_generates_consistent_data_and_answers_every_page(small_bench):
    directory, run = small_bench
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((directory / "results-scale-0.01.json").read_text())
    assert report["failures"] == []
    assert report["data"]["contributions"] == 1000
    assert {page["name"] for page in report["pages"]} >= {"home", "list: search", "detail: typical"}
    for page in report["pages"]:
        # The list's first page has its own target, the city-wide iCalendar feed (a document, not a page) too.
        feed = page["name"].startswith("iCalendar: city-wide feed")
        assert page["cpu_target_ms"] == (10 if page["name"] == "list: first page" else 300 if feed else 25), page[
            "name"
        ]
        assert page["over_cpu_target"] == (page["cpu_p50_ms"] > page["cpu_target_ms"])
    assert (directory / "summary-scale-0.01.md").read_text().startswith("# teilhabe bench")


@pytest.mark.slow
def test_profile_mode_writes_shares_adding_up_to_the_whole_and_the_top_functions(small_bench):
    directory, run = small_bench
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    profile = json.loads((directory / "profile-scale-0.01.json").read_text())
    timed = json.loads((directory / "results-scale-0.01.json").read_text())["pages"]
    # Every page rendered (the page cache off) is profiled; the "(page cache)" rows are timed only.
    assert [page["name"] for page in profile["pages"]] == [page["name"] for page in timed if not page["page_cache"]]
    assert any(page["page_cache"] for page in timed)
    for page in profile["pages"]:
        assert set(page["shares"]) >= {"templates", "sql", "translation", "permissions", "cache", "other"}
        assert sum(page["shares"].values()) == pytest.approx(100, abs=0.5), page["name"]
        if not page["name"].startswith("iCalendar"):  # feeds are written by icalendar, not templates
            assert page["shares"]["templates"] > 0, page["name"]
        if page["name"].endswith("(cache cleared)"):  # warm pages may need no query at all
            assert page["shares"]["sql"] > 0, page["name"]
        assert page["total_ms_per_request"] > 0 and page["requests"] == 2
        assert 0 < len(page["top"]) <= 30
        own = [row["own_ms_per_request"] for row in page["top"]]
        assert own == sorted(own, reverse=True)
        assert {"function", "file:line", "own_ms_per_request", "calls_per_request"} <= set(page["top"][0])
        text = (directory / page["file"]).read_text()
        assert text.startswith(f"Profile of {page['name']}") and "by own time (tottime)" in text
    summary = (directory / "summary-scale-0.01.md").read_text()
    assert "## Profile" in summary and "| list: first page |" in summary


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_WRK, reason="wrk is not installed (make bench installs it)")
def test_throughput_compares_pages_with_the_trivial_view_and_bad_input_gets_no_5xx(small_bench):
    directory, run = small_bench
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    throughput = json.loads((directory / "throughput-scale-0.01.json").read_text())
    names = ["list: first page", "detail: typical"]  # BENCH_THROUGHPUT_PAGES above
    assert throughput["trivial_rps"] > 0
    for key in ("pages", "pages_uncached"):
        assert [page["name"] for page in throughput[key]] == names
        for page in throughput[key]:
            assert page["rps"] > 0 and page["p95_ms"] > 0 and page["non_2xx"] == 0
            assert page["ratio_to_trivial"] == pytest.approx(page["rps"] / throughput["trivial_rps"], abs=0.001)
            assert page["worker_cpu_ms_per_request"] > 0 and page["cpu_ratio_to_trivial"] > 0
    assert len(throughput["trivial_runs"]) == 2 * len(names)
    assert throughput["trivial_worker_cpu_ms_per_request"] > 0
    assert len(throughput["worker_rss_mib"]) == 4 and all(rss > 10 for rss in throughput["worker_rss_mib"])
    assert set(throughput["met"]) == set(throughput["targets"])
    assert throughput["bad_input_5xx"] == []
    statuses = {status for case in throughput["bad_input"] for status in case["statuses"]}
    assert statuses and all(status.isdigit() and int(status) < 500 for status in statuses)
    assert "## Throughput" in (directory / "summary-scale-0.01.md").read_text()
