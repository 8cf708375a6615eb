"""Placing articles in stories: every write to stories goes through here.

An enriched article is placed once, in the background: candidates are the placed articles within
WINDOW that share a name with it (a ticker, a person, an organisation: indexed and cheap), the
decision is matching.compare's, and the best match's story is joined with its evidence recorded.
Without a match the article starts a story of its own. One worker places at a time (a named lease),
so two articles of one event placed at once cannot start two stories.
"""
from collections import OrderedDict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from parley.articles.models import Article
from parley.core import leases
from parley.enrichment.models import Fact
from parley.stories.matching import NAME_KINDS, compare, seen
from parley.stories.models import Membership, Pending, Story, StoryChange
from parley.stories.moderation import rank_again, refresh
from parley.stories.signals import article_joined

WINDOW = timedelta(days=5)
MAX_CANDIDATES = 300  # the most recent placed articles sharing a name; a busy company's week fits
LEASE_SECONDS = 300
PLACING = "stories:place"
FACT_KINDS = (*NAME_KINDS, "money", "quote")


def _facts_of(ids) -> dict[int, list]:
    """The facts matching weighs, of each of these articles. Kinds are picked here, not in SQL: with
    `kind IN (…)` SQLite read them through the index that starts with kind (a million articles'
    facts of five kinds) instead of each article's few."""
    found: dict[int, list] = {}
    for fact in (Fact.objects.filter(article_id__in=ids).order_by()
                 .only("article_id", "kind", "key", "text", "value")):
        if fact.kind not in FACT_KINDS:
            continue
        found.setdefault(fact.article_id, []).append(fact)
    return found


def candidates(article: Article, facts) -> list[int]:
    """Placed articles within WINDOW of this one that share a ticker, person or organisation with it.

    A popular company is named by a tenth of the archive: its facts are read only between the window's
    smallest and largest article ids (the index fact_kind_key_article), outside which no article of
    the window is (ids follow storing, not publishing: a late backfill makes the range wider, never wrong)."""
    keys = {(f.kind, f.key) for f in facts if f.kind in NAME_KINDS}
    if not keys or article.date_unknown:
        return []
    window = Article.objects.filter(published_at__gte=article.published_at - WINDOW,
                                    published_at__lte=article.published_at + WINDOW)
    # The window's ids, read through the date index: MIN(id) and MAX(id) let PostgreSQL walk the
    # primary key from one end instead (100 ms at 100k articles, for the window at the other end).
    ids_in_window = list(window.order_by().values_list("pk", flat=True))
    if not ids_in_window:
        return []
    bounds = {"lowest": min(ids_in_window), "highest": max(ids_in_window)}
    sharing = Q()
    for kind in NAME_KINDS:
        mine = [key for k, key in keys if k == kind]
        if mine:
            sharing |= Q(kind=kind, key__in=mine)
    ids = set(Fact.objects.filter(sharing, article_id__gte=bounds["lowest"], article_id__lte=bounds["highest"])
              .order_by().values_list("article_id", flat=True))
    ids.discard(article.pk)
    return list(window.filter(pk__in=ids, membership__isnull=False, date_unknown=False)
                .order_by("-published_at").values_list("pk", flat=True)[:MAX_CANDIDATES])


def _best(article: Article, facts, ids) -> tuple | None:
    """The (evidence, article id) of the strongest match among the articles `ids`, or None."""
    if not ids:
        return None
    me = seen(article.pk, article.published_at, article.title, article.body_text, facts)
    best = None
    for other in _seen_of(ids):
        evidence = compare(me, other)
        if evidence and (best is None or evidence.strength > best[0].strength):
            best = (evidence, other.pk)
    return best


SEEN_KEPT = 4096  # what matching sees of the most recent candidates (~10 KB each), per worker process
_seen: OrderedDict = OrderedDict()  # (article id, content hash, enriched at, published at, facts) -> matching.Seen


def _seen_of(ids) -> list:
    """What matching sees of these articles. A popular company's recent articles are candidates of
    every new article naming it: what was seen of them is kept while their text, date and facts stay
    the same (the key holds the text's hash, its date, when it was enriched and how many facts it has:
    a moderator's correction of a fact changes that count)."""
    keys = {row[0]: row for row in Article.objects.filter(pk__in=ids).annotate(known=Count("facts")).values_list(
        "pk", "content_hash", "enrichment__enriched_at", "published_at", "known")}
    missing = [pk for pk, key in keys.items() if key not in _seen]
    if missing:
        their_facts = _facts_of(missing)
        for other in Article.objects.filter(pk__in=missing).only("pk", "published_at", "title", "body_text"):
            _seen[keys[other.pk]] = seen(other.pk, other.published_at, other.title, other.body_text,
                                         their_facts.get(other.pk, []))
    found = []
    for key in keys.values():
        _seen.move_to_end(key)
        found.append(_seen[key])
    while len(_seen) > SEEN_KEPT:
        _seen.popitem(last=False)
    return found


