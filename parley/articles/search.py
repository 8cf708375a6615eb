"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector, behind `search()` (a page of
hits and how many match) and `matches()` (ids only).

Both accept web-search syntax: words (all must match), "quoted phrases", `-excluded` words and
`OR` between alternatives. The database finds and ranks; snippets are cut in Python from the
bodies a page loads anyway, as HTML with the matches in <mark> and everything else escaped.
Matches are ranked, and counted, within a window of the newest ones (`window_size()`).
"""
import functools
import html
import re
from dataclasses import dataclass

from django.db import connection

from parley.articles.models import Article

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 300
# Ranking reads every candidate, so a word found in most of a large archive would make search as
# slow as the archive is big. Results are ranked among the most recently stored matches only:
# for a news site the newest matches are the ones wanted, and the cost stays flat as it grows.
SEARCH_WINDOW = 1000
# What a result row shows, and the body its snippet is cut from.
HIT_FIELDS = ("title", "slug", "url", "published_at", "date_inferred", "date_unknown", "lead", "body_text", "outlet__name",
              "outlet__slug", "outlet__homepage")


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


SNIPPET_WORDS = 30


def query_words(query: str) -> list[str]:
    """The words a query looks for (not the excluded ones, not the OR operator)."""
    words = []
    for m in TOKEN.finditer(query[:MAX_QUERY_CHARS]):
        negated = bool(m.group(1)) or (m.group(3) or "").startswith("-")
        raw = m.group(2) if m.group(2) is not None else m.group(3).lstrip("-")
        if not negated and m.group(3) != "OR":
            words += WORD.findall(raw)
    return words


def text_snippet(text: str, words: list[str]) -> str:
    """Return about SNIPPET_WORDS words of the text around its first match, as HTML with the matches
    marked; the start of the text when nothing matches.

    Drawn in Python from the body the page loads anyway: FTS5's snippet() re-read and re-tokenised
    every shown body and was two thirds of an uncached search. A word matches with any ending
    ("dividend" marks "dividends"), as the stemmed index matched it.
    """
    words = [w.lower() for w in words]
    pattern = _words_pattern(tuple(words)) if words else None
    at = None
    if pattern:
        low = text.lower()
        at = _first_word(low, words) if len(low) == len(text) else next((m.start() for m in _matches(pattern, text)), None)
    start = max(0, text.rfind(" ", 0, max(0, at - 80)) + 1) if at is not None else 0
    # Only a window around the match is read: about SNIPPET_WORDS words, whatever the body's length.
    end = start + SNIPPET_WORDS * 14
    cut = text[start:end].split(maxsplit=SNIPPET_WORDS)
    if end < len(text) and len(cut) <= SNIPPET_WORDS:
        cut = cut[:-1]  # the window ended inside a word
    piece = " ".join(cut[:SNIPPET_WORDS])
    out, pos = [], 0
    for m in (_matches(pattern, piece) if pattern else ()):  # marks placed on the text, the pieces between escaped
        out += [html.escape(piece[pos:m.start()], quote=False), "<mark>", html.escape(piece[m.start():m.end()], quote=False),
                "</mark>"]
        pos = m.end()
    out = "".join(out) + html.escape(piece[pos:], quote=False)
    return ("…" if start else "") + out + ("…" if end < len(text) else "")


def _matches(pattern: re.Pattern, text: str):
    """Where the (lower-case) pattern matches the text, case-blind: on the lower-cased text when
    lower() keeps its length (several times faster than a case-blind regex; a few Unicode letters
    change length), else on the text itself."""
    low = text.lower()
    return pattern.finditer(low) if len(low) == len(text) else re.finditer(pattern.pattern, text, re.IGNORECASE)


def _first_word(low: str, words: list[str]) -> int | None:
    """Where the first of the words starts a word in the lower-cased text (str.find, not a regex:
    `re` with a leading \\b tries every position and was 30 µs per body)."""
    best = None
    for word in words:
        i = low.find(word)
        while i > 0 and low[i - 1].isalnum():
            i = low.find(word, i + 1)
        if i != -1 and (best is None or i < best):
            best = i
    return best


@functools.lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """A regex finding any of the words with any ending ("dividend" finds "Dividends")."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + r")\w*")


