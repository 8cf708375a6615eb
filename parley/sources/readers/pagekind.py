"""Is a web page an article? What the page says about itself, and what its shape shows.

An article page holds one piece of writing: one headline over a body of prose. Home, section, tag
and listing pages, search results, directory indexes, error and consent pages, redirect stubs and
product pages are not articles, and Parley refuses them with the reason in words ("a home page:
48 headline links, no article body").

The signals, in the order the rule weighs them (see `judge()`):
- what the page declares: schema.org JSON-LD types (NewsArticle, BlogPosting... or CollectionPage,
  ItemList, SearchResultsPage, WebSite alone) and Open Graph's og:type;
- what it is named: "Index of /…", "404 Not Found", a meta refresh with nothing else;
- how much prose the extractor found, against how many teaser headlines (links of four words or
  more) the page carries: a home page is mostly links to other articles, an article mostly prose;
- where it lives: the root of a site, or a section or tag path, with no article declared.
"""
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "report", "scholarlyarticle", "techarticle", "satiricalarticle", "review",
    "creativework", "videoobject",
}
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "aboutpage", "contactpage",
                 "product", "offer", "store", "qapage", "faqpage", "checkoutpage", "quiz"}
DIRECTORY_INDEX = re.compile(r"^\s*(index of\s*/|directory listing for\s*/)", re.I)
ERROR_TITLE = re.compile(
    r"\b(404|403|410|500|502|503)\b|\bnot found\b|\bpage (?:cannot|can't|could not) be found\b|"
    r"\baccess denied\b|\bforbidden\b|\bservice unavailable\b|\binternal server error\b|\bbad gateway\b|"
    r"\bpage (?:does not|doesn't) exist\b|\bno longer available\b|^error\b|\berror response\b", re.I)
SECTION_PATH = re.compile(r"^/(?:[\w-]+/)*(?:tags?|topics?|category|categories|section|sections|search|archives?|"
                          r"authors?|page/\d+|latest|news|index(?:\.\w+)?)/?$", re.I)
HEADLINE_WORDS = 4  # a link of this many words or more reads as another article's headline
WORD = re.compile(r"\w+")


@dataclass
class PageSignals:
    """What a page says about itself and what its shape shows, before any extraction."""

    title: str = ""
    headings: list[str] = field(default_factory=list)  # <h1> texts
    declared: set[str] = field(default_factory=set)  # JSON-LD @type values, lower-cased
    og_type: str = ""
    generator: str = ""  # <meta name="generator">
    site_names: list[str] = field(default_factory=list)  # og:site_name, application-name, JSON-LD publisher
    refresh: bool = False  # a <meta http-equiv=refresh> that sends the reader elsewhere
    teasers: int = 0  # distinct links that read as headlines
    links: int = 0
    path: str = ""


def _types(node, found: set, publishers: list | None = None) -> None:
    """Collect every schema.org @type in a JSON-LD document, however nested (and publishers' names)."""
    if isinstance(node, dict):
        kind = node.get("@type")
        for value in kind if isinstance(kind, list) else [kind]:
            if isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1].lower())
        publisher = node.get("publisher")
        if publishers is not None and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            publishers.append(publisher["name"].strip())
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node and not (key == "mainEntityOfPage" and isinstance(node[key], str)):
                _types(node[key], found, publishers)
    elif isinstance(node, list):
        for item in node[:200]:
            _types(item, found, publishers)


def path_of(url: str) -> str:
    """Return a URL's path ("/" for a bare site address), or '' for no URL or one that cannot be read."""
    try:
        parts = urlsplit(url or "")
    except ValueError:  # an unclosed IPv6 bracket, a bad port
        return ""
    return (parts.path or "/") if parts.netloc else ""


def page_signals(tree, url: str | None = None) -> PageSignals:
    """Return the signals of a parsed page (an lxml HTML document)."""
    signals = PageSignals(path=path_of(url))
    title = tree.find(".//title")
    signals.title = " ".join((title.text_content() if title is not None else "").split())[:300]
    signals.headings = [" ".join(h.text_content().split())[:300] for h in tree.iter("h1")][:5]
    publishers: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower().strip() == "application/ld+json" and script.text:
            try:
                _types(json.loads(script.text[:500_000]), signals.declared, publishers)
            except (ValueError, RecursionError):
                continue
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").lower()
        if prop == "og:type":
            signals.og_type = (meta.get("content") or "").strip().lower()
        elif prop == "generator":
            signals.generator = (meta.get("content") or "").strip()
        elif prop in ("og:site_name", "application-name") and (meta.get("content") or "").strip():
            signals.site_names.append(meta.get("content").strip())
        elif (meta.get("http-equiv") or "").lower() == "refresh" and "url=" in (meta.get("content") or "").lower():
            signals.refresh = True
        elif prop == "og:url" and not signals.path:
            signals.path = path_of(meta.get("content") or "")
    seen = set()
    for link in tree.iter("a"):
        if link.get("href") is None:
            continue
        signals.links += 1
        words = "".join(link.itertext()).split()
        if len(words) >= HEADLINE_WORDS:
            seen.add(" ".join(words).lower())
    signals.teasers = len(seen)
    signals.site_names.extend(p for p in publishers if p)
    return signals


