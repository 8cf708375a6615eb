"""Read a saved or fetched HTML page: is it an article, and if so its body as the outlet wrote it.

trafilatura finds the main text and the metadata (title, author, date, site name, canonical URL).
Its structure is kept: paragraphs, headings, lists, quotes and tables become the stored HTML, so
the page shows them as the outlet did. Furniture the extractor leaves (reprint and share lines,
"sent to" confirmations, bare URLs) is dropped by `furniture.is_furniture`; a page that is not an
article (a home page, a listing, a directory index, an error page) is refused with the reason
(`pagekind.judge`). The outlet and byline are checked as names (`names`).
"""
import re
from datetime import UTC, datetime

import lxml.html
import trafilatura
from django.utils import timezone
from lxml import etree
from trafilatura.htmlprocessing import HTML_TAG_MAPPING, convert_to_html
from trafilatura.utils import load_html

from parley.articles.cleaning import (
    BLOCK_TAGS,
    block_pieces,
    fold_title,
    pieces_text,
    sanitize_html,
    text_blocks,
)
from parley.articles.services import ArticleDraft
from parley.sources.readers import Unreadable
from parley.sources.readers.dates import parse_date_line
from parley.sources.readers.furniture import is_furniture
from parley.sources.readers.names import outlet_name, person_names
from parley.sources.readers.pagekind import judge, page_signals, path_of

REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)  # date lines are only recognised here, never stored
CONTAINERS = {"ul", "ol", "table", "thead", "tbody", "blockquote", "figure"}  # emptied by furniture: dropped too


class NotAnArticle(Unreadable):
    """A page that holds no article (a home page, a listing, an error page), with the reason in words."""


def parse_page(html: str):
    """Return an HTML document as lxml reads it for trafilatura, or None when it holds no HTML."""
    try:
        return load_html(html)
    except (ValueError, TypeError, etree.ParserError):
        return None


def read_html_page(html: str, reference: datetime, origin: str = "", url: str | None = None,
                   linked_as_article: bool = False) -> ArticleDraft:
    """Return the article an HTML page holds; raise NotAnArticle (an Unreadable) for a page that is
    not an article, with the reason. `linked_as_article`: a feed entry links to this page as its
    article, which marks it as one (it must still not be a listing, an index or an error page)."""
    tree = parse_page(html)
    signals = page_signals(tree, url) if tree is not None else None
    # trafilatura works on its own copy of the tree (the judgement below reads the page as it came).
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False) if tree is not None else None
    if doc is None or doc.body is None:
        verdict = judge(signals, [], None)
        raise NotAnArticle(f"not an article: {verdict.reason}" if not verdict.is_article
                           else "no article text found in the HTML page")
    title = " ".join((doc.title or "").split())
    site_names = signals.site_names if signals is not None else []
    body, notes = body_html(doc.body, title)
    # A table's cells are read one by one: a data table (a status page, a price list) is not prose,
    # while an old layout table holding the article in one cell is.
    paragraphs = _cells_apart(body)
    page_url = doc.url or url or ""
    if signals is not None and not signals.path and page_url:
        signals.path = path_of(page_url)
    outlet, outlet_note = outlet_name(site_names, page_url, title, guessed=doc.sitename or "")
    if signals is not None and (not title or fold_title(title) in {fold_title(n) for n in [outlet, *site_names] if n}):
        title = next((h for h in signals.headings if h and fold_title(h) != fold_title(title)), title)  # not the site's name
    byline = person_names(doc.author or "", outlet)
    verdict = judge(signals, paragraphs, tree, byline, linked_as_article)
    if not verdict.is_article:
        raise NotAnArticle(f"not an article: {verdict.reason}")
    if not title:
        raise Unreadable("no headline (no <title>, og:title or <h1>) in the HTML page")
    if outlet_note:
        notes.append(outlet_note)
    if doc.author and not byline:
        notes.append(f"byline \u201c{' '.join(doc.author.split())[:80]}\u201d names no person; left out")
    published = parse_date_line(doc.date, reference) if doc.date else None
    when, inferred = (published.when, published.inferred) if published else (_local(reference), False)
    return ArticleDraft(
        title=title, outlet=outlet, byline=byline, url=page_url, summary=doc.description or "",
        published_at=when, date_inferred=inferred, html=body, origin=origin, notes=notes,
        date_unknown=published is None,
    )


