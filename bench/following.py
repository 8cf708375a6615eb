"""Following benchmark: my feed, notification fan-out and digests at 1M articles, 10k readers, 200k follows.

It builds (once per database) an archive of N articles, one every 30 seconds, each about one to
three things (Subject rows: 2,000 tickers and 5,000 people drawn with a Zipf-like skew, 40
topics), 10,000 readers with verified addresses and daily digests, and 200,000 follows (20 per
reader, skewed the same way, and a ticker HOT that every reader follows). Then, in-process:

- my feed: `my_feed()` alone, and the whole /feed/ page through Django (session, middleware,
  template), for 300 random readers, first page and the next page: p50 and p99 in ms;
- fan-out: a fresh article about HOT (10,000 followers) delivered by `process_events()` as a
  worker does: the first one creates 10,000 notifications, the second grows them;
- digests: `send_due()` for every reader (Django's in-memory mail backend: the mail server's time
  is not Parley's), in seconds and digests per second;
- `parley digest` as cron runs it, by one process and by two at once (each digest still sent once);
- what fan-out on write would store instead: one row per (article, follower) over the archive.

    python bench/following.py                         # SQLite, 1,000,000 articles
    python bench/following.py --database postgresql   # the same on PARLEY_BENCH_PG (bench/pg.py)
    python bench/following.py --articles 100000       # a quicker run
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
OUT = ROOT / "bench" / "out"

BUILD = r'''
import random, sys, time
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.contrib.auth.models import User
from parley.articles.models import Article, Outlet

count, readers, per_reader = (int(a) for a in sys.argv[1:4])
call_command("migrate", verbosity=0)
if Article.objects.count() >= count:
    print("archive already built"); sys.exit(0)
rng = random.Random(23)
now = timezone.now()
started = time.perf_counter()
TICKERS = [f"T{n}" for n in range(2000)]
PEOPLE = [f"person-{n}" for n in range(5000)]
TOPICS = [f"topic-{n}" for n in range(40)]


def skewed(items):
    """Item k is drawn about 1/(k+1) as often as the first: a few popular, a long tail."""
    return items[min(len(items) - 1, int(len(items) ** rng.random()) - 1)]


with transaction.atomic():
    outlets = [Outlet.objects.get_or_create(name=f"Wire {n}", slug=f"wire-{n}")[0].pk for n in range(20)]
cur = connection.cursor()
BATCH = 20000
step = timedelta(seconds=30)
for start in range(0, count, BATCH):
    with transaction.atomic():
        articles, subjects = [], []
        for n in range(start, min(count, start + BATCH)):
            published = now - step * (count - n)
            articles.append((n + 1, rng.choice(outlets), f"Bench article {n}", f"bench-article-{n}", "", f"https://bench.invalid/{n}",
                             published, False, "", f"<p>Short body {n}.</p>", f"Short body {n}.", f"{n:064x}",
                             f"{n:064x}", "", False, 0, 0, published, now, now, 0))
            about = {("ticker", skewed(TICKERS)), ("person", skewed(PEOPLE))}
            if rng.random() < 0.5:
                about.add(("topic", rng.choice(TOPICS)))
            for kind, key in list(about)[:rng.randint(1, 3)]:
                subjects.append((n + 1, kind, key, published))
        cur.executemany(
            "INSERT INTO articles_article (id, outlet_id, title, slug, byline, url, published_at, date_inferred, summary,"
            " body_html, body_text, identity_key, content_hash, origin, is_sample, comment_count, participant_count,"
            " last_activity_at, created_at, updated_at, discussion_version) VALUES (%s)" % ",".join(["%s"] * 21), articles)
        cur.executemany("INSERT INTO enrichment_subject (article_id, kind, key, published_at) VALUES (%s, %s, %s, %s)",
                        subjects)
    print(f"\r{min(count, start + BATCH)}/{count} articles", end="", flush=True)
print()
with transaction.atomic():
    User.objects.bulk_create([User(username=f"r{n}", email=f"r{n}@bench.invalid", password="!") for n in range(readers)],
                             batch_size=5000)
    pairs = list(User.objects.filter(username__startswith="r").values_list("id", "email"))
    ids = [uid for uid, _ in pairs]
    cur.executemany("INSERT INTO accounts_profile (user_id, suspended_reason, time_zone, verified_email) VALUES (%s, '', '', %s)",
                    pairs)
    cur.executemany(
        "INSERT INTO following_preferences (user_id, reply, mention, discussion, articles, digest, private_feed,"
        " feed_generation) VALUES (%s, 'email', 'email', 'inbox', 'inbox', 'daily', false, 0)", [(uid,) for uid in ids])
    follows = []
    outlet_slugs = [f"wire-{n}" for n in range(20)]
    for uid in ids:
        mine = {("ticker", "HOT")}
        while len(mine) < per_reader:
            roll = rng.random()
            mine.add(("ticker", skewed(TICKERS)) if roll < 0.55 else ("person", skewed(PEOPLE)) if roll < 0.85
                     else ("topic", rng.choice(TOPICS)) if roll < 0.95 else ("outlet", rng.choice(outlet_slugs)))
        follows += [(uid, kind, key, now) for kind, key in mine]
    cur.executemany("INSERT INTO following_follow (user_id, kind, key, created_at) VALUES (%s, %s, %s, %s)", follows)
cur.execute("ANALYZE")  # fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would leave them
print(f"built in {time.perf_counter() - started:.0f}s")
'''

MEASURE = r'''
import json, random, statistics, sys, time
from datetime import timedelta
import django
import django.db.models
django.setup()
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from parley.articles.models import Article, Outlet
from parley.enrichment.models import Subject
from parley.following.digest import send_due
from parley.following.events import process_events
from parley.following.feed import my_feed
from parley.following.models import Event, Follow, Notification

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if connection.vendor == "postgresql":  # the build wrote ids itself: move the sequence past them
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('articles_article', 'id'), (SELECT MAX(id) FROM articles_article))")
rng = random.Random(5)
out = {"articles": Article.objects.count(), "subjects": Subject.objects.count(),
       "readers": User.objects.count(), "follows": Follow.objects.count()}
users = list(User.objects.filter(username__startswith="r").order_by("?")[:300])


def pct(times):
    times = sorted(times)
    return round(times[len(times) // 2], 2), round(times[max(0, int(len(times) * 0.99) - 1)], 2)


def ms(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


for user in users[:20]:  # warm caches and connections
    my_feed(user)
first, second, rows = [], [], 0
for user in users:
    took, page = ms(lambda: my_feed(user))
    first.append(took)
    rows += len(page.rows)
    if page.older:
        second.append(ms(lambda: my_feed(user, after=page.older))[0])
out["feed_query"] = pct(first)
out["feed_query_next"] = pct(second)
out["feed_rows"] = rows / len(users)
client = Client(HTTP_HOST="127.0.0.1")
pages, pages_next = [], []
for user in users:
    client.force_login(user)
    took, response = ms(lambda: client.get("/feed/"))
    assert response.status_code == 200
    pages.append(took)
    older = my_feed(user).older
    if older:
        pages_next.append(ms(lambda: client.get(f"/feed/?after={older.encode()}"))[0])
out["feed_page"] = pct(pages)
# The worst case a reader can make: the most follows Parley keeps, the popular things first.
from parley.following.follows import MAX_FOLLOWS
heavy, _ = User.objects.get_or_create(username="heavy")
if not Follow.objects.filter(user=heavy).exists():
    popular = list(Follow.objects.values("kind", "key").annotate(n=django.db.models.Count("id")).order_by("-n")[:MAX_FOLLOWS])
    Follow.objects.bulk_create([Follow(user=heavy, kind=row["kind"], key=row["key"]) for row in popular])
out["heavy_follows"] = Follow.objects.filter(user=heavy).count()
out["feed_heavy"] = pct([ms(lambda: my_feed(heavy))[0] for _ in range(50)])
out["feed_page_next"] = pct(pages_next)
out["follows_per_reader"] = round(out["follows"] / out["readers"], 1)

# Fan-out: fresh articles about HOT, delivered as a worker does.
hot_followers = Follow.objects.filter(kind="ticker", key="HOT").count()
fanout = []
for n in range(2):
    article = Article.objects.create(title=f"HOT news {n}", slug="hot", published_at=timezone.now(),
                                     body_html="<p>x</p>", body_text="x", identity_key=f"hot-{n}-{time.time()}",
                                     content_hash="x", last_activity_at=timezone.now())
    Subject.objects.create(article=article, kind="ticker", key="HOT", published_at=article.published_at)
    Event.objects.create(kind="article", article=article)
    t = time.perf_counter()
    process_events()
    fanout.append(((time.perf_counter() - t) * 1000, Event.objects.get(article=article).delivered))
out["hot_followers"] = hot_followers
out["fanout"] = fanout
out["notifications"] = Notification.objects.count()

# What fan-out on write would keep: a row per follower of each thing an article is about.
with connection.cursor() as cur:
    cur.execute("SELECT COALESCE(SUM(f.n), 0) FROM enrichment_subject s JOIN (SELECT kind, key, COUNT(*) AS n"
                " FROM following_follow GROUP BY kind, key) f ON f.kind = s.kind AND f.key = s.key")
    subject_rows = cur.fetchone()[0]
    cur.execute("SELECT COALESCE(SUM(f.n), 0) FROM articles_article a JOIN articles_outlet o ON o.id = a.outlet_id"
                " JOIN (SELECT key, COUNT(*) AS n FROM following_follow WHERE kind = 'outlet' GROUP BY key) f"
                " ON f.key = o.slug")
    out["write_rows"] = int(subject_rows) + int(cur.fetchone()[0])

# Digests for every reader: the Digest rows of a first run are cleared so each run does the whole job.
from django.core import mail
from parley.following.models import Digest, Preferences
Digest.objects.all().delete()
Preferences.objects.update(next_digest_at=None)
t = time.perf_counter()
run = send_due()
out["digest_seconds"] = round(time.perf_counter() - t, 1)
out["digest"] = {"sent": run.sent, "empty": run.empty, "failed": run.failed, "mails": len(mail.outbox)}
print(json.dumps(out))
'''


RESET_DIGESTS = r'''
import django
django.setup()
from parley.following.models import Digest, Preferences
Digest.objects.all().delete()
Preferences.objects.update(next_digest_at=None)
'''


def digest_processes(env: dict, processes: int, mail_dir: Path) -> tuple[float, int, int]:
    """Run `parley digest` in several processes at once on a fresh period; return (seconds, digests
    recorded as sent, mails written)."""
    import shutil
    import time

    subprocess.run([PY, "-c", RESET_DIGESTS], env=env, check=True, cwd=ROOT)
    shutil.rmtree(mail_dir, ignore_errors=True)
    mail_dir.mkdir(parents=True)
    run_env = {**env, "PARLEY_EMAIL_URL": f"file://{mail_dir}"}
    started = time.perf_counter()
    procs = [subprocess.Popen([PY, "-m", "parley.cli", "digest"], env=run_env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode:
            sys.exit(f"parley digest failed:\n{err[-3000:]}")
    took = time.perf_counter() - started
    count = subprocess.run([PY, "-c", "import django; django.setup(); from parley.following.models import Digest; "
                            "print(Digest.objects.filter(status='sent').count())"], env=env, cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
    mails = sum(path.read_text().count("\nTo: ") + path.read_text().startswith("To: ") for path in mail_dir.iterdir())
    return took, int(count), mails


def env_for(data_dir: Path, **extra) -> dict:
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "parley.settings", **extra}
    if "DATABASE_URL" not in extra:
        env.pop("DATABASE_URL", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--follows-per-reader", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: one database per size on PARLEY_BENCH_PG (bench/pg.py)")
    parser.add_argument("--digest-processes", type=int, nargs="*", default=[2],
                        help="also time `parley digest` run by this many processes at once, against one (none: skip)")
    args = parser.parse_args()
    name = f"following-{args.articles}-{args.readers}-{args.follows_per_reader}"
    data_dir = OUT / (name if args.database == "sqlite" else name.replace("following", "following-pg"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = env_for(data_dir)
    if args.database == "postgresql":
        from pg import database as pg_database

        env = env_for(data_dir, DATABASE_URL=pg_database("parley_bench_" + name.replace("-", "_")))
    subprocess.run([PY, "-c", BUILD, str(args.articles), str(args.readers), str(args.follows_per_reader)],
                   env=env, check=True, cwd=ROOT)
    measured = subprocess.run([PY, "-c", MEASURE], env=env, cwd=ROOT, capture_output=True, text=True)
    if measured.returncode:
        sys.exit(f"the measuring process failed:\n{measured.stderr[-4000:]}")
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    r = result
    print(f"\nFollowing benchmark, {args.database}, {os.cpu_count()} cores: {r['articles']:,} articles, "
          f"{r['subjects']:,} subject rows, {r['readers']:,} readers, {r['follows']:,} follows "
          f"({r['follows_per_reader']} each)\n")
    print("| measure | p50 ms | p99 ms |")
    print("|---|---|---|")
    print(f"| my_feed(), first page ({r['feed_rows']:.1f} rows on average) | {r['feed_query'][0]} | {r['feed_query'][1]} |")
    print(f"| my_feed(), next page | {r['feed_query_next'][0]} | {r['feed_query_next'][1]} |")
    print(f"| /feed/ page through Django, first page | {r['feed_page'][0]} | {r['feed_page'][1]} |")
    print(f"| /feed/ page through Django, next page | {r['feed_page_next'][0]} | {r['feed_page_next'][1]} |")
    print(f"| my_feed() of a reader with {r['heavy_follows']} follows (the most kept), the most popular things | "
          f"{r['feed_heavy'][0]} | {r['feed_heavy'][1]} |")
    print()
    print("| fan-out of one article about HOT | followers | notifications | ms |")
    print("|---|---|---|---|")
    for label, (took, delivered) in zip(["first (inserts)", "second (grows unread groups)"], r["fanout"], strict=True):
        print(f"| {label} | {r['hot_followers']:,} | {delivered:,} | {took:.0f} |")
    d = r["digest"]
    print()
    print(f"Digest run: {d['sent']:,} sent, {d['empty']:,} empty, {d['failed']} failed in {r['digest_seconds']} s "
          f"({d['sent'] / max(r['digest_seconds'], 0.001):.0f} digests/s, one process)")
    if args.digest_processes:
        print()
        print("| `parley digest` processes at once (file mail backend) | seconds | digests sent | mails written | speed-up |")
        print("|---|---|---|---|---|")
        base = None
        for n in [1, *args.digest_processes]:
            took, sent, mails = digest_processes(env, n, data_dir / "mail")
            base = base or took
            print(f"| {n} | {took:.1f} | {sent:,} | {mails:,} | {base / took:.2f}x |")
    print(f"Fan-out on write would store {r['write_rows']:,} feed rows for this archive "
          f"({r['write_rows'] / max(r['articles'], 1):.1f} per article) where fan-out on read stores "
          f"{r['subjects']:,} subject rows.")


if __name__ == "__main__":
    main()
