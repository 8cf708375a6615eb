"""Serving benchmark: gunicorn over loopback, 16 connections, pages against a trivial floor view.

For each archive size it builds (once) a SQLite archive with bench/corpus.py, starts
`parley serve` with the page cache off and then on, drives each page with wrk for a few seconds,
and prints requests/s, p50, p99 and each page's throughput as a share of the floor (/healthz,
through the same middleware) measured in the same run: the median of floor runs interleaved
with the pages. Given several databases it serves them all at once, drives each page on one then
the next (--rounds times, a row being the median run), and compares their search rows.

    python bench/serve.py                        # 10,000 and 100,000 articles
    python bench/serve.py --sizes 10000 --duration 5
    python bench/serve.py --sizes 100000 --pages search --database sqlite postgresql --rounds 3
    python bench/serve.py --sizes 10000 --pages company "company all" --duration 5

Needs wrk (Debian: apt-get install wrk). Only 127.0.0.1 is contacted; each run stops by itself.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
LUA = """
paths = %s
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DATABASE_URLS: dict[Path, str] = {}  # data folder -> its PostgreSQL database (absent: SQLite in the folder)


def env_for(data_dir: Path, cache_seconds: int) -> dict:
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_PAGE_CACHE_SECONDS": str(cache_seconds),
           "PARLEY_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    if data_dir in DATABASE_URLS:
        env["DATABASE_URL"] = DATABASE_URLS[data_dir]
    return env


def build(size: int, database: str = "sqlite") -> Path:
    data_dir = OUT / (f"serve-{size}" if database == "sqlite" else f"serve-pg-{size}")
    if database == "postgresql":
        from pg import database as pg_database

        DATABASE_URLS[data_dir] = pg_database(f"parley_bench_serve_{size}")
    subprocess.run([PY, str(ROOT / "bench" / "corpus.py"), str(size)], env=env_for(data_dir, 0), check=True)
    subprocess.run([PY, "-m", "parley.cli", "collectstatic", "--no-input", "-v0"], env=env_for(data_dir, 0), check=True)
    subprocess.run([PY, "-m", "parley.cli", "shell", "-c", COMPANY], env=env_for(data_dir, 0), check=True)
    return data_dir


# The company page's data: ten years of daily bars of $BA (a random walk with volume, every weekday up
# to today) and a ticker fact on every 40th article, so /t/BA/ draws a line with markers, volume and
# coverage from a ten-year history. Written once per archive.
COMPANY = """
import math, random
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from parley.articles.models import Article
from parley.enrichment.models import Fact
from parley.markets.models import DailyBar
if not DailyBar.objects.filter(symbol="BA").exists():
    rng, price, day = random.Random(5), 100.0, timezone.localdate() - timedelta(days=3652)
    rows = []
    while day <= timezone.localdate():
        if day.weekday() < 5:
            price *= math.exp(rng.gauss(0.0003, 0.018))
            rows.append(DailyBar(symbol="BA", day=day, close=Decimal(f"{price:.2f}"), adj_close=Decimal(f"{price:.2f}"),
                                 volume=rng.randint(3_000_000, 12_000_000), source="bench"))
        day += timedelta(days=1)
    DailyBar.objects.bulk_create(rows, batch_size=2000)
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))[::40]
    Fact.objects.bulk_create([Fact(article_id=i, kind="ticker", key="BA", slug="ba", text="BA", start=0, end=2)
                              for i in ids], batch_size=2000)
    print(f"{len(rows)} daily bars of BA, {len(ids)} articles mention it")
"""


