"""Read RSS 0.9x/1.0/2.0, Atom and JSON Feed documents: every entry becomes an article draft.

feedparser is always given bytes, never a URL or a path, so it never reaches the network or the
disk. Its own sanitiser lets text/plain fields through raw, so it is not relied on: every HTML
field is sanitised by `store_article()` with nh3, and plain fields are escaped there.
"""
import calendar
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from urllib.parse import urlsplit

import feedparser
import lxml.html
from django.utils import timezone
from lxml.etree import ParserError

from parley.articles.cleaning import html_to_paragraphs, normalize_url
from parley.articles.services import ArticleDraft
from parley.sources.readers import Unreadable
from parley.sources.readers.dates import DateReader
from parley.sources.readers.decoding import charset_is_usable
from parley.sources.readers.names import outlet_name, person_names

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_MARKERS = ("<rss", "<feed", "<rdf:rdf", "<channel", "jsonfeed.org")
DECLARED_ENCODING = re.compile(rb"""(<\?xml[^>]{0,200}?)\s+encoding\s*=\s*["'][^"']{0,100}["']""")
# An href/src/srcset/poster whose value is not already an absolute http(s) or mailto URL (a cheap
# pre-check: most entries link nothing relative, and parsing them just to find that out is costly).
RELATIVE_LINK = re.compile(r"""\b(?:href|src|srcset|poster|action|background|cite|longdesc)\s*=\s*"""
                           r"""(?:"(?!\s*(?:https?:|mailto:))|'(?!\s*(?:https?:|mailto:))|(?!["'\s]|https?:|mailto:))""", re.I)
JSON_FEED_START = re.compile(rb"^(\xef\xbb\xbf)?\s*\{")
CHARACTER_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
# What feedparser itself may raise on hostile bytes (bad references, encodings that do not exist).
PARSER_FAILURES = (ValueError, OverflowError, LookupError, UnicodeError, TypeError, RecursionError)


def looks_like_feed(data: bytes) -> bool:
    """Tell from its first bytes whether a document is an RSS, Atom or JSON feed (whatever its label)."""
    head = data[:2000].replace(b"\x00", b"").decode("latin-1").lower()
    return any(marker in head for marker in FEED_MARKERS)


def _when(entry, dates: DateReader) -> datetime | None:
    """Return an entry's date: feedparser's reading, else the date string read in the feed's language."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError):
                continue
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            found = dates.read(raw)
            if found is not None:
                return found
    return None


def _absolute(fragment: str, base: str) -> str:
    """Return an HTML fragment with relative links made absolute against base."""
    if not base or "<" not in fragment or not RELATIVE_LINK.search(fragment):
        return fragment
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return fragment
    try:
        root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    except ValueError:  # a base or link lxml cannot hold (NUL, control characters): leave links as given
        return fragment
    if not len(root):
        return fragment
    # The text before the first element is the root's own: without it "Words<img>" would lose its words.
    return escape(root.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root)


def _text(detail, fallback: str = "") -> str:
    """Return a feed text field as plain text (HTML titles lose their tags)."""
    if not detail:
        return fallback
    value = detail.get("value", "") or ""
    if detail.get("type") in HTML_TYPES and "<" in value:
        return " ".join(html_to_paragraphs(value))
    return value


def _body(entry, base: str) -> tuple[str, list[str]]:
    """Return (html, paragraphs): the richest content the entry carries."""
    candidates = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    for detail in candidates:
        value = (detail.get("value") or "").strip()
        if not value:
            continue
        if detail.get("type") in HTML_TYPES:
            return _absolute(value, base), []
        return "", [p for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "", []


def read_feed(data: bytes, reference: datetime, origin: str = "", content_type: str = "") -> list[ArticleDraft | Unreadable]:
    """Return a draft per entry of a feed document, or the reason an entry was refused.

    content_type is the HTTP Content-Type header of a fetched feed: its charset comes first.
    A malformed document that yields no usable entry is refused whole, with the parser's reason.
    """
    # Only a usable stated charset is passed on: feedparser reads a bare text/xml as US-ASCII (RFC 3023).
    if JSON_FEED_START.match(data[:200]):
        return read_json_feed(data, reference, origin)
    headers = {"content-type": content_type} if charset_is_usable(content_type) else None
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False, response_headers=headers)
    except PARSER_FAILURES:
        # A character reference no character has (&#99999999999;) or an encoding no codec has:
        # mend the references, drop the declared encoding (feedparser then sniffs it), try once more.
        mended = DECLARED_ENCODING.sub(rb"\1", CHARACTER_REF.sub(_mend_reference, data), count=1)
        try:
            parsed = feedparser.parse(mended, sanitize_html=False, resolve_relative_uris=False)
        except PARSER_FAILURES as exc:
            raise Unreadable(f"not a readable feed: {type(exc).__name__}: {exc}") from None
    items = list(_entries(parsed, reference, origin))
    if parsed.get("bozo") and not any(isinstance(i, ArticleDraft) for i in items):
        raise Unreadable(f"not a readable feed: {parsed.get('bozo_exception')}")
    return shared_links_apart(items)


def shared_links_apart(items: list) -> list:
    """Mark the links that are not an entry's own: one that several entries of the feed share (a
    podcast whose every episode links to its home page) or a site's root. Such entries are told
    apart by headline and date instead, so one cannot overwrite another."""
    drafts = [i for i in items if isinstance(i, ArticleDraft)]
    seen = Counter(normalize_url(d.url) for d in drafts if d.url)
    for draft in drafts:
        link = normalize_url(draft.url) if draft.url else ""
        if link and (seen[link] > 1 or urlsplit(link).path in ("", "/")):
            draft.link_is_identity = False
    return items


def read_json_feed(data: bytes, reference: datetime, origin: str = "") -> list[ArticleDraft | Unreadable]:
    """Return a draft per item of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1), which
    feedparser does not read, or the reason an item was refused."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise Unreadable(f"not a readable JSON Feed: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise Unreadable("not a feed (JSON without a jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list) or not items:
        raise Unreadable("the feed has no entries")
    base = _json_text(document.get("home_page_url")) or _json_text(document.get("feed_url"))
    outlet = outlet_name([_json_text(document.get("title"))], base)[0][:200]
    dates = DateReader(_json_text(document.get("language")))
    out: list[ArticleDraft | Unreadable] = []
    for number, item in enumerate(items, start=1):
        try:
            out.append(_json_draft(item, outlet, base, reference, f"{origin}#{number}" if origin else "", dates))
        except (Unreadable, *PARSER_FAILURES) as exc:
            out.append(Unreadable(f"entry {number}: {exc}"))
    return shared_links_apart(out)


def _titled(title: str, html: str, paragraphs: list[str], link: str) -> tuple[str, list[str]]:
    """Return an entry's title (its first words when it has none) and its paragraphs: none for an
    entry with a link and no text (a link item, read at the outlet), the title for one with neither;
    raise Unreadable when it has no title and no text."""
    if not title:
        title = (paragraphs[0] if paragraphs else " ".join(html_to_paragraphs(html))[:120]).strip()
    if not title:
        raise Unreadable("no title and no text")
    return title, paragraphs if html or paragraphs or link else [title]


def _json_text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _json_draft(item, outlet: str, base: str, reference: datetime, origin: str, dates: DateReader) -> ArticleDraft:
    if not isinstance(item, dict):
        raise Unreadable("an item must be a JSON object")
    link = _json_text(item.get("url")) or _json_text(item.get("external_url"))
    html, text = _json_text(item.get("content_html")), _json_text(item.get("content_text"))
    summary = _json_text(item.get("summary"))
    paragraphs = [p for p in (text or ("" if html else summary)).replace("\r\n", "\n").split("\n\n") if p.strip()]
    title, paragraphs = _titled(_json_text(item.get("title")), html, paragraphs, link)
    when = None
    for key in ("date_published", "date_modified"):
        stamp = _json_text(item.get(key))
        if stamp:
            try:
                when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                when.astimezone(UTC)
            except (ValueError, OverflowError):
                when = dates.read(stamp)
                if when is None:
                    continue
            if when.tzinfo is None:
                when = timezone.make_aware(when, timezone.get_current_timezone())
            break
    authors = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]
    byline = ", ".join(_json_text(a.get("name")) for a in authors if isinstance(a, dict) and _json_text(a.get("name")))
    return ArticleDraft(
        title=title[:500], outlet=outlet, url=link, byline=person_names(byline, outlet),
        summary=summary if (html or text) else "",
        published_at=when or timezone.localtime(reference), date_unknown=when is None,
        html=_absolute(html, link or base) if html else "", paragraphs=[] if html else paragraphs, origin=origin,
        entry_id=str(item.get("id") or link)[:500],
    )


