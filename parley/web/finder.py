"""Search that knows finance: a ticker (`$BA`, `BA`) or a company's name ("Boeing") finds the
articles about that company first, then the text matches; a person's name finds what they said;
filters narrow by outlet, ticker, topic and date range.

The page and the API both ask `find()`. A plain text query with no filter keeps the fast path of
`search()`, which ranks inside the database and builds snippets for one page only. The page reads
its form through `read_form()`: every value cleaned and cut to size, a filter value that names
nothing known set aside with the nearest known ones, and each such change said in words.
"""
import difflib
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from parley.articles.models import Article, Outlet
from parley.articles.search import HIT_FIELDS, MAX_QUERY_CHARS, SearchHit, matches, search, snippets_for
from parley.enrichment.companies import Company, company, symbol_named, symbols
from parley.enrichment.extractors.topics import NARROWER, TAXONOMY
from parley.enrichment.models import Fact, Subject, slug_of
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
    count: int = 0  # how many match (the ones ranked, when `more`)
    more: bool = False  # more than `count` match: only the newest were ranked

    def count_text(self) -> str:
        """How many articles match, in words ("" when none)."""
        if self.more:
            return f"More than {self.count:,} articles match; add words or a filter to narrow them."
        return "" if not self.count else "1 article matches." if self.count == 1 else f"{self.count:,} articles match."


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
        if understood.text:
            results = search(understood.text, limit=size, offset=offset)
            found.hits, found.count, found.more = results.hits, results.count, results.more
            found.has_next = offset + size < results.count
        return found

    base = filters.apply(Article.objects.all())
    first: list[int] = []
    if understood.symbol:
        about = base.filter(id__in=articles_with("ticker", key=understood.symbol))
        if understood.rest:
            about = about.filter(id__in=matches(understood.rest, CAP).ids)
        first = list(about.order_by("-published_at", "-id").values_list("id", flat=True)[:CAP + 1])
        found.more, first = len(first) > CAP, first[:CAP]
    if understood.text:
        window = matches(understood.text, CAP)
        ranked = window.ids
        allowed = set(base.filter(id__in=ranked).values_list("id", flat=True)) if filters.any() else set(ranked)
        seen = set(first)
        rest = [pk for pk in ranked if pk in allowed and pk not in seen]
        found.more = found.more or window.more
    elif not understood.symbol:  # filters alone: the newest articles that pass them
        rest = list(base.order_by("-published_at", "-id").values_list("id", flat=True)[:CAP + 1])
        found.more, rest = len(rest) > CAP, rest[:CAP]
    else:
        rest = []
    ordered = first + rest
    found.count = len(ordered)
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


# ---- The search form: values cleaned, filter values checked against what is known ----------------

SUGGESTIONS = 3  # nearest known values offered for one that names nothing
LISTED = 30  # values a filter's list offers: the busiest, so the page stays small whatever the archive
RECENT = 3000  # the newest articles whose outlets and tickers those lists are drawn from
LISTS_SECONDS = 600  # the lists are kept this long: which outlets and tickers are busiest changes slowly
SHOWN_CHARS = 40  # of a refused value, in its message
LIMITS = {"outlet": 200, "ticker": 10, "topic": 100}  # an outlet's name, a symbol, a topic's name
FIELD_NAMES = {"outlet": "an outlet", "ticker": "a ticker", "topic": "a topic"}
# Characters no one types in a search box: C0 and C1 controls (tab and newlines read as spaces)
# and the invisible direction overrides, which can make a value shown back read as something else.
UNTYPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Unknown:
    """A filter value that names nothing Parley knows, and the nearest values it does know."""

    field: str  # outlet, ticker or topic
    value: str  # as typed, shortened for its message
    nearest: list[tuple[str, str]]  # (what is shown, the filter's value)

    def message(self) -> str:
        if self.field == "outlet":
            said = f"No outlet is called “{self.value}”"
        elif self.field == "ticker":
            said = f"“{self.value}” is not a ticker Parley knows"
        else:
            said = f"“{self.value}” is not a topic Parley tags"
        return said + ", so that filter was left out."


