"""Price import benchmark: daily bars stored per second by `parley prices import`, on SQLite and
PostgreSQL, against the database's own floor measured in the same run.

Writes Yahoo-style daily CSV exports (Date,Open,High,Low,Close,Adj Close,Volume; ten years of
trading days per symbol by default) in chunks of files, imports each chunk with Parley's real
import (`import_path`: read, check every row, refuse conflicting days, upsert in batches, record
the import), and deletes the chunk, so the whole set never sits on disk at once. Writing the files
is not timed. The floor is a plain INSERT of ready-made rows, 500 to a statement, into the emptied
table, with no file, parsing, checks or conflict handling: what the database and its driver alone cost.

    python bench/prices.py [--tickers 6000] [--years 10] [--database sqlite postgresql]

Each database runs in its own process (Django reads its database at start-up); the table at the
end puts them side by side.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHUNK = 100  # files written, imported and deleted at a time


def trading_days(years: int) -> list[date]:
    end = date(2026, 11, 30)
    day, days = end - timedelta(days=365 * years), []
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def symbol_of(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return "Q" + letters  # invented symbols, none a real company's


def write_file(folder: Path, symbol: str, days: list[date], rng: random.Random) -> None:
    price = rng.uniform(5, 500)
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"]
    for day in days:
        price = max(0.5, price * (1 + rng.gauss(0, 0.02)))
        low, high = price * 0.98, price * 1.02
        lines.append(f"{day.isoformat()},{price:.4f},{high:.4f},{low:.4f},{price:.4f},{price * 0.97:.4f},"
                     f"{rng.randint(10_000, 9_000_000)}")
    (folder / f"{symbol}.csv").write_text("\n".join(lines) + "\n")


def run_one(database: str, tickers: int, years: int) -> dict:
    """Runs inside the child process for one database: import, then the floor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    os.environ["PARLEY_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction

    from parley.markets.models import DailyBar, PriceImport
    from parley.markets.services import BAR_COLUMNS, import_path

    call_command("migrate", verbosity=0)
    DailyBar.objects.all().delete()
    PriceImport.objects.all().delete()
    days = trading_days(years)
    rng = random.Random(11)
    folder = Path(tempfile.mkdtemp(prefix="parley-prices-bench-"))
    seconds = stored = refused = 0
    try:
        for start in range(0, tickers, CHUNK):
            for i in range(start, min(start + CHUNK, tickers)):
                write_file(folder, symbol_of(i), days, rng)
            began = time.perf_counter()
            reports = import_path(folder)
            seconds += time.perf_counter() - began
            stored += sum(r.stored for r in reports)
            refused += sum(r.refused for r in reports)
            for path in folder.iterdir():
                path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert DailyBar.objects.count() == stored == tickers * len(days), "every row stored once"

    # The floor: rows already made in memory, inserted 500 to a statement with no conflict clause (the
    # statement shape the import uses): what the database and its driver alone cost, without files,
    # parsing, checks or upserting.
    DailyBar.objects.all().delete()
    floor_rows = min(stored, 500_000)  # enough for a steady rate; rates, not totals, are compared
    table = connection.ops.quote_name(DailyBar._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in BAR_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(BAR_COLUMNS)) + ")"
    values = [(symbol_of(i // len(days)), days[i % len(days)], Decimal("10.5"), Decimal("11"), Decimal("10"),
               Decimal("10.75"), Decimal("10.5"), 1_000_000, "USD", "bench") for i in range(floor_rows)]
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, floor_rows, 500):
            chunk = values[start:start + 500]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                           [v for row in chunk for v in row])
    floor_seconds = time.perf_counter() - began
    DailyBar.objects.all().delete()
    return {"database": connection.vendor, "tickers": tickers, "days": len(days), "rows": stored,
            "refused": refused, "seconds": seconds, "rows_per_s": stored / seconds,
            "floor_rows_per_s": floor_rows / floor_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickers", type=int, default=6000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.tickers, args.years)))
        return
    results = []
    for database in args.database:
        env = dict(os.environ, PARLEY_DATA_DIR=tempfile.mkdtemp(prefix="parley-prices-bench-data-"))
        env.pop("DATABASE_URL", None)
        if database == "postgresql":
            from bench.pg import database as pg_database
            env["DATABASE_URL"] = pg_database("parley_bench_prices", fresh=True)
        out = subprocess.run([sys.executable, __file__, "--child", database, "--tickers", str(args.tickers),
                              "--years", str(args.years)], env=env, check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        shutil.rmtree(env["PARLEY_DATA_DIR"], ignore_errors=True)
    print(f"\nPrice import: {args.tickers:,} symbols x {args.years} years of daily bars (Yahoo CSV files)\n")
    print("| database | rows | refused | import s | import rows/s | baseline rows/s (500-row INSERT of ready rows) | import / baseline |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['database']} | {r['rows']:,} | {r['refused']} | {r['seconds']:.0f} | {r['rows_per_s']:,.0f} | "
              f"{r['floor_rows_per_s']:,.0f} | {r['rows_per_s'] / r['floor_rows_per_s']:.2f} |")


if __name__ == "__main__":
    main()
