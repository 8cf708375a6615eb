"""Listings over facts: an article's facts grouped; what company, person and topic pages show."""
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from parley.articles.models import Article, url_for
from parley.enrichment.companies import company
from parley.enrichment.models import SUBJECT_CONFIDENCE, Fact
from parley.enrichment.names import FACT_KINDS, names_of

PAGE = 30


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentence holding [start, end)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return left + 1 if left >= 0 else 0, (min(right_candidates) + 1) if right_candidates else len(text)


def article_facts(article) -> dict:
    """Return an article's facts by kind, one entry per key, with every place it occurs. People and
    tickers below SUBJECT_CONFIDENCE (at their most confident mention) are under "also": shown as
    words, without a chip or a link."""
    grouped = defaultdict(dict)
    for fact in Fact.objects.filter(article=article).order_by("start"):
        entry = grouped[fact.kind].setdefault(fact.key if fact.kind != "quote" and fact.kind != "money" else
                                              f"{fact.key}:{fact.start}", {"fact": fact, "spans": [], "confidence": 0})
        entry["spans"].append((fact.start, fact.end))
        entry["confidence"] = max(entry["confidence"], fact.confidence)
    out = {kind: list(entries.values()) for kind, entries in grouped.items()}
    for kind in ("person", "ticker"):
        weak = [e for e in out.get(kind, []) if e["confidence"] < SUBJECT_CONFIDENCE]
        if weak:
            out["also"] = out.get("also", []) + weak
            out[kind] = [e for e in out[kind] if e["confidence"] >= SUBJECT_CONFIDENCE]
    return {kind: entries for kind, entries in out.items() if entries}


def _day_bounds(first, last) -> tuple:
    """The aware instants at which local day `first` starts and the day after `last` starts."""
    zone = timezone.get_current_timezone()
    return (datetime.combine(first, time.min, zone), datetime.combine(last + timedelta(days=1), time.min, zone))


