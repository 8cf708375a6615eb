"""Property tests: readers fed random and mutated documents raise nothing but their refusal.

Every reader either returns what it documents or raises `Unreadable` (read_json_lines never raises:
a bad line is yielded as an `Unreadable`). Every draft a reader returns is then either cleaned by
`clean_draft()` or rejected with `ArticleRejected`, never anything else, and its date has a UTC time
(storing converts it to UTC).

Documents are small valid seeds written here and the real feeds of ../shared/corpus/feeds (read at
test time), mutated: byte and character replacements, truncation, deletion, duplication and insertion of XML/HTML
fragments, entities, CDATA, control characters, invalid UTF-8, byte-order marks and huge attributes.
A mutation is drawn as a list of operations, so a failure prints the seed's name and the operations
rather than the whole document; the mutated document's start is printed as a note.
"""
import json
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from encodings.aliases import aliases
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from parley.articles.services import ArticleDraft, ArticleRejected, clean_draft
from parley.sources.readers import Unreadable
from parley.sources.readers.decoding import decode_document, decode_text
from parley.sources.readers.feeds import read_feed
from parley.sources.readers.htmlpage import read_html_page
from parley.sources.readers.jsonlines import read_json_lines
from parley.sources.readers.opml import read_opml
from parley.sources.readers.textpage import read_text_page

REF = timezone.make_aware(datetime(2025, 11, 28, 12, 0))
# The deployment's TIME_ZONE setting: timezone.localtime() converts into it.
SITE_ZONES = st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "Asia/Tokyo"])
# The autouse cache fixture is function-scoped; it holds no state an example could leak into the next.
SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
              HealthCheck.large_base_example, HealthCheck.filter_too_much]


def fast(n: int) -> settings:
    """Return settings for n examples: reproducible (derandomize), no deadline, no example database."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=SUPPRESSED, print_blob=False)


# ---------------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------------

def check_draft(draft) -> None:
    """Assert clean_draft() cleans a reader's draft or rejects it with ArticleRejected, nothing else,
    that a cleaned draft has a headline and a body (or, a link item, a link and no body), and that
    its date has a UTC time (storing converts it to UTC)."""
    assert isinstance(draft, ArticleDraft), type(draft)
    try:
        fields = clean_draft(draft)
    except ArticleRejected as exc:
        assert str(exc)
        return
    assert fields["title"] and (fields["body_text"] or fields["url"] and not fields["body_html"])  # or a link item
    when = fields["published_at"]
    try:
        when.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise AssertionError(f"cleaned draft dated {when!r}, which has no UTC time: {exc}") from exc


def show(message: str) -> None:
    """Note a message for a failing example's report; outside a property test there is nothing to note."""
    try:
        note(message)
    except InvalidArgument:
        pass


def check_refusal(exc: Unreadable) -> None:
    assert isinstance(exc, Unreadable)
    assert str(exc).strip(), "an Unreadable must say why"


def check_feed(data: bytes, content_type: str = "", reference: datetime = REF) -> None:
    show(f"document ({len(data)} bytes): {data[:600]!r}")
    try:
        items = read_feed(data, reference, origin="fuzz", content_type=content_type)
    except Unreadable as exc:
        check_refusal(exc)
        return
    assert isinstance(items, list)
    for item in items:
        if isinstance(item, Unreadable):
            check_refusal(item)
        else:
            check_draft(item)


# ---------------------------------------------------------------------------------------------
# Mutations: a list of operations applied to bytes or to text
# ---------------------------------------------------------------------------------------------

POSITION = st.integers(0, 1 << 20)  # taken modulo the document's length + 1, so it shrinks to the start


def operations(fragments: st.SearchStrategy, replacement: st.SearchStrategy) -> st.SearchStrategy:
    """Return lists of mutations: ('insert', pos, fragment), ('replace', pos, piece), ('truncate', pos),
    ('delete', pos, n), ('duplicate', pos, n)."""
    return st.lists(st.one_of(
        st.tuples(st.just("insert"), POSITION, fragments),
        st.tuples(st.just("replace"), POSITION, replacement),
        st.tuples(st.just("truncate"), POSITION),
        st.tuples(st.just("delete"), POSITION, st.integers(1, 64)),
        st.tuples(st.just("duplicate"), POSITION, st.integers(1, 512)),
    ), max_size=6)


