"""Render a body with every fact's words wrapped in an anchor, so a link can highlight them in place."""
from html import escape

from markupsafe import Markup


def marked_body(text: str, spans: list[tuple[int, int, int]]) -> Markup:
    """Return the body as <p> paragraphs, each span (start, end, fact id) wrapped in <mark id="f…">.

    Overlapping spans keep the first (outermost) one; CSS highlights the mark a link targets.
    """
    chosen, last_end = [], -1
    for start, end, pk in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= last_end and 0 <= start < end <= len(text):
            chosen.append((start, end, pk))
            last_end = end
    out, pos = [], 0
    for start, end, pk in chosen:
        out.append(escape(text[pos:start], quote=False))
        out.append(f'<mark class="fact" id="f{pk}">{escape(text[start:end], quote=False)}</mark>')
        pos = end
    out.append(escape(text[pos:], quote=False))
    html = "".join(out)
    return Markup("".join(f"<p>{p}</p>" for p in html.split("\n\n") if p.strip()))
