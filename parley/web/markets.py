"""Prices beside the news on reading pages: the move since publication beside an article's tickers,
and the tickers in the news moving most on the latest trading day (/markets/ and the home page's box),
each with that day's articles and comments about it and its coverage against its own usual.

The moves come from parley.markets.moves (stored bars only); which tickers an article is about comes
from enrichment (its confident tickers: the chips, the Subject rows), which markets may not import,
so this layer joins the two. Every function here makes a fixed number of queries, whatever the page.
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article
from parley.discussion.models import Comment
from parley.enrichment.models import Fact, Subject
from parley.following.symbols import describe_symbols
from parley.markets.models import DailyBar
from parley.markets.moves import EXCHANGE_ZONE, latest_moves, since_publication, today_on_exchange

IN_NEWS_DAYS = 4  # "in the news": named by an article in the last 4 days (a long weekend included)
BASELINE_DAYS = 30  # attention: the day's article count against the mean of the 30 days before it
HOME_BOX = 5
PAGE_ROWS = 25  # gainers, and as many decliners
# The movers box, /markets/ and a listing's moves may be this far behind: prices are end-of-day, and a
# comment or an article counted a minute late changes no ranking a reader acts on.
MOVERS_SECONDS = 60


def article_moves(article, symbols) -> dict:
    """{symbol: Move} for an article's confident tickers; none for an article whose date is unknown."""
    if article.date_unknown or not symbols:
        return {}
    found = since_publication({article.pk: (article.published_at, list(symbols))}, today_on_exchange(timezone.now()))
    return {m.symbol: m for m in found.get(article.pk, [])}


def listing_moves(articles) -> dict:
    """{article id: [Move]} for a page of articles, kept MOVERS_SECONDS in the cache under one key
    for the page (the home page is the same page for everyone): prices are end-of-day, and reading
    them again for every view cost a home page 3 to 6 ms (bench/moves.py). Two queries otherwise."""
    dated = [a for a in articles if not a.date_unknown]
    if not dated:
        return {}
    today = today_on_exchange(timezone.now())
    page = ",".join(f"{a.pk}@{a.published_at.timestamp()}" for a in dated)
    key = f"markets:moves:{today}:{hashlib.sha256(page.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = moves_now(dated, today)
        cache.set(key, found, MOVERS_SECONDS)
    return found


def moves_now(articles, today) -> dict:
    """{article id: [Move]} for these dated articles: their confident tickers (one query) and the
    moves (one query)."""
    dated = {a.pk: a for a in articles}
    symbols = defaultdict(list)
    # By hand, through the (article, kind, key) index: building the ORM query took as long as reading
    # the bars (bench/moves.py). Only quoted names and placeholders are in the text.
    q = connection.ops.quote_name
    sql = (f"SELECT {q('article_id')}, {q('key')} FROM {q(Subject._meta.db_table)} WHERE {q('kind')} = %s"  # noqa: S608
           f" AND {q('article_id')} IN ({', '.join(['%s'] * len(dated))}) ORDER BY {q('article_id')}, {q('key')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [Fact.TICKER, *dated])
        for article_id, key in cursor.fetchall():
            symbols[article_id].append(key)
    wanted = {pk: (dated[pk].published_at, keys) for pk, keys in symbols.items()}
    return since_publication(wanted, today) if wanted else {}


@dataclass(frozen=True)
class Coverage:
    """How much a ticker was in the news on one day, against its own usual."""

    articles: int  # articles about it published that day (New York day)
    comments: int  # comments posted that day on articles about it
    before: int  # articles about it over the BASELINE_DAYS before that day

    @property
    def usual(self) -> float:
        """Its mean articles a day over the BASELINE_DAYS before."""
        return self.before / BASELINE_DAYS

    @property
    def attention(self) -> str:
        """'coverage 3.4x its 30-day usual'; 'first coverage in 30 days' where the usual is zero."""
        if self.before == 0:
            return f"first coverage in {BASELINE_DAYS} days" if self.articles else f"no coverage in {BASELINE_DAYS} days"
        if self.articles == 0:  # "0.0x" would read as a figure; say what was counted
            return f"no articles that day, {self.before} in the {BASELINE_DAYS} days before"
        return f"coverage {self.articles / self.usual:.1f}x its {BASELINE_DAYS}-day usual"

    @property
    def in_the_news(self) -> str:
        """'in the news: 4 articles, 37 comments'."""
        return (f"in the news: {self.articles} article{'' if self.articles == 1 else 's'}, "
                f"{self.comments} comment{'' if self.comments == 1 else 's'}")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, EXCHANGE_ZONE)


