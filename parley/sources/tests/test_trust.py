"""Only articles get in, as their outlets wrote them: page kinds, furniture, names, dates, link items, gzip."""
import functools
import gzip
import http.server
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parley.articles.models import Article
from parley.enrichment.services import enrich_article
from parley.following.models import Event, Follow
from parley.sources.ingest import SourceError, add_source
from parley.sources.readers.dates import DateReader, parse_date_line
from parley.sources.readers.feeds import read_feed
from parley.sources.readers.furniture import is_furniture
from parley.sources.readers.names import outlet_name, person_names
from parley.sources.services import import_path

REF = timezone.make_aware(datetime(2025, 11, 28, 12, 0))
PROSE = ("The company said on Tuesday that quarterly revenue rose by a fifth, helped by demand from data "
         "centres, and that it expected the growth to continue into the next year. ")


def article_page(body: str, head: str = "", title: str = "Chipmaker beats forecasts") -> str:
    return (f'<!doctype html><html lang="en"><head><title>{title}</title>{head}</head><body><article>'
            f"<h1>{title}</h1>{body}</article></body></html>")


def only(reports):
    assert len(reports) == 1
    return reports[0]


@pytest.fixture
def served(tmp_path, settings):
    """A real web server on 127.0.0.1 (Python's http.server) over a folder; yields its base URL."""
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tmp_path
    server.shutdown()


# -- is it an article? -------------------------------------------------------------------------

@pytest.mark.django_db
def test_parley_pages_saved_and_imported_are_refused(make_article, client, tmp_path):
    """Ensure Parley's own pages, saved from a browser and imported, are refused as pages Parley shows;
    and that without that mark (a site with the same templates) its home and outlet pages are still
    refused as listings (teasers with leads), by their shape alone once og:type is gone too."""
    for n in range(12):
        make_article(title=f"Refiner number {n} cuts runs as margins shrink", body=f"{PROSE}({n})\n\n{PROSE}",
                     summary=f"Refiner {n} said margins shrank for the third quarter running, and it will cut runs.")
    first = Article.objects.first()
    pages = {"home.html": client.get("/").content, "outlet.html": client.get(first.outlet.get_absolute_url()).content,
             "article.html": client.get(first.get_absolute_url()).content}
    for name, content in pages.items():
        (tmp_path / name).write_bytes(content)
        report = only(import_path([str(tmp_path / name)]))
        assert report.counts["refused"] == 1 and "Parley itself shows" in report.reasons[0], (name, report.reasons)
    for name in ("home.html", "outlet.html"):
        bare = pages[name].replace(b'<meta name="generator" content="Parley">', b"")
        bare = bare.replace(b'<meta property="og:type" content="website">', b"")
        (tmp_path / name).write_bytes(bare)
        report = only(import_path([str(tmp_path / name)]))
        assert report.counts["refused"] == 1 and "home or section page" in report.reasons[0], (name, report.reasons)
    assert Article.objects.count() == 12


