"""Search that knows finance: a ticker (`$BA`, `BA`) or a company's name ("Boeing") finds the
articles about that company first, then the text matches; a person's name finds what they said;
filters narrow by outlet, ticker, topic and date range.

The page and the API both ask `find()`. A plain text query with no filter keeps the fast path of
`search_articles()`, which ranks inside the database and builds snippets for one page only.
"""
import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from parley.articles.models import Article
from parley.articles.search import HIT_FIELDS, SearchHit, matching_ids, search_articles, snippets_for
from parley.enrichment.companies import Company, company, symbol_named
from parley.enrichment.models import Fact, slug_of
from parley.enrichment.names import name_of
from parley.enrichment.queries import articles_with, known_symbol, sentence_around

CAP = 1000  # at most this many matches of each kind are ordered and paged
SYMBOL = re.compile(r"\$([A-Za-z]{1,5}(?:\.[A-Za-z])?)\b|^([A-Z]{2,5}(?:\.[A-Z])?)$")


@dataclass
class Filters:
    outlet: str | None = None  # outlet slug
    ticker: str | None = None
    topic: str | None = None  # topic slug
    since: datetime | None = None
    until: datetime | None = None

    def any(self) -> bool:
        return any((self.outlet, self.ticker, self.topic, self.since, self.until))

    def apply(self, qs):
        qs = qs.filtered(self.outlet, self.since, self.until)
        if self.ticker:
            qs = qs.filter(id__in=articles_with("ticker", key=self.ticker.upper()))
        if self.topic:
            qs = qs.filter(id__in=articles_with("topic", slug=slug_of(self.topic)))
        return qs


@dataclass
class Understood:
    """What a query asks for: a company (by symbol), a person, and the words left for text search."""

    symbol: str | None = None
    company: Company | None = None
    person: str | None = None  # the person's slug
    person_name: str = ""
    text: str = ""
    rest: str = ""  # words besides the symbol: the company's articles must match them too


@dataclass
class Found:
    understood: Understood
    hits: list[SearchHit] = field(default_factory=list)
    has_next: bool = False
    quotes: list = field(default_factory=list)  # the person's latest quotes, on the first page


def understand(query: str) -> Understood:
    """Read a query: `$BA` anywhere, or a whole query `BA` that is a known symbol, names a company;
    a whole query that is a company's name ("Boeing") does too; two or more words naming a person
    Parley has seen find that person. The company's name then joins the text search, so articles
    that name it without a ticker are found after those that carry it."""
    query = " ".join(query.split())
    for m in SYMBOL.finditer(query):
        candidate = (m.group(1) or m.group(2)).upper()
        if known_symbol(candidate):
            rest = " ".join((query[:m.start()] + " " + query[m.end():]).split())
            found = company(candidate)
            name = found.names[0] if found and found.names else candidate
            return Understood(candidate, found, text=f'"{name}" {rest}'.strip(), rest=rest)
    named = symbol_named(query) if query and not query.startswith('"') else None
    if named:
        return Understood(named, company(named), text=query)
    if len(query.split()) >= 2:
        slug = slug_of(query)
        shown = name_of("person", slug) if slug else None
        if shown:
            return Understood(person=slug, person_name=shown, text=query)
    return Understood(text=query)


def _ticker_snippet(fact: Fact) -> str:
    text = fact.article.body_text
    left, right = sentence_around(text, fact.start, fact.end)
    return (html.escape(text[left:fact.start].lstrip(), quote=False) + "<mark>" +
            html.escape(text[fact.start:fact.end], quote=False) + "</mark>" +
            html.escape(text[fact.end:right].rstrip(), quote=False))


def find(query: str, filters: Filters | None = None, page: int = 1, size: int = 20) -> Found:
    """Return one page of results: the company's articles newest first, then text matches best first."""
    filters = filters or Filters()
    understood = understand(query) if query.strip() else Understood()
    offset = (page - 1) * size
    found = Found(understood)
    if understood.person and page == 1:
        found.quotes = list(Fact.objects.filter(kind="quote", slug=understood.person).select_related("article")
                            .order_by("-article__published_at", "start")[:3])
    if not understood.symbol and not filters.any():
        hits = search_articles(understood.text, limit=size + 1, offset=offset) if understood.text else []
        found.hits, found.has_next = hits[:size], len(hits) > size
        return found

    base = filters.apply(Article.objects.all())
    first: list[int] = []
    if understood.symbol:
        about = base.filter(id__in=articles_with("ticker", key=understood.symbol))
        if understood.rest:
            about = about.filter(id__in=matching_ids(understood.rest, CAP))
        first = list(about.order_by("-published_at", "-id").values_list("id", flat=True)[:CAP])
    if understood.text:
        ranked = matching_ids(understood.text, CAP)
        allowed = set(base.filter(id__in=ranked).values_list("id", flat=True)) if filters.any() else set(ranked)
        seen = set(first)
        rest = [pk for pk in ranked if pk in allowed and pk not in seen]
    elif not understood.symbol:  # filters alone: the newest articles that pass them
        rest = list(base.order_by("-published_at", "-id").values_list("id", flat=True)[:CAP])
    else:
        rest = []
    ordered = first + rest
    shown = ordered[offset:offset + size]
    found.has_next = len(ordered) > offset + size
    articles = Article.objects.select_related("outlet").only(*HIT_FIELDS).in_bulk(shown)
    by_ticker = set(first)
    facts = {}
    if understood.symbol:
        for fact in (Fact.objects.filter(kind="ticker", key=understood.symbol, article_id__in=[p for p in shown if p in by_ticker])
                     .select_related("article").order_by("start")):
            facts.setdefault(fact.article_id, fact)
    snippets = snippets_for(understood.text, [articles[p] for p in shown if p in articles and p not in by_ticker]) \
        if understood.text else {}
    for pk in shown:
        if pk in articles:
            snippet = _ticker_snippet(facts[pk]) if pk in facts else snippets.get(pk, html.escape(articles[pk].lead))
            found.hits.append(SearchHit(articles[pk], snippet))
    return found
