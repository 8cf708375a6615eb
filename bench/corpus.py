"""Generate a realistic archive of N articles for benchmarks (deterministic, invented text).

Articles are stored oldest first, one every three minutes, as a site that gathered them would.
Words follow a Zipf distribution over a 30,000-word vocabulary, as in real news text, so search
terms range from rare to very common. Articles pass through the same cleaning as imports
(`clean_draft`: nh3, paragraphs, hashes) and are inserted in batches, so the search index
triggers run for every row. Then every article is placed in a story (most alone, some with a few
others, one with 2,000), so listings show each story once as the site does.

    PARLEY_DATA_DIR=bench/out/serve-10000 python bench/corpus.py 10000
"""
import itertools
import os
import random
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from parley.articles.cleaning import sha256  # noqa: E402
from parley.articles.models import Article, Outlet  # noqa: E402
from parley.articles.services import ArticleDraft, clean_draft, identity_of  # noqa: E402
from parley.stories.models import Membership, Story  # noqa: E402

SEED = 11
VOCABULARY = 30_000
# Real finance words placed at ranks where real news uses them: common to rare.
FINANCE = ("market shares investors earnings revenue quarter analysts oil bank rates inflation bonds dollar "
           "trade tariff sanctions energy fund merger profit outlook copper dividend semiconductor uranium "
           "refinery airline insurer buyback lithium shipping fertilizer antitrust").split()
QUERIES = ["copper", "dividend", "semiconductor demand", '"interest rates"', "merger -bank", "oil OR uranium",
           "lithium", "tariff sanctions", "airline", "refinery profit", "antitrust", "buyback", "inflation bonds",
           "shipping", "fertilizer", "earnings outlook"]
BATCH = 2000


def vocabulary(rng):
    syllables = ["ka", "lo", "mer", "vin", "tor", "sa", "pel", "dun", "ri", "gal", "nor", "ve", "chi", "bar", "ost", "lum"]
    words = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    words = sorted(words)
    rng.shuffle(words)
    words[0:0] = ["the", "of", "and", "to", "in", "a", "said", "on", "for", "that", "is", "with", "as", "by", "at"]
    for n, word in enumerate(FINANCE):
        words.insert(40 + n * 25, word)  # ranks 40 .. ~900
    return words


BIG_STORY = 2000  # one story this large: its page must page and stay fast


def group_into_stories(rng) -> None:
    """Place every article in a story, as the worker would have: most alone, some with the 1-9
    articles published after them, and one story of BIG_STORY articles. Each story's newest article
    is the one listings show; its first gives its headline."""
    if Membership.objects.exists():
        return
    ids = list(Article.objects.order_by("published_at", "id").values_list("id", "published_at", "title", "slug",
                                                                             "outlet_id"))
    groups, n = [], 0
    while n < len(ids):
        size = BIG_STORY if not groups and len(ids) > 4 * BIG_STORY else (1 if rng.random() < 0.85 else rng.randint(2, 10))
        groups.append(ids[n:n + size])
        n += size
    for start in range(0, len(groups), BATCH):
        chunk = groups[start:start + BATCH]
        with transaction.atomic():
            stories = Story.objects.bulk_create([Story(
                title=g[0][2], slug=g[0][3], first_article_id=g[0][0], first_reported_at=g[0][1],
                last_article_at=g[-1][1], article_count=len(g), outlet_count=len({a[4] for a in g})) for g in chunk])
            Membership.objects.bulk_create([Membership(
                article_id=a[0], story=story, listed=a is g[-1], evidence={} if a is g[0] else {"rule": "event"})
                for story, g in zip(stories, chunk, strict=True) for a in g], batch_size=BATCH)
    print(f"{len(groups)} stories, {sum(1 for g in groups if len(g) > 1)} of several articles, the largest "
          f"{max(len(g) for g in groups)}")


def main(count: int) -> None:
    call_command("migrate", verbosity=0)
    if Article.objects.count() >= count:
        print(f"{Article.objects.count()} articles already there")
        group_into_stories(random.Random(SEED))
        return
    rng = random.Random(SEED)
    words = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    outlets = [Outlet.objects.get_or_create(name=f"Bench Outlet {n}", slug=f"bench-outlet-{n}")[0] for n in range(20)]
    now = timezone.now()
    started = time.perf_counter()
    for start in range(Article.objects.count(), count, BATCH):
        rows = []
        for n in range(start, min(count, start + BATCH)):
            paragraphs = [" ".join(rng.choices(words, cum_weights=cumulative, k=80)).capitalize() + "."
                          for _ in range(5)]
            title = " ".join(rng.choices(words[15:], cum_weights=cumulative[15:], k=8)).capitalize()
            outlet = outlets[n % len(outlets)]
            draft = ArticleDraft(title=title, outlet=outlet.name, url=f"https://bench.invalid/{n}",
                                 published_at=now - timedelta(minutes=(count - n) * 3), paragraphs=paragraphs)
            fields = clean_draft(draft)
            key = sha256(identity_of(fields, outlet.name))
            fields.pop("link_is_identity", None)  # how the key was made, not a column (as store_articles does)
            rows.append(Article(outlet=outlet, identity_key=key,
                                last_activity_at=fields["published_at"],
                                comment_count=rng.choice([0, 0, 0, 1, 2, 5, 12]), **fields))
        with transaction.atomic():
            Article.objects.bulk_create(rows)
        done = min(count, start + BATCH)
        print(f"\r{done}/{count} articles ({done / (time.perf_counter() - started):.0f}/s)", end="", flush=True)
    print()
    group_into_stories(rng)


if __name__ == "__main__":
    main(int(sys.argv[1]))
