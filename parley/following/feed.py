"""A reader's feed: the newest articles about anything they follow, each with why it is there.

Fan-out on read. Each followed ticker, person or topic is a range of the Subject index (and each
outlet a range of the article index), read newest first from the cursor; one UNION ALL statement
reads at most a page from each, and the page is merged here. The cost follows what the reader
follows and the page size, not the size of the archive or the number of readers
(bench/following.py).
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils.dateparse import parse_datetime

from parley.articles.models import Article, Outlet, url_for
from parley.articles.queries import Cursor, Page
from parley.enrichment.models import Subject
from parley.enrichment.queries import known_symbols
from parley.following.follows import describe, reason_label
from parley.following.models import Follow
from parley.following.symbols import shown
from parley.markets.board import latest_quotes
from parley.stories.models import Membership

PAGE_SIZE = 20
STRIP_SIZE = 24  # followed symbols whose prices My feed's strip shows; the watchlist shows them all
PROBE_FROM = 40  # readers following more things than this are read in two steps (see my_feed)
PROBE = 3


@dataclass
class FeedItem:
    article: Article
    reasons: list[tuple[str, str, str]]  # (kind, key, label): "you follow $BA"

    @property
    def id(self):
        return self.article.id

    @property
    def published_at(self):
        return self.article.published_at


def _when(value) -> datetime:
    if isinstance(value, str):  # SQLite hands back text through a UNION
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _conditions(id_col: str, older: bool, cursor: Cursor | None, since, bound) -> tuple[str, list]:
    """The WHERE terms past the cursor (older rows, or going back, newer ones), since a time, and
    up to a bound."""
    cond, params = "", []
    sign = "<" if older else ">"
    if cursor is not None:
        at = connection.ops.adapt_datetimefield_value(cursor.at)
        cond += f" AND published_at {sign}= %s AND (published_at {sign} %s OR {id_col} {sign} %s)"
        params += [at, at, cursor.id]
    if since is not None:
        cond += " AND published_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    if bound is not None:
        cond += f" AND published_at {'>' if older else '<'}= %s"
        params.append(connection.ops.adapt_datetimefield_value(bound))
    return cond, params


def _branch(n: int, table: str, id_col: str, match: str, match_params: list, reason: tuple, older: bool,
            terms: tuple[str, list], limit: int | None) -> tuple[str, list]:
    """The SQL of one followed thing's rows in index order, at most `limit`. Only table and column
    names of our models are written into it; values are parameters."""
    order = "DESC" if older else "ASC"
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    sql = (f"SELECT * FROM (SELECT {id_col} AS article_id, published_at, %s AS kind, %s AS thing FROM {table}"
           f" WHERE {match}{terms[0]} ORDER BY published_at {order}, {id_col} {order}{cap}) AS s{n}")
    return sql, [*reason, *match_params, *terms[1]]


def _lateral(pairs: list[tuple[str, str]], older: bool, terms: tuple[str, list], limit: int | None) -> tuple[str, list]:
    """PostgreSQL: every followed ticker, person and topic in one LATERAL join over a VALUES list.
    Planned once, where a UNION of 500 branches took about 100 ms to plan."""
    order = "DESC" if older else "ASC"
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    values = ", ".join(["(%s, %s)"] * len(pairs))
    sql = (f"SELECT s.article_id, s.published_at, t.kind, t.thing FROM (VALUES {values}) AS t(kind, thing)"
           f" CROSS JOIN LATERAL (SELECT article_id, published_at FROM {Subject._meta.db_table}"
           f" WHERE kind = t.kind AND key = t.thing{terms[0]} ORDER BY published_at {order}, article_id {order}{cap})"
           f" AS s")
    return sql, [v for pair in pairs for v in pair] + terms[1]


def followed_things(user) -> list[tuple[str, str]]:
    # A discussion followed tells of comments (the inbox), not articles: it is not in the feed. A
    # story followed is: its reports are articles.
    return list(Follow.objects.filter(user=user).exclude(kind=Follow.ARTICLE).values_list("kind", "key"))


def my_feed(user, after: Cursor | None = None, before: Cursor | None = None, size: int = PAGE_SIZE,
            since: datetime | None = None) -> Page:
    """One keyset page of a reader's feed (after: older rows; before: the newer page), as FeedItems."""
    things = followed_things(user)
    if not things:
        return Page([], None, None)
    older = before is None
    cursor = after if older else before
    outlets = dict(Outlet.objects.filter(slug__in=[k for kind, k in things if kind == Follow.OUTLET])
                   .values_list("slug", "id"))

    def gather(limit: int | None, bound=None) -> dict[int, list]:
        """{article id: [time, [(kind, key), …]]} from one UNION ALL over the followed things."""
        branches = []
        subjects = [(kind, key) for kind, key in things if kind not in (Follow.OUTLET, Follow.STORY)]
        if subjects and connection.vendor == "postgresql":
            branches.append(_lateral(subjects, older, _conditions("article_id", older, cursor, since, bound), limit))
        elif subjects:
            terms = _conditions("article_id", older, cursor, since, bound)
            branches += [_branch(n, Subject._meta.db_table, "article_id", "kind = %s AND key = %s", [kind, key],
                                 (kind, key), older, terms, limit) for n, (kind, key) in enumerate(subjects)]
        terms = _conditions("id", older, cursor, since, bound)
        branches += [_branch(len(things) + n, Article._meta.db_table, "id", "outlet_id = %s", [outlets[key]],
                             (kind, key), older, terms, limit)
                     for n, (kind, key) in enumerate(things) if kind == Follow.OUTLET and key in outlets]
        in_story = f"id IN (SELECT article_id FROM {Membership._meta.db_table} WHERE story_id = %s)"
        branches += [_branch(2 * len(things) + n, Article._meta.db_table, "id", in_story, [int(key)], (kind, key),
                             older, terms, limit)
                     for n, (kind, key) in enumerate(things) if kind == Follow.STORY and key.isdigit()]
        found: dict[int, list] = {}
        if not branches:
            return found
        with connection.cursor() as db:
            db.execute(" UNION ALL ".join(part for part, _ in branches),
                       [p for _, branch_params in branches for p in branch_params])
            for article_id, published_at, kind, key in db.fetchall():
                found.setdefault(article_id, [_when(published_at), []])[1].append((kind, key))
        return found

    if len(things) <= PROBE_FROM:
        found = gather(size + 1)
    else:
        # Many things followed: a page from each would read size+1 rows per thing. A probe of a few
        # rows per thing finds a time the page's last row cannot be past; then every thing gives
        # only its rows up to that time, usually a handful in all.
        found = gather(PROBE)
        if len(found) > size:
            times = sorted((entry[0] for entry in found.values()), reverse=older)
            found = gather(None, bound=times[size])
        else:
            found = gather(size + 1)
    order = sorted(found.items(), key=lambda item: (item[1][0], item[0]), reverse=older)
    more = len(order) > size
    order = order[:size]
    if not older:
        order.reverse()
    loaded = Article.objects.newest().prefetch_related("membership__story").in_bulk([pk for pk, _ in order])
    described = describe({pair for _, (_, pairs) in order for pair in pairs})
    rows = [FeedItem(loaded[pk], [(kind, key, reason_label(kind, key, described)) for kind, key in pairs])
            for pk, (_, pairs) in order if pk in loaded]
    if not rows:
        return Page([], None, None)
    first, last = Cursor(rows[0].published_at, rows[0].id), Cursor(rows[-1].published_at, rows[-1].id)
    if older:
        return Page(rows, first if after is not None else None, last if more else None)
    return Page(rows, first if more else None, last)


@dataclass
class StripItem:
    symbol: str
    shown: str  # $BA, ^GSPC
    url: str | None  # its company page, where the site has one (not for an index no article names)
    quote: object  # parley.markets.board.Latest


@dataclass
class Strip:
    items: list
    more: int  # followed symbols with prices not in the strip


def price_strip(user, size: int = STRIP_SIZE) -> Strip:
    """My feed's strip: the followed symbols' last closes and day changes, those with stored prices,
    alphabetically; three queries at most (the follows, every followed symbol's prices at once, and
    which of them have a page)."""
    followed = list(Follow.objects.filter(user=user, kind=Follow.TICKER).values_list("key", flat=True))
    quotes = latest_quotes(followed)
    pages = known_symbols(set(quotes)) if quotes else set()
    priced = [StripItem(symbol, shown(symbol), url_for("ticker", symbol) if symbol in pages else None, quotes[symbol])
              for symbol in sorted(quotes)]
    return Strip(priced[:size], max(0, len(priced) - size))