def sample_paths(data_dir: Path) -> dict[str, list[str]]:
    """Return the URL list of each page under test, taken from the archive itself."""
    script = (
        "import json, random\n"
        "from parley.articles.models import Article\n"
        "from bench.corpus import QUERIES\n"
        "from urllib.parse import quote\n"
        "ids = list(Article.objects.values_list('id', flat=True))\n"
        "random.seed(3)\n"
        "picked = Article.objects.filter(id__in=random.sample(ids, min(200, len(ids))))\n"
        "from parley.stories.models import Story\n"
        "several = list(Story.objects.filter(article_count__gt=1).order_by('article_count', 'id'))\n"
        "print(json.dumps({'article': [a.get_absolute_url() for a in picked],"
        " 'search': ['/search?q=' + quote(q) for q in QUERIES],"
        " 'story': [s.get_absolute_url() for s in random.sample(several[:-1], min(100, len(several) - 1))],"
        " 'story 2000': [several[-1].get_absolute_url() + p for p in ('', '?page=20', '?page=40')]}))\n"
    )
    done = subprocess.run([PY, "-m", "parley.cli", "shell", "-c", script], env={**env_for(data_dir, 0), "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "floor": ["/healthz"],
        "home": ["/"],
        "article": found["article"],
        "story": found["story"],  # stories of 2-10 articles
        "story 2000": found["story 2000"],  # the 2,000-article story: its first, middle and last pages
        "search": found["search"],
        "api list": ["/api/v1/articles?limit=20"],
        "company": ["/t/BA/"],  # ten years of daily bars stored: the default year, drawn day by day
        "company all": ["/t/BA/?range=all"],  # all ten years, drawn week by week
    }


def start_server(data_dir: Path, cache_seconds: int, server_args: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([PY, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}", "--no-access-log", "--no-worker", *server_args],
                            env=env_for(data_dir, cache_seconds), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def drive(base: str, paths: list[str], duration: int, connections: int, headers: dict | None = None) -> dict:
    """Run wrk on a rotating list of paths (with these request headers); return rps, p50 and p99 in ms."""
    headers = headers or {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % ("{" + ", ".join(json.dumps(p) for p in paths) + "}"))
    # Warm every URL once (fills the page cache where it is on, and the OS cache either way).
    for path in paths:
        urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30).read()
    extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    done = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", *extra, "-s", fh.name, base],
                          capture_output=True, text=True, check=True, timeout=duration + 30)
    os.unlink(fh.name)
    out = done.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": to_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", nargs="+", default=None, help="only these pages (floor is always measured)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: parley serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: parley serve's)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], nargs="+", default=["sqlite"],
                        help="postgresql: one database per size on PARLEY_BENCH_PG (bench/pg.py); "
                             "several: all served at once, each page driven on one then the next")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each page on each database, interleaved; a row is the median run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    server_args = [*(["--workers", str(args.workers)] if args.workers else []),
                   *(["--threads", str(args.threads)] if args.threads else [])]
    results = {}
    databases = list(dict.fromkeys(args.database))
    # Every archive is built (or brought up to date) before any is measured, so the databases'
    # rows are measured minutes apart, not one archive build apart.
    archives = {(size, database): build(size, database) for size in args.sizes for database in databases}
    for size in args.sizes:
        paths = {database: sample_paths(archives[(size, database)]) for database in databases}
        if args.pages:
            paths = {database: {page: urls for page, urls in found.items() if page == "floor" or page in args.pages}
                     for database, found in paths.items()}
        for mode, seconds in (("uncached", 0), ("cached", 300)):
            # Every database's server is up at once and each page is driven on one, then the next, for
            # --rounds rounds (the order turning each round): the load others put on a shared machine
            # swings within minutes, and a row is the median run of its rounds.
            servers = {database: start_server(archives[(size, database)], seconds, server_args) for database in databases}
            try:
                runs: dict = {}
                for database, (_, base) in servers.items():
                    drive(base, paths[database]["floor"], 2, args.connections)  # warm-up, discarded: workers load lazily
                for page in paths[databases[0]]:
                    if page == "floor":
                        continue
                    for database, (_, base) in servers.items():
                        drive(base, paths[database][page], 2, args.connections)  # warm-up: every worker renders it once
                    for turn in range(args.rounds):
                        for database in (databases if turn % 2 == 0 else databases[::-1]):
                            base, urls = servers[database][1], paths[database][page]
                            runs.setdefault((database, page), []).append(drive(base, urls, args.duration, args.connections))
                            if page == "search":  # its own latency, without 16 clients queueing for 2 cores
                                runs.setdefault((database, "search c1"), []).append(drive(base, urls, args.duration, 1))
                            # The floor swings from run to run on a loaded two-core machine: its row is the
                            # median of the runs interleaved with the pages.
                            runs.setdefault((database, "floor"), []).append(
                                drive(base, paths[database]["floor"], args.duration, args.connections))
                for (database, page), found in runs.items():
                    results[(size, database, mode, page)] = sorted(found, key=lambda r: r["rps"])[len(found) // 2]
            finally:
                for proc, _ in servers.values():
                    proc.terminate()
                    proc.wait(timeout=20)
        paths = paths[databases[0]]

    print(f"\nServing over 127.0.0.1 from {' and '.join(databases)}, gunicorn (parley serve {' '.join(server_args)}), "
          f"wrk -c{args.connections}, {args.duration}s per run, median of {args.rounds} run(s) a row, {os.cpu_count()} cores")
    print(f"{'articles':>9} {'database':>10} {'cache':>9} {'page':>10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of floor':>9} "
          f"{'errors':>7}")
    for (size, database, mode, page), r in sorted(results.items(), key=lambda kv: (
            kv[0][0], kv[0][2] != "uncached", databases.index(kv[0][1]), kv[0][3] != "floor")):
        floor = results[(size, database, mode, "floor")]["rps"]
        print(f"{size:>9,} {database:>10} {mode:>9} {page:>10} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{r['rps'] / floor:>8.0%} {r['errors']:>7}")
    if len(databases) >= 2 and (args.sizes[0], databases[0], "uncached", "search") in results:
        first = databases[0]
        for size in args.sizes:  # the other databases' uncached search against the first one's, in this run
            for other in databases[1:]:
                a, b = results[(size, first, "uncached", "search")], results[(size, other, "uncached", "search")]
                print(f"search at {size:,} articles, {other} against {first}: {b['rps'] / a['rps']:.0%} of its req/s, "
                      f"p99 {b['p99']:.1f} ms against {a['p99']:.1f} ms")
    if len(args.sizes) >= 2 and "home" in paths:
        small, large = min(args.sizes), max(args.sizes)
        for database in databases:
            for mode in ("uncached", "cached"):
                cost = results[(small, database, mode, "home")]["rps"] / results[(large, database, mode, "home")]["rps"]
                print(f"home cost on {database} at {large:,} vs {small:,} articles ({mode}): {cost:.2f}x")


if __name__ == "__main__":
    random.seed(1)
    main()
