"""Readers on the sample files in fixtures/, each checked against the expectations beside it."""
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from parley.articles.cleaning import html_to_paragraphs, sanitize_html
from parley.sources.readers import Unreadable
from parley.sources.readers.dates import parse_date_line
from parley.sources.readers.decoding import decode_text
from parley.sources.readers.htmlpage import read_html_page
from parley.sources.readers.textpage import read_text_page

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))
REF = timezone.make_aware(datetime(2025, 11, 28, 12, 0))


def read(path: Path, reference: datetime):
    text = decode_text(path.read_bytes())
    reader = read_html_page if path.suffix == ".html" else read_text_page
    return reader(text, reference, origin=str(path))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_fixture_page_matches_expectation(page):
    """Ensure each sample page reads as its .expected.json says."""
    expected = json.loads(page.with_name(page.stem + ".expected.json").read_text())
    reference = datetime.fromisoformat(expected["reference_date"]) if "reference_date" in expected else REF
    draft = read(page, reference)
    assert draft.title == expected["title"]
    assert draft.outlet == expected["outlet"]
    assert draft.byline == expected["byline"]
    assert draft.published_at == datetime.fromisoformat(expected["published"])
    assert draft.date_inferred is expected["date_inferred"]
    paragraphs = html_to_paragraphs(sanitize_html(draft.html)) if draft.html else draft.paragraphs
    assert len(paragraphs) == expected["paragraphs"]
    assert paragraphs[0].startswith(expected["first_words"])
    assert paragraphs[-1].endswith(expected["last_words"])
    assert draft.disclaimer.startswith(expected["disclaimer_starts"])
    body = "\n".join(paragraphs)
    for phrase in expected["not_in_body"]:
        assert phrase not in body
    if "url" in expected:
        from parley.articles.cleaning import normalize_url
        assert normalize_url(draft.url) == expected["url"]


def test_seed_page_structure(seed_page, reference):
    """Ensure the seed page yields its headline, outlet, dated year, 15 paragraphs and a separate disclaimer."""
    expected = json.loads((seed_page.parent / "expected.json").read_text())["article"]
    draft = read(seed_page, reference)
    assert draft.title == expected["title"]
    assert draft.outlet == expected["outlet"]
    assert (draft.published_at.month, draft.published_at.day) == tuple(expected["published_month_day"])
    assert draft.published_at.year == 2025 and draft.date_inferred
    assert len(draft.paragraphs) == expected["body_paragraphs"]
    assert draft.paragraphs[0].startswith(expected["body_first_words"])
    assert draft.paragraphs[-1].endswith(expected["body_last_words"])
    assert draft.disclaimer.startswith(expected["disclaimer_starts"])
    assert draft.disclaimer.endswith(expected["disclaimer_ends"])
    for phrase in expected["not_in_body"]:
        assert all(phrase not in p for p in draft.paragraphs)


@pytest.mark.parametrize("line, expected, inferred", [
    ("Nov 25", "2025-11-25T00:00:00+00:00", True),
    ("Nov 25, 2024", "2024-11-25T00:00:00+00:00", False),
    ("November 25, 2025 10:30 AM ET", "2025-11-25T10:30:00-05:00", False),
    ("Published: 25 Nov 2025 14:05 GMT", "2025-11-25T14:05:00+00:00", False),
    ("2025-11-25 14:00", "2025-11-25T14:00:00+00:00", False),
    ("Updated 2 hours ago", "2025-11-28T10:00:00+00:00", True),
    ("an hour ago", "2025-11-28T11:00:00+00:00", True),
    ("Yesterday at 9:15 AM", "2025-11-27T09:15:00+00:00", True),
    ("Dec 31", "2024-12-31T00:00:00+00:00", True),  # a year-less date after the save date is last year's
])
def test_date_lines(line, expected, inferred):
    """Ensure the date line forms news pages print are read, and year-less ones marked inferred."""
    parsed = parse_date_line(line, REF)
    assert parsed is not None
    assert parsed.when == datetime.fromisoformat(expected)
    assert parsed.inferred is inferred