def mutate(doc, ops):
    """Return doc (bytes or str) with the operations applied in order."""
    for op, pos, *arg in ops:
        pos %= len(doc) + 1
        if op == "insert":
            doc = doc[:pos] + arg[0] + doc[pos:]
        elif op == "replace":
            doc = doc[:pos] + arg[0] + doc[pos + 1:]
        elif op == "truncate":
            doc = doc[:pos]
        elif op == "delete":
            doc = doc[:pos] + doc[pos + arg[0]:]
        elif op == "duplicate":
            doc = doc[:pos + arg[0]] + doc[pos:]
    return doc


BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]
MARKUP = [
    "<", ">", "&", "&amp;", "&lt;", "&#0;", "&#1;", "&#xD800;", "&#x110000;", "&#99999999999;", "&bogus;", "&e;",
    "&nbsp;", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;p&gt;words&lt;img src=x onerror=y&gt;",
    "<![CDATA[", "]]>", "<![CDATA[<p>cdata <b>text</b></p>]]>", "<!--", "-->", "<!-- c -->", "<?pi x?>",
    "<!DOCTYPE rss [<!ENTITY e 'entity'>]>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    "<!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;'>]>",
    "<?xml version='1.0' encoding='utf-16'?>", "<?xml version=\"1.0\" encoding=\"uu\"?>",
    "<?xml version=\"1.0\" encoding=\"undefined\"?>", "<?xml version=\"1.0\" encoding=\"bogus-8\"?>",
    "<rss version='2.0'>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<channel>", "</channel>",
    "<item>", "</item>", "<entry>", "</entry>", "<title>", "</title>", "<title type='html'>&lt;b&gt;",
    "<title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><b>t</b></div></title>",
    "<link>", "</link>", "<link>http://[::1/</link>", "<link>http://a.example:99999/x</link>",
    "<link>https://a.example:abc/</link>", "<link>javascript:alert(1)</link>", "<link href='http://[bad'/>",
    "<link rel='alternate' href='//x.example:0/'/>", "<guid>", "</guid>", "<id>", "<author>", "<dc:creator>",
    "<pubDate>Fri, 31 Dec 9999 23:59:59 -2359</pubDate>", "<pubDate>Mon, 01 Jan 0001 00:00:00 +1400</pubDate>",
    "<updated>0001-01-01T00:00:00+14:00</updated>", "<updated>9999-12-31T23:59:59-23:59</updated>",
    "<published>99999-01-01T00:00:00Z</published>", "<dc:date>2025-13-45T25:61:61Z</dc:date>",
    "<description>", "</description>", "<content:encoded>", "</content:encoded>", "<summary type='html'>",
    "<content type='html'>", "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>", "</div>",
    "<content type='text/plain' src='x'/>", "<content type='application/octet-stream'>AAAA</content>",
    "<script>alert(1)</script>", "<style>p{}</style>", "<a href='javascript:x'>", "<img src=x onerror=y>",
    "<base href='http://[::1'/>", "<a href='http://[v1.x]/'>l</a>", "<a href='http://a:99999/'>l</a>",
    "<br/>", "<p>", "</p>", "<table><tr><td>", "<ul><li>", "<html><body>", "</body></html>",
    "<meta charset='uu'>", "<meta charset='undefined'>", "<meta charset=utf-16>",
    "<meta http-equiv='Content-Type' content='text/html; charset=idna'>",
    "<link rel='canonical' href='http://[::1'/>", "<link rel='canonical' href='http://a:99999/'/>",
    "<meta property='og:title' content=''>", "<meta property='article:published_time' content='9999-12-31T23:59:59-23:59'>",
    "<meta name='date' content='0001-01-01T00:00:00+14:00'>", "<time datetime='0001-01-01'>",
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\r", "\r\n", "\t", "\u2028", "\u2029",
    "\u0085", "\ufeff", "\ufffe", "\uffff", "\u200b", "\u202e", "\U0001f4c8", "\ud800", "\udfff",
]
BYTE_FRAGMENTS = st.one_of(
    st.sampled_from([m.encode("utf-8", "surrogatepass") for m in MARKUP] + BOMS + [
        b"\x80", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x00\x00\x00"]),
    st.integers(1_000, 300_000).map(lambda n: b'<a title="' + b"A" * n + b'">x</a>'),
    st.integers(1_000, 100_000).map(lambda n: b"<i>" * n),
    st.binary(max_size=16),
    st.text(max_size=16).map(str.encode),
)
TEXT_FRAGMENTS = st.one_of(
    st.sampled_from(MARKUP),
    st.integers(1_000, 300_000).map(lambda n: '<a title="' + "A" * n + '">x</a>'),
    st.integers(1_000, 20_000).map(lambda n: "x" * n),
    st.text(max_size=16),
)
BYTE_OPS = operations(BYTE_FRAGMENTS, st.binary(min_size=1, max_size=1))
TEXT_OPS = operations(TEXT_FRAGMENTS, st.characters(codec=None))


# ---------------------------------------------------------------------------------------------
# Feeds
# ---------------------------------------------------------------------------------------------

SEED_FEEDS = {
    "rss2": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Wire &amp; Co</title><link>https://wire.example/</link><description>News</description>
<item><title>Shares rise</title><link>https://wire.example/a?utm_source=x</link><guid>a1</guid>
<description><![CDATA[<p>Shares rose <a href="/more">after</a> the report.</p><img src="p.gif">]]></description>
<content:encoded><![CDATA[<p>Full <b>text</b> &amp; more.</p><p>Second.</p>]]></content:encoded>
<pubDate>Fri, 20 Feb 2015 09:51:15 GMT</pubDate><dc:creator>A. Writer</dc:creator></item>
<item><title>Plain</title><link>/relative</link><description>One.

Two.</description><pubDate>Tue, 25 Nov 2025 10:30:00 -0500</pubDate></item>
</channel></rss>""",
    "atom": b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Desk &lt;b&gt;Feed&lt;/b&gt;</title>
<link href="https://desk.example/"/><id>urn:x</id><updated>2025-11-25T10:30:00Z</updated>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Rates <i>hold</i></div></title>
<link href="https://desk.example/rates"/><id>urn:1</id><updated>2025-11-25T10:30:00+14:00</updated>
<author><name>B</name></author><content type="html">&lt;p&gt;Rates held.&lt;/p&gt;&lt;a href="x"&gt;x&lt;/a&gt;</content></entry>
<entry><title>Only summary</title><id>urn:2</id><published>0001-01-01T00:00:00Z</published>
<summary>Plain summary text.</summary></entry>
</feed>""",
    "rss1": b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link><description>d</description></channel>
<item rdf:about="https://r.example/1"><title>First</title><link>https://r.example/1</link>
<description>Body &lt;em&gt;one&lt;/em&gt;</description><dc:date>2025-11-25T10:30:00-23:59</dc:date></item>
</rdf:RDF>""",
    "jsonfeed": json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/",
        "items": [{"id": "1", "url": "https://j.example/1", "title": "Json item", "content_html": "<p>Hi <a href='/x'>x</a></p>",
                   "date_published": "2025-11-25T10:30:00Z"},
                  {"id": "2", "content_text": "Text only\n\nSecond", "date_modified": "9999-12-31T23:59:59+14:00"}],
    }).encode(),
    "rss091": b"""<rss version="0.91"><channel><title>Old</title><item><title>t</title>
<description>d</description></item></channel></rss>""",
}

CONTENT_TYPES = st.one_of(
    st.just(""),
    st.sampled_from(["text/xml", "application/rss+xml; charset=utf-8", "text/xml; charset=utf-16",
                     "application/atom+xml; charset=uu", "text/xml; charset=undefined", "text/xml; charset=",
                     "text/xml; charset=\"", "text/html; charset=bogus", "application/json; charset=idna",
                     "text/xml; charset=utf-32", "text/xml; charset=iso-8859-1; charset=utf-8"]),
    st.sampled_from(sorted(aliases)).map(lambda label: f"text/xml; charset={label}"),
)


@fast(250)
@given(name=st.sampled_from(sorted(SEED_FEEDS)), ops=BYTE_OPS, content_type=CONTENT_TYPES)
def test_read_feed_on_mutated_seed_feeds(name, ops, content_type):
    """Ensure a mutated small feed is read or refused with Unreadable, and its drafts clean or are rejected."""
    check_feed(mutate(SEED_FEEDS[name], ops), content_type)


# The largest real feed is 1.6 MB; a head of each keeps an example fast (truncation is a mutation anyway).
CORPUS_HEAD = 64_000


@pytest.fixture(scope="module")
def corpus_feeds(shared):
    """Return {name: first bytes} of the real feeds in ../shared/corpus/feeds, smallest first."""
    paths = [p for p in (shared / "corpus" / "feeds").iterdir() if p.is_file() and not p.name.startswith("LICENSE")]
    assert len(paths) > 20
    return {p.name: p.read_bytes()[:CORPUS_HEAD] for p in sorted(paths, key=lambda p: (p.stat().st_size, p.name))}


@fast(150)
@given(data=st.data())
def test_read_feed_on_mutated_corpus_feeds(corpus_feeds, data):
    """Ensure a mutated real feed is read or refused with Unreadable, and its drafts clean or are rejected."""
    name = data.draw(st.sampled_from(list(corpus_feeds)), label="feed")
    ops = data.draw(BYTE_OPS, label="ops")
    check_feed(mutate(corpus_feeds[name], ops))


def test_unmutated_corpus_feeds_read_cleanly(corpus_feeds):
    """Ensure the corpus heads themselves (the seeds of the mutations) hold the invariant."""
    for doc in corpus_feeds.values():
        check_feed(doc)


@fast(150)
@given(prefix=st.sampled_from([b""] + BOMS), data=st.binary(max_size=400), content_type=CONTENT_TYPES)
def test_read_feed_on_random_bytes(prefix, data, content_type):
    """Ensure random bytes, with or without a feed marker, are refused with Unreadable or read."""
    check_feed(prefix + b"<rss>" + data if data[:1] == b"<" else prefix + data, content_type)


URLS = st.one_of(
    st.sampled_from(["https://wire.example/a", "/relative", "", " ", "http://[::1", "http://[::1]:99999/",
                     "https://a.example:abc/", "http://a.example:65536/x", "http://[v1.fe]/", "//host:-1/",
                     "javascript:alert(1)", "mailto:x@example.com", "http://ex ample.com/", "http://\u0000/",
                     "https://xn--/", "http://%zz/", "https://a.example/?utm_source=x&q=%ff", "http://a:0/",
                     "http://" + "a" * 300 + ".example/"]),
    st.text(max_size=30).map(lambda s: "http://" + s),
)
DATES_2822 = st.one_of(
    st.sampled_from(["Fri, 20 Feb 2015 09:51:15 GMT", "Fri, 31 Dec 9999 23:59:59 -2359",
                     "Mon, 01 Jan 0001 00:00:00 +1400", "Sat, 01 Jan 0001 00:00:00 -1200", "Thu, 31 Dec 9999 23:59:59 +1400",
                     "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59Z",
                     "2025-02-29T10:00:00Z", "2025-11-25T24:00:00Z", "not a date", "", "10000-01-01T00:00:00Z",
                     "1969-12-31T23:59:59Z", "99999999999", "Tue, 25 Nov 2025 10:30:00 ET"]),
    st.text(max_size=30),
)
XML_TEXT = st.one_of(st.sampled_from(MARKUP), st.text(max_size=40)).map(
    lambda s: s.encode("utf-8", "surrogatepass"))


@fast(200)
@given(
    atom=st.booleans(), feed_title=XML_TEXT,
    entries=st.lists(st.fixed_dictionaries({
        "title": XML_TEXT, "link": URLS.map(lambda s: s.encode("utf-8", "surrogatepass")), "date": DATES_2822.map(str.encode),
        "body": XML_TEXT, "cdata": st.booleans(), "kind": st.sampled_from([b"html", b"text", b"xhtml", b"", b"image/png"]),
    }), min_size=1, max_size=4),
)
def test_read_feed_on_generated_entries(atom, feed_title, entries):
    """Ensure feeds whose fields hold random text, links and dates are read or refused, and drafts clean."""
    def body(e):
        return b"<![CDATA[" + e["body"] + b"]]>" if e["cdata"] else e["body"]
    if atom:
        items = b"".join(
            b"<entry><title type='" + e["kind"] + b"'>" + e["title"] + b"</title><link href='" + e["link"] + b"'/>"
            b"<id>" + e["link"] + b"</id><updated>" + e["date"] + b"</updated><content type='" + e["kind"] + b"'>"
            + body(e) + b"</content></entry>" for e in entries)
        doc = (b"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>" + feed_title
               + b"</title>" + items + b"</feed>")
    else:
        items = b"".join(
            b"<item><title>" + e["title"] + b"</title><link>" + e["link"] + b"</link><pubDate>" + e["date"]
            + b"</pubDate><description>" + body(e) + b"</description></item>" for e in entries)
        doc = (b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>" + feed_title
               + b"</title><link>https://wire.example/</link>" + items + b"</channel></rss>")
    check_feed(doc)


# ---------------------------------------------------------------------------------------------
# JSON Lines
# ---------------------------------------------------------------------------------------------

def check_json_lines(text: str) -> list:
    """Assert read_json_lines() never raises, answers every non-blank line in order, and its drafts clean."""
    show(f"text ({len(text)} chars): {text[:600]!r}")
    results = list(read_json_lines(text, "fuzz.jsonl"))
    expected = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    assert [n for n, _ in results] == expected
    for _, item in results:
        if isinstance(item, Unreadable):
            check_refusal(item)
        else:
            check_draft(item)
    return results


OFFSETS = st.one_of(
    st.sampled_from(["", "Z", "z", "+00:00", "+14:00", "-23:59", "+23:59", "-12:00", "+05:30", "+0100", "+24:00", "-00:00"]),
    st.builds(lambda sign, h, m: f"{sign}{h:02d}:{m:02d}", st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)),
)
ISO_DATES = st.one_of(
    st.builds(
        lambda y, mo, d, sep, h, mi, s, frac, off: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{off}",
        st.one_of(st.sampled_from([1, 2, 1969, 1970, 2025, 9998, 9999]), st.integers(1, 9999)),
        st.integers(1, 12), st.integers(1, 31), st.sampled_from(["T", " ", "t"]),
        st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
        st.sampled_from(["", ".5", ".123456", ".1234567", ",5"]), OFFSETS,
    ),
    st.builds(lambda y, off: f"{y:04d}-01-01{off}", st.sampled_from([1, 9999]), OFFSETS),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "0001-01-01", "9999-12-31",
                     "2025-11-25T10:30:00Z", "2025-W48-2", "2025-330", "20251125T103000Z", "2025-02-29T00:00:00",
                     " 2025-11-25 ", "Z", "0000-01-01", "10000-01-01", "2025-11-25T10:30:00ZZ", ""]),
    st.text(max_size=30),
)
SURROGATES = st.sampled_from(["\ud800", "a\udfff", "\udbff\udc00"])
FIELD_TEXT = st.one_of(st.text(max_size=40), SURROGATES, st.sampled_from(["", " ", "\n\n", "<p>x</p>", "x\u2028y"]))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | FIELD_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def field(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """Return a field's value: mostly a plausible one, sometimes any JSON value."""
    return st.one_of(plausible, plausible, JSON_VALUES)


RECORDS = st.fixed_dictionaries({}, optional={
    "title": field(st.one_of(st.just("Shares rise"), FIELD_TEXT)),
    "published": field(ISO_DATES),
    "body": field(st.one_of(st.just("One.\n\nTwo."), FIELD_TEXT)),
    "body_html": field(st.one_of(st.sampled_from(MARKUP), FIELD_TEXT)),
    "outlet": field(FIELD_TEXT), "url": field(URLS), "byline": field(FIELD_TEXT), "summary": field(FIELD_TEXT),
    "extra": JSON_VALUES,
})


def json_line(record, ensure_ascii: bool) -> str:
    return json.dumps(record, ensure_ascii=ensure_ascii)


HOSTILE_LINES = st.one_of(
    st.sampled_from([
        "1" * 5000, '{"title": ' + "1" * 5000 + "}", "[" * 100_000, '{"a":' * 100_000, "{" * 5000,
        "-" + "9" * 4301, "1e999999", "NaN", "[]", "null", '"just a string"', "{", "}", '{"title": "t"',
        '{"title": "t", "title": 5}', "\ufeff{}", "\x00", "{\"title\": \"\\ud800\"}",
        '{"title": "t", "published": "0001-01-01T00:00:00+14:00", "body": "b"}',
        '{"title": "t", "published": "9999-12-31T23:59:59-23:59", "body": "b"}',
        '{"title": "t", "published": "2025-11-25T10:30:00Z", "body": "b", "url": "http://[::1"}',
        '{"title": "t", "published": "2025-11-25T10:30:00Z", "body": "b", "url": "http://a.example:99999/"}',
        '{"title": "\\ud800", "published": "2025-11-25T10:30:00Z", "body": "b"}',
        '{"title": "t", "published": "2025-11-25T10:30:00Z", "body_html": "<p>\\udfff</p>"}',
    ]),
    st.integers(1, 20_000).map(lambda n: "[" * n),
    st.integers(4000, 6000).map(lambda n: '{"n": ' + "7" * n + "}"),
    st.text(max_size=60),
)
GOOD_LINE = json.dumps({"title": "Still read", "published": "2025-11-25T10:30:00Z", "body": "After a bad line."})


@fast(250)
@given(site_zone=SITE_ZONES, lines=st.lists(st.one_of(
    st.builds(json_line, RECORDS, st.booleans()),
    st.tuples(st.builds(json_line, RECORDS, st.booleans()), TEXT_OPS).map(lambda t: mutate(*t)),
    HOSTILE_LINES,
    st.sampled_from(["", "   ", "\r", "\t"]),
), max_size=6))
def test_read_json_lines_never_raises(site_zone, lines):
    """Ensure random, mutated and hostile JSON lines are each answered, a bad one as an Unreadable
    (a date without an offset is read in the site's zone)."""
    with timezone.override(ZoneInfo(site_zone)):
        check_json_lines("\n".join(lines))


@fast(150)
@given(bad=HOSTILE_LINES)
@example(bad="1" * 5000)
@example(bad="[" * 100_000)
@example(bad='{"title": "t", "published": "0001-01-01T00:00:00+14:00", "body": "b"}')
@example(bad='{"title": "t", "published": "9999-12-31T23:59:59-23:59", "body": "b"}')
def test_read_json_lines_reads_the_line_after_a_bad_one(bad):
    """Ensure a bad line neither stops the reading nor hides the good line after it."""
    results = check_json_lines(bad + "\n" + GOOD_LINE)
    good_number = bad.count("\n") + 2  # a random bad "line" may hold line breaks of its own
    assert results[-1][0] == good_number and isinstance(results[-1][1], ArticleDraft), results[-1]


# ---------------------------------------------------------------------------------------------
# Text pages
# ---------------------------------------------------------------------------------------------

DATE_LINES = st.one_of(
    st.sampled_from([
        "Nov 25", "November 25, 2025 10:30 AM ET", "2 hours ago", "Dec 31", "Feb 29", "Jan 1",
        "December 31, 9999 11:59 PM ET", "January 1, 0001 12:00 AM ET", "Jan 1, 0001 00:00 -14:00",
        "Dec 31, 9999 23:59 +14:00", "yesterday", "today at 11:59 PM", "yesterday at 25:99", "just now",
        "today, 10:30 +14:00", "Published: Feb 29", "Updated 12/31/99", "9999-12-31", "0001-01-01 00:00 -23:59",
        "31/12/9999", "99/99/9999", "Posted on Nov 25 · 5 min read", "Deep News · Nov 25", "Nov 31", "Feb 30, 2025",
        "an hour ago", "one day ago", "0 s ago", "Nov 25 2025 10:30 HKT", "Sept. 3", "May", "12.12.12",
        "Nov 25 10:30 -3000", "Nov 25, 2025 10:30 +9999", "Jan 1 0:00 +2400", "142857143 weeks ago",
    ]),
    st.builds(lambda n, unit: f"{n} {unit} ago", st.one_of(st.integers(0, 10**6), st.integers(0, 10**30)),
              st.sampled_from(["s", "mins", "hours", "h", "days", "d", "weeks", "w"])),
    st.builds(lambda m, d, y, t, z: f"{m} {d}, {y} {t} {z}".strip(),
              st.sampled_from(["Jan", "February", "Mar.", "sep", "Dec"]), st.integers(0, 40),
              st.one_of(st.integers(1, 9999), st.just("")), st.sampled_from(["", "10:30 AM", "23:59", "11:59 PM", "99:99"]),
              st.sampled_from(["", "ET", "PT", "GMT", "Z", "+14:00", "-23:59", "+2400", "CEST"])),
    st.text(max_size=25),
)
HEADLINES = st.one_of(
    st.sampled_from(["Shares rise after the report", "Fed holds rates", "A" * 301, "Ends with a period." * 10,
                     "Most Discussed", "Tags", "By Someone", "Nov 25", "Disclaimer: none"]),
    st.text(min_size=1, max_size=80),
)
BYLINES = st.one_of(st.sampled_from(["By Jane Doe", "By Jane Doe and John Roe", "Written by X", "by 9", "Words by " + "n" * 200]),
                    st.text(max_size=30).map(lambda s: "By " + s))
PARAGRAPHS = st.one_of(
    st.sampled_from(["Shares rose 5% on Tuesday after the company reported results.", "Short line",
                     "x" * 150 + ".", "This is not financial advice.", "Risk warning: you may lose money.",
                     "Comments (12)", "1. 1", "Share", "•"]),
    st.text(min_size=1, max_size=200),
)
FURNITURE = st.sampled_from(["Most Discussed", "Related Articles", "Trending now", "Tags: markets, rates", "Tags",
                             "Read more", "Sign up for our newsletter", "Advertisement", "Share this article on X",
                             "Comments (3)", "More from Deep News", "You may also like", "Follow us on Twitter"])
DISCLAIMERS = st.sampled_from(["Disclaimer: This article is not financial advice.",
                               "Important information - capital at risk.", "Disclosure: the author holds no shares.",
                               "This should not be regarded as an offer or recommendation."])


@st.composite
def text_pages(draw) -> str:
    """Return a text page in the shape textpage.py reads, with its parts drawn and sometimes shuffled."""
    header = [draw(HEADLINES), ""]
    if draw(st.booleans()):
        header.append(draw(st.one_of(st.just("Deep News"), st.text(max_size=30))))
    header.append(draw(DATE_LINES))
    if draw(st.booleans()):
        header.append(draw(BYLINES))
    body = []
    for part in draw(st.lists(st.one_of(PARAGRAPHS, PARAGRAPHS, FURNITURE, DISCLAIMERS, DATE_LINES), max_size=8)):
        body += ["", part]
    lines = header + body
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    return draw(st.sampled_from(["\n", "\r\n", "\n \n"])).join(lines)


# The operator's --reference-date, or the time a source was fetched: a realistic range, any zone.
REFERENCES = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1),
                          timezones=st.sampled_from([UTC, ZoneInfo("America/New_York"), ZoneInfo("Pacific/Kiritimati"),
                                                     dt_timezone(timedelta(hours=-23, minutes=-59))]))


def check_text_page(text: str, reference: datetime) -> None:
    show(f"page: {text[:800]!r}")
    try:
        draft = read_text_page(text, reference, origin="fuzz.txt")
    except Unreadable as exc:
        check_refusal(exc)
        return
    check_draft(draft)


@fast(300)
@given(page=text_pages(), reference=st.one_of(st.just(REF), REFERENCES))
@example(page="Headline\n\nDeep News\n99999999 days ago\n\nBody text.", reference=REF)
@example(page="Headline\n\nDeep News\nDecember 31, 9999 11:59 PM ET\n\nBody text.", reference=REF)
@example(page="Headline\n\nDeep News\nNov 25 10:30 -3000\n\nBody text.", reference=REF)
@example(page="Headline\n\nDeep News\nNov 25, 2025 10:30 +9999\n\nBody text.", reference=REF)
def test_read_text_page_on_generated_pages(page, reference):
    """Ensure a page of headline, date, byline, body, furniture and disclaimer lines is read or refused."""
    check_text_page(page, reference)


@fast(200)
@given(page=text_pages(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]), ops=BYTE_OPS)
def test_read_text_page_on_mutated_saved_bytes(page, encoding, ops):
    """Ensure a saved page, encoded and mutated, then decoded as import does, is read or refused."""
    data = mutate(page.encode(encoding, "replace"), ops)
    show(f"bytes: {data[:400]!r}")
    try:
        text = decode_text(data)
    except Unreadable as exc:
        check_refusal(exc)
        return
    check_text_page(text, REF)


