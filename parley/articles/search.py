"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector, behind `search_articles()`.

Both accept web-search syntax: words (all must match), "quoted phrases", `-excluded` words and
`OR` between alternatives. The database finds and ranks; snippets are cut in Python from the
bodies a page loads anyway, as HTML with the matches in <mark> and everything else escaped.
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


def _search_sqlite(query: str, limit: int, offset: int) -> list[int]:
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
        return [row[0] for row in cur.fetchall()]


def _search_postgresql(query: str, limit: int, offset: int) -> list[int]:
    with connection.cursor() as cur:
        # The matches come from the GIN index (MATERIALIZED keeps them a set: left to itself the
        # planner walks the primary key backwards and tests every row's tsvector, 170 ms for a
        # common word at 100,000 articles against 6 ms); then the window of newest matches is
        # ranked and one page cut.
        cur.execute(
            "WITH q AS (SELECT websearch_to_tsquery('english', %s) AS q),"
            " m AS MATERIALIZED (SELECT a.id FROM articles_article a, q WHERE a.search_tsv @@ q.q),"
            " w AS (SELECT id FROM m ORDER BY id DESC LIMIT %s)"
            " SELECT a.id FROM w JOIN articles_article a USING (id), q"
            " ORDER BY ts_rank_cd(a.search_tsv, q.q) DESC, a.published_at DESC LIMIT %s OFFSET %s",
            [query[:MAX_QUERY_CHARS], SEARCH_WINDOW, limit, offset],
        )
        return [row[0] for row in cur.fetchall()]


def _run(query: str, limit: int, offset: int) -> list[int]:
    run = _search_postgresql if connection.vendor == "postgresql" else _search_sqlite
    return run(query.strip(), limit, offset) if query.strip() else []


def search_articles(query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Return the articles matching a web-search query, best first, each with a highlighted snippet."""
    ids = _run(query, limit, offset)
    articles = Article.objects.select_related("outlet").only(*HIT_FIELDS).in_bulk(ids)
    words = query_words(query)
    return [SearchHit(articles[pk], text_snippet(articles[pk].body_text, words)) for pk in ids if pk in articles]


def snippets_for(query: str, articles) -> dict[int, str]:
    """Return {id: snippet HTML} of these articles (loaded with their body_text) for a query."""
    words = query_words(query)
    return {a.pk: text_snippet(a.body_text, words) for a in articles}


def matching_ids(query: str, cap: int = 1000) -> list[int]:
    """Return the ids of up to `cap` best matches, for listings that combine search with filters."""
    return _run(query, cap, 0)
