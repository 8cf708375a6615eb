"""Ingestion from a real HTTP server on 127.0.0.1: feeds, pages, dedupe, failures, claims."""
import email.utils
import http.server
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.articles.models import Article
from parley.articles.services import delete_article
from parley.sources.ingest import SourceError, add_source, claim_due, discover_feeds, ingest_source
from parley.sources.models import FetchLog, Source, SourceArticle
from parley.sources.readers.decoding import decode_document

pytestmark = pytest.mark.django_db
LONG = " ".join(["The refinery said margins had narrowed for a third month as crude costs rose."] * 12)


def rss(items, title="Energy Wire"):
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{guid}</guid>"
        f"<pubDate>{email.utils.format_datetime(when)}</pubDate><description>{desc}</description></item>"
        for t, link, guid, when, desc in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


class Site:
    """A small news site whose answers tests change as they go."""

    def __init__(self):
        self.pages = {}
        self.hits = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.hits.append(self.path)
                status, body, headers = site.pages.get(self.path, (404, b"", {}))
                if status == 200 and headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def put(self, path, body, status=200, **headers):
        self.pages[path] = (status, body if isinstance(body, bytes) else body.encode(), headers)


@pytest.fixture
def site(settings):
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    s = Site()
    yield s
    s.httpd.shutdown()


def hours_ago(n):
    return timezone.now() - timedelta(hours=n)


def feed_items(site, n=3, title="Refiner cuts runs"):
    return [(f"{title} {k}", f"{site.base}/story/{k}?utm_source=rss", f"urn:story:{k}", hours_ago(2 * k), LONG)
            for k in range(n)]


def test_add_finds_feed_on_home_page_and_ingests(site):
    """Ensure a site's home page leads to its feed, and a check stores every entry with its source."""
    site.put("/", '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>')
    site.put("/feed.xml", rss(feed_items(site)), ETag='"a"', **{"Content-Type": "application/rss+xml"})
    source = add_source(site.base + "/")
    assert source.url == f"{site.base}/feed.xml" and source.kind == Source.FEED
    entry = ingest_source(source)
    assert (entry.new, entry.error) == (3, "")
    assert Article.objects.count() == 3 and SourceArticle.objects.filter(source=source).count() == 3
    assert Article.objects.filter(url=f"{site.base}/story/0").exists()  # tracking parameter dropped


def test_second_poll_is_conditional(site):
    """Ensure the second check sends the ETag back, gets 304 and changes nothing."""
    site.put("/feed.xml", rss(feed_items(site)), ETag='"a"')
    source = add_source(f"{site.base}/feed.xml")
    ingest_source(source)
    source.refresh_from_db()
    entry = ingest_source(source)
    assert entry.status == 304 and (entry.new, entry.updated) == (0, 0)
    source.refresh_from_db()
    assert source.etag == '"a"' and source.consecutive_failures == 0


def test_edited_headline_updates_the_same_article(site):
    """Ensure an entry whose headline changed updates its article instead of adding one."""
    site.put("/feed.xml", rss(feed_items(site, 1, "Refiner cuts runs")))
    source = add_source(f"{site.base}/feed.xml")
    ingest_source(source)
    site.put("/feed.xml", rss(feed_items(site, 1, "Refiner cuts runs again")))
    assert ingest_source(source).updated == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["Refiner cuts runs again 0"]


def test_same_story_from_two_sources_is_one_article(site):
    """Ensure two feeds carrying one canonical URL make one article, recorded for both sources."""
    site.put("/a.xml", rss(feed_items(site, 1), "Wire A"))
    site.put("/b.xml", rss(feed_items(site, 1), "Wire B"))
    a, b = add_source(f"{site.base}/a.xml"), add_source(f"{site.base}/b.xml")
    ingest_source(a)
    ingest_source(b)
    assert Article.objects.count() == 1
    assert SourceArticle.objects.filter(article=Article.objects.get()).count() == 2


def test_deleted_article_is_not_ingested_again(site):
    """Ensure a deleted article leaves a tombstone and the next check skips it."""
    site.put("/feed.xml", rss(feed_items(site, 1)))
    source = add_source(f"{site.base}/feed.xml")
    ingest_source(source)
    delete_article(Article.objects.get())
    SourceArticle.objects.all().delete()
    ingest_source(source)
    assert not Article.objects.exists()


