"""Where the benchmark keeps its files, how big the data is, and the settings Django runs with."""

import os
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or ROOT / "var" / "bench").resolve()
SCALE = float(os.environ.get("BENCH_SCALE") or 1)
# A trial at another scale gets files of its own and leaves the full-size database and results alone.
SUFFIX = "" if SCALE == 1 else f"-scale-{SCALE:g}"
DB_PATH = BENCH_DIR / f"bench{SUFFIX}.sqlite3"
META_PATH = BENCH_DIR / f"bench{SUFFIX}-db.json"
RESULTS_PATH = BENCH_DIR / f"results{SUFFIX}.json"
SUMMARY_PATH = BENCH_DIR / f"summary{SUFFIX}.md"
QUERIES_PATH = BENCH_DIR / f"slow-queries{SUFFIX}.md"
PROFILE_PATH = BENCH_DIR / f"profile{SUFFIX}.json"
PROFILE_DIR = BENCH_DIR / f"profile{SUFFIX}"
THROUGHPUT_PATH = BENCH_DIR / f"throughput{SUFFIX}.json"
DEV_DB_PATH = (ROOT / "var" / "teilhabe.sqlite3").resolve()

GENERATOR_VERSION = 4  # raise when the generated data changes, so old databases are rebuilt
SEED = 2136
TARGET_P95_MS = 50.0
CPU_TARGET_MS = 25.0  # CPU p50 of every page, an emptied cache included
CPU_TARGETS_MS = {"list: first page": 10.0}  # the list's first page, rendered (page cache off)
SIZES = {"contributions": 100_000, "supports": 1_000_000, "comments": 200_000, "users": 8_000}
MAX_SUPPORTS = 5_000  # per contribution
MAX_COMMENTS = 250  # per contribution
BATCH = 50_000  # rows per executemany; one transaction per table
DAYS = 180  # contributions arrive over the last half year
SEARCH_WORD = "Sprachkurs"
FILTER_FIELD = "bildung"
FILTER_DISTRICT = 10  # Linden-Limmer


def log(message: str) -> None:
    print(message, flush=True)


def configure() -> None:
    """A database of its own and production-like settings, set before Django reads them."""
    if DB_PATH == DEV_DB_PATH:
        raise SystemExit("bench: refusing to use the development database")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "teilhabe.settings",
            "TEILHABE_VAR_DIR": str(BENCH_DIR),
            "DATABASE_URL": f"sqlite:///{DB_PATH}",
            "DEBUG": "0",
            "RATELIMIT_ENABLE": "0",
            "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "TEILHABE_DEMO": "0",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the local-memory cache, as for a single process
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "k" * 40)
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collected static files here
    BENCH_DIR.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.db import connection

    name = Path(connection.settings_dict["NAME"]).resolve()
    if connection.vendor != "sqlite" or name != DB_PATH:
        raise SystemExit(f"bench: expected the bench database {DB_PATH}, got {connection.vendor} {name}")


def run_in_own_database(args: list[str], *, database_url: str, var_dir: Path, timeout: int = 1200):
    """Run ``python ARGS`` (our own code) against a database and var directory of its own, production-like
    (DEBUG off, tasks immediate, no Redis): how the paper-forms and import benchmarks time a whole operation."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "teilhabe.settings",
        "DATABASE_URL": database_url,
        "TEILHABE_VAR_DIR": str(var_dir),
        "DEBUG": "0",
        "TEILHABE_DEMO": "0",
        "LOG_LEVEL": "ERROR",
        "TASKS_BACKEND": "immediate",
    }
    env.pop("REDIS_URL", None)
    env.setdefault("SECRET_KEY", "bench-only-not-secret-" + "k" * 40)
    env.setdefault("AUDIT_KEY", "bench-only-audit-key-" + "k" * 40)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