@dataclass
class Matches:
    """One page of a query's matches, best first, and how many matched (at most the window's size)."""

    ids: list[int]
    count: int = 0
    more: bool = False  # more matches than `count` exist: the window was full


def _window_sqlite(query: str, limit: int, offset: int) -> Matches:
    expr = fts5_query(query)
    if not expr:
        return Matches([])
    window = window_size()
    with connection.cursor() as cur:
        # FTS5 walks a match list backwards by rowid cheaply: the newest window + 1 matches give the
        # count and the window's lower bound; a rowid range is then a constraint FTS5 applies while
        # matching and ranking.
        # (A company's conversation rides on an article row whose title names the company: the partial
        # index of those rows leaves them out.)
        cur.execute("SELECT rowid FROM article_fts WHERE article_fts MATCH %s"
                    " AND rowid NOT IN (SELECT id FROM articles_article WHERE conversation IS NOT NULL)"
                    " ORDER BY rowid DESC LIMIT %s", [expr, window + 1])
        newest = [row[0] for row in cur.fetchall()]
        if not newest:
            return Matches([])
        counted = newest[:window]
        cur.execute("SELECT rowid FROM article_fts WHERE article_fts MATCH %s AND rowid >= %s"
                    " AND rowid NOT IN (SELECT id FROM articles_article WHERE conversation IS NOT NULL)"
                    " ORDER BY bm25(article_fts, 4.0, 1.0) LIMIT %s OFFSET %s", [expr, counted[-1], limit, offset])
        return Matches([row[0] for row in cur.fetchall()], len(counted), len(newest) > window)


# PostgreSQL's GIN index says which rows match, not their ids or dates: each match costs a visit to
# its row. Ranking the newest thousand matches of a common word over whole-article tsvectors, kept
# out of line, after visiting every one of its matches (20,000 of 100,000 articles for "oil OR
# uranium") was most of a search. So PostgreSQL looks in the title and lead first (search_head,
# migration 0010: a few hundred bytes in the row, with a GIN index of its own holding a tenth of
# the whole text's matches), ranks the newest POSTGRESQL_WINDOW of those by it, and only when
# there are fewer reads the articles that have the words further down, newest first.
POSTGRESQL_WINDOW = 300  # ranked matches (SQLite's FTS5 ranks 1,000 inside its index)
NEWEST = 2 ** 63 - 1  # above every id
# MATERIALIZED keeps the matches a set read through the GIN index: left to itself the planner may
# walk the primary key backwards and test every row (unpacking its whole-text tsvector), which is
# slow for any word that is not very common. Only the window's rows are then ranked.
# A company's conversation rides on an article row (parley.discussion.conversations) whose title
# names the company: it is left out when the window's rows are read.
HEAD_SQL = ("WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('english', %s) AS q),"
            " m AS MATERIALIZED (SELECT a.id FROM articles_article a, q WHERE a.search_head @@ q.q AND a.id < %s),"
            " w AS (SELECT id FROM m ORDER BY id DESC LIMIT %s)"
            " SELECT a.id, ts_rank(a.search_head, q.q)::float8, extract(epoch FROM a.published_at)::float8"
            " FROM w JOIN articles_article a USING (id), q WHERE a.conversation IS NULL")
# A conversation's row has only its title, which its head holds: it is never among these.
BODY_SQL = ("WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('english', %s) AS q),"
            " m AS MATERIALIZED (SELECT a.id FROM articles_article a, q"
            "   WHERE a.search_tsv @@ q.q AND NOT coalesce(a.search_head @@ q.q, false) AND a.id < %s)"
            " SELECT id, 0::float8, 0::float8 FROM m ORDER BY id DESC LIMIT %s")
# Excluded words are looked up among the candidates only, through the GIN index: a list of ids and
# the index's bitmap are intersected before any row is read, and no tsvector is unpacked.
SKIP_SQL = ("WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('english', %s) AS q)"
            " SELECT a.id FROM articles_article a, q WHERE a.search_tsv @@ q.q AND a.id = ANY(%s)")


