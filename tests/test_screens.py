"""Every main page on a phone-sized screen and through axe-core, signed out and signed in (Chromium).

The pages are filled from the seed article (imported and enriched, so ticker, person and quote
pages exist) and a short discussion, the way a reader would meet them.
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from parley.discussion.conversations import start_conversation
from parley.discussion.services import post_comment
from parley.enrichment.models import Fact
from parley.enrichment.services import enrich_article
from parley.following.events import process_events
from parley.following.models import Follow
from parley.sources.services import import_path
from parley.stories.models import Membership
from parley.stories.services import place_pending
from tests.phone import PHONE, overflow, tap_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def site(seed_page, reference, make_article):
    """Return the paths of every main page, with the seed article enriched and discussed."""
    from parley.articles.models import Article

    import_path([str(seed_page)], reference_date=reference)
    article = Article.objects.get()
    enrich_article(article)
    reader = User.objects.create_user("reader", password=PASSWORD)
    other = User.objects.create_user("other", password=PASSWORD)
    top = post_comment(other, article, "A long word that must wrap: " + "x" * 120)
    mine = post_comment(reader, article, "A reply with a [link](https://example.com/a/very/long/path) in it.", top)
    post_comment(other, article, "A reply to @reader, for the inbox.", mine)
    make_article(title="A second article to fill the lists")
    # Another outlet's copy of the seed: a story of two, with its page, "+1 outlet" and a shared thread.
    copy = make_article(title=article.title, body=article.body_text, outlet="Second Desk",
                        published_at=article.published_at + timedelta(hours=1))
    enrich_article(copy)
    place_pending()
    story = Membership.objects.get(article=copy).story
    assert story.article_count == 2, "the copy should join the seed's story"
    ticker = Fact.objects.filter(kind="ticker").values_list("key", flat=True).first()
    person = Fact.objects.filter(kind="person").values_list("key", flat=True).first()
    assert ticker and person, "the seed should yield a ticker and a person"
    # The company page's own conversation, and a comment elsewhere naming the company as $TICKER.
    talk = post_comment(other, start_conversation(ticker, ticker), f"Anyone holding ${ticker} through this?")
    post_comment(reader, article, f"${ticker} looks cheap after this")
    post_comment(reader, talk.article, "Not me, too risky", talk)
    # A few stored closes, so the company page shows its price box, changes, line and table.
    from datetime import date as day
    from decimal import Decimal

    from parley.markets.models import DailyBar
    DailyBar.objects.bulk_create([DailyBar(symbol=ticker, day=day(2025, 11, d), close=Decimal(100 + d),
                                           volume=4_000_000 + d * 10_000,  # drawn under the line
                                           source="stooq csv") for d in (17, 18, 19, 20, 21, 24, 25)])
    outlet = article.outlet.get_absolute_url()
    Follow.objects.create(user=reader, kind="ticker", key=ticker)
    Follow.objects.create(user=reader, kind="article", key=str(article.pk))
    process_events()
    return [
        "/", article.get_absolute_url(), outlet, "/search?q=" + ticker, "/most-discussed", "/active",
        f"/t/{ticker}/", f"/p/{person}/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
        "/u/reader/", "/moderation/log", "/no/such/page", story.get_absolute_url(),
        "/feed/", "/watchlist/", "/inbox/", "/accounts/settings/",  # signed out, these ask to sign in
        "/markets/",
    ]


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def broken_references(page) -> list[str]:
    """aria-describedby and aria-labelledby values naming no element on the page."""
    return page.evaluate("""() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')].flatMap(
        el => ['aria-describedby', 'aria-labelledby'].flatMap(attr => (el.getAttribute(attr) || '').split(/\\s+/)
            .filter(id => id && !document.getElementById(id)).map(id => `${attr}=${id}`)))""")


def sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector("nav.account a.me", state="attached")  # folded in the header's menu on a phone


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_main_page_fits_a_phone_and_passes_axe(live_server, browser, site, signed_in):
    """Ensure no main page is wider than a 390 px screen, none has a serious or critical axe-core
    violation and every tap target is 24 px or spaced as WCAG 2.5.8 asks, signed out and signed in."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        if signed_in:
            sign_in(page, live_server.url)
        problems = {}
        for path in site:
            page.goto(live_server.url + path)
            found = serious(page) + broken_references(page)
            if overflow(page) > 0:
                found.append(f"{overflow(page)} px wider than the screen")
            found += [f"tap target {t}" for t in tap_targets(page)["offenders"]]
            if found:
                problems[path] = found
        assert problems == {}
    finally:
        context.close()


