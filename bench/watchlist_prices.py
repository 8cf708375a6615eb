"""Watchlist prices (issue 24 part 4): what reading every followed symbol's latest prices costs.

It builds (once per database, kept between runs) 10 years of daily bars for 500 symbols (about 1.3M
rows), and a reader following 10, 100 or 500 of them. Then, in one process, round after round,
interleaved: parley.markets.board.latest_quotes() for 10, 100 and 500 symbols (one query each), and
the whole /watchlist/ and /feed/ pages through Django for the reader following 100.

    python bench/watchlist_prices.py                          # SQLite
    python bench/watchlist_prices.py --database postgresql    # PARLEY_BENCH_PG (bench/pg.py)
    python bench/watchlist_prices.py --rounds 100 --fresh     # rebuild the data first
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import child  # noqa: E402

CHILD = r'''
import json, random, sys, time
from datetime import timedelta
from decimal import Decimal
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

symbols_n, years, rounds = (int(a) for a in sys.argv[1:4])
call_command("migrate", verbosity=0)
from parley.following.models import Follow
from parley.markets.board import latest_quotes
from parley.markets.models import DailyBar

SYMBOLS = [f"W{n:03d}" for n in range(symbols_n)]
rng = random.Random(11)
started = time.perf_counter()
if not DailyBar.objects.filter(symbol=SYMBOLS[-1]).exists():
    today = timezone.localdate()
    days = [d for d in (today - timedelta(days=n) for n in range(int(years * 365.25), 0, -1)) if d.weekday() < 5]
    for n, symbol in enumerate(SYMBOLS):
        price, rows = 50 + rng.random() * 100, []
        for day in days:
            price = max(1.0, price * (1 + rng.gauss(0, 0.02)))
            close = Decimal(f"{price:.4f}")
            rows.append(DailyBar(symbol=symbol, day=day, open=close, high=close, low=close, close=close,
                                 adj_close=close, volume=1000, source="bench"))
        DailyBar.objects.bulk_create(rows, batch_size=5000)
        print(f"\r{n + 1}/{len(SYMBOLS)} symbols' bars", end="", file=sys.stderr, flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
built = time.perf_counter() - started
reader, _ = User.objects.get_or_create(username="bench_watcher")
if not Follow.objects.filter(user=reader).exists():
    Follow.objects.bulk_create([Follow(user=reader, kind="ticker", key=s) for s in SYMBOLS[:100]])
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(reader)


def ms(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def pct(times):
    times = sorted(times)
    return round(times[len(times) // 2], 2), round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)


sizes = [10, 100, symbols_n]
for _ in range(5):
    for k in sizes:
        latest_quotes(SYMBOLS[:k])
    client.get("/watchlist/"); client.get("/feed/")
timed = {f"latest_quotes, {k} symbols": [] for k in sizes}
timed["GET /watchlist/ following 100"] = []
timed["GET /feed/ following 100"] = []
for _ in range(rounds):
    for k in sizes:
        timed[f"latest_quotes, {k} symbols"].append(ms(lambda: latest_quotes(SYMBOLS[:k])))
    timed["GET /watchlist/ following 100"].append(ms(lambda: client.get("/watchlist/")))
    timed["GET /feed/ following 100"].append(ms(lambda: client.get("/feed/")))
assert len(latest_quotes(SYMBOLS)) == symbols_n
print(json.dumps({"vendor": connection.vendor, "bars": DailyBar.objects.count(), "built_s": round(built),
                  "rounds": rounds, "timed": {k: pct(v) for k, v in timed.items()}}))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data first")
    args = parser.parse_args()
    name = f"watchlist-{args.symbols}x{args.years}"
    r = child.run(CHILD, name, args.database, args.fresh, args.symbols, args.years, args.rounds)
    print(f"Watchlist prices, {r['vendor']}: {r['bars']:,} bars ({args.symbols} symbols x {args.years} years), "
          f"{r['rounds']} rounds" + (f"; data built in {r['built_s']} s" if r["built_s"] else ""))
    print(f"{'what':36} {'p50 ms':>8} {'p99 ms':>8}")
    for label, (p50, p99) in r["timed"].items():
        print(f"{label:36} {p50:8.2f} {p99:8.2f}")


if __name__ == "__main__":
    main()