def in_the_news(now: datetime) -> set[str]:
    """The tickers that articles published in the last IN_NEWS_DAYS are about (confidently)."""
    # From the articles' (published_at, id) index to their Subject rows: the Subject index leads with
    # the key, so a date range over it alone would walk every ticker ever tagged.
    recent = Article.objects.filter(published_at__gte=now - timedelta(days=IN_NEWS_DAYS), published_at__lte=now)
    return set(Subject.objects.filter(kind=Fact.TICKER, article_id__in=recent.values("id"))
               .values_list("key", flat=True).distinct())


def coverage(symbols, day: date) -> dict:
    """{symbol: Coverage} for the New York day `day`: articles that day, comments posted that day on
    the articles about it published that day or in the BASELINE_DAYS before, and the article count over
    those days before. Two queries."""
    start, end, since = _midnight(day), _midnight(day + timedelta(days=1)), _midnight(day - timedelta(days=BASELINE_DAYS))
    counts = {row["key"]: row for row in Subject.objects.filter(
        kind=Fact.TICKER, key__in=symbols, published_at__gte=since, published_at__lt=end, article__date_unknown=False)
        .values("key").annotate(that_day=Count("id", filter=Q(published_at__gte=start)),
                                before=Count("id", filter=Q(published_at__lt=start))).order_by()}
    # Comments that day on the articles about it of the baseline window and the day: the Subject index
    # (kind, key, published_at) bounds the articles, and (article, created_at) the comments of each.
    comments = dict(Comment.objects.visible().filter(created_at__gte=start, created_at__lt=end,
                                                     article__subjects__kind=Fact.TICKER,
                                                     article__subjects__key__in=symbols,
                                                     article__subjects__published_at__gte=since)
                    .values("article__subjects__key").annotate(n=Count("id")).values_list("article__subjects__key", "n"))
    none = {"that_day": 0, "before": 0}
    return {s: Coverage(counts.get(s, none)["that_day"], comments.get(s, 0), counts.get(s, none)["before"]) for s in symbols}


@dataclass(frozen=True)
class Mover:
    move: object  # parley.markets.moves.DayMove
    name: str
    coverage: Coverage


def movers(limit: int | None = None) -> dict:
    """The tickers in the news by their change on the latest trading day: {"gainers", "decliners",
    "top" (largest either way), "day", "in_news" (how many tickers are in the news), "any_prices"}, computed at most once a MOVERS_SECONDS per cache
    (six queries at most; bench/moves.py measured them at 10-20 ms of a 25-40 ms home page)."""
    key = f"markets:movers:{limit}"
    found = cache.get(key)
    if found is None:
        found = movers_now(limit)
        cache.set(key, found, MOVERS_SECONDS)
    return found


def movers_now(limit: int | None = None) -> dict:
    """movers(), computed now."""
    now = timezone.now()
    symbols = in_the_news(now)
    moves = latest_moves(symbols, today_on_exchange(now)) if symbols else []
    if not moves:
        return {"gainers": [], "decliners": [], "top": [], "day": None, "in_news": len(symbols),
                "any_prices": DailyBar.objects.exists()}
    day = moves[0].day
    counted = coverage({m.symbol for m in moves}, day)
    named = describe_symbols({m.symbol for m in moves})  # companies, then indices, funds, the demo's (one query)
    rows = [Mover(m, named[m.symbol].label if m.symbol in named else "", counted[m.symbol]) for m in moves]
    gainers = sorted((r for r in rows if r.move.percent > 0), key=lambda r: -r.move.percent)
    decliners = sorted((r for r in rows if r.move.percent < 0), key=lambda r: r.move.percent)
    return {"gainers": gainers[:limit], "decliners": decliners[:limit], "top": rows[:limit], "day": day,
            "in_news": len(symbols), "any_prices": True}


@anonymous_page_cache
def markets(request):
    """The tickers in the news moving most on the latest trading day, up and down, each with its last
    close, the day's articles and comments about it, and its coverage against its own usual."""
    return render(request, "markets/markets.html", {**movers(PAGE_ROWS), "in_news_days": IN_NEWS_DAYS})
