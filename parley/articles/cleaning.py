"""Turn untrusted article content into what Parley stores: sanitised HTML and plain text."""
import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
import lxml.html
import nh3
from lxml import etree

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "s", "sub", "sup", "blockquote", "q", "cite",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "pre", "code", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "abbr", "small", "mark",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
BLOCK_TAGS = {"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "tr", "caption"}
UNREAD_TAGS = {"script", "style", "template"}
CELL_TAGS = {"td", "th"}  # never text, if a fragment that was not sanitised holds them
# Query parameters that identify a campaign or a click, never the document.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref_src)$", re.I)
WHITESPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# What no database column can hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """Return text without NUL characters and with lone surrogates (from JSON escapes) as U+FFFD."""
    return UNSTORABLE.sub(lambda m: "" if m[0] == "\x00" else "\ufffd", text) if UNSTORABLE.search(text) else text


def sanitize_html(fragment: str) -> str:
    """Return the fragment with everything outside Parley's allowlist removed."""
    return nh3.clean(
        storable(fragment),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Return plain-text paragraphs as escaped <p> elements."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def normalize_space(text: str) -> str:
    """Return text with runs of spaces collapsed and ends trimmed, line breaks kept (and nothing unstorable)."""
    return "\n".join(WHITESPACE.sub(" ", line).strip() for line in storable(text).splitlines()).strip()


def text_blocks(root) -> list[list[tuple]]:
    """Return the paragraphs of a parsed fragment, each as its block_pieces(): one per block element
    (paragraph, list item, heading, quote...) that sits in no other block, and one per run of text
    between them (words outside any block are a paragraph, as a browser shows them, never lost)."""
    blocks, run = [], []

    def flush():
        if run:
            blocks.append(list(run))
            run.clear()

    def walk(container):
        if container.text:
            run.append((container.text, container, "text"))
        for child in container:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in BLOCK_TAGS:
                flush()
                blocks.append(list(block_pieces(child)))
            elif tag and tag not in UNREAD_TAGS and tag != "br" and any(
                    d.tag in BLOCK_TAGS for d in child.iterdescendants()):
                flush()  # a list, table or figure: its items are the blocks
                walk(child)
                flush()
            elif tag == "br":
                run.append(("\n", child, None))
            elif tag and tag not in UNREAD_TAGS:
                run.extend(block_pieces(child))
            if child.tail:
                run.append((child.tail, child, "tail"))

    walk(root)
    flush()
    return blocks


def block_pieces(block):
    """Yield (text, element, slot) for a block's text in reading order. `slot` is "text" or "tail"
    (where lxml keeps that text on the element), or None for a line break Parley puts in: a <br>,
    and before and after a block nested in this one (the paragraphs of a quote stay apart)."""
    if block.text:
        yield block.text, block, "text"
    for child in block:
        if not isinstance(child.tag, str) or child.tag in UNREAD_TAGS:
            pass  # a comment's or a script's words are not text; its tail is
        elif child.tag == "br":
            yield "\n", child, None
        elif child.tag in BLOCK_TAGS:
            yield "\n", child, None
            yield from block_pieces(child)
            yield "\n", child, None
        elif child.tag in CELL_TAGS:
            yield " ", child, None  # cells of a row are words apart
            yield from block_pieces(child)
        else:
            yield from block_pieces(child)
        if child.tail:
            yield child.tail, child, "tail"


def pieces_text(pieces) -> str:
    """Return one paragraph's plain text from its pieces: spaces collapsed, line breaks kept, never
    an empty line (so a paragraph never holds the blank line that separates paragraphs)."""
    lines = normalize_space("".join(piece for piece, _, _ in pieces)).split("\n")
    return "\n".join(line for line in lines if line)


def html_to_paragraphs(fragment: str) -> list[str]:
    """Return the plain-text paragraphs of an HTML fragment (already sanitised or not), as
    text_blocks() divides it."""
    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing lxml can call a document: no text
        return []
    return [text for text in map(pieces_text, text_blocks(root)) if text]


def normalize_url(url: str) -> str:
    """Return a URL in the form used for dedupe: lower-case host, no fragment, no tracking parameters;
    '' for anything that is not a well-formed http(s) URL."""
    try:
        parts = urlsplit(storable(url).strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return ""
        host, port = parts.hostname.lower(), parts.port
    except ValueError:  # a bad port or an unclosed IPv6 bracket
        return ""
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)])
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def domain_of(url: str) -> str:
    """Return the registered domain of a URL ("bbc.co.uk"), or its host when it has none; '' without one."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        registered = courlan.extract_domain(url)
    except ValueError:
        registered = None
    return (registered or host).lower().removeprefix("www.")


def fold_title(title: str) -> str:
    """Return a title reduced for comparison: NFKC, case-folded, quotes unified, spaces collapsed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u2032]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\u2033]", '"', text)
    return " ".join(text.split())


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


LEAD_CHARS = 280


def lead_of(summary: str, paragraphs: list[str]) -> str:
    """Return one line for lists and feeds: the summary, else the first paragraph, cut at a word
    boundary to at most LEAD_CHARS characters (with an ellipsis when cut)."""
    text = " ".join((summary or (paragraphs[0] if paragraphs else "")).split())
    if len(text) <= LEAD_CHARS:
        return text
    cut = text[:LEAD_CHARS - 1]
    cut = cut[:cut.rfind(" ")] if " " in cut[LEAD_CHARS // 2:] else cut
    return cut.rstrip(" ,;:.-") + "…"