@pytest.mark.parametrize("line", ["Deep News", "Reuters", "Markets", "Tuesday", "42", "By Jane Porter", "not a date 99"])
def test_non_date_lines(line):
    """Ensure outlet names, bylines and stray words are not taken for dates."""
    assert parse_date_line(line, REF) is None


@pytest.mark.parametrize("text, reason", [
    ("", "empty file"),
    ("Just a headline\n", "no date line"),
    ("Headline\n\nSome Outlet\nNov 25\n", "no body text"),
    ("Headline\n\nSome Outlet\nsometime last week\n\nBody.", "no date line"),
])
def test_text_page_refusals(text, reason):
    """Ensure a page missing a part is refused with the reason."""
    with pytest.raises(Unreadable, match=reason):
        read_text_page(text, REF)


def test_decoding_encodings():
    """Ensure UTF-16 with BOM, UTF-8 with BOM, cp1252 and Latin-1 all decode to the same text."""
    text = "Caf\u00e9 \u201cquoted\u201d \u2014 dash"
    assert decode_text(text.encode("utf-16")) == text
    assert decode_text(text.encode("utf-8-sig")) == text
    assert decode_text(text.encode("cp1252")) == text
    assert decode_text("Caf\u00e9 na\u00efve".encode("latin-1")) == "Caf\u00e9 na\u00efve"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (bytes(range(1, 32)) * 20, "binary file"),
])
def test_decoding_refusals(data, reason):
    """Ensure empty and binary files are refused with the reason."""
    with pytest.raises(Unreadable, match=reason):
        decode_text(data)


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1", "title": "Harbor Wire", "home_page_url": "https://harbor.example/",
    "items": [
        {"id": "1", "url": "https://harbor.example/rates", "title": "Rates held", "authors": [{"name": "Ana Ruiz"}],
         "content_html": '<p>The bank held rates. <a href="/more">More</a></p>', "date_published": "2025-11-25T10:00:00Z"},
        {"id": "2", "url": "https://harbor.example/oil", "content_text": "Oil rose.\n\nTraders cheered.",
         "date_modified": "2025-11-25T11:00:00+01:00"},
        {"id": "3", "title": "Undated note", "summary": "A short note."},
        "not an item",
        {"id": "5"},
    ],
}


def test_json_feed_items_become_drafts():
    """Ensure a JSON Feed's items are read (feedparser cannot): title, author, HTML made absolute,
    text paragraphs, dates, an undated item's date marked unknown, and a bad item refused alone."""
    from parley.sources.readers.feeds import read_feed

    items = read_feed(json.dumps(JSON_FEED).encode(), REF, origin="feed.json")
    rates, oil, note, junk, empty = items
    assert rates.title == "Rates held" and rates.byline == "Ana Ruiz" and rates.outlet == "Harbor Wire"
    assert 'href="https://harbor.example/more"' in rates.html and rates.entry_id == "1"
    assert rates.published_at.isoformat() == "2025-11-25T10:00:00+00:00" and not rates.date_inferred
    assert oil.title == "Oil rose." and oil.paragraphs == ["Oil rose.", "Traders cheered."]
    assert oil.published_at.isoformat() == "2025-11-25T11:00:00+01:00"
    assert note.date_unknown and not note.date_inferred and note.paragraphs == ["A short note."]
    assert isinstance(junk, Unreadable) and "entry 4" in str(junk)
    assert isinstance(empty, Unreadable) and "no title and no text" in str(empty)


@pytest.mark.parametrize("data", [b'{"version": "1", "items": []}', b"{not json", b'{"version": "https://jsonfeed.org/version/1"}'])
def test_json_documents_that_are_not_feeds_are_refused(data):
    """Ensure JSON that is no JSON Feed, or one without items, is refused with a reason."""
    from parley.sources.readers.feeds import read_feed

    with pytest.raises(Unreadable, match="not a feed|not a readable JSON Feed|no entries"):
        read_feed(data, REF)