def test_full_text_replaces_summary_and_paywall_keeps_it(site):
    """Ensure summary-only entries get their page's text, and a short (paywalled) page keeps the summary with a note."""
    article_page = ("<html><head><title>Full story</title>"
                    '<link rel="canonical" href="https://wire.example/markets/full-story"></head>'
                    "<body><article><h1>Full story</h1>"
                    + "".join(f"<p>{LONG} Paragraph {n}.</p>" for n in range(4)) + "</article></body></html>")
    site.put("/full", article_page)
    site.put("/paywall", "<html><head><title>Subscribe</title></head><body><p>Subscribe to read.</p></body></html>")
    items = [("Full story", f"{site.base}/full", "1", hours_ago(1), "Short summary."),
             ("Locked story", f"{site.base}/paywall", "2", hours_ago(2), "Another short summary.")]
    site.put("/feed.xml", rss(items))
    source = add_source(f"{site.base}/feed.xml", full_text=True)
    entry = ingest_source(source)
    full = Article.objects.get(title="Full story")
    assert "Paragraph 3." in full.body_text and full.url == "https://wire.example/markets/full-story"
    assert Article.objects.get(title="Locked story").body_text == "Another short summary."
    assert "kept the summary" in entry.notes and "/paywall" in entry.notes


def test_failures_back_off_then_pause(site):
    """Ensure failures are recorded with backoff, and ten in a row pause the source, saying so."""
    site.put("/feed.xml", b"oops", status=500)
    source = Source.objects.create(url=f"{site.base}/feed.xml", next_check_at=timezone.now())
    waits = []
    for _ in range(10):
        before = timezone.now()
        ingest_source(source)
        source.refresh_from_db()
        waits.append((source.next_check_at - before).total_seconds())
    assert waits[1] > waits[0] * 1.5
    assert source.paused and "paused after 10 consecutive failures" in source.last_error
    assert "HTTP 500" in source.last_error and FetchLog.objects.filter(source=source).count() == 10


def test_retry_after_is_honoured(site):
    """Ensure a 429 with Retry-After moves the next check at least that far."""
    site.put("/feed.xml", b"", status=429, **{"Retry-After": "7200"})
    source = Source.objects.create(url=f"{site.base}/feed.xml", next_check_at=timezone.now())
    ingest_source(source)
    source.refresh_from_db()
    assert source.next_check_at - timezone.now() > timedelta(seconds=7000)


def test_add_refuses_private_address_without_allowlist(settings):
    """Ensure adding a source on a private address is refused with the reason."""
    settings.PARLEY_FETCH_ALLOW_HOSTS = []
    with pytest.raises(SourceError, match="non-public"):
        add_source("http://127.0.0.1:9/feed.xml")


def test_interval_follows_publishing_rate(site):
    """Ensure a feed publishing every two hours is checked about hourly."""
    site.put("/feed.xml", rss(feed_items(site, 6)))
    source = add_source(f"{site.base}/feed.xml")
    ingest_source(source)
    source.refresh_from_db()
    assert timedelta(minutes=55) < source.next_check_at - timezone.now() <= timedelta(minutes=61)


def test_two_workers_never_claim_the_same_source():
    """Ensure claims are exclusive until their lease ends."""
    for n in range(6):
        Source.objects.create(url=f"https://feeds.example/{n}", next_check_at=hours_ago(1))
    first, second = claim_due("w1", 4), claim_due("w2", 4)
    assert len(first) == 4 and len(second) == 2
    assert not {s.pk for s in first} & {s.pk for s in second}
    assert claim_due("w3", 4) == []
    later = timezone.now() + timedelta(hours=1)
    assert len(claim_due("w4", 10, now=later)) == 6  # leases lapsed: a dead worker's sources are free again


def test_sources_command_lists_health(site, capsys):
    """Ensure `parley sources list` shows last fetch, health, what the check brought and next check."""
    from django.core.management import call_command
    site.put("/feed.xml", rss(feed_items(site, 2)))
    call_command("sources", "add", f"{site.base}/feed.xml")
    call_command("sources", "check", str(Source.objects.get().pk))
    capsys.readouterr()
    call_command("sources", "list")
    row = capsys.readouterr().out.splitlines()[1]
    assert "feed  ok" in row and "just now (HTTP 200)" in row and "2 new, 0 updated" in row and "in 1 h" in row


