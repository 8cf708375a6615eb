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
from parley.sources.readers.names import is_outlet_name, person_names

BYLINE = re.compile(r"^(by|written by|words by)\s+(?P<names>[^\d].{1,150})$", re.I)
DISCLAIMER_LEAD = re.compile(r"^(disclaimer|important information|risk (warning|disclosure)|disclosure)\s*[:：.\-–—]\s*", re.I)
DISCLAIMER_PHRASES = re.compile(r"\bnot (financial|investment) advice\b|\bshould not be (regarded|considered) as\b.*\b(offer|recommendation)", re.I)
FURNITURE_HEADING = re.compile(
    r"^(most (discussed|read|popular|viewed|shared)|related( (articles|news|stories|content|coverage))?|trending( now| news)?|"
    r"read (more|next)|more (from|on|news|stories)\b.*|recommended( for you| stories)?|you (may|might) also like|popular( now)?|"
    r"top (stories|news)|latest( news)?|see also|comments?( \(\d+\))?|share( this( article| story)?)?( on .*)?|"
    r"follow us( on .*)?|sign up( (now|today|for .*))?|subscribe( (now|today|to .*))?|advertisement|sponsored( content)?|"
    r"tags?(:.*)?)$",
    re.I,
)
# An item of an emptied list ("1. 1", "2.", "10") or a lone share/social word.
FURNITURE_LINE = re.compile(r"^(\d{1,3}\.?\s*\d{0,3}|[•·\-*]|share|tweet|email|print|copy link|facebook|twitter|x|linkedin|whatsapp)$", re.I)
HEADER_MAX_CHARS = 100
HEADING_MAX_CHARS = 60
SENTENCE_ENDS = (".", "!", "?", '."', ".”", "?”", "!”", ".’", ".)")
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


def is_heading(line: str) -> bool:
    """Tell whether a line is a furniture heading: short, no sentence, and a heading pages use."""
    return len(line) <= HEADING_MAX_CHARS and not line.endswith(SENTENCE_ENDS) and bool(FURNITURE_HEADING.match(line))


def is_furniture(block: list[str]) -> bool:
    """Tell whether a block is page furniture rather than article text."""
    return all(FURNITURE_LINE.match(line) or is_heading(line) for line in block)


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
        if any(is_heading(line) for line in blocks[0]):
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

    body, disclaimer, notes = body_of(blocks)
    if not body:
        raise Unreadable("no body text under the headline")
    people = person_names(byline)
    if byline and not people:
        notes.append(f"byline \u201c{byline[:80]}\u201d names no person; left out")
    byline = people
    if outlet and not is_outlet_name(outlet, title):
        notes.append(f"outlet \u201c{outlet[:60]}\u201d is not a publication's name; left empty")
        outlet = ""
    return ArticleDraft(
        title=title, outlet=outlet, byline=byline, summary=summary, published_at=date.when,
        date_inferred=date.inferred, paragraphs=body, disclaimer=disclaimer, origin=origin, notes=notes,
    )


def _is_prose(block: list[str]) -> bool:
    """Tell whether a block reads as article text: sentences, not a heading or a list of headlines."""
    joined = " ".join(block)
    return len(joined) >= 200 or len(joined) >= 40 and joined.rstrip().endswith(SENTENCE_ENDS)


def body_of(blocks: list[list[str]]) -> tuple[list[str], str, list[str]]:
    """Return (body paragraphs, disclaimer, notes) from the blocks under the header.

    Furniture headings ("Most Discussed", "Tags", "More from ...") end the article only after its
    last paragraph of prose: one that turns up mid-article is a heading of the article and kept.
    Lone furniture lines ("Advertisement", "Share") are dropped wherever they are. Every drop is noted.
    """
    kinds = []
    for n, block in enumerate(blocks):
        joined = " ".join(block)
        if is_furniture(block) or is_heading(block[0]):
            kinds.append("heading" if any(is_heading(line) for line in block) else "furniture")
        elif DISCLAIMER_LEAD.match(joined) or (n and any(k == "body" for k in kinds)
                                               and DISCLAIMER_PHRASES.search(joined) and len(block) == 1):
            kinds.append("disclaimer")
        else:
            kinds.append("body")
    # The article ends at its last prose block before a closing disclaimer.
    first_disclaimer_after_body = next((n for n, k in enumerate(kinds) if k == "disclaimer"
                                        and "body" in kinds[:n]), len(blocks))
    prose = [n for n in range(first_disclaimer_after_body) if kinds[n] == "body" and _is_prose(blocks[n])]
    last_prose = prose[-1] if prose else -1
    body, disclaimer, dropped, ended = [], "", [], False
    for n, (block, kind) in enumerate(zip(blocks, kinds, strict=True)):
        if kind == "disclaimer":
            disclaimer = DISCLAIMER_LEAD.sub("", " ".join(block)).strip()
            ended = ended or bool(body)  # a disclaimer after the body closes the article
        elif ended or kind == "furniture" or kind == "heading" and (n > last_prose or not body):
            ended = ended or (kind == "heading" and bool(body) and n > last_prose)
            dropped.append(block[0])
        else:
            body.extend(block_paragraphs(block))
    notes = []
    if dropped:
        shown = ", ".join(f"'{line[:40]}'" for line in dropped[:3]) + (f" and {len(dropped) - 3} more" if len(dropped) > 3 else "")
        notes.append(f"dropped {len(dropped)} block{'s' if len(dropped) != 1 else ''} of page furniture: {shown}")
    return body, disclaimer, notes