@fast(100)
@given(page=text_pages(), ops=TEXT_OPS)
def test_read_text_page_on_mutated_text(page, ops):
    """Ensure a page with control characters, markup, huge lines and odd breaks inserted is read or refused."""
    check_text_page(mutate(page, ops), REF)


# ---------------------------------------------------------------------------------------------
# HTML pages
# ---------------------------------------------------------------------------------------------

SEED_HTML = {
    "article": """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shares rise | Wire</title>
<meta property="og:title" content="Shares rise"><meta property="og:site_name" content="Wire">
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2025-11-25T10:30:00Z">
<link rel="canonical" href="https://wire.example/a?utm_source=x"></head><body><nav>Home | Markets</nav>
<article><h1>Shares rise</h1><p class="byline">By Jane Doe</p><time datetime="2025-11-25">Nov 25</time>
<p>Shares rose 5% on Tuesday after the company reported results that beat expectations by a wide margin.</p>
<p>Analysts said the outlook for the rest of the year remained strong, citing demand in every region.</p>
<table><tr><td>Q3</td><td>5%</td></tr></table><p>The stock closed at a record high on the exchange.</p></article>
<aside><h2>Most Discussed</h2><ul><li>Other</li></ul></aside><footer>Disclaimer: not advice.</footer></body></html>""",
    "bare": "<html><head><title>Fed holds rates</title></head><body><h1>Fed holds rates</h1>"
            "<div><p>The Federal Reserve held rates steady on Wednesday, as markets had widely expected it would do.</p>"
            "<p>Officials signalled two cuts next year, fewer than investors had hoped for in their forecasts.</p></div></body></html>",
    "jsonld": """<html><head><title>T</title><script type="application/ld+json">{"@type": "NewsArticle",
"headline": "Json headline", "datePublished": "0001-01-01T00:00:00+14:00", "author": {"name": "X"}}</script></head>
<body><main><p>Body text long enough to be extracted as the main content of this page, surely it is.</p>
<p>A second paragraph, also long enough to matter to the extractor when it picks the main text.</p></main></body></html>""",
}
# ingest.py passes a feed entry's date as the reference of its linked page: any UTC date a feed states
# (feeds.py turns every entry date into UTC), from 0001-01-01 to 9999-12-31.
FEED_DATES = st.one_of(
    st.sampled_from([datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=st.just(UTC)),
)


@fast(100)
@given(name=st.sampled_from(sorted(SEED_HTML)), ops=TEXT_OPS,
       reference=st.one_of(st.just(REF), REFERENCES, FEED_DATES), site_zone=SITE_ZONES,
       url=st.one_of(st.none(), URLS))
@example(name="bare", ops=[], reference=datetime(9999, 12, 31, 23, 59, tzinfo=UTC), site_zone="Asia/Tokyo", url=None)
@example(name="bare", ops=[], reference=datetime(1, 1, 1, tzinfo=UTC), site_zone="Pacific/Pago_Pago", url=None)
def test_read_html_page_on_mutated_pages(name, ops, reference, site_zone, url):
    """Ensure a mutated HTML page is read or refused with Unreadable, and its draft cleans or is rejected."""
    html = mutate(SEED_HTML[name], ops)
    show(f"page: {html[:800]!r}")
    with timezone.override(ZoneInfo(site_zone)):
        try:
            draft = read_html_page(html, reference, origin="fuzz.html", url=url)
        except Unreadable as exc:
            check_refusal(exc)
            return
        check_draft(draft)


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

LABELS = st.one_of(
    st.sampled_from(sorted(set(aliases) | set(aliases.values()))),
    st.sampled_from(["utf-7", "idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape", "uu", "bz2",
                     "quopri", "zip", "base64", "rot13", "hex", "utf-8-sig", "utf-16", "\"utf-8\"", "", " ", "x" * 41,
                     "utf\x008"]),
    st.text(max_size=12),
)
TEXT_BYTES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda bom, text, enc: bom + text.encode(enc, "replace"), st.sampled_from([b""] + BOMS),
              st.text(max_size=100), st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "cp1252"])),
    st.tuples(st.sampled_from([s.encode() for s in SEED_HTML.values()]), BYTE_OPS).map(lambda t: mutate(*t)),
)


