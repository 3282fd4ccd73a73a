"""`make bench`: server time of the public pages on a large generated SQLite database.

Run as ``python -m benchmarks`` from the repository root. The first run generates 100,000 contributions,
1,000,000 supports and 200,000 comments (by 8,000 accounts) into ``var/bench/bench.sqlite3`` — a database of its
own, never the development one — with the real schema (``migrate``) and the models' own tables. Later runs reuse
it when its counts are right. Then anonymous GET requests are timed in-process with ``django.test.Client`` (the
whole middleware stack and template rendering, no network), and the results go to ``var/bench/results.json`` and
``var/bench/summary.md``. docs/benchmarks.md explains the figures.

One module per job: ``config`` (paths, sizes, settings), ``texts`` and ``data`` (the generator and its checks),
``measure`` (timing the pages), ``report`` (results and summary), ``__main__`` (the run).

Environment:
  BENCH_REBUILD=1      throw the generated database away and build it again
  BENCH_SCALE=0.01     a fraction of the sizes, for a quick trial (its own database and result files)
  BENCH_REQUESTS=60    timed requests per page, after BENCH_WARMUP=5 untimed ones
  BENCH_DIR=var/bench  where the database and the results go

The command fails only when a page answers with anything but 200; pages over the target are flagged.
"""