@dataclass
class Form:
    """The search form as read: what to search, with which filters and page, and what was changed."""

    query: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    notes: list[str] = field(default_factory=list)  # each change made to what was asked, in words
    unknown: list[Unknown] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # the cleaned values, for links to other pages and suggestions
    outlet_shown: str = ""  # the outlet filter as its field shows it (the outlet's name)

    def link(self, **changed) -> str:
        """The query string of this search with some values changed (None removes one), page 1."""
        from urllib.parse import urlencode

        params = {**self.params, **changed}
        return "?" + urlencode({k: v for k, v in params.items() if v})


def shown(value: str) -> str:
    """A value as a message quotes it: at most SHOWN_CHARS characters."""
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS - 1] + "…"


def clean(form: Form, name: str, raw: str, limit: int) -> str:
    """A form value without untyped characters, spaces squeezed, cut to `limit` characters; each change noted."""
    if UNTYPED.search(raw):
        raw = UNTYPED.sub(" ", raw)
        form.notes.append(f"Control characters were taken out of the {name}.")
    value = " ".join(raw.split())
    if len(value) > limit:
        value = value[:limit].rstrip()
        form.notes.append(f"The {name} was {len(raw):,} characters long; only its first {limit:,} were used.")
    return value


def read_page(form: Form, raw: str, last: int) -> int:
    """A results page number from the form: 1 to `last`, with a note when the value was not one."""
    raw = raw.strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()):
        form.notes.append(f"“{shown(UNTYPED.sub('', raw))}” is not a page number, so this is the first page.")
        return 1
    number = int(raw[:6]) if len(raw) <= 6 else last + 1
    if number < 1:
        form.notes.append("Pages start at 1, so this is the first page.")
        return 1
    if number > last:
        form.notes.append(f"Search shows {last} pages at most, so this is page {last}.")
        return last
    return number


def read_date(form: Form, name: str, raw: str):
    """A date filter as the start of that day in the site's time zone (None when absent or not a date)."""
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=timezone.get_current_timezone())
    except ValueError:
        form.notes.append(f"“{shown(raw)}” is not a date (use YYYY-MM-DD); the {name} filter was left out.")
        return None


def read_form(params, last_page: int) -> Form:
    """Read the search form: the query, each filter checked against what Parley knows, the page."""
    form = Form()
    form.query = clean(form, "search", params.get("q", ""), MAX_QUERY_CHARS)
    form.page = read_page(form, params.get("page", ""), last_page)
    raw = {name: clean(form, f"{name} filter", params.get(name, ""), limit) for name, limit in LIMITS.items()}
    dates = {name: clean(form, f"{name} date", params.get(name, ""), 10) for name in ("since", "until")}
    since, until = read_date(form, "since", dates["since"]), read_date(form, "until", dates["until"])
    if until:
        try:
            until += timedelta(days=1)  # "until" a day includes that day
        except OverflowError:  # the calendar's last day: nothing is later, so no upper bound
            until = None
    outlet = _outlet(form, raw["outlet"]) if raw["outlet"] else None
    ticker = _ticker(form, raw["ticker"].lstrip("$").upper()) if raw["ticker"].lstrip("$") else None
    topic = _topic(form, raw["topic"]) if raw["topic"] else None
    form.filters = Filters(outlet=outlet, ticker=ticker, topic=topic, since=since, until=until)
    form.params = {"q": form.query, **raw, **dates}
    return form


def _outlet(form: Form, value: str) -> str | None:
    """The slug of the outlet a value names (its slug or its name, in any case), else None and why."""
    found = Outlet.objects.filter(slug=value).values_list("slug", "name").first() or \
        Outlet.objects.filter(name__iexact=value).values_list("slug", "name").first()
    if found:
        form.outlet_shown = found[1]
        return found[0]
    nearest = _nearest(value, {name: name for slug, name in outlet_choices()})
    form.unknown.append(Unknown("outlet", shown(value), [(name, name) for name in nearest]))
    form.outlet_shown = value
    return None


