"""The benchmark lives outside the package and still runs: generate a small database, time every page once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_the_benchmark_is_not_part_of_the_package():
    assert not (ROOT / "teilhabe" / "bench.py").exists()
    assert (ROOT / "benchmarks" / "__main__.py").exists()


@pytest.mark.slow
def test_a_small_benchmark_generates_consistent_data_and_answers_every_page(tmp_path):
    env = {
        **os.environ,
        "BENCH_DIR": str(tmp_path),
        "BENCH_SCALE": "0.01",
        "BENCH_REQUESTS": "1",
        "BENCH_WARMUP": "0",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads((tmp_path / "results-scale-0.01.json").read_text())
    assert report["failures"] == []
    assert report["data"]["contributions"] == 1000
    assert {page["name"] for page in report["pages"]} >= {"home", "list: search", "detail: typical"}
    assert (tmp_path / "summary-scale-0.01.md").read_text().startswith("# teilhabe bench")