def test_api_lists_and_adds_sources_for_staff_only(site, client):
    """Ensure staff add and list sources through the API, and readers are refused."""
    import json

    from django.contrib.auth.models import User

    from parley.accounts.models import ApiToken
    site.put("/feed.xml", rss(feed_items(site, 1)))
    staff = User.objects.create_user("editor", is_staff=True)
    reader = User.objects.create_user("reader")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(staff)[1]}"}
    created = client.post("/api/v1/sources", json.dumps({"url": f"{site.base}/feed.xml"}),
                          content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["kind"] == "feed"
    duplicate = client.post("/api/v1/sources", json.dumps({"url": f"{site.base}/feed.xml"}),
                            content_type="application/json", **auth)
    assert duplicate.status_code == 400 and "already a source" in duplicate.json()["detail"]
    assert [s["url"] for s in client.get("/api/v1/sources", **auth).json()] == [f"{site.base}/feed.xml"]
    assert client.get("/api/v1/sources", HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(reader)[1]}").status_code == 403


def test_opml_import_adds_sources(tmp_path):
    """Ensure each feed outline of an OPML file becomes a source, once."""
    from parley.sources.services import import_path
    path = tmp_path / "subs.opml"
    path.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="Markets">'
                    '<outline text="Wire" xmlUrl="https://wire.example/feed.xml"/>'
                    '<outline text="Bad" xmlUrl="file:///etc/passwd"/></outline></body></opml>')
    (report,) = import_path([str(path)])
    assert (report.counts["imported"], report.counts["refused"]) == (1, 1)
    assert Source.objects.get().name == "Wire"
    assert import_path([str(path)])[0].counts["unchanged"] == 1


@pytest.mark.parametrize("url", ["/feed.rss", "/feed.atom"])
def test_latest_feeds_are_well_formed(client, make_article, url):
    """Ensure the latest-news RSS and Atom feeds parse and list the newest article."""
    import feedparser
    make_article(title="Newest thing")
    parsed = feedparser.parse(client.get(url).content)
    assert not parsed.bozo and parsed.entries[0].title == "Newest thing"


def test_outlet_and_source_feeds(site, client):
    """Ensure per-outlet and per-source feeds list what that outlet or source brought."""
    import feedparser
    site.put("/feed.xml", rss(feed_items(site, 2)))
    source = add_source(f"{site.base}/feed.xml")
    ingest_source(source)
    outlet = Article.objects.first().outlet
    assert len(feedparser.parse(client.get(f"/o/{outlet.slug}/feed.atom").content).entries) == 2
    assert len(feedparser.parse(client.get(f"/sources/{source.pk}/feed.rss").content).entries) == 2


def test_invalid_xml_is_a_recorded_error(site):
    """Ensure a feed that is not XML ends as an error on the source, not a crash or an article."""
    site.put("/feed.xml", "<rss><channel><item><title>Broken & unclosed")
    source = Source.objects.create(url=f"{site.base}/feed.xml", next_check_at=timezone.now())
    entry = ingest_source(source)
    source.refresh_from_db()
    assert "unreadable" in entry.error and source.consecutive_failures == 1 and not Article.objects.exists()


def test_wrong_content_type_still_reads_the_feed(site):
    """Ensure a feed served as text/plain is read by what it is, not by its label."""
    site.put("/feed.txt", rss(feed_items(site, 2)), **{"Content-Type": "text/plain"})
    source = add_source(f"{site.base}/feed.txt")
    assert source.kind == Source.FEED and ingest_source(source).new == 2