@dataclass(frozen=True)
class Verdict:
    is_article: bool
    reason: str  # in words, for the operator: why it is not an article (or what made it one)


# Scripts written without spaces between words: two characters count as one word.
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _words(text: str) -> int:
    """Return how many words a text holds, in any script."""
    unspaced = len(UNSPACED.findall(text))
    return len(WORD.findall(UNSPACED.sub(" ", text))) + unspaced // 2 if unspaced else len(WORD.findall(text))


def is_prose(paragraph: str) -> bool:
    """Tell whether a paragraph reads as prose: a dozen words or more."""
    return _words(paragraph) >= PROSE_WORDS


def prose_of(paragraphs: list[str]) -> int:
    """Return the characters of paragraphs that read as prose, line by line (a block of 165 short
    lines joined by <br> is a list, not prose)."""
    return sum(len(line) for p in paragraphs for line in p.split("\n") if is_prose(line))


# How much prose an article needs, by what else marks it as one. A page that declares itself an
# article may be a brief or a video with a caption; one with a byline or an article's address needs
# a paragraph or two; one that nothing marks needs more, and one that declares itself something
# else (og:type website, product, profile...) is not taken for an article on its prose alone.
MIN_DECLARED_PROSE = 80
MIN_MARKED_PROSE = 250
MIN_UNMARKED_PROSE, MIN_UNMARKED_PARAGRAPHS, MIN_UNMARKED_SHARE = 500, 2, 0.6
# A listing's shape: this many teaser cards (a lead under another article's headline) holding this
# share of the prose; stricter for a page that declares itself an article.
LISTING_CARDS, LISTING_SHARE = 5, 0.5
DECLARED_LISTING_CARDS, DECLARED_LISTING_SHARE = 8, 0.8
# A page of links: this many headline links, and this many for each paragraph of prose.
LINK_PAGE_TEASERS, LINK_PAGE_RATIO = 30, 8
MAX_GATE_PROSE = 1000  # an error or consent page says little; more prose than this is an article about errors
GATE_TITLE = re.compile(
    r"\b(cookies?|consent|privacy (?:settings|choices|preferences)|before you continue|are you a robot|captcha|"
    r"enable javascript|javascript is disabled|verify you are human|subscribe to (?:continue|read))\b", re.I)
# A server's page for a moved address ("Object Moved", "301 Moved Permanently").
MOVED = re.compile(r"\b(?:document|object|page) (?:has )?moved\b|\bmoved (?:permanently|temporarily)\b|"
                   r"^\s*30[12378]\b", re.I)
HOME_PATH = re.compile(r"^/?(?:index\.\w+|home|default\.\w+)?/?$", re.I)
# An article's address: a date in the path, a long numeric id, or a slug of three words or more.
ARTICLE_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])\b|\d{5,}|[^/]*\w[-_]\w+[-_]\w+[-_]\w+[^/]*/?$")

PROSE_WORDS = 12  # a block of this many words or more reads as prose
CARD_LEVELS = 4  # how far up from a paragraph a teaser card's headline link may sit
INDEXED_CHARS = 25  # shorter texts are never a paragraph of prose
TEXT_TAGS = ("p", "div", "li", "span", "td", "dd", "a", "h2", "h3", "h4", "section", "article", "blockquote",
             "figcaption", "font", "em", "strong", "b", "i")  # where an extracted paragraph's words start


def teasers_in(tree, paragraphs: list[str]) -> tuple[float, int]:
    """Return the share of the extracted prose that sits in teaser cards, and how many cards: a
    paragraph whose nearby container (or the paragraph itself) holds a headline link, and no other
    prose. On a home or section page the extractor's "body" is such leads; on an article the prose
    sits together."""
    index = {}
    for el in tree.iter(*TEXT_TAGS):
        text = el.text
        if text and len(text) >= INDEXED_CHARS:
            index.setdefault(" ".join(text.split())[:60], el)
    total = teaser = 0
    cards, prose_counts = set(), {}
    for paragraph in paragraphs:
        if not is_prose(paragraph):
            continue
        total += len(paragraph)
        el = index.get(paragraph.split("\n", 1)[0][:60].strip())  # a block's first line is one element's text
        link = _card_link(el, prose_counts) if el is not None else None
        if link:
            teaser += len(paragraph)
            cards.add(link)
    return (teaser / total if total else 0.0), len(cards)