@pytest.mark.django_db
def test_directory_index_is_not_added_as_an_article_page(served):
    """Ensure `sources add` on a web server's directory listing says what it is and adds nothing."""
    base, folder = served
    for n in range(5):
        (folder / f"report-{n}.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(SourceError, match="directory index"):
        add_source(f"{base}/")


@pytest.mark.django_db
def test_error_page_and_all_navigation_page_are_refused(served, tmp_path):
    """Ensure a web server's 404 page and a page that is all navigation are refused with a reason."""
    import urllib.error
    import urllib.request

    base, _ = served
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{base}/missing.html")
    (tmp_path / "404.html").write_bytes(caught.value.read())
    menu = "".join(f'<li><a href="/s/{n}">Section {n}</a></li>' for n in range(300))
    (tmp_path / "nav.html").write_text(f"<html><head><title>Menu</title></head><body><nav><ul>{menu}</ul></nav></body></html>")
    for name in ("404.html", "nav.html"):
        report = only(import_path([str(tmp_path / name)]))
        assert report.counts["refused"] == 1 and report.reasons[0].startswith("not an article"), report.reasons
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_five_megabytes_of_links_is_refused_not_crashed(tmp_path):
    """Ensure a 5 MB page of nothing but links is refused as not an article."""
    links = "".join(f'<p><a href="/story/{n}">Markets news story number {n} of the day</a></p>' for n in range(70_000))
    (tmp_path / "links.html").write_text(f"<html><head><title>All stories</title></head><body>{links}</body></html>")
    assert (tmp_path / "links.html").stat().st_size > 5_000_000
    report = only(import_path([str(tmp_path / "links.html")]))
    assert report.counts["refused"] == 1 and report.reasons[0].startswith("not an article"), report.reasons


@pytest.mark.django_db
def test_right_to_left_article_is_stored_with_its_words(tmp_path):
    """Ensure an article page in Arabic (right to left) is stored with its words, headline and date."""
    sentence = ("أعلنت الشركة يوم الثلاثاء أن إيراداتها الفصلية ارتفعت بنسبة الخمس بفضل الطلب القوي من مراكز "
                "البيانات، وقالت إنها تتوقع أن يستمر النمو في العام المقبل أيضا. ")
    html = article_page("".join(f"<p>{sentence}</p>" for _ in range(3)), title="ارتفاع أرباح شركة الرقائق",
                        head='<meta property="og:type" content="article">'
                             '<meta property="article:published_time" content="2025-11-25T10:00:00Z">')
    (tmp_path / "rtl.html").write_text(html.replace('<html lang="en">', '<html lang="ar" dir="rtl">'))
    report = only(import_path([str(tmp_path / "rtl.html")]))
    assert report.counts["imported"] == 1, report.reasons
    article = Article.objects.get()
    assert article.title == "ارتفاع أرباح شركة الرقائق" and "مراكز البيانات" in article.body_text
    assert article.published_at.date().isoformat() == "2025-11-25" and not article.date_unknown


# -- furniture, outlets and bylines ---------------------------------------------------------------

@pytest.mark.parametrize("line, furniture", [
    ("Order Reprints", True), ("Print Article", True), ("An error has occurred, please try again later.", True),
    ("This copy is for your personal, non-commercial use only. To order presentation-ready copies, use Order "
     "Reprints.", True),
    ("This article has been sent to reader@example.com", True), ("Listen: http://po.st/TP_615", True),
    ("https://example.com/story/1", True), ("Thanks for signing up!", True), ("4 min read", True),
    ("Related shares fell 3% on Monday.", False), ("Subscribers grew 5% in the quarter, the company said.", False),
    ("More from the call", False), (PROSE + "Click here to subscribe.", False),
    ("저작권자 ⓒ 엔터미디어 무단전재 및 재배포금지", True),
    ("[button link=\u201dhttp://www.example.co.uk/submit/\u201d type=\u201dbig\u201d] Send us YOUR kit review[/button]", True),
    ("This copy is for your personal, non-commercial use only. To order presentation-ready copies for distribution "
     "to your colleagues, clients or customers visit http://www.djreprints.com.", True),
])
def test_furniture_rule(line, furniture):
    """Ensure the furniture rule drops page furniture and keeps short prose that merely shares its words."""
    assert bool(is_furniture(line)) is furniture


@pytest.mark.django_db
def test_benchmark_page_loses_its_reprint_and_print_lines(shared):
    """Ensure a real article page (AEB f8ff621a, Home Depot earnings) is stored without the "Order
    Reprints" and "Print Article" lines its page prints above the story, and with the page's byline."""
    (path,) = (shared / "corpus" / "aeb" / "html").glob("f8ff621a*.html.gz")
    report = only(import_path([str(path)]))
    assert report.counts["imported"] == 1, report.reasons
    article = Article.objects.get()
    assert "Order Reprints" not in article.body_text and "Print Article" not in article.body_text
    assert any("Order Reprints" in note for note in report.notes)


@pytest.mark.django_db
def test_header_repeated_in_the_body_is_dropped_and_bare_text_becomes_paragraphs(shared):
    """Ensure the byline and date line a page prints again at the top of its body are dropped (The Space
    Review, AEB c00962aa), and words an extractor leaves outside any block are paragraphs (IGN, 287e4d9f)."""
    folder = shared / "corpus" / "aeb" / "html"
    import_path([str(next(folder.glob("c00962aa*"))), str(next(folder.glob("287e4d9f*")))])
    review = Article.objects.get(title__startswith="Seeking a bigger role")
    assert review.byline == "Jeff Foust" and "by Jeff Foust" not in review.body_text
    deals = Article.objects.get(title__startswith="Daily Deals")
    root = deals.body_html.strip()
    assert root.startswith("<") and not root.split(">", 1)[1].startswith(" ")  # no bare text at the top
    assert deals.body_html.count("<p>") >= 10


@pytest.mark.parametrize("stated, url, outlet", [
    ("Copyright 2014", "https://www.spacenews.com/a/b", "SpaceNews"),
    ("Hosted", "https://news.example.org/a", "example.org"),
    ("https://www.example.com", "https://www.example.com/a", "example.com"),
    ("ผล DNA ยืนยัน ศพลอยแม่น้ำโขงเป็นคนสนิท อดีตผู้ต้องหา", "https://www.thairath.co.th/news/1", "thairath.co.th"),
    ("Reuters", "https://www.reuters.com/a", "Reuters"),
    ("@politifact", "https://www.politifact.com/a", "PolitiFact"),
    ("LinkNaija | Nigeria's popular news platform", "", "LinkNaija"),
    ("PanARMENIAN.Net", "", "PanARMENIAN.Net"),
    ("The Space Review", "", "The Space Review"),
])
def test_outlet_is_a_publication_name(stated, url, outlet):
    """Ensure a copyright line, "Hosted", a URL or a headline never becomes the outlet: the domain does."""
    assert outlet_name([stated], url, "Some headline")[0] == outlet


@pytest.mark.parametrize("byline, people", [
    ("Jeff Foust Monday; November", "Jeff Foust"), ("By Jan Koum", "Jan Koum"), ("Reuters Staff", ""),
    ("By Jane Roe | Nov 18, 2019 10:30 AM ET", "Jane Roe"), ("Jane Roe and John Smith", "Jane Roe and John Smith"),
    ("admin", ""), ("RSW AG", ""), ("Sarah E Needleman", "Sarah E Needleman"), ("Bruce Y Lee", "Bruce Y Lee"),
    ("Phil Helsel is a reporter", "Phil Helsel"), ("Tom Gillespie News reporter", "Tom Gillespie"),
    ("Analysis by Chris Cillizza; CNN Editor-at-large", "Chris Cillizza"), ("Telegraph Sport", ""),
    ("The Russian", ""), ("Текст Лида Буслаева", "Лида Буслаева"), ("Hines, P. J.", "P. J. Hines"),
    ("Google Testing Bloggers (noreply@blogger.com)", ""), ("JANIE HAR", "Janie Har"),
])
def test_byline_holds_people_only(byline, people):
    """Ensure a byline keeps its people and drops dates, weekdays, staff and company names."""
    assert person_names(byline) == people


@pytest.mark.django_db
def test_article_without_outlet_shows_its_domain_and_no_dangling_dot(client, tmp_path):
    """Ensure an article with no outlet shows its address's domain where the outlet would be, and a
    list item never starts with a separator."""
    line = ('{"title": "Quiet note", "published": "2025-11-20T10:00:00Z", "body": "Words.", '
            '"url": "https://www.example.net/notes/quiet-note"}\n{"title": "Bare note", '
            '"published": "2025-11-21T10:00:00Z", "body": "Words."}\n')
    (tmp_path / "notes.jsonl").write_text(line)
    import_path([str(tmp_path / "notes.jsonl")])
    quiet, bare = Article.objects.get(title="Quiet note"), Article.objects.get(title="Bare note")
    assert '<span class="domain">example.net</span>' in client.get(quiet.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    item = home[home.index("Bare note"):]
    meta = item[item.index('<div class="meta">') + len('<div class="meta">'):item.index("</div>")]
    assert not meta.strip().startswith("·") and bare.outlet is None


# -- dates ------------------------------------------------------------------------------------------

PORTUGUESE_FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Placar</title>
<link>https://placar.example/</link><language>pt-BR</language>
<item><title>Resultados da rodada</title><link>https://placar.example/1</link>
<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate><description>O time venceu por dois a zero.</description></item>
<item><title>Tabela atualizada</title><link>https://placar.example/2</link>
<pubDate>quando der</pubDate><description>A tabela mudou depois da rodada.</description></item>
</channel></rss>"""


def test_dates_in_other_languages_are_read():
    """Ensure month and day names in the feed's language are read, fast and by the fallback."""
    first, second = read_feed(PORTUGUESE_FEED.encode(), REF)
    assert first.published_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC) and not first.date_unknown
    assert second.date_unknown and not second.date_inferred
    assert DateReader("fr").read("lun., 3 déc. 2018 10:00:00 +0100") == datetime(2018, 12, 3, 9, 0, tzinfo=UTC)
    assert DateReader("").read("3. Dezember 2018 10:00").date().isoformat() == "2018-12-03"
    assert parse_date_line("24 de setembro de 2018", REF).when.date().isoformat() == "2018-09-24"


@pytest.mark.django_db
def test_unreadable_date_is_unknown_never_news(tmp_path, client, django_user_model):
    """Ensure an entry whose date cannot be read is stored as "date unknown" (sorted by when it was
    found), shown so, and never notifies the followers of what it mentions, while a fresh dated one does."""
    reader = django_user_model.objects.create_user("follower", password="pw-123456789")
    Follow.objects.create(user=reader, kind=Follow.TICKER, key="BA")
    fresh = timezone.now() - timedelta(hours=1)
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><language>pt</language>'
            f'<item><title>Boeing old news</title><link>https://wire.example/old</link><pubDate>um dia</pubDate>'
            f"<description>Boeing (NYSE: BA) delivered jets.</description></item>"
            f'<item><title>Boeing fresh news</title><link>https://wire.example/new</link>'
            f"<pubDate>{fresh:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
            f"<description>Boeing (NYSE: BA) delivered more jets.</description></item></channel></rss>")
    (tmp_path / "wire.rss").write_text(feed)
    assert only(import_path([str(tmp_path / "wire.rss")])).counts["imported"] == 2
    old, new = Article.objects.get(title="Boeing old news"), Article.objects.get(title="Boeing fresh news")
    assert old.date_unknown and abs((old.published_at - timezone.now()).total_seconds()) < 120
    for article in (old, new):
        enrich_article(article)
    assert list(Event.objects.values_list("article__title", flat=True)) == ["Boeing fresh news"]
    assert "date unknown" in client.get(old.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/articles/{old.pk}").json()["published_at"] is None


@pytest.mark.django_db
def test_feed_whose_every_date_is_unreadable_is_stored_with_dates_unknown(tmp_path):
    """Ensure a feed of 60 entries whose dates nobody can read stores every entry, none with a made-up date."""
    items = "".join(f"<item><title>Note {n}</title><link>https://wire.example/{n}</link><pubDate>soon {n}</pubDate>"
                    f"<description>Words {n}.</description></item>" for n in range(60))
    (tmp_path / "undated.rss").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}'
                                          f"</channel></rss>")
    started = time.monotonic()
    report = only(import_path([str(tmp_path / "undated.rss")]))
    assert report.counts["imported"] == 60 and report.ok
    assert Article.objects.filter(date_unknown=True).count() == 60
    assert time.monotonic() - started < 60  # the slow fallback gives up on a feed it cannot read


