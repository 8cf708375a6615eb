"""Render a body with every fact's words wrapped in an anchor, so a link can highlight them in place."""
from html import escape

from markupsafe import Markup

from parley.enrichment.queries import sentence_around


def marked_body(text: str, spans: list[tuple[int, int, int]]) -> Markup:
    """Return the body as <p> paragraphs, each span (start, end, fact id) wrapped in <mark id="f…">
    inside a <span class="sentence"> holding its whole sentence.

    Overlapping spans keep the first (outermost) one. Sentences that share words are merged into one
    span, so the wrappers never cross; CSS highlights the sentence whose mark a link targets.
    """
    chosen, last_end = [], -1
    for start, end, pk in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= last_end and 0 <= start < end <= len(text):
            chosen.append((start, end, pk))
            last_end = end
    sentences = []
    for start, end, _pk in chosen:
        left, right = sentence_around(text, start, end)
        if sentences and left < sentences[-1][1]:
            sentences[-1][1] = max(sentences[-1][1], right)
        else:
            sentences.append([left, right])
    cuts = sorted([(left, 1, '<span class="sentence">') for left, _ in sentences]
                  + [(right, 0, "</span>") for _, right in sentences]
                  + [(start, 2, f'<mark class="fact" id="f{pk}">') for start, _, pk in chosen]
                  + [(end, -1, "</mark>") for _, end, _ in chosen], key=lambda c: (c[0], c[1]))
    out, pos = [], 0
    for at, _order, tag in cuts:
        out.append(escape(text[pos:at], quote=False))
        out.append(tag)
        pos = at
    out.append(escape(text[pos:], quote=False))
    html = "".join(out)
    return Markup("".join(f"<p>{p}</p>" for p in html.split("\n\n") if p.strip()))