def daily_counts(kind: str, first, last, **match) -> dict:
    """Return {local day: number of distinct articles} with a fact of this kind (and key or slug)
    published on the local days first..last (an article whose date is unknown is on no day).
    One grouped query: the database counts, whatever the number of articles."""
    since, until = _day_bounds(first, last)
    rows = (Fact.objects.filter(kind=kind, article__published_at__gte=since, article__published_at__lt=until,
                                article__date_unknown=False, **match)
            .annotate(day=TruncDate("article__published_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(n=Count("article_id", distinct=True)).order_by())
    return {row["day"]: row["n"] for row in rows}


def article_span(kind: str, **match) -> tuple | None:
    """The local days of the first and the last dated article with a fact of this kind, or None."""
    found = Fact.objects.filter(kind=kind, article__date_unknown=False, **match).aggregate(
        first=Min("article__published_at"), last=Max("article__published_at"))
    if found["first"] is None:
        return None
    return timezone.localdate(found["first"]), timezone.localdate(found["last"])


def articles_between(kind: str, first, last, limit: int = 60, **match) -> list[tuple]:
    """[(local day, title, url)] of the newest `limit` articles with a fact of this kind published on
    the local days first..last, newest first: what a chart marks by name and links to."""
    since, until = _day_bounds(first, last)
    zone = timezone.get_current_timezone()
    # Columns, not models: building 60 deferred Article rows and asking the current time zone for
    # each was most of this read's cost. The link is Article.get_absolute_url's.
    found = (Article.objects.filter(id__in=Fact.objects.filter(kind=kind, **match).values("article_id"),
                                    published_at__gte=since, published_at__lt=until, date_unknown=False)
             .order_by("-published_at", "-id").values_list("published_at", "title", "id", "slug", "conversation")[:limit])
    return [(published.astimezone(zone).date(), title,
             Article(id=pk, conversation=symbol).get_absolute_url() if symbol else url_for("article", pk, slug or "a"))
            for published, title, pk, slug, symbol in found]


def known_symbol(symbol: str) -> bool:
    """Whether a symbol is a listed company's or one an article carries."""
    return symbol in known_symbols({symbol})


def articles_with(kind: str, **match):
    """The ids of the articles with a fact of this kind (and key or slug), as a subquery."""
    return Fact.objects.filter(kind=kind, **match).values("article_id")


def speakers_in(article_ids, limit: int = 10) -> list[dict]:
    """Return who is quoted in these articles, most articles first: [{key, slug, articles, quotes}], each
    person once, by their one name (parley.enrichment.names)."""
    rows = list(Fact.objects.filter(kind="quote", article_id__in=article_ids).values("slug")
                .annotate(articles=Count("article_id", distinct=True), quotes=Count("id"))
                .order_by("-articles", "-quotes", "slug")[:limit])
    return _named("person", rows)


def _named(kind: str, rows: list[dict]) -> list[dict]:
    names = names_of(kind, [row["slug"] for row in rows])
    return [{**row, "key": names.get(row["slug"], row["slug"])} for row in rows]


def keys_in(kind: str, article_ids, exclude: str = "", limit: int = 10) -> list[dict]:
    """Return the keys of one kind found in these articles, most articles first: [{key, slug, articles}].
    People and topics come once each, by their one name (parley.enrichment.names)."""
    facts = Fact.objects.filter(kind=kind, article_id__in=article_ids).exclude(key=exclude)
    if kind in FACT_KINDS:
        return _named(kind, list(facts.values("slug").annotate(articles=Count("article_id", distinct=True))
                                 .order_by("-articles", "slug")[:limit]))
    return list(facts.values("key", "slug").annotate(articles=Count("article_id", distinct=True))
                .order_by("-articles", "key")[:limit])


def ticker_context(symbol: str) -> dict:
    """What a company page shows beside its articles: who is quoted about it, what is mentioned with it."""
    ids = articles_with("ticker", key=symbol)
    return {"speakers": speakers_in(ids), "with_tickers": keys_in("ticker", ids, exclude=symbol)}


def person_roles(slug: str, limit: int = 8) -> list[dict]:
    """Return the roles articles give a person, newest first, each once: [{role, articles, latest}]."""
    roles: dict[str, dict] = {}
    for value, at in (Fact.objects.filter(kind="person", slug=slug).exclude(value={})
                      .order_by("-article__published_at").values_list("value", "article__published_at")):
        role = " ".join(str((value or {}).get("role", "")).split())
        if role:
            entry = roles.setdefault(role.casefold(), {"role": role, "articles": 0, "latest": at})
            entry["articles"] += 1
    return list(roles.values())[:limit]


def person_context(slug: str) -> dict:
    """The organisations, companies and topics found in the articles that mention a person."""
    ids = Fact.objects.filter(kind__in=("person", "quote"), slug=slug).values("article_id")
    return {"organisations": keys_in("organization", ids, limit=8), "tickers": keys_in("ticker", ids, limit=8),
            "topics": keys_in("topic", ids, limit=5)}


def quotes_of(slug: str, about: str = "", limit: int = PAGE):
    """Return a person's quotes, newest article first; `about` keeps those containing the words."""
    qs = Fact.objects.filter(kind="quote", slug=slug).select_related("article__outlet")
    for word in about.split()[:5]:
        qs = qs.filter(text__icontains=word)
    return list(qs.order_by("-article__published_at", "start")[:limit])


def latest_with_sentence(kind: str, limit: int = PAGE, offset: int = 0, where: Q | None = None, **match) -> list[tuple]:
    """Return (fact, sentence) for the newest articles with a fact of this kind (by key or slug);
    `where` narrows the facts further (a page above shows each story once)."""
    facts = (Fact.objects.filter(where or Q(), kind=kind, **match).values("article_id").annotate(first=Max("id"))
             .order_by("-article__published_at", "-article_id")[offset:offset + limit])
    by_id = {f.pk: f for f in Fact.objects.select_related("article__outlet").filter(pk__in=[r["first"] for r in facts])}
    rows = []
    for r in facts:
        fact = by_id.get(r["first"])
        if fact is not None:
            text = fact.article.body_text
            rows.append((fact, text[slice(*sentence_around(text, fact.start, fact.end))].strip()))
    return rows


def known_symbols(symbols: set[str]) -> set[str]:
    """The symbols among these that have a company page: listed companies, and symbols articles were
    tagged with (the demo's invented companies, listings newer than the shipped list). One query at most."""
    found = {s for s in symbols if company(s) is not None}
    rest = symbols - found
    if rest:
        found |= set(Fact.objects.filter(kind=Fact.TICKER, key__in=rest).values_list("key", flat=True).distinct())
    return found