# -- feeds keep every item -----------------------------------------------------------------------

@pytest.mark.django_db
def test_entry_with_only_a_tracking_pixel_is_a_link_item(tmp_path, client):
    """Ensure an entry whose description is only a tracking pixel is stored as a link item (headline,
    outlet, link, "read it at"), and the import exits 0."""
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            '<item><title>Rates held</title><link>https://wire.example/rates</link>'
            '<description>&lt;img src="https://px.example/t.gif" width="1" height="1"&gt;</description></item>'
            "</channel></rss>")
    (tmp_path / "wire.rss").write_text(feed)
    call_command("import", str(tmp_path / "wire.rss"), "--strict")
    article = Article.objects.get()
    assert article.is_link_item and article.url == "https://wire.example/rates"
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="https://wire.example/rates"' in page and "read it at" in page


@pytest.mark.django_db
def test_ten_thousand_title_only_items_are_all_kept(tmp_path):
    """Ensure a feed of 10,000 entries with a title and a link only stores every one as a link item."""
    items = "".join(f"<item><title>Brief {n}</title><link>https://wire.example/b/{n}</link></item>" for n in range(10_000))
    (tmp_path / "briefs.rss").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}'
                                         f"</channel></rss>")
    report = only(import_path([str(tmp_path / "briefs.rss")]))
    assert report.counts["imported"] == 10_000 and report.ok
    assert Article.objects.filter(body_text="").count() == 10_000


