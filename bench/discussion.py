"""Discussion benchmark: Most Discussed cost against archive size, comment posts/s, a 200-comment page.

For each archive size it builds (once) a SQLite archive of N articles, one every three minutes,
each with about five comments from a pool of readers in the two days after it was published
(comments, counters and hourly participation buckets inserted in bulk, as `parley recount` would
leave them), and one article with 200 comments. Then:

- Most Discussed (24h and 7d) computed in-process, uncached, 300 times: p50 and p99; up to 100,000
  articles, Heat is left as replayed writes leave it (stale rows included), and a quiet window is
  timed before and after `prune_heat()`;
- comment posts over HTTP: gunicorn (`parley serve`), wrk with 16 connections POSTing to the API
  with bearer tokens (rate limits off: this measures the write path), req/s and p99;
- an article page with 200 comments, page cache off: its first page req/s, p50, p99 with 16 connections and
  with 1; then with 16 connections the first page signed in (the reader's own votes and forms drawn on
  top of the cached thread) and the last page.

    python bench/discussion.py                      # 10,000 and 1,000,000 articles
    python bench/discussion.py --sizes 10000 --duration 5
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from serve import drive, free_port, to_ms  # noqa: E402

PY = sys.executable
OUT = ROOT / "bench" / "out"
READERS = 2000
COMMENTS_PER_ARTICLE = 5
BUSY_COMMENTS = 200

BUILD = r'''
import os, random, sys, time
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.contrib.auth.models import User
from parley.articles.models import Article, Outlet
from parley.accounts.models import ApiToken

count, readers, per_article, busy = (int(a) for a in sys.argv[1:5])
WRITES_UP_TO = 100_000
call_command("migrate", verbosity=0)
if Article.objects.count() >= count:
    print("archive already built"); sys.exit(0)
rng = random.Random(17)
now = timezone.now()
started = time.perf_counter()
with transaction.atomic():
    outlet, _ = Outlet.objects.get_or_create(name="Bench Wire", slug="bench-wire")
    User.objects.bulk_create([User(username=f"r{n}", password="!") for n in range(readers)], batch_size=5000)
user_ids = list(User.objects.filter(username__startswith="r").values_list("id", flat=True))
step = timedelta(minutes=3)
cur = connection.cursor()
BATCH = 20000
for start in range(0, count, BATCH):
    with transaction.atomic():
        articles, comments, buckets = [], [], {}
        for n in range(start, min(count, start + BATCH)):
            published = now - step * (count - n)
            articles.append((n + 1, outlet.pk, f"Bench article {n}", f"bench-article-{n}", "", f"https://bench.invalid/{n}",
                             published, False, "", f"<p>Short body {n}.</p>", f"Short body {n}.", f"{n:064x}",
                             f"{n:064x}", "", False, 0, 0, published, now, now, 0))
            k = rng.choice([0, 1, 2, 4, 5, 7, 8, 13]) if n != count - 2 else busy
            last, authors, kept = published, set(), 0
            for c in range(k):
                at = published + timedelta(minutes=rng.randint(1, 60 * 48))
                if k == busy:  # the busy article is new: its comments came in over the last ten hours
                    at = now - timedelta(minutes=rng.randint(1, 600))
                if at > now:
                    continue
                author = rng.choice(user_ids)
                comments.append((n + 1, author, None, 0, "An opinion.", "<p>An opinion.</p>", at, None, False, False, 0, 0, 0.0, 0))
                hour = at.replace(minute=0, second=0, microsecond=0)
                b = buckets.get((n + 1, author, hour), [0, at])
                buckets[(n + 1, author, hour)] = [b[0] + 1, max(b[1], at)]
                last, kept = max(last, at), kept + 1
                authors.add(author)
            articles[-1] = articles[-1][:15] + (kept, len(authors), last) + articles[-1][18:]  # counts, latest comment
        cur.executemany(
            "INSERT INTO articles_article (id, outlet_id, title, slug, byline, url, published_at, date_inferred, summary,"
            " body_html, body_text, identity_key, content_hash, origin, is_sample, comment_count, participant_count,"
            " last_activity_at, created_at, updated_at, discussion_version) VALUES (%s)" % ",".join(["%s"] * 21), articles)
        cur.executemany(
            "INSERT INTO discussion_comment (article_id, author_id, parent_id, depth, body_markdown, body_html, created_at,"
            " edited_at, is_deleted, is_hidden, upvotes, downvotes, best_score, open_flags) VALUES (%s)" % ",".join(["%s"] * 14),
            comments)
        cur.executemany("INSERT INTO discussion_participation (article_id, user_id, hour, comments, last_at) VALUES (%s, %s, %s, %s, %s)",
                        [(a, u, h, v[0], v[1]) for (a, u, h), v in buckets.items()])
    print(f"\r{min(count, start + BATCH)}/{count} articles", end="", flush=True)
print()
if connection.vendor == "postgresql":
    cur.execute("ANALYZE")  # fresh statistics, as autovacuum would leave them
from parley.discussion.ranking import rebuild_heat, refresh_heat
if count <= WRITES_UP_TO:
    # Heat as production writes leave it: each article's row as of its last comment, stale rows
    # included (the worker prunes them; MEASURE times both states).
    for pk, last in Article.objects.filter(comment_count__gt=0).values_list("id", "last_activity_at").iterator():
        refresh_heat(pk, now=last)
else:
    rebuild_heat()  # replaying every write would take hours at this size
with open(os.environ["PARLEY_DATA_DIR"] + "/tokens.txt", "w") as fh:
    for user in User.objects.filter(username__startswith="r").order_by("id")[:32]:
        fh.write(ApiToken.issue(user)[1] + "\n")
print(f"built in {time.perf_counter() - started:.0f}s")
'''

MEASURE = r'''
import json, statistics, sys, time
import django
django.setup()
from parley.articles.models import Article
from parley.discussion.models import Comment, Participation
from parley.discussion.ranking import most_discussed
from datetime import timedelta
from django.utils import timezone
from parley.discussion.models import Heat
from parley.discussion.ranking import prune_heat, scores
out = {"articles": Article.objects.count(), "comments": Comment.objects.count()}


def timed(window, now=None):
    times = []
    for _ in range(300):
        t = time.perf_counter()
        most_discussed(window, limit=10, now=now)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1]


out["heat_rows"] = Heat.objects.count()
quiet = timezone.now() + timedelta(days=3)  # a quiet 24h window: nobody commented since
out["quiet_24h"] = timed("24h", quiet)
out["quiet_rows"] = len(most_discussed("24h", limit=10, now=quiet))
for window in ("24h", "7d"):
    out[f"rows_{window}"] = len(most_discussed(window, limit=10))
    out[window] = timed(window)
    # The alternative the issue asks to weigh: no stored layer, a scan of the window's participation.
    times = []
    for _ in range(20):
        t = time.perf_counter()
        found = scores(window)
        top = sorted(found.items(), key=lambda kv: (kv[1][0], kv[1][3], kv[0]), reverse=True)[:10]
        times.append((time.perf_counter() - t) * 1000)
    assert [pk for pk, _ in top] == [d.article.pk for d in most_discussed(window, limit=10)], "the scan and the ranking differ"
    out[f"scan_{window}"] = (sorted(times)[10], max(times), len(found))
out["pruned"] = prune_heat()
out["quiet_24h_pruned"] = timed("24h", quiet)
busy = Article.objects.order_by("-comment_count").first()
out["busy_url"] = busy.get_absolute_url()
out["busy_comments"] = busy.comment_count
from parley.discussion.threads import THREAD_PAGE_SIZE, page_count
from parley.web.threads import cached_thread
out["busy_pages"], out["page_size"] = page_count(cached_thread(busy)), THREAD_PAGE_SIZE
recent = list(Article.objects.order_by("-id").values_list("id", flat=True)[:100])
out["recent"] = recent
# A signed-in reader's session, to time the page with its per-viewer controls (vote, reply, flag forms).
from django.contrib.auth.models import User
from django.test import Client
browser = Client(HTTP_HOST="127.0.0.1")
browser.force_login(User.objects.get(username="r1"))
out["session"] = browser.cookies["sessionid"].value
print(json.dumps(out))
'''

POST_LUA = """
tokens = %s
ids = %s
counter = 0
request = function()
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  local id = ids[(counter %% #ids) + 1]
  return wrk.format("POST", "/api/v1/articles/" .. id .. "/comments",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
    '{"text": "A considered **opinion** on this."}')
end
"""


def env_for(data_dir: Path, **extra) -> dict:
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_LOG_LEVEL": "WARNING", "PARLEY_PAGE_CACHE_SECONDS": "0",
           "PARLEY_RATE_LIMITS": "false", "DJANGO_SETTINGS_MODULE": "parley.settings", **extra}
    if "DATABASE_URL" not in extra:
        env.pop("DATABASE_URL", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: one database per size on PARLEY_BENCH_PG (bench/pg.py)")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        data_dir = OUT / (f"discussion-{size}" if args.database == "sqlite" else f"discussion-pg-{size}")
        data_dir.mkdir(parents=True, exist_ok=True)
        if args.database == "postgresql":
            from pg import database as pg_database

            env = env_for(data_dir, DATABASE_URL=pg_database(f"parley_bench_discussion_{size}"))
        else:
            env = env_for(data_dir)
        subprocess.run([PY, "-c", BUILD, str(size), str(READERS), str(COMMENTS_PER_ARTICLE), str(BUSY_COMMENTS)],
                       env=env, check=True, cwd=ROOT)
        measured = json.loads(subprocess.run([PY, "-c", MEASURE], env=env, check=True, cwd=ROOT, capture_output=True,
                                             text=True).stdout.strip().splitlines()[-1])
        tokens = (data_dir / "tokens.txt").read_text().split()
        port = free_port()
        server = subprocess.Popen([PY, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}", "--no-access-log", "--no-worker"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    drive(base, ["/healthz"], 1, 1)
                    break
                except Exception:
                    time.sleep(0.2)
            page16 = drive(base, [measured["busy_url"]], args.duration, 16)
            page1 = drive(base, [measured["busy_url"]], args.duration, 1)
            last = f"{measured['busy_url']}?cpage={measured['busy_pages']}"
            signed = {"Cookie": f"sessionid={measured['session']}"}
            signed16 = drive(base, [measured["busy_url"]], args.duration, 16, headers=signed)
            last16 = drive(base, [last], args.duration, 16)
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
                fh.write(POST_LUA % ("{" + ",".join(json.dumps(t) for t in tokens) + "}",
                                     "{" + ",".join(str(i) for i in measured["recent"]) + "}"))
            done = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.duration}s", "--latency", "-s", fh.name, base],
                                  capture_output=True, text=True, check=True)
            os.unlink(fh.name)
            posts = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1)),
                     "p50": to_ms(re.search(r"50%\s+([\d.]+\w+)", done.stdout).group(1)),
                     "p99": to_ms(re.search(r"99%\s+([\d.]+\w+)", done.stdout).group(1)),
                     "errors": int((re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout) or [0, 0])[1])}
        finally:
            server.terminate()
            server.wait(timeout=20)
        rows.append((size, measured, posts, page16, page1, signed16, last16))

    print(f"\nDiscussion benchmark, {args.database}, gunicorn (parley serve), {os.cpu_count()} cores, {args.duration}s per HTTP row")
    print(f"{'articles':>10} {'comments':>10} {'ranked':>7} {'MD 24h p50/p99 ms':>18} {'MD 7d p50/p99 ms':>17} "
          f"{'posts/s':>8} {'post p99':>9} {'errors':>6} {'page200 c16 r/s p99':>20} {'page200 c1 p50/p99':>19} {'busy':>5}")
    for size, m, posts, p16, p1, *_ in rows:
        print(f"{size:>10,} {m['comments']:>10,} {m['rows_24h']:>3}/{m['rows_7d']:<3} {m['24h'][0]:>8.2f}/{m['24h'][1]:<8.2f} {m['7d'][0]:>8.2f}/{m['7d'][1]:<8.2f} "
              f"{posts['rps']:>8.0f} {posts['p99']:>8.1f} {posts['errors']:>6} {p16['rps']:>9.0f} {p16['p99']:>9.1f} "
              f"{p1['p50']:>9.2f}/{p1['p99']:<8.2f} {m['busy_comments']:>5}")
    print(f"\nThe busy article's page ({rows[0][1]['page_size']} top-level comments per page), 16 connections: "
          "first page anonymous and signed in (own votes, reply, edit and flag forms), last page anonymous")
    print(f"{'articles':>10} {'anon p1 r/s':>12} {'p99 ms':>7} {'signed p1 r/s':>14} {'p99 ms':>7} {'last page r/s':>14} {'p99 ms':>7} {'errors':>6}")
    for size, _m, _posts, p16, _p1, s16, l16 in rows:
        print(f"{size:>10,} {p16['rps']:>12.0f} {p16['p99']:>7.1f} {s16['rps']:>14.0f} {s16['p99']:>7.1f} {l16['rps']:>14.0f} {l16['p99']:>7.1f} "
              f"{p16['errors'] + s16['errors'] + l16['errors']:>6}")
    print("\nMost Discussed with Heat as writes leave it (each article's row as of its last comment; archives "
          f"up to {100_000:,} articles), in a quiet 24h window three days on, before and after prune_heat()")
    print(f"{'articles':>10} {'heat rows':>10} {'ranked':>7} {'quiet p50/p99 ms':>17} {'pruned rows':>12} {'after p50/p99 ms':>17}")
    for size, m, *_ in rows:
        print(f"{size:>10,} {m['heat_rows']:>10,} {m['quiet_rows']:>7} {m['quiet_24h'][0]:>8.2f}/{m['quiet_24h'][1]:<8.2f} "
              f"{m['pruned']:>12,} {m['quiet_24h_pruned'][0]:>8.2f}/{m['quiet_24h_pruned'][1]:<8.2f}")
    print("\nThe alternative: no Heat, a full scan of the window's participation buckets (20 runs; the "
          "scan's top 10 checked equal to most_discussed())")
    print(f"{'articles':>10} {'24h scan p50/max ms':>20} {'articles scored':>16} {'7d scan p50/max ms':>19} {'articles scored':>16}")
    for size, m, *_ in rows:
        print(f"{size:>10,} {m['scan_24h'][0]:>9.1f}/{m['scan_24h'][1]:<10.1f} {m['scan_24h'][2]:>16,} "
              f"{m['scan_7d'][0]:>9.1f}/{m['scan_7d'][1]:<9.1f} {m['scan_7d'][2]:>16,}")
    if len(rows) >= 2:
        small, large = rows[0][1], rows[-1][1]
        print(f"Most Discussed p99 at {rows[-1][0]:,} vs {rows[0][0]:,} articles: 24h {large['24h'][1] / small['24h'][1]:.2f}x, "
              f"7d {large['7d'][1] / small['7d'][1]:.2f}x")


if __name__ == "__main__":
    main()
