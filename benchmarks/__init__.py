"""`make bench`: server time of the public pages on a large generated SQLite database.

Run as ``python -m benchmarks`` from the repository root. The first run generates 100,000 contributions,
1,000,000 supports and 200,000 comments (by 8,000 accounts) into ``var/bench/bench.sqlite3`` — a database of its
own, never the development one — with the real schema (``migrate``) and the models' own tables. Later runs reuse
it when its counts are right. Then anonymous GET requests are timed in-process with ``django.test.Client`` (the
whole middleware stack and template rendering, no network), and the results go to ``var/bench/results.json`` and
``var/bench/summary.md``. Then the throughput phase: the project under gunicorn (2 workers, page cache on and
off) against a trivial 20 KB Django view, loaded by wrk, with bad query strings fired at the list
(``var/bench/throughput.json``). With BENCH_PROFILE=1, a profile of every page between the two
(``var/bench/profile.json``, ``var/bench/profile/``). docs/benchmarks.md explains the figures.

One module per job: ``config`` (paths, sizes, settings), ``texts`` and ``data`` (the generator and its checks),
``measure`` (timing the pages), ``profiling`` (profile mode), ``throughput`` (gunicorn and wrk; with
``server_settings``, ``trivial`` and ``cache_check``), ``report`` (results and summary), ``__main__`` (the run).

Environment:
  BENCH_REBUILD=1      throw the generated database away and build it again
  BENCH_SCALE=0.01     a fraction of the sizes, for a quick trial (its own database and result files)
  BENCH_REQUESTS=60    timed requests per page, after BENCH_WARMUP=5 untimed ones
  BENCH_DIR=var/bench  where the database and the results go
  BENCH_PROFILE=1      profile every page (BENCH_PROFILE_REQUESTS=20 requests each) after the timing
  BENCH_THROUGHPUT=0   skip the throughput phase (BENCH_THROUGHPUT_SECONDS=5 per wrk run; BENCH_THROUGHPUT_PAGES
                       a comma-separated subset of its page names; BENCH_BAD_INPUT_REQUESTS=300;
                       BENCH_REDIS_URL=redis://127.0.0.1:6379/11, flushed)

The command fails only when a page answers with anything but 200 (in the timing, the profile or under load) or
bad input gets a 5xx; pages over the target, throughput targets not met and cached bad input are flagged.
"""
