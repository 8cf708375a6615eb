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

from parley.articles.models import Article, Outlet
from parley.articles.queries import Cursor, Page
from parley.enrichment.models import Subject
from parley.following.follows import describe, reason_label
from parley.following.models import Follow

PAGE_SIZE = 20


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


def _branch(n: int, table: str, id_col: str, match: str, match_params: list, reason: tuple, older: bool,
            cursor: Cursor | None, since, limit: int) -> tuple[str, list]:
    """The SQL of one followed thing's rows past the cursor (older ones, or going back, newer ones),
    in index order, at most `limit`. Only table and column names of our models are written into it."""
    params = [*reason, *match_params]
    cond = match
    if cursor is not None:
        at = connection.ops.adapt_datetimefield_value(cursor.at)
        sign = "<" if older else ">"
        cond += f" AND published_at {sign}= %s AND (published_at {sign} %s OR {id_col} {sign} %s)"
        params += [at, at, cursor.id]
    if since is not None:
        cond += " AND published_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    order = "DESC" if older else "ASC"
    sql = (f"SELECT * FROM (SELECT {id_col} AS article_id, published_at, %s AS kind, %s AS thing FROM {table}"
           f" WHERE {cond} ORDER BY published_at {order}, {id_col} {order} LIMIT {int(limit)}) AS s{n}")
    return sql, params


def followed_things(user) -> list[tuple[str, str]]:
    return list(Follow.objects.filter(user=user).exclude(kind=Follow.ARTICLE).values_list("kind", "key"))


def my_feed(user, after: Cursor | None = None, before: Cursor | None = None, size: int = PAGE_SIZE,
            since: datetime | None = None, things=None) -> Page:
    """One keyset page of a reader's feed (after: older rows; before: the newer page), as FeedItems."""
    things = followed_things(user) if things is None else things
    if not things:
        return Page([], None, None)
    older = before is None
    cursor = after if older else before
    outlets = dict(Outlet.objects.filter(slug__in=[k for kind, k in things if kind == Follow.OUTLET])
                   .values_list("slug", "id"))
    branches = []
    for n, (kind, key) in enumerate(things):
        if kind == Follow.OUTLET:
            if key in outlets:
                branches.append(_branch(n, Article._meta.db_table, "id", "outlet_id = %s", [outlets[key]], (kind, key),
                                        older, cursor, since, size + 1))
        else:
            branches.append(_branch(n, Subject._meta.db_table, "article_id", "kind = %s AND key = %s", [kind, key],
                                    (kind, key), older, cursor, since, size + 1))
    if not branches:
        return Page([], None, None)
    sql = " UNION ALL ".join(part for part, _ in branches)
    params = [p for _, branch_params in branches for p in branch_params]
    found: dict[int, list] = {}
    with connection.cursor() as db:
        db.execute(sql, params)
        for article_id, published_at, kind, key in db.fetchall():
            entry = found.setdefault(article_id, [_when(published_at), []])
            entry[1].append((kind, key))
    order = sorted(found.items(), key=lambda item: (item[1][0], item[0]), reverse=older)
    more = len(order) > size
    order = order[:size]
    if not older:
        order.reverse()
    loaded = Article.objects.newest().in_bulk([pk for pk, _ in order])
    described = describe({pair for _, (_, pairs) in order for pair in pairs})
    rows = [FeedItem(loaded[pk], [(kind, key, reason_label(kind, key, described)) for kind, key in pairs])
            for pk, (_, pairs) in order if pk in loaded]
    if not rows:
        return Page([], None, None)
    first, last = Cursor(rows[0].published_at, rows[0].id), Cursor(rows[-1].published_at, rows[-1].id)
    if older:
        return Page(rows, first if after is not None else None, last if more else None)
    return Page(rows, first if more else None, last)
