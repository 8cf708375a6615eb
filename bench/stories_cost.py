"""Stories cost benchmark: the time to place one new article in a story, at 100,000 and 1,000,000 articles.

For each database and size it builds once (kept in bench/out/, and for PostgreSQL in a database of
PARLEY_BENCH_PG, bench/pg.py) an archive of N placed articles, one every three minutes: the 5-day
window holds ~2,400. Each has bench/corpus.py's Zipf-distributed words and 0-4 names: companies (an
organisation fact, most with a ticker fact) and people, drawn with a Zipf-like skew (the most popular
company is in ~10% of the articles, as Apple or Tesla are), now and then a money figure, and a
Membership: most articles stand alone, 5% of stories have 2-30 articles over two days, their texts
alike and their names shared.

Then it places new articles of the last six hours with `parley.stories.services.place`, each in its
own transaction as the worker does: a quarter follow a recent story, a quarter name a popular
company, a quarter rare names, a quarter none. Printed per size: p50, p99 and max in ms, p99 as a
multiple of one trivial query (`SELECT 1` through Django, measured in the same run), SQL queries,
the articles sharing a name and the candidates in the window, and where the time goes: the share of
the functions place() calls (each wrapped in a timer) and of the rest. The placed articles and their
stories are deleted afterwards: a run leaves the archive as it found it.

    python bench/stories_cost.py                                    # 100k and 1M, SQLite and PostgreSQL
    python bench/stories_cost.py --sizes 100000 --database sqlite --placings 300

Only 127.0.0.1 is contacted; each run stops by itself.
"""
import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.db import connection, transaction

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED = 29
STEP = timedelta(minutes=3)
BATCH = 10_000
COMPANIES, PEOPLE = 5_000, 20_000
PEOPLE_AND_COMPANIES = ("ticker", "person", "organization")
KINDS = ("follow-up", "popular company", "rare names", "no name")
PARTS = {  # the functions of parley.stories.services that place() calls, timed, and what they do
    "candidates": "candidates(): the articles sharing a name, then the placed ones within the window",
    "_facts_of": "_facts_of(): its facts, then the candidates'",
    "seen": "matching.seen() of it and of each candidate",
    "compare": "matching.compare() with each candidate",
}
REST = "the rest: is it placed, the candidates' texts, the writes (joining: outlets, heat, signal), COMMIT"


def skewed(rng, count: int) -> int:
    """Index k drawn about 1/(k+1) as often as 0: a few popular, a long tail (as bench/following.py)."""
    return min(count - 1, int(count ** rng.random()) - 1)


class Writer:
    """Invented names and texts, deterministic: an event, and one article's report of it."""

    def __init__(self, rng):
        from corpus import vocabulary

        self.rng, self.words = rng, vocabulary(rng)[15:]
        self.weights = list(itertools.accumulate(1 / (rank + 16) for rank in range(len(self.words))))
        rare = self.words[5000:]
        self.companies = [f"{rare[k].capitalize()} {('Inc', 'Corp', 'Group', 'Bank')[k % 4]}" for k in range(COMPANIES)]
        self.tickers = [f"{rare[k][:3].upper()}{k}" for k in range(COMPANIES)]
        self.people = [f"{rare[k].capitalize()} {rare[-k - 1].capitalize()}" for k in range(PEOPLE)]
        self.filler = [self.text(80).capitalize() + "." for _ in range(1000)]

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.weights, k=count))

    def names(self, count: int, popular: bool = False) -> list[tuple[str, str]]:
        """`count` names as (kind, key) facts: companies, most with their ticker, and people."""
        found = []
        for n in range(count):
            if not (popular and n == 0) and self.rng.random() >= 0.6:
                found.append(("person", self.people[skewed(self.rng, PEOPLE)]))
                continue
            k = self.rng.randrange(5) if popular and n == 0 else skewed(self.rng, COMPANIES)
            found += [("organization", self.companies[k])] + [("ticker", self.tickers[k])] * (self.rng.random() < 0.7)
        return list(dict.fromkeys(found))

    def event(self, names) -> dict:
        """What the reports of one event share: title and lead words, names, maybe a figure."""
        label = next((key for kind, key in names if kind != "ticker"), "")
        return {"title": f"{label} {self.text(8)}".split(), "lead": f"{label} {self.text(60)}".split(), "names": names,
                "money": f"${self.rng.randint(2, 900)} million" if self.rng.random() < 0.2 else None}

    def article(self, event) -> tuple[str, str, list[tuple[str, str]]]:
        """One report of the event, a quarter of its words changed: (title, body, facts)."""
        def vary(words):
            return " ".join(w if self.rng.random() < 0.75 else self.text(1) for w in words).capitalize()

        body = "\n\n".join([vary(event["lead"]) + ".", *self.rng.sample(self.filler, 3)])
        facts = event["names"] + [("money", event["money"])] * bool(event["money"] and self.rng.random() < 0.7)
        return vary(event["title"]), body, facts