def _card_link(el, prose_counts: dict) -> str | None:
    """Return the headline of the teaser card a prose element sits in, if it sits in one."""
    node = el
    for _ in range(CARD_LEVELS):
        node = node.getparent()
        if node is None:
            return None
        if node not in prose_counts:
            prose_counts[node] = sum(1 for x in node.iter("p", "li", "div", "span", "dd")
                                     if x.text and len(x.text) >= INDEXED_CHARS and is_prose(x.text))
        if prose_counts[node] >= 3:
            return None  # the body of something: prose together
        for link in node.iter("a"):
            if link.get("href") is not None:
                words = "".join(link.itertext()).split()
                if len(words) >= HEADLINE_WORDS:
                    return " ".join(words).lower()
    return None


def judge(signals: PageSignals | None, paragraphs: list[str], tree=None, byline: str = "",
          linked_as_article: bool = False) -> Verdict:
    """Decide whether a page is an article, from its signals and the paragraphs extracted from it.

    The rule, in order: an unreadable page, a directory index, a redirect stub, an error or consent
    page are refused by what they are; then a page with too little prose, a listing (teaser cards
    holding most of the prose), a site's root, a page of headline links; last, a page that nothing
    marks as an article (no article type, byline or article address) must be mostly prose.
    """
    if signals is None:
        return Verdict(False, "not an HTML page (nothing a browser would show)")
    prose = prose_of(paragraphs)
    prose_paragraphs = sum(1 for p in paragraphs for line in p.split("\n") if is_prose(line))
    names = [signals.title, *signals.headings]
    if signals.generator.lower().startswith("parley"):
        return Verdict(False, "a page Parley itself shows (import the outlet's original page or feed instead)")
    if any(DIRECTORY_INDEX.match(name) for name in names):
        return Verdict(False, f"a directory index ({signals.links} links to files, no article)")
    if prose < MIN_MARKED_PROSE and (signals.refresh or any(MOVED.search(name) for name in names if name)):
        return Verdict(False, "a redirect page (it sends the reader elsewhere and holds no article)")
    if prose < MAX_GATE_PROSE and any(ERROR_TITLE.search(name) for name in names if name):
        return Verdict(False, f"an error page (\u201c{_short(signals.title or signals.headings[0])}\u201d)")
    if prose < MAX_GATE_PROSE and any(GATE_TITLE.search(name) for name in names if name):
        return Verdict(False, f"a consent or access page (\u201c{_short(signals.title or signals.headings[0])}\u201d)")
    structured = bool(signals.declared & ARTICLE_TYPES)
    declared = structured or signals.og_type == "article"
    if prose < MIN_DECLARED_PROSE or (not declared and prose < MIN_MARKED_PROSE):
        return Verdict(False, f"too little prose for an article ({prose} characters)")
    if signals.declared & LISTING_TYPES and not structured:
        kinds = ", ".join(sorted(signals.declared & LISTING_TYPES))
        return Verdict(False, f"a listing page (it declares itself {kinds})")
    if tree is not None:
        share, cards = teasers_in(tree, paragraphs)
        if (cards >= LISTING_CARDS and share >= LISTING_SHARE and not declared) or (
                cards >= DECLARED_LISTING_CARDS and share >= DECLARED_LISTING_SHARE):
            return Verdict(False, f"a home or section page ({cards} teasers with their leads, "
                                  f"{signals.teasers} headline links, no article body)")
    if signals.path and HOME_PATH.match(signals.path) and not structured:
        return Verdict(False, f"a site's home page ({signals.teasers} headline links)")
    if signals.path and SECTION_PATH.match(signals.path) and not declared:
        return Verdict(False, f"a section, tag or search page (its address is {_short(signals.path, 40)})")
    if not declared and signals.teasers >= LINK_PAGE_TEASERS and signals.teasers > LINK_PAGE_RATIO * prose_paragraphs:
        return Verdict(False, f"a page of links ({signals.teasers} headline links, "
                              f"{prose_paragraphs} paragraphs of prose)")
    marked = declared or linked_as_article or bool(byline) or bool(signals.path and ARTICLE_PATH.search(signals.path))
    if not marked and signals.og_type:
        return Verdict(False, f"it declares itself a {signals.og_type} page (og:type), and nothing marks it as an "
                              "article (no article type, byline or article address)")
    text = sum(map(len, paragraphs))
    if not marked and (prose < MIN_UNMARKED_PROSE or prose_paragraphs < MIN_UNMARKED_PARAGRAPHS):
        return Verdict(False, f"nothing marks it as an article (no article type, byline or article address) "
                              f"and it holds only {prose} characters of prose")
    if not marked and prose < MIN_UNMARKED_SHARE * text:
        return Verdict(False, f"nothing marks it as an article, and most of its text is not prose (lists, names, "
                              f"figures: {prose} of {text} characters are prose)")
    return Verdict(True, "an article")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"
