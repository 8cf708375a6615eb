"""Queries per page (issue 21): how many SQL queries each reading page makes, and how many of them
come from templates (a query whose Python stack passes through a Jinja template), on a fresh SQLite
database with the demo content, enriched, and one signed-in reader who follows a ticker and a person.

    python bench/queries.py [--project DIR ...]    # DIR: another checkout (a git worktree) to compare

Every page is asked twice with the cache emptied before each; the second figure is printed (the first
also fills lazy per-process state such as the ticker list). Both checkouts run with this machine's
Python and packages. PARLEY_BENCH_SHOW=1 prints each query a template made, with its template line.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

PAGES = ["home", "article, signed out", "article, signed in", "company (ticker)", "person", "topic",
         "my feed", "watchlist", "search", "story, signed out", "story, signed in"]


def child() -> None:
    """Runs inside the checkout measured (its parley first on sys.path)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    call_command("enrich", all=True, verbosity=0)
    from parley.articles.models import Article

    article = Article.objects.order_by("-comment_count", "pk").first()
    reader = get_user_model().objects.create_user("benchreader", "bench@example.com", "a long enough password 1")
    signed_in, signed_out = Client(), Client()
    signed_in.force_login(reader)
    urls = _urls()
    for kind, key in (("ticker", urls["ticker_key"]), ("person", urls["person_key"])):
        signed_in.post("/follow", {"kind": kind, "key": key})
    pages = {
        "home": (signed_out, "/"),
        "article, signed out": (signed_out, article.get_absolute_url()),
        "article, signed in": (signed_in, article.get_absolute_url()),
        "company (ticker)": (signed_out, urls["ticker"]),
        "person": (signed_out, urls["person"]),
        "topic": (signed_out, urls["topic"]),
        "my feed": (signed_in, "/feed/"),
        "watchlist": (signed_in, "/watchlist/"),
        "search": (signed_out, "/search?q=" + urls["ticker_key"]),
    }
    from django.urls import NoReverseMatch, reverse

    try:  # a checkout from before stories (issue 22) has no story page
        from parley.stories.models import Story
        from parley.stories.services import place_pending
        reverse("story-by-id", args=[1])
    except (ImportError, NoReverseMatch):
        pass
    else:
        place_pending(limit=10_000)
        story = Story.objects.order_by("-article_count", "pk").first()
        pages["story, signed out"] = (signed_out, story.get_absolute_url())
        pages["story, signed in"] = (signed_in, story.get_absolute_url())
    in_template = [0]

    def wrapper(execute, sql, params, many, context):
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_filename.endswith((".html", ".txt", ".xml")):
                in_template[0] += 1
                if os.environ.get("PARLEY_BENCH_SHOW"):
                    print(f"{frame.f_code.co_filename}:{frame.f_lineno}: {sql[:160]}", file=sys.stderr)
                break
            frame = frame.f_back
        return execute(sql, params, many, context)

    result = {}
    for name, (client, url) in pages.items():
        for _ in range(2):
            cache.clear()
            in_template[0] = 0
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(wrapper):
                status = client.get(url).status_code
        result[name] = {"queries": len(captured), "template": in_template[0], "status": status}
    print(json.dumps(result))


def _urls() -> dict:
    from django.urls import reverse

    from parley.enrichment.models import Fact

    def first(kind):
        return Fact.objects.filter(kind=kind).order_by("pk").first()

    ticker, person, topic = first("ticker"), first("person"), first("topic")
    symbol = ticker.key if ticker else "AAPL"  # the demo's companies are invented: a listed one without articles
    return {"ticker_key": symbol, "person_key": person.slug,
            "ticker": reverse("ticker", args=[symbol]), "person": reverse("person", args=[person.slug]),
            "topic": reverse("topic", args=[topic.slug])}


def measure(root: pathlib.Path) -> dict:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PYTHONPATH": str(root), "PARLEY_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "parley.settings",
               "DEBUG": "0", "ALLOWED_HOSTS": "testserver"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        done = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=root, capture_output=True,
                              text=True, timeout=900)
        if done.returncode:
            raise SystemExit(f"{root}: {done.stderr[-3000:]}")
        if os.environ.get("PARLEY_BENCH_SHOW"):
            print(done.stderr, file=sys.stderr)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--child" in sys.argv:
        child()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", default=[], help="other checkouts to measure too")
    args = parser.parse_args()
    here = pathlib.Path(__file__).resolve().parent.parent
    roots = [pathlib.Path(p).resolve() for p in args.project] + [here]
    found = {root.name: measure(root) for root in roots}
    print("| page | " + " | ".join(f"{name}: queries (from templates)" for name in found) + " |")
    print("|---|" + "---|" * len(found))
    for page in PAGES:
        cells = []
        for m in found.values():
            row = m.get(page)
            if row is None:
                cells.append("n/a")
                continue
            cells.append(f"{row['queries']} ({row['template']})" + ("" if row["status"] == 200 else f" [HTTP {row['status']}]"))
        print(f"| {page} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
