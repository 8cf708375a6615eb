"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector, behind `search_articles()`.

Both accept web-search syntax: words (all must match), "quoted phrases", `-excluded` words and
`OR` between alternatives. Snippets come back as HTML with the matches in <mark>; everything
else in them is escaped.
"""
import html
import re
from dataclasses import dataclass

from django.db import connection

from parley.articles.models import Article

# Markers the database puts around matches; control characters cannot occur in stored text.
START, STOP = "\x02", "\x03"
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 300
# Ranking reads every candidate, so a word found in most of a large archive would make search as
# slow as the archive is big. Results are ranked among the most recently stored matches only:
# for a news site the newest matches are the ones wanted, and the cost stays flat as it grows.
SEARCH_WINDOW = 1000


@dataclass
class SearchHit:
    article: Article
    snippet_html: str


def fts5_query(query: str) -> str:
    """Translate web-search syntax into a safe FTS5 MATCH expression ('' when nothing to search)."""
    positive, negative = [], []
    pending_or = False
    for m in TOKEN.finditer(query[:MAX_QUERY_CHARS]):
        negated = bool(m.group(1)) or (m.group(3) or "").startswith("-")
        raw = m.group(2) if m.group(2) is not None else m.group(3).lstrip("-")
        if m.group(3) == "OR":
            pending_or = bool(positive)
            continue
        words = WORD.findall(raw)
        if not words:
            continue
        # Every word is quoted, so FTS5 operators typed by a reader are only ever words.
        term = '"' + " ".join(words) + '"'
        if negated:
            negative.append(term)
        elif pending_or:
            positive[-1] = f"{positive[-1]} OR {term}"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        return ""
    expr = " AND ".join(f"({p})" for p in positive)
    for term in negative:
        expr = f"({expr}) NOT {term}"
    return expr


def _snippet_html(raw: str) -> str:
    """Return a database snippet as HTML: escaped text, matches marked."""
    escaped = html.escape(raw.replace("\n", " "), quote=False)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _search_sqlite(query: str, limit: int, offset: int, snippets: bool) -> list[tuple[int, str]]:
    expr = fts5_query(query)
    if not expr:
        return []
    with connection.cursor() as cur:
        # FTS5 walks a match list backwards by rowid cheaply, which finds the window's lower bound;
        # a rowid range is then a constraint FTS5 applies while matching.
        cur.execute(
            "SELECT rowid FROM article_fts WHERE article_fts MATCH %s AND rowid >= ("
            "  SELECT coalesce(min(rowid), 0) FROM ("
            "    SELECT rowid FROM article_fts WHERE article_fts MATCH %s ORDER BY rowid DESC LIMIT %s))"
            " ORDER BY bm25(article_fts, 4.0, 1.0) LIMIT %s OFFSET %s",
            [expr, expr, SEARCH_WINDOW, limit, offset],
        )
        ranked = [row[0] for row in cur.fetchall()]
        if not snippets or not ranked:
            return [(pk, "") for pk in ranked]
        # Snippets for the page's rows only: in the ranking query SQLite would build one per candidate.
        marks = ", ".join(["%s"] * len(ranked))
        cur.execute(
            f"SELECT rowid, snippet(article_fts, 1, %s, %s, '…', 24) FROM article_fts "  # noqa: S608 - placeholders only
            f"WHERE article_fts MATCH %s AND rowid IN ({marks})",
            [START, STOP, expr, *ranked],
        )
        found = dict(cur.fetchall())
    return [(pk, found.get(pk, "")) for pk in ranked]


def _search_postgresql(query: str, limit: int, offset: int, snippets: bool) -> list[tuple[int, str]]:
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=…"
    headline = "ts_headline('english', a.body_text, hit.q, %s)" if snippets else "''"
    with connection.cursor() as cur:
        # Take the window of newest matches, rank it, cut one page, and only then build headlines.
        cur.execute(
            f"SELECT hit.id, {headline} FROM ("  # noqa: S608 - fixed fragments, values are parameters
            "  SELECT w.id, w.q, ts_rank_cd(w.search_tsv, w.q) AS rank, w.published_at FROM ("
            "    SELECT id, q, search_tsv, published_at FROM articles_article, websearch_to_tsquery('english', %s) AS q"
            "    WHERE search_tsv @@ q ORDER BY id DESC LIMIT %s) AS w"
            "  ORDER BY rank DESC, w.published_at DESC LIMIT %s OFFSET %s"
            ") AS hit JOIN articles_article a ON a.id = hit.id ORDER BY hit.rank DESC, hit.published_at DESC",
            [*([options] if snippets else []), query[:MAX_QUERY_CHARS], SEARCH_WINDOW, limit, offset],
        )
        return cur.fetchall()


def _run(query: str, limit: int, offset: int, snippets: bool) -> list[tuple[int, str]]:
    run = _search_postgresql if connection.vendor == "postgresql" else _search_sqlite
    return run(query.strip(), limit, offset, snippets) if query.strip() else []


def search_articles(query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Return the articles matching a web-search query, best first, each with a highlighted snippet."""
    rows = _run(query, limit, offset, snippets=True)
    articles = Article.objects.select_related("outlet").in_bulk([pk for pk, _ in rows])
    return [SearchHit(articles[pk], _snippet_html(snip or "")) for pk, snip in rows if pk in articles]


def snippets_for(query: str, ids: list[int]) -> dict[int, str]:
    """Return {id: snippet HTML} of these articles for a query (only the rows a page shows)."""
    if not ids or not query.strip():
        return {}
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(ids))
        if connection.vendor == "postgresql":
            options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=…"
            cur.execute(
                f"SELECT a.id, ts_headline('english', a.body_text, q, %s) FROM articles_article a, "  # noqa: S608
                f"websearch_to_tsquery('english', %s) AS q WHERE a.id IN ({marks})",
                [options, query[:MAX_QUERY_CHARS], *ids])
        else:
            expr = fts5_query(query)
            if not expr:
                return {}
            cur.execute(
                f"SELECT rowid, snippet(article_fts, 1, %s, %s, '…', 24) FROM article_fts "  # noqa: S608
                f"WHERE article_fts MATCH %s AND rowid IN ({marks})", [START, STOP, expr, *ids])
        return {pk: _snippet_html(raw or "") for pk, raw in cur.fetchall()}


def matching_ids(query: str, cap: int = 1000) -> list[int]:
    """Return the ids of up to `cap` best matches, for listings that combine search with filters."""
    return [pk for pk, _ in _run(query, cap, 0, snippets=False)]