def web_parts(query: str) -> tuple[str, str]:
    """Split a web-search query into what it looks for and what it excludes, each a web-search query
    ("copper -oil -\"crude oil\"" is "copper" and "oil OR \"crude oil\"")."""
    find, skip = [], []
    for m in TOKEN.finditer(query[:MAX_QUERY_CHARS]):
        negated = bool(m.group(1)) or (m.group(3) or "").startswith("-")
        raw = m.group(2) if m.group(2) is not None else m.group(3).lstrip("-")
        if m.group(3) == "OR":
            if find and find[-1] != "OR":
                find.append("OR")
            continue
        words = WORD.findall(raw)
        if words:
            (skip if negated else find).append(words[0] if len(words) == 1 else '"' + " ".join(words) + '"')
    while find and find[-1] == "OR":
        find.pop()
    return " ".join(find), " OR ".join(skip)


def _newest(cur, sql: str, find: str, skip: str, want: int) -> list[tuple]:
    """Return up to want + 1 of a statement's matches (id, rank, time), newest first, less those with
    an excluded word (read again further down while exclusions leave too few)."""
    rows: list[tuple] = []
    below = NEWEST
    while len(rows) <= want:
        batch = (want + 1 - len(rows)) * (2 if skip else 1)
        cur.execute(sql, [find, below, batch])
        found = sorted(cur.fetchall(), key=lambda row: row[0], reverse=True)
        if not found:
            break
        below = found[-1][0]
        if skip:
            cur.execute(SKIP_SQL, [skip, [row[0] for row in found]])
            excluded = {row[0] for row in cur.fetchall()}
            rows += [row for row in found if row[0] not in excluded]
        else:
            rows += found
        if len(found) < batch:
            break
    return rows[:want + 1]


def _window_postgresql(query: str, limit: int, offset: int) -> Matches:
    find, skip = web_parts(query)
    if not find:
        return Matches([])
    window = window_size()
    with connection.cursor() as cur:
        head = _newest(cur, HEAD_SQL, find, skip, window)
        more = len(head) > window
        head = sorted(head[:window], key=lambda row: (row[1], row[2], row[0]), reverse=True)  # best, then newest
        ids = [row[0] for row in head]
        if not more:  # every title and lead match is in: then the articles with the words further down
            body = _newest(cur, BODY_SQL, find, skip, window - len(ids))
            more = len(body) > window - len(ids)
            ids += [row[0] for row in body[:window - len(ids)]]
    return Matches(ids[offset:offset + limit], len(ids), more)


def window_size() -> int:
    """How many of a query's newest matches are ranked (and counted) on this database."""
    return min(SEARCH_WINDOW, POSTGRESQL_WINDOW) if connection.vendor == "postgresql" else SEARCH_WINDOW


def matches(query: str, limit: int = 20, offset: int = 0) -> Matches:
    """Return one page of the ids matching a web-search query, best first, with their count."""
    query = query.strip()
    if not query:
        return Matches([])
    return (_window_postgresql if connection.vendor == "postgresql" else _window_sqlite)(query, limit, offset)


@dataclass
class Results:
    hits: list[SearchHit]
    count: int = 0
    more: bool = False


def search(query: str, limit: int = 20, offset: int = 0) -> Results:
    """Return one page of the articles matching a web-search query, best first, each with a
    highlighted snippet, and how many match."""
    found = matches(query, limit, offset)
    articles = Article.objects.select_related("outlet").only(*HIT_FIELDS).in_bulk(found.ids)
    words = query_words(query)
    return Results([SearchHit(articles[pk], text_snippet(articles[pk].body_text, words)) for pk in found.ids
                    if pk in articles], found.count, found.more)


def search_articles(query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Return the articles matching a web-search query, best first, each with a highlighted snippet."""
    return search(query, limit, offset).hits


def snippets_for(query: str, articles) -> dict[int, str]:
    """Return {id: snippet HTML} of these articles (loaded with their body_text) for a query."""
    words = query_words(query)
    return {a.pk: text_snippet(a.body_text, words) for a in articles}


def matching_ids(query: str, cap: int = 1000) -> list[int]:
    """Return the ids of up to `cap` best matches, for listings that combine search with filters."""
    return matches(query, cap, 0).ids
