"""Turn untrusted article content into what Parley stores: sanitised HTML and plain text."""
import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def html_to_paragraphs(fragment: str) -> list[str]:
    """Return the plain-text paragraphs of an HTML fragment (already sanitised or not)."""
    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing lxml can call a document: no text
        return []
    for dead in root.xpath(".//script|.//style|.//template"):
        dead.drop_tree()
    blocks = [el for el in root.iter() if el.tag in BLOCK_TAGS and not any(a.tag in BLOCK_TAGS for a in el.iterancestors())]
    if not blocks:
        blocks = [root]
    out = []
    for el in blocks:
        for br in el.iter("br"):
            br.tail = "\n" + (br.tail or "")
        text = normalize_space(el.text_content())
        if text:
            out.append(text)
    return out


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