def _mend_reference(match: re.Match) -> bytes:
    """Return a character reference unchanged when it names a storable character, else U+FFFD's."""
    digits = match[1] or match[2]
    if len(digits) > 8:
        return b"&#xFFFD;"
    code = int(digits, 16 if match[1] else 10)
    return match[0] if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def _entries(parsed, reference: datetime, origin: str) -> Iterator[ArticleDraft | Unreadable]:
    if not parsed.entries:
        if parsed.get("bozo"):
            raise Unreadable(f"not a readable feed: {parsed.get('bozo_exception')}")
        if not parsed.get("version"):
            raise Unreadable("not a feed (no RSS, Atom or JSON Feed document found)")
        raise Unreadable("the feed has no entries")
    stated = _text(parsed.feed.get("title_detail"), parsed.feed.get("title", ""))
    # The feed's title names the outlet when it reads as a name; else the site's domain does.
    outlet = outlet_name([stated], parsed.feed.get("link", "") or "")[0][:200]
    dates = DateReader(parsed.feed.get("language") or "")
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            yield _draft(entry, number, parsed, outlet, reference, origin, dates)
        except (Unreadable, *PARSER_FAILURES) as exc:  # one odd entry costs only itself
            yield Unreadable(f"entry {number}: {exc}" if isinstance(exc, Unreadable)
                             else f"entry {number}: cannot be read ({type(exc).__name__}: {exc})")


def _draft(entry, number: int, parsed, outlet: str, reference: datetime, origin: str, dates: DateReader) -> ArticleDraft:
    """Return one entry as a draft; raise Unreadable when it has neither title nor text."""
    link = entry.get("link", "") or ""
    title = _text(entry.get("title_detail"), entry.get("title", "")).strip()
    html, paragraphs = _body(entry, link or parsed.feed.get("link", ""))
    title, paragraphs = _titled(title, html, paragraphs, link)
    when = _when(entry, dates)
    return ArticleDraft(
        title=title[:500], outlet=outlet, url=link, byline=person_names(entry.get("author", "") or "", outlet),
        published_at=when or timezone.localtime(reference), date_unknown=when is None,
        html=html, paragraphs=paragraphs, origin=f"{origin}#{number}" if origin else "",
        entry_id=entry.get("id", "") or link,
    )
