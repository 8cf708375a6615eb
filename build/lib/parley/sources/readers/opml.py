"""Read OPML subscription lists: each outline with a feed URL becomes a source."""
from lxml import etree

from parley.sources.readers import Unreadable

# No entities, no network, no huge trees: an OPML file is untrusted XML.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


def read_opml(data: bytes) -> list[tuple[str, str]]:
    """Return (feed URL, title) for every outline of an OPML document."""
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"not readable OPML: {exc}") from None
    if root.tag.lower() != "opml":
        raise Unreadable("not an OPML document")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            found.append((url, (outline.get("title") or outline.get("text") or "").strip()))
    if not found:
        raise Unreadable("the OPML document lists no feeds")
    return found