def test_learned_interval_survives_a_304(site):
    """Ensure a feed publishing every 10 minutes is next checked in 5, and a 304 keeps that pace instead of an hour."""
    items = [(f"Tick {k}", f"{site.base}/tick/{k}", f"urn:tick:{k}", timezone.now() - timedelta(minutes=10 * k), LONG)
             for k in range(6)]
    site.put("/feed.xml", rss(items), ETag='"ticks-1"')
    source = add_source(f"{site.base}/feed.xml")
    assert ingest_source(source).new == 6
    source.refresh_from_db()
    assert source.learned_interval == 300
    assert timedelta(minutes=4) < source.next_check_at - timezone.now() <= timedelta(minutes=5)
    second = ingest_source(source)
    assert second.status == 304 and second.error == ""
    source.refresh_from_db()
    assert source.learned_interval == 300
    assert timedelta(minutes=4) < source.next_check_at - timezone.now() <= timedelta(minutes=5)


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbor Wire</title><id>urn:harbor</id>
<updated>2025-11-20T10:00:00Z</updated>
<entry><title>Bank lifts outlook</title><id>urn:harbor:1</id><link href="{base}/bank"/>
<updated>2025-11-20T10:00:00Z</updated><summary>The bank raised its outlook.</summary></entry>
</feed>"""


def test_discovery_skips_non_feed_alternates_and_a_dead_feed(site):
    """Ensure discovery ignores oEmbed and REST API alternates, reads unquoted attributes, passes a 404 feed
    and adds the first feed that answers, never requesting the non-feed links."""
    head = ('<link rel="alternate" type="application/json+oembed" href="/oembed">'
            '<link rel="alternate" type="application/json" href="/wp-json/">'
            "<link rel=alternate type=application/rss+xml href=/missing.xml>"
            '<link rel="alternate" type="application/atom+xml" href="/feed.atom">')
    html = f"<!doctype html><html><head><title>Harbor Wire</title>{head}</head><body><p>News.</p></body></html>"
    site.put("/", html, **{"Content-Type": "text/html; charset=utf-8"})
    site.put("/oembed", '{"version": "1.0"}', **{"Content-Type": "application/json+oembed"})
    site.put("/wp-json/", '{"name": "Harbor Wire"}', **{"Content-Type": "application/json"})
    site.put("/feed.atom", ATOM.format(base=site.base), **{"Content-Type": "application/atom+xml"})
    assert discover_feeds(html, site.base + "/") == [f"{site.base}/missing.xml", f"{site.base}/feed.atom"]
    source = add_source(site.base + "/")
    assert source.url.endswith("/feed.atom") and source.url == f"{site.base}/feed.atom"
    assert source.kind == Source.FEED
    assert "/missing.xml" in site.hits  # tried, in page order, before the Atom feed
    assert "/oembed" not in site.hits and "/wp-json/" not in site.hits
    assert ingest_source(source).new == 1


RUSSIAN_TITLE = "Сбербанк увеличил чистую прибыль на 12% по итогам квартала"
POLISH_TITLE = "Złoty umacnia się wobec euro po decyzji Rady Polityki Pieniężnej"


def article_page(title, sentence, meta=""):
    paragraphs = "".join(f"<p>{sentence} ({n})</p>" for n in range(6))
    return (f'<!doctype html><html><head>{meta}<meta property="og:type" content="article"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def test_page_sources_are_decoded_by_header_then_meta(site):
    """Ensure a windows-1251 page labelled only by its Content-Type header and an ISO-8859-2 page labelled only
    by its <meta charset> are both stored with their letters right."""
    ru = article_page(RUSSIAN_TITLE, "Банк сообщил, что доходы от кредитования выросли, а расходы на резервы "
                                     "сократились, несмотря на высокие процентные ставки в экономике.")
    pl = article_page(POLISH_TITLE, "Kurs złotego wzrósł po tym, jak bank centralny pozostawił stopy procentowe "
                                    "bez zmian, a inwestorzy oczekują dalszego spadku inflacji w przyszłym roku.",
                      meta='<meta charset="iso-8859-2">')
    site.put("/ru/story", ru.encode("windows-1251"), **{"Content-Type": "text/html; charset=windows-1251"})
    site.put("/pl/story", pl.encode("iso-8859-2"), **{"Content-Type": "text/html"})
    for path in ("/ru/story", "/pl/story"):
        source = Source.objects.create(url=site.base + path, kind=Source.PAGE, next_check_at=timezone.now())
        entry = ingest_source(source)
        assert (entry.new, entry.error) == (1, ""), entry.notes
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {RUSSIAN_TITLE, POLISH_TITLE}
    assert "сократились" in Article.objects.get(title=RUSSIAN_TITLE).body_text
    assert "złotego wzrósł" in Article.objects.get(title=POLISH_TITLE).body_text


def test_decode_document_header_beats_meta():
    """Ensure the HTTP header's charset wins over a <meta> that names another."""
    data = '<html><head><meta charset="iso-8859-2"></head><body>Привет, рынок</body></html>'.encode("cp1251")
    assert "Привет, рынок" in decode_document(data, "windows-1251")


