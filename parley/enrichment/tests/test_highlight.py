"""Highlights are added inside the stored HTML: paragraphs, lists, headings and quotes stay as stored."""
import lxml.html

from parley.articles.cleaning import html_to_paragraphs, sanitize_html
from parley.enrichment.highlight import marked_body

STORED = sanitize_html(
    'Lead words about <b>Boeing</b> outside any block<h2>Deliveries</h2>'
    '<p>Boeing said <a href="https://example.com/x">the plan works</a>. Airbus   did not.<br><br>A new line.</p>'
    "<ul><li>One <b>item about Boeing</b> here.</li><li>Two</li></ul>"
    "<blockquote><p>Quoted once.</p><p>Quoted about Boeing.</p></blockquote>"
    "<table><tr><td>Q3</td><td>Boeing 12</td></tr></table>")
TEXT = "\n\n".join(html_to_paragraphs(STORED))


def spans_of(*words):
    """(start, end, id) of each word's every occurrence in the stored text."""
    out, n = [], 0
    for word in words:
        at = TEXT.find(word)
        while at != -1:
            n += 1
            out.append((at, at + len(word), n))
            at = TEXT.find(word, at + len(word))
    return out


def tags(fragment: str) -> list[str]:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [el.tag for el in root.iter() if el.tag not in ("div", "mark", "span")]


def test_marks_sit_inside_the_stored_blocks():
    """Ensure every fact is marked, inside its sentence, and the stored tags, blocks and text are unchanged."""
    spans = spans_of("Boeing", "Airbus", "plan", "Two")
    shown = marked_body(STORED, TEXT, spans)
    assert tags(shown) == tags(STORED)
    assert html_to_paragraphs(shown) == html_to_paragraphs(STORED)
    assert shown.count("<mark class=\"fact\"") == len(spans) == 8
    assert '<li><span class="sentence"><mark class="fact" id="f8">Two</mark></span></li>' in shown
    assert '<a href="https://example.com/x" rel="nofollow noopener noreferrer">the <mark' in shown  # inside the link


def test_text_that_does_not_match_the_html_shows_the_html_unmarked():
    """Ensure a body whose stored text was computed another way is shown as stored, without marks, never rebuilt."""
    older = TEXT.replace("\n\n", " ", 1)
    assert marked_body(STORED, older, spans_of("Boeing")) == STORED


def test_a_paragraph_of_two_stored_blocks_never_merges():
    """Ensure a sentence running to a paragraph's end does not swallow the next paragraph (the fault
    that turned 8 paragraphs into 4)."""
    stored = "".join(f"<p>Sentence {n} about Boeing without a full stop</p>" for n in range(8))
    text = "\n\n".join(html_to_paragraphs(stored))
    shown = marked_body(stored, text, [(text.find("Boeing", n * 10), text.find("Boeing", n * 10) + 6, n)
                                       for n in range(8)])
    assert shown.count("<p>") == 8 and html_to_paragraphs(shown) == html_to_paragraphs(stored)
