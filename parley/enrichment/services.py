"""`enrich_article()`: run the extractors over an article and replace what it knew before."""
import logging

from django.db import transaction
from django.utils import timezone

from parley.enrichment.extractors.entities import extract_entities
from parley.enrichment.extractors.money import extract_money
from parley.enrichment.extractors.tickers import extract_explicit_tickers
from parley.enrichment.extractors.topics import extract_topics
from parley.enrichment.models import Enrichment, Fact

log = logging.getLogger("parley.enrichment")

VERSION = 1  # bump when extractors change, so `parley enrich --stale` knows what to redo
MAX_CHARS = 200_000  # longer bodies are enriched up to here, and the article says so
EXTRACTORS = [extract_explicit_tickers, extract_money, extract_topics, extract_entities]


def enrich_article(article) -> Enrichment:
    """Find the facts an article states; a re-run replaces them. A failure is recorded, never raised."""
    text = article.body_text[:MAX_CHARS]
    now = timezone.now()
    try:
        found = [f for extractor in EXTRACTORS for f in extractor(text)]
    except Exception as exc:  # an extractor bug must not stop the others or the caller
        log.exception("enrichment of article %s failed", article.pk)
        state, _ = Enrichment.objects.update_or_create(
            article=article, defaults={"version": VERSION, "enriched_at": now, "error": f"{type(exc).__name__}: {exc}",
                                       "truncated": len(article.body_text) > MAX_CHARS})
        return state
    with transaction.atomic():
        Fact.objects.filter(article=article).delete()
        Fact.objects.bulk_create([Fact(article=article, kind=f.kind, key=f.key[:200], text=f.text, value=f.value,
                                       start=f.start, end=f.end, confidence=f.confidence) for f in found])
        state, _ = Enrichment.objects.update_or_create(
            article=article, defaults={"version": VERSION, "enriched_at": now, "error": "",
                                       "truncated": len(article.body_text) > MAX_CHARS})
    return state


def enrich_pending(limit: int = 50) -> int:
    """Enrich up to `limit` articles never enriched (the workers call this); return how many."""
    from parley.articles.models import Article

    pending = list(Article.objects.filter(enrichment__isnull=True).order_by("-id")[:limit])
    for article in pending:
        enrich_article(article)
    return len(pending)
