"""`enrich_article()` / `enrich_articles()`: find what articles state and replace what was known before.

`extract()` is the pure part (texts in, facts out; no database): the rules that need no parse
(explicit tickers, money, topics) run on the text, then one spaCy pass over every text's lines feeds
the entity and quote extractors. Enrichment is stale when the article's text changed since it ran
(its content hash differs) or when it ran with an older VERSION; workers redo stale articles in the
background after new ones, and `parley enrich --stale` does it on demand.
"""
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from parley.articles.models import Article
from parley.core import leases
from parley.enrichment import language
from parley.enrichment.corrections import apply_corrections
from parley.enrichment.extractors import Found
from parley.enrichment.extractors.entities import extract_entities, kept
from parley.enrichment.extractors.money import extract_money
from parley.enrichment.extractors.quotes import extract_quotes
from parley.enrichment.extractors.rules import Rule, apply_rules, rules_from
from parley.enrichment.extractors.tickers import extract_explicit_tickers
from parley.enrichment.extractors.topics import extract_topics
from parley.enrichment.models import Enrichment, Fact, FactCorrection, NameRule, Subject, slug_of, subjects_of
from parley.enrichment.signals import article_enriched, article_understood

log = logging.getLogger("parley.enrichment")

VERSION = 5  # bump when extractors change: workers then re-enrich every article in the background
MAX_CHARS = 100_000  # longer bodies are enriched up to here (about 15 s of parsing), and the article says so
BATCH = 16  # articles parsed together by a worker
TEXT_RULES = [extract_explicit_tickers, extract_money, extract_topics]


def extract(texts: list[str], rules: dict[str, Rule] | None = None) -> list[list[Found]]:
    """Return the facts each text states (texts are cut at MAX_CHARS), with the site's name rules applied."""
    texts = [t[:MAX_CHARS] for t in texts]
    english = [language.is_english(t) for t in texts]
    parsed = iter(language.parse([t for t, e in zip(texts, english, strict=True) if e]))
    out = []
    for text, is_english in zip(texts, english, strict=True):
        found = [f for rule in TEXT_RULES for f in rule(text)]
        if not is_english:  # explicit tickers, money and topics only: see language.is_english
            out.append(apply_rules(text, sorted(found, key=lambda f: (f.start, f.kind)), rules))
            continue
        pieces = next(parsed)
        analysis = extract_entities(text, pieces)
        explicit = {f.key for f in found if f.kind == "ticker"}
        quotes = extract_quotes(text, pieces, analysis)
        found += [f for f in kept(analysis.facts, quotes)
                  if not (f.kind == "ticker" and f.key in explicit and f.confidence < 0.9)]
        found += quotes
        out.append(apply_rules(text, sorted(found, key=lambda f: (f.start, f.kind)), rules))
    return out


def _record(article, found: list[Found] | None, error: str = "") -> Enrichment:
    now = timezone.now()
    defaults = {"version": VERSION, "enriched_at": now, "error": error, "content_hash": article.content_hash,
                "truncated": len(article.body_text) > MAX_CHARS}
    with transaction.atomic():
        # One recorder an article at a time: `parley enrich` and a worker may record the same article
        # at once, and two inserting its subjects collide on PostgreSQL's unique index.
        list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))
        if found is not None:
            # Moderators' decisions outlive every run; read under the article's lock, which a
            # correction also takes, so one made during this run is either seen here or made after.
            found = apply_corrections(found, list(FactCorrection.objects.filter(article=article)))
            facts = [Fact(article=article, kind=f.kind, key=f.key[:200], slug=slug_of(f.key[:200]), text=f.text,
                          value=f.value, start=f.start, end=f.end, confidence=f.confidence) for f in found]
            Fact.objects.filter(article=article).delete()
            Fact.objects.bulk_create(facts)
            Subject.objects.filter(article=article).delete()
            Subject.objects.bulk_create(subjects_of(article, facts))
        state, created = Enrichment.objects.update_or_create(article=article, defaults=defaults)
        if created and found is not None:
            # Followers hear of a new article once its subjects are known (parley.following listens).
            article_understood.send(sender=Enrichment, article=article)
        article_enriched.send(sender=Enrichment, article=article)  # stories places it (again)
    return state


def site_rules() -> dict[str, Rule]:
    """The site's name rules (NameRule), as extract() takes them."""
    return rules_from(NameRule.objects.values_list("words", "kind", "ticker"))


def enrich_articles(articles) -> list[Enrichment]:
    """Enrich articles together (one parse for all); a failure is recorded on its article, never raised."""
    articles = list(articles)
    try:
        results = extract([a.body_text for a in articles], site_rules())
    except Exception as exc:  # one bad text must not fail the batch: retry one by one to find it
        if len(articles) > 1:
            return [state for a in articles for state in enrich_articles([a])]
        log.exception("enrichment of article %s failed", articles[0].pk)
        return [_record(articles[0], None, f"{type(exc).__name__}: {exc}")]
    return [_record(article, found) for article, found in zip(articles, results, strict=True)]


def enrich_article(article) -> Enrichment:
    """Find the facts an article states; a re-run replaces them. A failure is recorded, never raised."""
    return enrich_articles([article])[0]


def stale(queryset):
    """Return the articles of a queryset whose enrichment is missing, older than VERSION or of another text."""
    return queryset.filter(Q(enrichment__isnull=True) | Q(enrichment__version__lt=VERSION)
                           | ~Q(enrichment__content_hash=F("content_hash")))


CLAIM_SECONDS = 300  # a worker that dies mid-batch leaves its articles to others after this


def enrich_pending(limit: int = 50) -> int:
    """Enrich up to `limit` articles: never enriched first, newest first, then stale ones; return how many.

    Several workers share the pending articles: each takes a lease on an article before enriching
    it (`claim`), so none is enriched twice at once and more workers enrich more articles.
    """
    # Ids first: only the articles this worker wins a lease on are loaded, bodies and all.
    want = limit * 4
    candidates = list(Article.objects.filter(enrichment__isnull=True).order_by("-id").values_list("id", "content_hash")[:want])
    if len(candidates) < want:
        candidates += list(stale(Article.objects.filter(enrichment__isnull=False)).order_by("-id")
                           .values_list("id", "content_hash")[:want - len(candidates)])
    claimed = []
    for pk, content_hash in candidates:
        if len(claimed) == limit:
            break
        if leases.named(f"enrich:{pk}:{content_hash}:{VERSION}", CLAIM_SECONDS):
            claimed.append(pk)
    loaded = Article.objects.in_bulk(claimed)
    pending = [loaded[pk] for pk in claimed if pk in loaded]  # never-enriched first, as chosen
    for start in range(0, len(pending), BATCH):
        enrich_articles(pending[start:start + BATCH])
    return len(pending)
