"""Mark an article's facts inside its stored HTML, so a link to a fact can highlight it in place.

Facts carry character spans in `body_text`, the plain text of the stored `body_html`: one paragraph
per block, or per run of text between blocks (`cleaning.text_blocks`). The page keeps the stored
HTML exactly (paragraphs, lists, headings, quotes, links) and only adds two wrappers inside the
paragraph that holds the words: a `<span class="sentence">` around the fact's sentence and a
`<mark class="fact" id="f…">` around its words. Nothing is ever rebuilt from the spans, so a block
on the page is a stored block with its text unchanged; when the stored HTML and text do not agree
(stored under an older rule, or edited by hand), the HTML is shown without marks.
"""
import html
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from markupsafe import Markup

from parley.articles.cleaning import pieces_text, text_blocks
from parley.enrichment.queries import sentence_around

VOID = {"br", "hr", "img", "wbr"}
# What normalize_space() turns into one space, and where str.splitlines() breaks a line.
COLLAPSED = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]")
LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(eq=False)
class _Text:
    value: str
    parent: "_Element | None" = None


@dataclass(eq=False)
class _Element:
    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list = field(default_factory=list)
    parent: "_Element | None" = None


def _convert(el, parent, nodes: dict) -> _Element:
    """Return an lxml element as an _Element tree; `nodes` maps (lxml element, slot) to the node
    holding that text ("text", "tail"), and (lxml element, None) to the element itself."""
    node = _Element(el.tag if isinstance(el.tag, str) else "", list(el.attrib.items()), [], parent)
    nodes[(el, None)] = node
    if el.text:
        nodes[(el, "text")] = _Text(el.text, node)
        node.children.append(nodes[(el, "text")])
    for child in el:
        if isinstance(child.tag, str):  # comments and processing instructions are dropped
            node.children.append(_convert(child, node, nodes))
        if child.tail:
            nodes[(child, "tail")] = _Text(child.tail, node)
            node.children.append(nodes[(child, "tail")])
    return node


def _located(pieces, nodes: dict) -> list[tuple[str, object, int]]:
    """Return a paragraph's characters as its pieces give them, each with the node of our tree it
    comes from and its offset there (-1 for a line break Parley puts in)."""
    out = []
    for text, owner, slot in pieces:
        node = nodes[(owner, slot)]
        out.extend((ch, node, i if slot else -1) for i, ch in enumerate(text))
    return out


def _normalised(raw: list) -> list:
    """Apply pieces_text() to located characters (normalize_space, then no empty line), keeping
    each survivor's location."""
    lines, line, n = [], [], 0
    while n < len(raw):
        ch = raw[n][0]
        if ch in LINE_BREAKS:
            if ch == "\r" and n + 1 < len(raw) and raw[n + 1][0] == "\n":
                n += 1
            lines.append((line, raw[n]))
            line = []
        else:
            line.append(raw[n])
        n += 1
    lines.append((line, None))
    out, joint = [], None
    for chars, brk in lines:
        collapsed, pending = [], None
        for item in chars:
            if COLLAPSED.match(item[0]):
                pending = pending or (" ", item[1], item[2])
                continue
            if pending and collapsed:
                collapsed.append(pending)
            pending = None
            collapsed.append(item)
        while collapsed and collapsed[-1][0].isspace():
            collapsed.pop()
        while collapsed and collapsed[0][0].isspace():
            collapsed.pop(0)
        if collapsed:
            if out:
                out.append(("\n", joint[1], joint[2]))
            out.extend(collapsed)
            joint = brk
    return out