@pytest.mark.django_db
def test_strict_turns_refused_records_into_exit_one(tmp_path):
    """Ensure `parley import` exits 0 when every file was read, listing what it refused, and 1 with --strict."""
    (tmp_path / "home.html").write_text("<html><head><title>Home</title></head><body><p>Hi.</p></body></html>")
    call_command("import", str(tmp_path / "home.html"))
    with pytest.raises(CommandError, match="1 record refused"):
        call_command("import", str(tmp_path / "home.html"), "--strict")


# -- gzip --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_gzip_is_read_and_bombs_and_truncations_are_refused(tmp_path, settings):
    """Ensure a gzipped page is imported, a gzip bomb past the size limit and a truncated .gz are
    refused with a reason, and a .gz that is not gzip says so."""
    settings.PARLEY_IMPORT_MAX_BYTES = 1_000_000
    page = article_page("".join(f"<p>{PROSE}</p>" for _ in range(4)), head='<meta property="og:type" content="article">')
    good = gzip.compress(page.encode())
    (tmp_path / "page.html.gz").write_bytes(good)
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 50_000_000))
    (tmp_path / "cut.html.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "fake.html.gz").write_bytes(page.encode())
    reports = {r.path.rsplit("/", 1)[1]: r for r in import_path([str(tmp_path)])}
    assert reports["page.html.gz"].counts["imported"] == 1
    assert reports["bomb.html.gz"].failed and "over the import limit" in reports["bomb.html.gz"].reasons[0]
    assert reports["cut.html.gz"].failed and "truncated gzip" in reports["cut.html.gz"].reasons[0]
    assert reports["fake.html.gz"].failed and "not a gzip file" in reports["fake.html.gz"].reasons[0]


# -- operator comforts -------------------------------------------------------------------------

@pytest.mark.django_db
def test_sources_list_is_a_table_with_names_and_human_times(capsys):
    """Ensure `parley sources list` says so when there are none, and otherwise shows a table with
    names, health and human times (not raw timestamps)."""
    from parley.sources.models import Source

    call_command("sources", "list")
    assert "No sources yet" in capsys.readouterr().out
    now = timezone.now()
    Source.objects.create(url="https://wire.example/feed.xml", name="Harbor Wire", last_fetch_at=now - timedelta(minutes=5),
                          last_status=200, last_new=3, next_check_at=now + timedelta(hours=2))
    Source.objects.create(url="https://bad.example/feed.xml", consecutive_failures=2, last_error="HTTP 503",
                          next_check_at=now + timedelta(minutes=30))
    call_command("sources", "list")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["id", "name", "kind", "health", "last", "check", "last", "brought", "next",
                                           "check"]
    assert "Harbor Wire" in out and "5 min ago (HTTP 200)" in out and "in 2 h" in out and "3 new" in out
    assert "failing (2 in a row)" in out and "HTTP 503" in out and "+00:00" not in out


def test_served_address_becomes_the_site_url_when_unset(monkeypatch, settings):
    """Ensure links in mail point at the address `parley serve` serves when PARLEY_SITE_URL is unset,
    and a set PARLEY_SITE_URL is kept; either way the line says which."""
    from parley.articles.management.commands.serve import site_url_for

    monkeypatch.delenv("PARLEY_SITE_URL", raising=False)
    line = site_url_for("0.0.0.0:8001")
    assert settings.PARLEY_SITE_URL == "http://127.0.0.1:8001" and "the address served" in line
    import os
    assert os.environ["PARLEY_SITE_URL"] == "http://127.0.0.1:8001"  # the web and source workers inherit it
    monkeypatch.setenv("PARLEY_SITE_URL", "https://news.example.com")
    settings.PARLEY_SITE_URL = "https://news.example.com"
    assert "PARLEY_SITE_URL: https://news.example.com" in site_url_for("127.0.0.1:8002")
    assert settings.PARLEY_SITE_URL == "https://news.example.com"


@pytest.mark.django_db
def test_entries_sharing_one_link_are_kept_apart(shared):
    """Ensure a real podcast feed whose episodes mostly link to its home page keeps every episode
    (the shared link is not an article's identity), and importing it again changes nothing."""
    path = str(shared / "corpus" / "feeds" / "itunes-missing-image.rss")
    first = only(import_path([path]))
    assert first.counts["imported"] == 131 and Article.objects.count() == 131, first.reasons
    assert Article.objects.filter(title__startswith="Taverncast 62").exists()
    again = only(import_path([path]))
    assert again.counts["unchanged"] == 131 and Article.objects.count() == 131


def test_emphasis_trafilatura_cannot_convert_becomes_plain_text():
    """Ensure an extracted body with emphasis trafilatura has no HTML for (rend="uppercase", found on a
    held-out page, where it stopped the conversion with a KeyError) keeps its words as plain text."""
    from lxml import etree

    from parley.sources.readers.htmlpage import body_html

    body = etree.fromstring('<body><p>Shares of <hi rend="uppercase">acme</hi> rose <hi rend="#b">sharply</hi>.</p></body>')
    html, _ = body_html(body, "A headline")
    assert html == "<p>Shares of acme rose <strong>sharply</strong>.</p>"


@pytest.mark.django_db
def test_a_web_page_saved_as_a_feed_is_read_as_the_page_it_is(shared):
    """Ensure a real file named .rss that holds a server's "Object Moved" page (rss-parser's
    unrecognized.rss) is read as an HTML page and refused as a redirect page, not failed as a broken
    feed, so importing the real feeds folder exits 0."""
    report = only(import_path([str(shared / "corpus" / "feeds" / "unrecognized.rss")]))
    assert not report.failed and report.counts["refused"] == 1
    assert "redirect page" in report.reasons[0] and "an HTML page" in report.notes[0]
    call_command("import", str(shared / "corpus" / "feeds"), "-v0")  # no CommandError: every file was read