@pytest.mark.parametrize("bom, codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")])
def test_decode_document_bom_beats_meta(bom, codec):
    """Ensure a byte-order mark wins over a <meta> that names another encoding."""
    text = '<html><head><meta charset="windows-1252"></head><body>Café “crème”</body></html>'
    decoded = decode_document(bom + text.encode(codec))
    assert "Café “crème”" in decoded and "\ufeff" not in decoded


def test_decode_document_meta_used_without_header():
    """Ensure a document's <meta charset> decides when the header names none."""
    data = '<html><head><meta charset="iso-8859-2"></head><body>Złoty się umacnia</body></html>'.encode("iso-8859-2")
    assert "Złoty się umacnia" in decode_document(data, "")


def test_decode_document_wrong_header_falls_back():
    """Ensure a header claiming UTF-8 on Windows-1252 bytes falls back to reading the bytes, without an error."""
    data = "<html><body>Café “crème” – 5€</body></html>".encode("cp1252")
    assert "Café “crème” – 5€" in decode_document(data, "utf-8")


def test_entry_dated_far_ahead_does_not_top_the_listing(site):
    """Ensure an entry dated 2099 is stored at the time it was read, its date marked unknown, with
    the fetch log saying why, so news published after that fetch is listed above it (it is not pinned)."""
    from datetime import UTC, datetime
    site.put("/feed.xml", rss([("Forever on top", f"{site.base}/sticky", "urn:sticky", datetime(2099, 1, 1, tzinfo=UTC), LONG)]))
    source = add_source(f"{site.base}/feed.xml")
    entry = ingest_source(source)
    assert entry.new == 1
    sticky = Article.objects.get(title="Forever on top")
    assert sticky.date_unknown and sticky.published_at <= timezone.now()
    assert "more than a day ahead" in entry.notes
    site.put("/later.xml", rss([("Ordinary news", f"{site.base}/ordinary", "urn:ordinary", timezone.now() + timedelta(minutes=1), LONG)]))
    assert ingest_source(add_source(f"{site.base}/later.xml")).new == 1
    assert [a.title for a in Article.objects.newest()[:2]] == ["Ordinary news", "Forever on top"]


def test_two_sources_with_different_words_for_one_url_stop_rewriting_it(site):
    """Ensure two feeds carrying one URL under different headlines make one article that settles:
    after each has been seen once, checking them again changes nothing."""
    when = hours_ago(1)
    site.put("/a.xml", rss([("Refiner cuts runs", f"{site.base}/story/shared", "a-1", when, LONG)], title="Wire A"))
    site.put("/b.xml", rss([("Refiner trims output", f"{site.base}/story/shared", "b-1", when, LONG)], title="Wire B"))
    a, b = add_source(f"{site.base}/a.xml"), add_source(f"{site.base}/b.xml")
    ingest_source(a)
    ingest_source(b)
    again = [ingest_source(Source.objects.get(pk=s.pk)) for s in (a, b, a, b)]
    assert [(e.new, e.updated, e.unchanged) for e in again] == [(0, 0, 1)] * 4
    assert Article.objects.count() == 1 and SourceArticle.objects.count() == 2


def test_sources_check_fails_loudly_when_the_check_fails(site):
    """Ensure `parley sources check` exits with the reason (recorded on the source) when the check fails."""
    from django.core.management import CommandError, call_command
    site.put("/feed.xml", rss(feed_items(site, 1)))
    call_command("sources", "add", f"{site.base}/feed.xml")
    site.put("/feed.xml", b"<html><body>gone</body></html>")
    with pytest.raises(CommandError, match="unreadable"):
        call_command("sources", "check", str(Source.objects.get().pk))
    assert "unreadable" in Source.objects.get().last_error


def test_a_source_feed_never_shows_the_source_url(client):
    """Ensure the RSS and Atom feeds of an unnamed source name it by number, without its URL and the
    secrets its query may carry; a named source goes by its name."""
    secret = Source.objects.create(url="https://wire.example/feed.xml?token=s3cr3t-key")
    named = Source.objects.create(url="https://other.example/rss?key=hidden", name="Other Wire")
    for source, shown in ((secret, f"source {secret.pk}"), (named, "Other Wire")):
        for fmt in ("rss", "atom"):
            body = client.get(f"/sources/{source.pk}/feed.{fmt}").content.decode()
            assert shown in body and "s3cr3t" not in body and "hidden" not in body and "example" not in body