def test_skip_link_favicon_and_site_name(live_server, page, site, settings):
    """Ensure the skip link is the first thing a keyboard reaches and moves focus to the content, the
    favicon answers, and error pages carry the site's header and a way home."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    icon = page.request.get(live_server.url + "/favicon.ico")
    assert icon.ok and icon.headers["content-type"].startswith("image/svg")

    missing = page.goto(live_server.url + "/no/such/page")
    assert missing.status == 404
    assert page.locator("header.site .brand").inner_text() == settings.PARLEY_SITE_NAME
    assert page.locator("main a[href='/']").count() == 1
    assert page.title().startswith("Not found")


def test_recent_times_read_as_relative_with_the_exact_time_kept(live_server, page, site):
    """Ensure time.js turns a comment posted just now into "just now", keeping the exact time as the
    title, and leaves dates older than a week as dates."""
    page.goto(live_server.url + site[1])
    stamp = page.locator("li.comment .meta time").first
    assert stamp.inner_text() == "just now"
    assert stamp.get_attribute("title").endswith("UTC") and stamp.get_attribute("datetime")
    published = page.locator("article .published time")
    assert published.inner_text().startswith("Nov 25, 2025")  # a year-old article keeps its date


def test_a_fact_link_lands_on_its_whole_sentence_clear_of_the_top(live_server, page, site):
    """Ensure following a link to a fact highlights the whole sentence holding it, with room above it."""
    quote = Fact.objects.filter(kind="quote").first() or Fact.objects.filter(kind="person").first()
    page.goto(f"{live_server.url}{site[1]}#f{quote.pk}")
    sentence = page.locator(f".sentence:has(#f{quote.pk})")
    assert sentence.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert len(sentence.inner_text()) >= len(page.locator(f"#f{quote.pk}").inner_text())
    top = page.locator(f"#f{quote.pk}").evaluate("el => el.getBoundingClientRect().top")
    assert top >= 60, f"the highlighted words sit {top}px from the top of the window"


def test_company_charts_on_a_phone_mark_the_articles_and_pass_axe(live_server, browser, site):
    """Ensure the company page's charts over the archive's span (closes with the seed's day marked, volume,
    coverage on the same axis, the table with its links) fit a 390 px phone and pass axe-core."""
    ticker_page = next(path for path in site if path.startswith("/t/"))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{ticker_page}?range=all")
        chart = page.locator("svg.market.price-line")
        assert "with articles marked on the line" in chart.get_attribute("aria-label")
        assert chart.locator(".markers circle").count() >= 1 and chart.locator(".volume rect").count() == 7
        assert "Nov 25, 2025: 2 articles" in chart.locator(".markers circle title").first.text_content()
        coverage = page.locator("svg.market.coverage")
        assert coverage.get_attribute("role") == "img" and coverage.bounding_box()["width"] == chart.bounding_box()["width"]
        # The scale is legible on the phone (the high and low close, the volume peak), and a day's coverage
        # bar and a marker stay visible however many days the window holds.
        labels = chart.locator(".scale text").evaluate_all("els => els.map(e => [e.textContent, e.getBoundingClientRect().height])")
        assert [text.split(" ")[0] for text, _ in labels] == ["high", "low", "volume,"] and min(h for _, h in labels) >= 10
        assert min(coverage.locator("rect").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")) >= 1.9
        assert min(chart.locator(".markers circle").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")) >= 4
        page.click("text=Prices and articles as a table")
        assert page.locator("table.closes a").count() >= 1
        problems = serious(page) + broken_references(page)
        assert overflow(page) <= 0 and tap_targets(page)["offenders"] == [] and problems == []
    finally:
        context.close()


def test_watchlist_and_feed_with_prices_fit_a_phone_and_pass_axe(live_server, browser, site):
    """Ensure the watchlist with prices (a company and an index with closes, a fund without), its
    add-symbol box with suggestions, and My feed's price strip fit a 390 px phone, pass axe-core and
    keep 24 px tap targets; the closes are shown with their day and source."""
    from datetime import date as day
    from decimal import Decimal

    from parley.markets.models import DailyBar

    reader = User.objects.get(username="reader")
    DailyBar.objects.bulk_create([DailyBar(symbol="^GSPC", day=day(2025, 11, d), close=Decimal(6600 + d),
                                           source="stooq csv") for d in (21, 24, 25)])
    Follow.objects.create(user=reader, kind="ticker", key="^GSPC")
    Follow.objects.create(user=reader, kind="ticker", key="BRK.B")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        problems = {}
        for path in ("/watchlist/", "/watchlist/?find=boein", "/feed/"):
            page.goto(live_server.url + path)
            found = serious(page) + broken_references(page) + [f"tap target {t}" for t in tap_targets(page)["offenders"]]
            if overflow(page) > 0:
                found.append(f"{overflow(page)} px wider than the screen")
            if found:
                problems[path] = found
        assert problems == {}
        page.goto(live_server.url + "/watchlist/")
        assert "6,625.00 points close Nov 25, 2025" in page.locator(".watch-price").last.inner_text()
        page.fill("#add-symbol-input", "brk-b")
        page.click(".add-symbol-form button[type=submit]")
        assert "You already follow $BRK.B · Berkshire Hathaway." in page.inner_text("ul.messages")
        page.goto(live_server.url + "/feed/")
        assert "^GSPC 6,625.00" in page.locator(".price-strip").inner_text()
    finally:
        context.close()


def test_markets_and_the_home_box_on_a_phone_list_the_company_in_the_news(live_server, browser, site, make_article):
    """Ensure that with the seed's companies in an article of this hour, /markets/ lists it as moving (its
    close, day and source, that day's coverage against its usual) and the home page's box links there,
    both fitting a phone with no serious axe-core finding."""
    from django.utils import timezone

    enrich_article(make_article(title="Two companies this hour", outlet="Third Desk",
                                body="Citigroup (NYSE: C) and Boeing (NYSE: BA) both reported this hour.",
                                published_at=timezone.now() - timedelta(hours=1)))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for path in ("/markets/", "/"):
            page.goto(live_server.url + path)
            row = page.locator("li.mover").first.inner_text()
            assert "close Nov 25, 2025 (from Nov 24; source: stooq csv, end of day)" in row
            assert "in the news: 0 articles, 0 comments · no articles that day, 2 in the 30 days before" in row
            problems = serious(page) + broken_references(page) + [f"tap target {t}" for t in tap_targets(page)["offenders"]]
            assert overflow(page) <= 0 and problems == [], path
        page.click(".markets-box h2 a")
        assert page.url.endswith("/markets/")
    finally:
        context.close()
