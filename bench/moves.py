"""Moves beside the news (issue 24 part 3): what the move since publication adds to the home page.

It builds (once per database, kept between runs) 10 years of daily bars for 500 symbols (about 1.3M
rows) up to today, stored day by day as imports and fetches store them, and 400 articles two hours apart, the newest three days old (so most have a later
close whatever the weekday the bench runs on), each about three of the symbols (Subject rows, as
enrichment writes them, a few symbols far more often than the rest). Then, in one process, round
after round, interleaved:

- moves for 30 articles, computed: parley.web.markets.moves_now() for the 30 newest articles (their
  tickers from Subject, then every bar needed in one query, then the arithmetic): what the moves
  add to a home page of 30 articles when they are not in the cache (once a minute per process);
- moves for 30 articles, as served: parley.web.markets.listing_moves(), which keeps each article's
  moves MOVERS_SECONDS in the cache (locmem by default): what they add to every other page view;
- the movers box: parley.web.markets.movers_now(5) (tickers in the news, their last two closes, that
  day's counts), on the home page once a minute (movers() keeps it MOVERS_SECONDS in the cache);
- one trivial query (SELECT 1) in the same rounds: on a shared machine its p99 shows how much of
  any p99 is the machine's other load, not Parley;
- the home page: GET / through Django with the page cache off (PARLEY_PAGE_CACHE_SECONDS=0), the
  baseline, measured in the same rounds; it includes the moves, and the movers box from the cache.

    python bench/moves.py                          # SQLite
    python bench/moves.py --database postgresql    # PARLEY_BENCH_PG (bench/pg.py)
    python bench/moves.py --rounds 500 --fresh     # more rounds; rebuild the data first

Goal (issue 24): the moves add under 5 ms p99 to a home page of 30 articles.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import child  # noqa: E402

CHILD = r'''
import json, random, sys, time
from datetime import date, timedelta
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

symbols_n, years, rounds = (int(a) for a in sys.argv[1:4])
call_command("migrate", verbosity=0)
from parley.articles.models import Article
from parley.articles.services import ArticleDraft, store_articles
from parley.enrichment.models import Subject
from parley.markets.models import DailyBar

SYMBOLS = [f"S{n:03d}" for n in range(symbols_n)]
rng = random.Random(7)
started = time.perf_counter()
days = [timezone.localdate() - timedelta(days=d) for d in range(int(years * 365.25), -1, -1)]
days = [d for d in days if d.weekday() < 5]
building = not DailyBar.objects.filter(symbol=SYMBOLS[-1], day=days[-1]).exists()  # a build cut short: --fresh
if building:
    # Day by day, every symbol each day, as daily imports and fetches store them: a symbol's bars are
    # then spread over the table, not side by side as a per-symbol load would leave them.
    prices = {symbol: 50 + rng.random() * 100 for symbol in SYMBOLS}
    rows = []
    for n, day in enumerate(days):
        for symbol in SYMBOLS:
            prices[symbol] = max(1.0, prices[symbol] * (1 + rng.gauss(0, 0.02)))
            close = Decimal(f"{prices[symbol]:.4f}")
            rows.append(DailyBar(symbol=symbol, day=day, open=close, high=close, low=close, close=close,
                                 adj_close=close, volume=1000, source="bench"))
        if len(rows) >= 10000 or n == len(days) - 1:
            DailyBar.objects.bulk_create(rows, batch_size=5000)
            rows = []
            print(f"\r{n + 1}/{len(days)} days' bars", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
if Article.objects.filter(title__startswith="Bench moves").count() < 400:
    now = timezone.now()
    drafts = [ArticleDraft(title=f"Bench moves article {n}", outlet="Bench Wire", paragraphs=[f"Body {n}."],
                           published_at=now - timedelta(days=3, hours=2 * n)) for n in range(400)]
    stored = [r.article for r in store_articles(drafts)]
    subjects = []
    for article in stored:
        picked = set()
        while len(picked) < 3:  # a few symbols in most articles, a long tail
            picked.add(SYMBOLS[min(len(SYMBOLS) - 1, int(len(SYMBOLS) ** rng.random()) - 1)])
        subjects += [Subject(article=article, kind="ticker", key=s, published_at=article.published_at) for s in picked]
    Subject.objects.bulk_create(subjects, ignore_conflicts=True)
with connection.cursor() as cur:
    cur.execute("ANALYZE")
built = time.perf_counter() - started if building else 0

from parley.markets.moves import today_on_exchange
from parley.web import markets

articles = list(Article.objects.newest()[:30])
today = today_on_exchange(timezone.now())
client = Client(HTTP_HOST="127.0.0.1")


def ms(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def pct(times):
    times = sorted(times)
    return round(times[len(times) // 2], 2), round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)


for _ in range(10):  # warm: connections, templates, the company list
    markets.moves_now(articles, today); markets.listing_moves(articles); markets.movers_now(5); client.get("/")
moves, served, box, home, floor = [], [], [], [], []


def trivial():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchall()


for _ in range(rounds):
    floor.append(ms(trivial))
    moves.append(ms(lambda: markets.moves_now(articles, today)))
    served.append(ms(lambda: markets.listing_moves(articles)))
    box.append(ms(lambda: markets.movers_now(5)))
    home.append(ms(lambda: client.get("/")))
found = markets.listing_moves(articles)
print(json.dumps({"vendor": connection.vendor, "bars": DailyBar.objects.count(), "articles": len(articles),
                  "tickers": sum(len(s) for s in Subject.objects.filter(article__in=articles).values_list("key")),
                  "with_moves": len(found), "moves": sum(len(v) for v in found.values()), "built_s": round(built),
                  "rounds": rounds, "floor_ms": pct(floor), "moves_ms": pct(moves), "served_ms": pct(served), "box_ms": pct(box), "home_ms": pct(home)}))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data first")
    args = parser.parse_args()
    name = f"moves-{args.symbols}x{args.years}-byday"
    r = child.run(CHILD, name, args.database, args.fresh, args.symbols, args.years, args.rounds)
    print(f"Moves beside the news, {r['vendor']}: {r['bars']:,} bars ({args.symbols} symbols x {args.years} years), "
          f"{r['articles']} articles with {r['tickers']} tickers ({r['moves']} moves shown), {r['rounds']} rounds"
          + (f"; data built in {r['built_s']} s" if r["built_s"] else ""))
    home50, home99 = r["home_ms"]
    rows = [("moves for 30 articles, computed (added)", r["moves_ms"]),
            ("moves for 30 articles, as served: kept a minute", r["served_ms"]), ("movers box, top 5, uncached (added)", r["box_ms"]),
            ("home page GET / (baseline, includes the moves)", r["home_ms"]),
            ("one trivial query, SELECT 1 (the machine's noise)", r["floor_ms"])]
    print(f"{'what':52} {'p50 ms':>8} {'p99 ms':>8} {'p50 / home p50':>15}")
    for label, (p50, p99) in rows:
        print(f"{label:52} {p50:8.2f} {p99:8.2f} {p50 / home50 * 100:14.1f}%")
    for label, key in (("computed", "moves_ms"), ("as served", "served_ms")):
        verdict = "met" if r[key][1] < 5 else "NOT met"
        print(f"goal: moves add under 5 ms p99, {label} -> {verdict} ({r[key][1]:.2f} ms)")


if __name__ == "__main__":
    main()