def fact_rows(article_id: int, facts) -> list:
    from parley.enrichment.models import Fact, slug_of

    return [Fact(article_id=article_id, kind=kind, key=key, slug=slug_of(key), text=key, start=0, end=len(key),
                 confidence=0.9, value={"amount": int(key.split()[0][1:]) * 1_000_000, "currency": "USD"}
                 if kind == "money" else {}) for kind, key in facts]


def build(count: int, writer: Writer, now) -> None:
    """Insert the archive in batches of BATCH articles, one transaction each."""
    from parley.articles.models import Article, Outlet
    from parley.enrichment.models import Fact
    from parley.stories.models import Membership, Story

    rng, planned = writer.rng, {}  # article number -> (its story's id, the story's event)
    if connection.vendor == "postgresql":  # a GIN index is built faster at once than row by row
        connection.cursor().execute("DROP INDEX IF EXISTS article_search_gin")
    outlets = [Outlet.objects.get_or_create(name=f"Bench Outlet {n}", slug=f"bench-outlet-{n}")[0] for n in range(20)]
    for start in range(1, count + 1, BATCH):
        articles, stories, members, facts = [], [], [], []
        for n in range(start, min(count + 1, start + BATCH)):
            at = now - STEP * (count - n)
            story, event = planned.pop(n, (n, None))
            if event is None:
                event = writer.event(writer.names(rng.choice([0, 1, 1, 2, 2, 2, 3, 4])))
                size = 1 if rng.random() < 0.95 else 2 + skewed(rng, 29)
                later = sorted(p for p in rng.sample(range(n + 1, n + 960), size - 1) if p <= count and p not in planned)
                planned.update((p, (n, event)) for p in later)
                stories.append(Story(pk=n, title="", slug="", first_article_id=n, first_reported_at=at,
                                     last_article_at=now - STEP * (count - max([n, *later])), article_count=1 + len(later)))
            title, body, names = writer.article(event)
            articles.append(Article(pk=n, outlet=outlets[n % 20], title=title, slug=f"a-{n}", published_at=at,
                                    body_text=body, identity_key=f"{n:064x}", content_hash="x", last_activity_at=at))
            members.append(Membership(article_id=n, story_id=story))
            facts += fact_rows(n, names)
        with transaction.atomic():
            for model, rows in ((Article, articles), (Story, stories), (Membership, members), (Fact, facts)):
                model.objects.bulk_create(rows)
        print(f"\r{articles[-1].pk:,}/{count:,} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        connection.cursor().execute(import_module("parley.articles.migrations.0002_search_index").POSTGRES_UP[1])


def timed_ms(function, *args):
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def new_article(n: int, kind: str, writer: Writer, end):
    """An article as enrichment leaves it, published in the archive's last six hours."""
    from parley.articles.models import Article
    from parley.enrichment.models import Fact
    from parley.stories.models import Story

    rng = writer.rng
    if kind == "follow-up":  # another report of a story of the last day
        first = Article.objects.get(pk=rng.choice(Story.objects.filter(last_article_at__gte=end - timedelta(days=1),
                                    article_count__gt=1).values_list("first_article_id", flat=True)))
        event = {"title": first.title.casefold().split(), "lead": first.body_text.split("\n\n")[0].split(), "money": None,
                 "names": list(Fact.objects.filter(article=first, kind__in=PEOPLE_AND_COMPANIES).values_list("kind", "key"))}
    elif kind == "rare names":  # from the long tail: a few dozen articles each in a million
        k = rng.randrange(1000, COMPANIES)
        event = writer.event([("organization", writer.companies[k]), ("ticker", writer.tickers[k]),
                              ("person", writer.people[rng.randrange(5000, PEOPLE)])])
    else:
        event = writer.event(writer.names(2, popular=True) if kind == "popular company" else [])
    title, body, facts = writer.article(event)
    at = end - timedelta(minutes=rng.uniform(0, 360))
    article = Article.objects.create(title=title, slug=f"new-{n}", published_at=at, body_text=body,
                                     identity_key=f"new-{n:060x}", content_hash="x", last_activity_at=at)
    Fact.objects.bulk_create(fact_rows(article.pk, facts))
    return article


def measure(count: int, placings: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db.models import Q
    from django.utils import timezone

    from parley.articles.models import Article
    from parley.enrichment.models import Fact
    from parley.stories import services
    from parley.stories.models import Story

    call_command("migrate", verbosity=0)
    writer, marker = Writer(random.Random(SEED)), Path(os.environ["PARLEY_DATA_DIR"]) / "built.json"
    if not marker.exists():
        started = time.perf_counter()
        build(count, writer, timezone.now())
        with connection.cursor() as cur:
            for sql in [*connection.ops.sequence_reset_sql(no_style(), [Article, Story]), "ANALYZE"]:
                cur.execute(sql)
        marker.write_text(json.dumps({"seconds": round(time.perf_counter() - started), "facts": Fact.objects.count(),
                                      "stories": Story.objects.count()}))
    built = json.loads(marker.read_text())

    def forget_placed():
        Story.objects.filter(first_article_id__gt=count).delete()
        Article.objects.filter(pk__gt=count).delete()

    forget_placed()
    writer.rng = random.Random(SEED + 1)  # the same new articles, whether the archive was built now or before
    end = Article.objects.latest("published_at").published_at
    new = [(KINDS[n % 4], new_article(n, KINDS[n % 4], writer, end)) for n in range(placings)]

    def select_one():
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            return cur.fetchone()

    floor = statistics.median(timed_ms(select_one)[0] for _ in range(1000))
    parts, queries = {}, []  # of the placing being timed: ms in each of PARTS, the SQL run

    def timing(label, function):
        def timed(*args):
            took, result = timed_ms(function, *args)
            parts[label] += took
            return result
        return timed

    for name, label in PARTS.items():
        setattr(services, name, timing(label, getattr(services, name)))
    results = []
    for kind, article in new:
        parts.update(dict.fromkeys(PARTS.values(), 0.0))
        queries.clear()
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            took = timed_ms(services.place, article)[0]
        results.append({"kind": kind, "ms": took, "queries": len(queries), "parts": {**parts, REST: took - sum(parts.values())}})
    floor = (floor + statistics.median(timed_ms(select_one)[0] for _ in range(1000))) / 2  # before and after
    for result, (_, article) in zip(results, new, strict=True):  # the fan-out, counted after the timing
        facts = list(Fact.objects.filter(article=article))
        names = [Q(kind=f.kind, key=f.key) for f in facts if f.kind in PEOPLE_AND_COMPANIES]
        result["sharing"] = Fact.objects.filter(Q(*names, _connector=Q.OR)).values("article_id").distinct().count() if names else 0
        result["candidates"] = len(services.candidates(article, facts))
    forget_placed()
    return {"articles": count, "floor_ms": floor, "results": results, **built}


def run(database: str, size: int, placings: int) -> dict:
    """Build and measure in a child process with this database's settings; return what it measured."""
    data_dir = OUT / f"stories-cost-{database}-{size}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "parley.settings"}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        from pg import database as pg_database

        env["DATABASE_URL"] = pg_database(f"parley_bench_stories_cost_{size}")
    child = subprocess.run([sys.executable, __file__, "--child", str(size), str(placings)], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    if child.returncode:
        sys.exit(f"measuring {size:,} articles on {database} failed")
    return json.loads(child.stdout.strip().splitlines()[-1])


def report(database: str, r: dict) -> None:
    def pct(values, share):
        return sorted(values)[min(len(values) - 1, int(len(values) * share))]

    def spent(results, label):
        return sum(x["parts"][label] for x in results) / sum(x["ms"] for x in results)

    print(f"\n### {database}, {r['articles']:,} articles ({r['facts']:,} facts, {r['stories']:,} stories; built in "
          f"{r['seconds']:,} s); SELECT 1 = {r['floor_ms'] * 1000:.0f} µs, {os.cpu_count()} cores\n")
    print("| placed | n | p50 ms | p99 ms | max ms | p99 / SELECT 1 | queries | sharing a name, mean / max | candidates, mean / max |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in ("all", *KINDS):
        rows = [x for x in r["results"] if kind in ("all", x["kind"])]
        ms, sharing, candidates = ([x[key] for x in rows] for key in ("ms", "sharing", "candidates"))
        print(f"| {kind} | {len(rows)} | {pct(ms, 0.5):.1f} | {pct(ms, 0.99):.1f} | {max(ms):.1f} | "
              f"{pct(ms, 0.99) / r['floor_ms']:,.0f}x | {statistics.mean(x['queries'] for x in rows):.1f} | "
              f"{statistics.mean(sharing):,.0f} / {max(sharing):,} | {statistics.mean(candidates):.0f} / {max(candidates)} |")
    slowest = sorted(r["results"], key=lambda x: x["ms"])[-max(1, len(r["results"]) // 10):]
    print("\n| where the time goes | share of all placings | share of the slowest 10% |\n|---|---|---|")
    for label in [*PARTS.values(), REST]:
        print(f"| {label} | {spent(r['results'], label):.0%} | {spent(slowest, label):.0%} |")


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--placings", type=int, default=300, help="new articles placed per size")
    args = parser.parse_args()
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        for size in args.sizes:
            report(database, run(database, size, args.placings))


if __name__ == "__main__":
    main()