@transaction.atomic
def place(article: Article) -> Membership:
    """Put an article in the story it reports the same event as, or in a new one; idempotent."""
    existing = Membership.objects.filter(article=article).select_related("story").first()
    if existing:
        return existing
    facts = _facts_of([article.pk]).get(article.pk, [])
    best = _best(article, facts, candidates(article, facts))
    if best is None:
        story = Story.objects.create(title=article.title, slug=article.slug, first_article=article,
                                     first_reported_at=article.published_at, last_article_at=article.published_at)
        return Membership.objects.create(article=article, story=story, content_hash=article.content_hash)
    evidence, matched = best
    story = Story.objects.select_for_update().get(members__article_id=matched)
    newest = article.published_at > story.last_article_at
    if newest:
        Membership.objects.filter(story=story, listed=True).update(listed=False)
    membership = Membership.objects.create(article=article, story=story, evidence=evidence.as_dict(matched),
                                           syndicated=evidence.rule == "syndicated", listed=newest,
                                           content_hash=article.content_hash)
    outlets = (Article.objects.filter(membership__story=story).exclude(outlet=None)
               .values("outlet_id").distinct().count())
    changes = {"article_count": F("article_count") + 1, "outlet_count": max(outlets, 1), "version": F("version") + 1}
    if newest:
        changes["last_article_at"] = article.published_at
    if article.published_at < story.first_reported_at:  # an earlier report arrived late: it came first
        changes.update(first_article=article, first_reported_at=article.published_at, title=article.title,
                       slug=article.slug)
    Story.objects.filter(pk=story.pk).update(**changes)
    if article.comment_count or "first_article" in changes:
        # Its comments join the story's score, or the story has a new lead: Most Discussed's row moves.
        story.refresh_from_db()
        rank_again(story)
    article_joined.send(sender=Story, article=article, story=story)
    return membership


@transaction.atomic
def reconsider(article: Article) -> Membership:
    """Place a corrected article again: it stays while it still reports the same event as another of
    its story's articles (its evidence renewed), else it leaves, with its comments, for the story it
    now matches or one of its own; the story's page lists the change. A moderator's placing stands."""
    membership = Membership.objects.select_related("story").get(article=article)
    story = membership.story
    others = list(Membership.objects.filter(story=story).exclude(article=article)
                  .order_by("-article__published_at").values_list("article_id", flat=True)[:MAX_CANDIDATES])
    if membership.placed_by == Membership.MODERATOR or not others:
        Membership.objects.filter(pk=membership.pk).update(content_hash=article.content_hash)
        return membership
    best = _best(article, _facts_of([article.pk]).get(article.pk, []), others)
    if best is not None:
        evidence, matched = best
        Membership.objects.filter(pk=membership.pk).update(
            content_hash=article.content_hash, evidence=evidence.as_dict(matched),
            syndicated=evidence.rule == "syndicated")
        return membership
    membership.delete()  # its story is counted again (recount, on post_delete)
    placed = place(article)
    StoryChange.objects.create(kind=StoryChange.LEFT, story=placed.story, other=story, article=article,
                               moved=[article.pk], reason="Corrected: it no longer reports the same event.")
    return placed


def recount(sender, instance, **kwargs) -> None:
    """An article left its story without a moderator (it was deleted): count the story again."""
    story = Story.objects.filter(pk=instance.story_id).first()
    if story is not None:
        refresh(story)


def queue(sender, article, **kwargs) -> None:
    """Queue an article enrichment just recorded (enrichment's signal, inside its transaction)."""
    Pending.objects.update_or_create(article_id=article.pk, defaults={"queued_at": timezone.now()})


def place_pending(limit: int = 100) -> int:
    """Place up to `limit` queued articles, earliest published first: a new one joins a story or
    starts one, a corrected one is reconsidered; return how many were taken from the queue."""
    held = leases.named(PLACING, LEASE_SECONDS)
    if not held:
        return 0  # another worker is placing
    try:
        queued = list(Pending.objects.select_related("article").order_by("article__published_at", "article_id")[:limit])
        for row in queued:
            with transaction.atomic():
                placed = Membership.objects.filter(article_id=row.article_id).values_list("content_hash", flat=True).first()
                if placed is None:
                    place(row.article)
                elif placed != row.article.content_hash:
                    reconsider(row.article)
                # Enriched again meanwhile: its row moved on, and stays for the next round.
                Pending.objects.filter(article_id=row.article_id, queued_at=row.queued_at).delete()
    finally:
        leases.release(PLACING, held)
    return len(queued)
