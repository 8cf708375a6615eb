"""Read a news page saved as plain text: headline, outlet, date line, byline, body, disclaimer.

The shape is the one finance apps and news sites print:

    Headline
    <blank>
    Outlet
    Date line            ("Nov 25", "2 hours ago", "November 25, 2025 10:30 AM ET")
    By Someone           (optional)
    <blank>
    Paragraph ...
    Disclaimer: ...      (kept as the outlet's disclaimer, not as body)
    Most Discussed / Related / Trending ... (page furniture, dropped)
"""
import re
from datetime import datetime

from parley.articles.services import ArticleDraft
from parley.sources.readers import Unreadable
from parley.sources.readers.dates import parse_date_line

BYLINE = re.compile(r"^(by|written by|words by)\s+(?P<names>[^\d].{1,150})$", re.I)
DISCLAIMER_LEAD = re.compile(r"^(disclaimer|important information|risk (warning|disclosure)|disclosure)\s*[:：.\-–—]\s*", re.I)
DISCLAIMER_PHRASES = re.compile(r"\bnot (financial|investment) advice\b|\bshould not be (regarded|considered) as\b.*\b(offer|recommendation)", re.I)
FURNITURE_HEADING = re.compile(
    r"^(most (discussed|read|popular|viewed|shared)|related( (articles|news|stories|content|coverage))?|trending( now| news)?|"
    r"read (more|next)|more (from|on|news|stories)\b.*|recommended( for you| stories)?|you (may|might) also like|popular( now)?|"
    r"top (stories|news)|latest( news)?|see also|comments?( \(\d+\))?|share( this( article| story)?)?( on .*)?|"
    r"follow us( on .*)?|sign up.*|subscribe.*|advertisement|sponsored( content)?|tags?:?.*)$",
    re.I,
)
# An item of an emptied list ("1. 1", "2.", "10") or a lone share/social word.
FURNITURE_LINE = re.compile(r"^(\d{1,3}\.?\s*\d{0,3}|[•·\-*]|share|tweet|email|print|copy link|facebook|twitter|x|linkedin|whatsapp)$", re.I)
HEADER_MAX_CHARS = 100
# Lines this long are prose: a block of them is one paragraph per line, not one hard-wrapped paragraph.
PROSE_LINE = 100


def blocks_of(text: str) -> list[list[str]]:
    """Return runs of non-blank lines; lines holding only spaces count as blank."""
    blocks, current = [], []
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_furniture(block: list[str]) -> bool:
    """Tell whether a block is page furniture rather than article text."""
    return all(FURNITURE_LINE.match(line) or FURNITURE_HEADING.match(line) for line in block)


def block_paragraphs(block: list[str]) -> list[str]:
    """Return the paragraphs of a body block: one per line for prose lines, else the lines rejoined."""
    if len(block) > 1 and sum(len(line) for line in block) / len(block) >= PROSE_LINE:
        return block
    return [" ".join(block)]


def split_header_line(line: str) -> list[str]:
    """Split "Deep News · Nov 25" style lines into their parts."""
    parts = [p.strip() for p in re.split(r"\s+[·|•]\s+", line) if p.strip()]
    return parts or [line]


def read_text_page(text: str, reference: datetime, origin: str = "") -> ArticleDraft:
    """Return the article a saved text page holds; raise Unreadable when it holds none."""
    blocks = blocks_of(text)
    if not blocks:
        raise Unreadable("empty file")
    first = blocks.pop(0)
    title = first[0]
    if len(title) > 300 or title.endswith((".", "!")) and len(title) > 150:
        raise Unreadable("no headline: the first line reads like body text")
    header_lines = first[1:]
    while blocks and all(len(line) <= HEADER_MAX_CHARS and not line.endswith(".") for line in blocks[0]):
        if any(FURNITURE_HEADING.match(line) for line in blocks[0]):
            break
        header_lines += blocks.pop(0)
        if any(parse_date_line(part, reference) for line in header_lines for part in [line, *split_header_line(line)]):
            break

    outlet = byline = summary = ""
    date = None
    for line in header_lines:
        whole = None if date else parse_date_line(line, reference)
        for part in [line] if whole else split_header_line(line):
            parsed = None if date else parse_date_line(part, reference)
            by = BYLINE.match(part)
            if parsed:
                date = parsed
            elif by:
                byline = by["names"].strip()
            elif not outlet:
                outlet = part
            else:
                summary = f"{summary} {part}".strip()
    if date is None:
        raise Unreadable("no date line under the headline (expected e.g. 'Nov 25', 'November 25, 2025' or '2 hours ago')")

    body, disclaimer, closed = [], "", False
    for block in blocks:
        joined = " ".join(block)
        if is_furniture(block) or FURNITURE_HEADING.match(block[0]):
            if body:
                break  # everything after the first furniture heading is the page around the article
            continue
        if DISCLAIMER_LEAD.match(joined) or (body and DISCLAIMER_PHRASES.search(joined) and len(block) == 1):
            disclaimer = DISCLAIMER_LEAD.sub("", joined).strip()
            closed = bool(body)  # a disclaimer after the body closes the article
            continue
        if not closed:
            body.extend(block_paragraphs(block))
    if not body:
        raise Unreadable("no body text under the headline")
    return ArticleDraft(
        title=title, outlet=outlet, byline=byline, summary=summary, published_at=date.when,
        date_inferred=date.inferred, paragraphs=body, disclaimer=disclaimer, origin=origin,
    )
