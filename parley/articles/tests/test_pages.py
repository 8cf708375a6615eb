"""Reading pages rendered by the real views on the real database."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parley.articles.models import Disclaimer
from parley.articles.queries import PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_home_lists_newest_first(client, make_article):
    """Ensure the home page lists articles newest first."""
    old = make_article(title="Older story", published_at=timezone.make_aware(datetime(2025, 1, 1)))
    new = make_article(title="Newer story", published_at=timezone.make_aware(datetime(2025, 6, 1)))
    html = client.get("/").content.decode()
    assert html.index(new.title) < html.index(old.title)


def test_home_keyset_pagination_covers_every_article_once(client, make_article):
    """Ensure following the 'older' links visits every article exactly once, even with equal dates."""
    same_time = timezone.make_aware(datetime(2025, 3, 3, 12, 0))
    titles = {make_article(title=f"Story {n:02d}", published_at=same_time if n % 3 else None).title
              for n in range(PAGE_SIZE * 2 + 5)}
    seen, url = [], "/"
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'class="headline" href="[^"]+">(Story \d\d)<', html)
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        url = "/" + nxt.group(1).replace("&amp;", "&") if nxt else None
    assert sorted(seen) == sorted(titles)


def test_bad_cursor_shows_first_page(client, make_article):
    """Ensure a tampered cursor falls back to the first page instead of failing."""
    make_article(title="Only story")
    assert "Only story" in client.get("/?after=!!garbage").content.decode()


def test_most_discussed_box_is_honest_when_quiet(client, make_article):
    """Ensure the Most Discussed box says nothing was discussed instead of inventing entries."""
    for _ in range(12):
        make_article()
    html = client.get("/").content.decode()
    box = html[html.index('class="most-discussed"'):]
    box = box[:box.index("</aside>")]
    assert box.count("<li>") == 0 and "No discussions in the last 24 hours yet." in box


def test_article_page_shows_body_then_outlet_disclaimer(client, make_article):
    """Ensure the article page shows outlet, byline, zoned date, body, then the outlet's disclaimer."""
    article = make_article(title="Lender lifts payout", outlet="Harbor Wire", byline="Jane Porter",
                           body="First paragraph.\n\nSecond paragraph.", disclaimer="Not investment advice.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Harbor Wire" in html and "By Jane Porter" in html
    assert re.search(r"Nov \d+, 2025, \d\d:\d\d UTC", html)
    assert html.index("Second paragraph.") < html.index("Not investment advice.")


def test_site_default_disclaimer_when_outlet_has_none(client, make_article):
    """Ensure an outlet without a disclaimer gets the site's default one."""
    Disclaimer.objects.create(is_default=True, text="Site-wide: investing carries risk.")
    article = make_article(outlet="Quiet Outlet")
    assert "Site-wide: investing carries risk." in client.get(article.get_absolute_url()).content.decode()


def test_article_wrong_slug_redirects(client, make_article):
    """Ensure an article URL with a stale slug redirects to the current one."""
    article = make_article(title="Right title")
    response = client.get(reverse("article", args=[article.pk, "wrong-title"]))
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_missing_article_and_outlet_are_404(client):
    """Ensure unknown articles and outlets answer 404."""
    assert client.get("/a/999/x/").status_code == 404
    assert client.get("/o/nobody/").status_code == 404


def test_outlet_page_lists_only_its_articles(client, make_article):
    """Ensure an outlet page shows that outlet's articles and no others."""
    mine = make_article(title="Mine", outlet="Alpha")
    make_article(title="Theirs", outlet="Beta")
    html = client.get(mine.outlet.get_absolute_url()).content.decode()
    listing = html[html.index("<main"):html.index("</main>")]
    assert ">Mine<" in listing and ">Theirs<" not in listing


def test_titles_and_bodies_are_escaped(client, make_article):
    """Ensure markup in a headline is shown as text and markup in a body is sanitised."""
    article = make_article(title="<script>alert(1)</script> Shares jump",
                           html='<p>Fine <img src=x onerror="alert(2)"> text<script>alert(3)</script></p>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "onerror" not in html and "alert(3)" not in html


def test_search_page_highlights_and_escapes(client, make_article):
    """Ensure search results mark the matched words and escape the rest of the snippet."""
    make_article(title="Copper rally", body="Copper <b>prices</b> rose as warehouse stocks fell.")
    html = client.get("/search", {"q": "copper warehouse"}).content.decode()
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>Copper</mark>" in snippet and "<mark>warehouse</mark>" in snippet
    # SQLite keeps the text and it is escaped; PostgreSQL's headline drops tag-like words. Never raw.
    assert "prices" in snippet and "<b>" not in snippet


def test_search_page_without_matches(client, make_article):
    """Ensure a query with no match says so."""
    make_article(title="Copper rally")
    assert "Nothing matches" in client.get("/search", {"q": "zeppelin"}).content.decode()


def test_security_headers(client):
    """Ensure pages carry CSP, nosniff, frame denial and a referrer policy."""
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_anonymous_page_cache_serves_stored_copy(client, make_article, settings):
    """Ensure anonymous readers get the cached home page until it expires, signed-in ones a fresh one."""
    make_article(title="First headline")
    assert "First headline" in client.get("/").content.decode()
    make_article(title="Second headline", published_at=timezone.now())
    assert "Second headline" not in client.get("/").content.decode()
    client.cookies[settings.SESSION_COOKIE_NAME] = "someone"
    assert "Second headline" in client.get("/").content.decode()


def test_error_pages_are_the_sites_own(client, settings):
    """Ensure 404 and 403 are styled pages with the site's header and a way home, and a 500 is too,
    drawn without the database, with its traceback logged by Django's request logger."""
    from django.urls import path

    import parley.urls

    settings.PARLEY_SITE_NAME = "Ledger Talk"
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "<title>Not found · Ledger Talk</title>" in html and 'class="brand"' in html and 'href="/">Back' in html
    assert "/no/such/page" in html

    def broken(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [path("boom", broken)] + parley.urls.urlpatterns,
                                              "handler500": parley.urls.handler500})
    client.raise_request_exception = False
    failed = client.get("/boom")
    assert failed.status_code == 500
    assert "Something went wrong on our side" in failed.content.decode()
    assert "Ledger Talk" in failed.content.decode() and "Sign in" not in failed.content.decode()


def test_sign_in_page_is_titled_with_the_site_name(client, settings):
    """Ensure Django's auth views no longer put the host name in the title."""
    html = client.get("/accounts/login/").content.decode()
    assert f"<title>Sign in · {settings.PARLEY_SITE_NAME}</title>" in html and "testserver" not in html


def test_pagination_goes_both_ways(client, make_article):
    """Ensure 'newer' links from any page lead back through exactly the pages 'older' links walked."""
    same_time = timezone.make_aware(datetime(2025, 3, 3, 12, 0))
    for n in range(PAGE_SIZE * 3 + 4):
        make_article(title=f"Story {n:02d}", published_at=same_time if n % 4 else None)

    def titles(html):
        return re.findall(r'class="headline" href="[^"]+">(Story \d\d)<', html)

    pages, url = [], "/"
    while url:
        html = client.get(url).content.decode()
        pages.append(titles(html))
        assert ('rel="prev"' in html) == (len(pages) > 1)
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        url = "/" + nxt.group(1).replace("&amp;", "&") if nxt else None
    assert [len(p) for p in pages] == [PAGE_SIZE] * 3 + [4]
    back = []
    prev = re.search(r'rel="prev" href="([^"]+)"', html)
    while prev:
        html = client.get("/" + prev.group(1).replace("&amp;", "&")).content.decode()
        back.append(titles(html))
        prev = re.search(r'rel="prev" href="([^"]+)"', html)
    assert back == pages[-2::-1]


def test_list_items_show_lead_comments_and_honest_dates(client, make_article, django_user_model):
    """Ensure a list item carries its one-line lead, its comment count, no clock time for a date-only
    article, and a mark on an inferred date; the feeds describe items by their lead."""
    from parley.discussion.services import post_comment

    long_first = "Copper rose for a third day as " + "mines in Chile reported strikes and smelters cut output " * 8
    dated = make_article(title="Copper rallies", body=long_first + "\n\nSecond paragraph.",
                         published_at=timezone.make_aware(datetime(2025, 11, 25), UTC))
    timed = make_article(title="Oil slips", summary="Brent fell after inventories rose.", body="Body text.",
                         published_at=timezone.make_aware(datetime(2025, 11, 26, 14, 5), UTC))
    guessed = make_article(title="Gold steady", date_inferred=True)
    reader = django_user_model.objects.create_user("reader", date_joined=timezone.now() - timedelta(days=30))
    post_comment(reader, dated, "Strikes again.")
    post_comment(reader, dated, "And smelters.")

    html = client.get("/").content.decode()
    item = html[html.index("Copper rallies"):html.index("</li>", html.index("Copper rallies"))]
    assert "Copper rose for a third day as mines in Chile" in item and "Second paragraph" not in item
    assert re.search(r'class="teaser">[^<]{100,280}…</p>', item)
    assert '<time datetime="2025-11-25">Nov 25, 2025</time>' in item and "00:00" not in item
    assert '2 comments</a>' in item
    oil = html[html.index("Oil slips"):html.index("</li>", html.index("Oil slips"))]
    assert "Brent fell after inventories rose." in oil and "14:05 UTC" in oil and "comment" not in oil
    gold = html[html.index("Gold steady"):html.index("</li>", html.index("Gold steady"))]
    assert "date inferred" in gold and "date inferred" not in oil

    rss = client.get("/feed.rss").content.decode()
    assert "Brent fell after inventories rose." in rss and "Copper rose for a third day" in rss
    assert guessed.lead == "Some body text."
    assert timed.lead == "Brent fell after inventories rose."


def test_small_reader_fixes(client, make_article):
    """Ensure /a/<id>/ finds the article, demo articles show no dead source link, waits read in
    minutes, and a search past its last page says so."""
    from parley.accounts.ratelimit import wait_words

    article = make_article(title="Linked without its title", url="https://demo.parley.invalid/1", is_sample=True)
    assert client.get(f"/a/{article.pk}/")["Location"] == article.get_absolute_url()
    assert "Read at the source" not in client.get(article.get_absolute_url()).content.decode()
    assert [wait_words(n) for n in (1, 45, 527, 3315, 7200)] == [
        "1 second", "45 seconds", "9 minutes", "55 minutes", "about 2 hours"]
    assert "No more results" in client.get("/search", {"q": "Linked", "page": "9"}).content.decode()