def body_html(body, title: str) -> tuple[str, list[str]]:
    """Return the extracted body as sanitised HTML (structure kept, furniture and a repeated headline
    dropped) and notes on what was dropped."""
    # trafilatura maps only the emphasis it knows to HTML ("#b", "#i"...); other kinds ("uppercase")
    # would stop its conversion, so they become plain text first.
    for el in body.iter("hi"):
        if el.get("rend", "#i") not in HTML_TAG_MAPPING:
            el.tag = "unknown-emphasis"
    etree.strip_tags(body, "unknown-emphasis")
    root = convert_to_html(body).find("body")
    for el in root.iter("h1"):
        el.tag = "h2"  # the page's own headline is the only <h1>
    for el in root.iter("div"):
        if not any(d.tag in BLOCK_TAGS for d in el.iterdescendants()):
            el.tag = "p"
    _paragraphs_for_runs(root)
    notes, dropped = [], []
    # Innermost blocks: a layout table's cell holds the headline, byline and paragraphs as blocks of their own.
    blocks = [el for el in root.iter() if el.tag in BLOCK_TAGS
              and not any(d.tag in BLOCK_TAGS for d in el.iterdescendants())]
    for n, el in enumerate(blocks):
        text = pieces_text(list(block_pieces(el)))
        reason = (_page_header(text, title) if n < HEADER_BLOCKS else "") or is_furniture(text)
        if reason:
            dropped.append(f"\u201c{text[:60]}\u201d ({reason})")
            _drop(el)
    for el in list(root.iter(*CONTAINERS)):
        if not "".join(el.itertext()).strip():
            _drop(el)
    if dropped:
        notes.append("dropped " + "; ".join(dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else ""))
    html = (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return sanitize_html(html), notes


HEADER_BLOCKS = 4  # the page's own header (headline again, byline, date line) sits in the first blocks
HEADER_WORDS = 15
BYLINE_START = re.compile(r"^(?:by|von|por|par|di|door|av|af)\s+\S", re.I)
INLINE_RUN_BREAKS = BLOCK_TAGS | {"ul", "ol", "table", "figure", "hr"}


def _page_header(text: str, title: str) -> str:
    """Why a block at the top of the body repeats the page's header (headline, byline, date line), or ''."""
    folded, headline = fold_title(text), fold_title(title)
    if headline and (folded == headline or (len(folded) >= 20 and headline.startswith(folded + " "))):
        return "the headline again"
    if len(text.split()) > HEADER_WORDS:
        return ""
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and BYLINE_START.match(lines[0]) and all(
            BYLINE_START.match(line) or parse_date_line(line, REFERENCE) for line in lines):
        return "the byline again"
    if lines and all(parse_date_line(line, REFERENCE) for line in lines):
        return "the date line again"
    return ""


def _paragraphs_for_runs(root) -> None:
    """Wrap the words an extractor leaves outside any block in paragraphs, as a browser would show them."""
    run = []

    def flush(before):
        if not any((node if isinstance(node, str) else "".join(node.itertext())).strip() for node in run):
            run.clear()
            return
        paragraph = etree.Element("p")
        if isinstance(run[0], str):
            paragraph.text = run.pop(0)
        for node in run:
            paragraph.append(node)
        run.clear()
        if before is None:
            root.append(paragraph)
        else:
            before.addprevious(paragraph)

    if root.text and root.text.strip():
        run.append(root.text)
        root.text = None
    for child in list(root):
        if child.tag in INLINE_RUN_BREAKS or any(d.tag in INLINE_RUN_BREAKS for d in child.iterdescendants()):
            flush(child)
            if child.tail and child.tail.strip():
                run.append(child.tail)
            child.tail = None
        else:
            run.append(child)  # moves with its tail
    flush(None)


def _cells_apart(fragment: str) -> list[str]:
    """Return a fragment's paragraphs with every table cell a paragraph of its own."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for cell in root.iter("td", "th"):
        cell.tag = "p"
    for row in root.iter("tr"):
        row.tag = "div"
    return [text for text in map(pieces_text, text_blocks(root)) if text]


def _drop(el) -> None:
    """Remove an element, keeping its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _local(moment: datetime) -> datetime:
    """Return a moment in the site's time zone, or as it is where that zone would leave the calendar."""
    try:
        return timezone.localtime(moment)
    except (OverflowError, ValueError):
        return moment
