"""Read a saved HTML article page: main text and metadata from trafilatura."""
from datetime import datetime

import trafilatura
from django.utils import timezone

from parley.articles.cleaning import fold_title
from parley.articles.services import ArticleDraft
from parley.sources.readers import Unreadable
from parley.sources.readers.dates import parse_date_line


def read_html_page(html: str, reference: datetime, origin: str = "", url: str | None = None) -> ArticleDraft:
    """Return the article an HTML page holds; raise Unreadable when trafilatura finds none."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
    )
    if doc is None or not (doc.text or "").strip():
        raise Unreadable("no article text found in the HTML page")
    if not (doc.title or "").strip():
        raise Unreadable("no headline (no <title>, og:title or <h1>) in the HTML page")
    # trafilatura gives the text with one paragraph per line.
    paragraphs = [line for line in doc.text.split("\n") if line.strip()]
    # The page's <h1> often opens the extracted text; the headline is shown once, above the body.
    if paragraphs and fold_title(paragraphs[0]) == fold_title(doc.title):
        paragraphs = paragraphs[1:]
    published = parse_date_line(doc.date, reference) if doc.date else None
    when, inferred = (published.when, published.inferred) if published else (_local(reference), True)
    return ArticleDraft(
        title=doc.title, outlet=doc.sitename or doc.hostname or "", byline=doc.author or "",
        url=doc.url or url or "", summary=doc.description or "", published_at=when, date_inferred=inferred,
        paragraphs=paragraphs, origin=origin,
    )


def _local(moment: datetime) -> datetime:
    """Return a moment in the site's time zone, or as it is where that zone would leave the calendar."""
    try:
        return timezone.localtime(moment)
    except (OverflowError, ValueError):
        return moment