@fast(300)
@given(data=TEXT_BYTES)
def test_decode_text_returns_text_or_refuses(data):
    """Ensure decode_text() returns a string or raises Unreadable for any bytes."""
    try:
        text = decode_text(data)
    except Unreadable as exc:
        check_refusal(exc)
        return
    assert isinstance(text, str)


@fast(300)
@given(data=TEXT_BYTES, declared=st.one_of(st.none(), LABELS), http_charset=st.one_of(st.just(""), LABELS))
@example(data=b"<meta charset=uu><p>x</p>", declared=None, http_charset="")
@example(data=b"<p>x</p>", declared=None, http_charset="undefined")
def test_decode_document_returns_text_or_refuses(data, declared, http_charset):
    """Ensure decode_document() returns a string or raises Unreadable, whatever header or <meta> charset."""
    if declared is not None:
        data = b'<meta charset="' + declared.encode("utf-8", "surrogatepass") + b'">' + data
    show(f"bytes: {data[:300]!r}")
    try:
        text = decode_document(data, http_charset)
    except Unreadable as exc:
        check_refusal(exc)
        return
    assert isinstance(text, str)


# ---------------------------------------------------------------------------------------------
# OPML
# ---------------------------------------------------------------------------------------------

SEED_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
<outline text="Markets" title="Markets"><outline type="rss" text="Wire" xmlUrl="https://wire.example/feed.xml"/>
<outline type="rss" title="Desk &amp; Co" xmlurl="https://desk.example/atom"/></outline>
<outline text="No feed" htmlUrl="https://x.example/"/></body></opml>"""


@fast(250)
@given(data=st.one_of(st.tuples(st.just(SEED_OPML), BYTE_OPS).map(lambda t: mutate(*t)), st.binary(max_size=200)))
def test_read_opml_returns_feeds_or_refuses(data):
    """Ensure a mutated or random OPML document yields (url, title) pairs or raises Unreadable."""
    show(f"bytes: {data[:600]!r}")
    try:
        found = read_opml(data)
    except Unreadable as exc:
        check_refusal(exc)
        return
    assert found
    assert all(isinstance(url, str) and url and isinstance(title, str) for url, title in found)