def _split_texts(located: list, cuts: set[int]) -> dict:
    """Split text nodes so every cut (a position in the located text) falls between nodes; return
    {(node, offset): the piece that now holds that character}."""
    by_node: dict = {}
    for pos in cuts:
        if 0 <= pos < len(located):
            _, node, offset = located[pos]
            if isinstance(node, _Text):
                by_node.setdefault(node, set()).add(offset)
        if 0 < pos <= len(located):
            _, node, offset = located[pos - 1]
            if isinstance(node, _Text):
                by_node.setdefault(node, set()).add(offset + 1)
    pieces = {}
    for node, offsets in by_node.items():
        bounds = sorted({0, len(node.value), *offsets})
        parts = [_Text(node.value[a:b], node.parent) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
        siblings = node.parent.children
        at = next(i for i, child in enumerate(siblings) if child is node)
        siblings[at:at + 1] = parts
        for (a, b), part in zip([(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a], parts, strict=True):
            for offset in range(a, b):
                pieces[(node, offset)] = part
    return pieces


def _node_at(located: list, pos: int, pieces: dict):
    _, node, offset = located[pos]
    return pieces.get((node, offset), node) if isinstance(node, _Text) else node


def _ancestors(node) -> list:
    chain = []
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def _wrap(first, last, wrapper: _Element) -> None:
    """Put the nodes from `first` to `last` (inclusive, in document order) inside `wrapper`, at the
    deepest element holding both; an element only partly inside is taken whole, so tags stay nested."""
    up_first, up_last = _ancestors(first), _ancestors(last)
    common = next(a for a in up_first[1:] if any(a is b for b in up_last[1:]))
    start = next(a for a in up_first if a.parent is common)
    end = next(a for a in up_last if a.parent is common)
    kids = common.children
    i = next(n for n, c in enumerate(kids) if c is start)
    j = next(n for n, c in enumerate(kids) if c is end)
    wrapper.children = kids[i:j + 1]
    for child in wrapper.children:
        child.parent = wrapper
    wrapper.parent = common
    kids[i:j + 1] = [wrapper]


def _serialise(node, out: list) -> None:
    if isinstance(node, _Text):
        out.append(html.escape(node.value, quote=False))
        return
    if node.tag:
        attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in node.attrs)
        out.append(f"<{node.tag}{attrs}>")
    for child in node.children:
        _serialise(child, out)
    if node.tag and node.tag not in VOID:
        out.append(f"</{node.tag}>")


def _choose(spans: list[tuple[int, int, int]], length: int) -> list[tuple[int, int, int]]:
    """Keep the first (outermost) of overlapping spans, and only spans inside the text."""
    chosen, last_end = [], -1
    for start, end, pk in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= last_end and 0 <= start < end <= length:
            chosen.append((start, end, pk))
            last_end = end
    return chosen


def marked_body(body_html: str, body_text: str, spans: list[tuple[int, int, int]]) -> Markup:
    """Return the stored body HTML with each span (start, end, fact id) of `body_text` wrapped in
    <mark class="fact" id="f…"> inside a <span class="sentence"> holding its sentence, within the
    stored paragraph (a block, or a run of text between blocks) that holds the words."""
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return Markup(body_html)
    nodes: dict = {}
    tree = _convert(root, None, nodes)
    paragraphs, texts = [], []
    for pieces in text_blocks(root):
        located = _normalised(_located(pieces, nodes))
        text = "".join(ch for ch, _, _ in located)
        if text != pieces_text(pieces):
            return Markup(body_html)  # our walk and the stored text disagree: no marks, never a rebuilt body
        if text:
            paragraphs.append(located)
            texts.append(text)
    if "\n\n".join(texts) != body_text:
        return Markup(body_html)  # stored before paragraphs were read this way: shown as stored, unmarked
    chosen = _choose(spans, len(body_text))
    offset = 0
    for located in paragraphs:
        lo, hi = offset, offset + len(located)
        offset = hi + 2
        marks = [(s - lo, e - lo, pk) for s, e, pk in chosen if lo <= s and e <= hi]
        if marks:
            _mark_paragraph(located, marks, body_text, lo)
    out: list[str] = []
    for child in tree.children:
        _serialise(child, out)
    return Markup("".join(out))  # parsed from sanitised HTML; every text and attribute escaped again


def _mark_paragraph(located: list, marks: list, body_text: str, lo: int) -> None:
    """Wrap each mark's sentence, then its words, inside one paragraph's nodes."""
    sentences = []
    for start, end, _pk in marks:
        left, right = sentence_around(body_text, start + lo, end + lo)
        left, right = max(left - lo, 0), min(right - lo, len(located))
        while right > left and located[right - 1][0].isspace():
            right -= 1
        while left < right and located[left][0].isspace():
            left += 1
        if left >= right:
            continue
        if sentences and left < sentences[-1][1]:
            sentences[-1][1] = max(sentences[-1][1], right)
        else:
            sentences.append([left, right])
    cuts = {p for s, e in sentences for p in (s, e)} | {p for s, e, _ in marks for p in (s, e)}
    pieces = _split_texts(located, cuts)
    for left, right in sentences:
        _wrap(_node_at(located, left, pieces), _node_at(located, right - 1, pieces),
              _Element("span", [("class", "sentence")]))
    for start, end, pk in marks:
        _wrap(_node_at(located, start, pieces), _node_at(located, end - 1, pieces),
              _Element("mark", [("class", "fact"), ("id", f"f{pk}")]))
