"""Ingestion with 1, 2 and 4 `parley worker` processes, on SQLite and on PostgreSQL.

The loopback feed farm (../shared/bench/feedfarm.py: 40 generated feeds of 25 entries by default)
is added as sources to a fresh database; N `parley worker --once` processes then start together
and share the sources through their leases. Each worker does all a deployed one does: fetch,
parse, sanitise, store, index for search, and enrich every new article (spaCy), which is most of
the time. Printed: wall time until the last worker exits, entries stored per second, and a check
that every entry was stored exactly once.

    python bench/workers.py                                # SQLite and PostgreSQL (postgres://parley:parley@127.0.0.1:5432)
    python bench/workers.py --databases sqlite --workers 1 2
    PARLEY_BENCH_PG=postgres://user:pass@host:5432 python bench/workers.py

Each worker runs with one reading process (`--processes 1`): on a small machine four workers each
with a pool per core would only fight over the same cores. Only 127.0.0.1 is contacted.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path[:0] = [str(ROOT), str(SHARED / "bench")]
PY = sys.executable

import pg  # noqa: E402  (bench/pg.py: PARLEY_BENCH_PG)
from feedfarm import make_feed, serve  # noqa: E402

SETUP = r'''
import sys
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from parley.sources.models import Source
call_command("migrate", verbosity=0)
Source.objects.bulk_create([Source(url=url, next_check_at=timezone.now()) for url in sys.argv[1:]])
'''

COUNT = r'''
import django
django.setup()
from parley.articles.models import Article
from parley.sources.models import FetchLog, SourceArticle
print(Article.objects.count(), SourceArticle.objects.count(), FetchLog.objects.exclude(error="").count())
'''


def one_run(database: str, workers: int, urls: list[str]) -> dict:
    data = tempfile.mkdtemp(prefix="parley-workers-bench-")
    env = {**os.environ, "PARLEY_DATA_DIR": data, "PARLEY_FETCH_ALLOW_HOSTS": "127.0.0.1", "PARLEY_LOG_LEVEL": "ERROR",
           "DJANGO_SETTINGS_MODULE": "parley.settings"}
    name = None
    if database == "postgresql":
        name = f"parley_bench_workers_{uuid.uuid4().hex[:8]}"
        env["DATABASE_URL"] = pg.database(name, fresh=True)
    else:
        env.pop("DATABASE_URL", None)
    try:
        subprocess.run([PY, "-c", SETUP, *urls], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        procs = [subprocess.Popen([PY, "-m", "parley.cli", "worker", "--once", "--processes", "1"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        for proc in procs:
            proc.wait(timeout=900)
        seconds = time.perf_counter() - started
        articles, carried, failed = map(int, subprocess.run([PY, "-c", COUNT], env=env, check=True, cwd=ROOT,
                                                            capture_output=True, text=True).stdout.split())
        return {"seconds": seconds, "articles": articles, "carried": carried, "failed": failed,
                "rate": articles / seconds, "codes": [p.returncode for p in procs]}
    finally:
        if name:
            pg.drop(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--entries", type=int, default=25)
    args = parser.parse_args()
    srv = serve([make_feed(i, args.entries) for i in range(args.feeds)])
    urls = [f"http://127.0.0.1:{srv.server_port}/feed/{i}.xml" for i in range(args.feeds)]
    rows = []
    try:
        for database in args.databases:
            for workers in args.workers:
                result = one_run(database, workers, urls)
                rows.append((database, workers, result))
                print(f"{database} x{workers}: {result['articles']} entries in {result['seconds']:.1f}s", flush=True)
    finally:
        srv.shutdown()
    print(f"\nIngestion with enrichment, {args.feeds} feeds x {args.entries} entries on loopback, N `parley worker --once --processes 1`, "
          f"{os.cpu_count()} cores")
    print(f"{'database':>10} {'workers':>8} {'seconds':>8} {'entries/s':>10} {'vs 1 worker':>12} {'stored':>7} "
          f"{'carried':>8} {'failed checks':>14} {'exit codes':>11}")
    for database, workers, r in rows:
        base = next(x for d, w, x in rows if d == database and w == min(w2 for d2, w2, _ in rows if d2 == database))
        print(f"{database:>10} {workers:>8} {r['seconds']:>8.1f} {r['rate']:>10.0f} {r['rate'] / base['rate']:>11.2f}x "
              f"{r['articles']:>7} {r['carried']:>8} {r['failed']:>14} {','.join(map(str, r['codes'])):>11}")
    expected = args.feeds * args.entries
    wrong = [(d, w) for d, w, r in rows if r["articles"] != expected or r["carried"] != expected]
    print(f"every run stored each of the {expected:,} entries exactly once" if not wrong else f"runs that lost or doubled entries: {wrong}")


if __name__ == "__main__":
    main()