def _ticker(form: Form, symbol: str) -> str | None:
    """A symbol Parley knows (listed, or carried by an article), else None and the nearest that have articles."""
    if known_symbol(symbol):
        return symbol
    named = symbol_named(symbol)  # a company's name typed where its symbol goes ("Boeing")
    candidates = ([named] if named else []) + [s for s in _closest(symbol, symbols() + tickers_listed(), 10)
                                                if s != named]
    with_articles = set(Fact.objects.filter(kind=Fact.TICKER, key__in=candidates).values_list("key", flat=True).distinct())
    nearest = [s for s in candidates if s in with_articles][:SUGGESTIONS]
    form.unknown.append(Unknown("ticker", shown(symbol), [(f"${s}", s) for s in nearest]))
    return None


def _topic(form: Form, value: str) -> str | None:
    """The slug of a topic enrichment tags (or one an article carries), else None and the nearest topics."""
    slug = slug_of(value)
    known = dict(topic_choices())
    if slug in known or (slug and Fact.objects.filter(kind=Fact.TOPIC, slug=slug).exists()):
        return slug
    nearest = _nearest(value, {name: s for s, name in known.items()})
    form.unknown.append(Unknown("topic", shown(value), [(known[s], s) for s in nearest]))
    return None


def _nearest(value: str, names: dict[str, str]) -> list[str]:
    """The values (of {name: value}) whose names contain what was typed or share a word with it; when
    none do, those whose names are most alike ("semiconductor" for "semiconductor")."""
    typed = " ".join(value.casefold().replace("-", " ").split())
    folded = {" ".join(name.casefold().replace("-", " ").split()): found for name, found in names.items()}
    if not typed:
        return []
    containing = [found for name, found in folded.items() if typed in name or (len(name) > 2 and name in typed)]
    words = set(typed.split())
    sharing = [found for name, found in folded.items() if words & set(name.split())]
    near = containing + sharing or [folded[name] for name in _closest(typed, list(folded), SUGGESTIONS)]
    return list(dict.fromkeys(near))[:SUGGESTIONS]


def _closest(value: str, choices: list[str], n: int) -> list[str]:
    """The n choices most like a value (difflib's ratio at least 0.6), best first."""
    return difflib.get_close_matches(value, choices, n, 0.6)


def topic_choices(chosen: str | None = None) -> list[tuple[str, str]]:
    """(slug, name) of every topic enrichment tags, by name, and the chosen one if it is another
    (a topic articles carry from an older taxonomy)."""
    topics = sorted(((slug_of(name), name) for name in [*TAXONOMY, *NARROWER]), key=lambda pair: pair[1])
    if chosen and chosen not in dict(topics):
        topics.append((chosen, name_of("topic", chosen) or chosen))
    return topics


def outlet_choices() -> list[tuple[str, str]]:
    """(slug, name) of every outlet, for suggestions; kept a minute, as outlets rarely change."""
    found = cache.get("outlet-choices")
    if found is None:
        found = list(Outlet.objects.order_by("name").values_list("slug", "name"))
        cache.set("outlet-choices", found, 60)
    return found


def _newest_id() -> int:
    return Article.objects.aggregate(top=Max("id"))["top"] or 0


def outlets_listed() -> list[str]:
    """The names of the LISTED outlets with the most of the RECENT newest articles, busiest first."""
    found = cache.get("search-outlets-listed")
    if found is None:
        rows = (Article.objects.filter(id__gt=_newest_id() - RECENT).values("outlet__name")
                .annotate(n=Count("id")).order_by("-n", "outlet__name")[:LISTED])
        found = [row["outlet__name"] for row in rows if row["outlet__name"]]
        cache.set("search-outlets-listed", found, LISTS_SECONDS)
    return found


def tickers_listed() -> list[str]:
    """The LISTED tickers the RECENT newest articles are most about, most first."""
    found = cache.get("search-tickers-listed")
    if found is None:
        rows = (Subject.objects.filter(kind=Fact.TICKER, article_id__gt=_newest_id() - RECENT).values("key")
                .annotate(n=Count("id")).order_by("-n", "key")[:LISTED])
        found = [row["key"] for row in rows]
        cache.set("search-tickers-listed", found, LISTS_SECONDS)
    return found
