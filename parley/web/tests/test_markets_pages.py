"""Prices beside the news on reading pages: the move since publication beside an article's ticker chip
and under a home page headline, the home page's box of movers and /markets/ (ranking, that day's
articles and comments, coverage against the ticker's own usual, the empty states), never a causal word."""
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.discussion.services import post_comment
from parley.enrichment.services import enrich_article
from parley.markets.models import DailyBar
from parley.markets.moves import EXCHANGE_ZONE, today_on_exchange

pytestmark = pytest.mark.django_db
# Words that would tell a reader the news moved the price: a move beside an article states two closes.
CAUSAL = re.compile(r"\b(after|because|on the news|due to|as a result|thanks to|driven by|sent|sparked)\b", re.I)
BODIES = {"BA": "Boeing (NYSE: BA) delivered more jets this month.",
          "MSFT": "Microsoft (NASDAQ: MSFT) sold more cloud services.",
          "INTC": "Intel (NASDAQ: INTC) cut its forecast for chips."}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def ny(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), EXCHANGE_ZONE)


@pytest.fixture
def day():
    """The latest trading day of these tests: yesterday in New York (so all its hours are past)."""
    return today_on_exchange(timezone.now()) - timedelta(days=1)


def closes(symbol, last: date, values):
    """Store one close a calendar day, the last on `last`, oldest first."""
    first = last - timedelta(days=len(values) - 1)
    DailyBar.objects.bulk_create([DailyBar(symbol=symbol, day=first + timedelta(days=i), close=Decimal(v),
                                           source="stooq csv") for i, v in enumerate(values)])


@pytest.fixture
def news(make_article):
    """Return a function storing an enriched article about a ticker, published at a time."""
    def about(symbol, published_at, title=None):
        article = make_article(title=title, body=BODIES[symbol], published_at=published_at)
        enrich_article(article)
        return article
    return about


def test_the_article_chip_shows_the_move_since_publication_with_its_days(client, news, day):
    """Ensure an article published at 10:00 New York time three days before the latest close shows,
    beside its $BA chip, the change from the close the day before it to the latest close, with both
    days and the source, and no causal word; a ticker with no stored prices shows no figure."""
    closes("BA", day, ["100"] * 6 + ["104.2"] * 4)  # ... day-4: 100, day-3 .. day: 104.2
    article = news("BA", ny(day - timedelta(days=3), 10))
    html = client.get(article.get_absolute_url()).content.decode()
    chips = text(re.search(r'<p class="chips">.*?</p>', html, re.S).group(0))
    start = day - timedelta(days=4)
    assert chips == f"$BA +4.2% {start:%b} {start.day} – {day:%b} {day.day}, {day.year} close"
    note = text(re.search(r'<p class="moves-note meta">.*?</p>', html, re.S).group(0))
    assert "the close before publication to the latest close" in note and "source: stooq csv" in note
    assert not CAUSAL.search(chips + " " + note)
    # Beside the outlet's disclaimer, the price notice
    disclaimer = text(re.search(r'<section class="disclaimer".*?</section>', html, re.S).group(0))
    assert ("The price changes beside this article's tickers are end-of-day closes (source: stooq csv), for "
            "information only") in disclaimer.replace("&#39;", "'").replace("&#x27;", "'")
    unpriced = news("MSFT", ny(day - timedelta(days=3), 10))
    html = client.get(unpriced.get_absolute_url()).content.decode()
    assert '<a class="chip ticker"' in html and 'class="move' not in html and "moves-note" not in html
    assert "price-notice" not in html


def test_the_home_page_lists_moves_under_headlines_and_the_movers_box(client, news, day):
    """Ensure a home page headline carries its ticker's move since publication and the box lists the
    tickers in the news by their latest change, largest first either way, linking to /markets/."""
    closes("BA", day, ["100"] * 8 + ["110", "99"])  # -10% on the day
    closes("MSFT", day, ["50"] * 9 + ["51"])  # +2% on the day
    news("BA", ny(day - timedelta(days=2), 9), title="Boeing deliveries rise")
    news("MSFT", ny(day, 11), title="Microsoft cloud sales")
    html = client.get("/").content.decode()
    item = re.search(r"Boeing deliveries rise.*?</li>", html, re.S).group(0)
    start = day - timedelta(days=3)
    assert f"$BA -1.0% {start:%b} {start.day} – {day:%b} {day.day}, {day.year} close" in text(item)
    box = text(re.search(r'<aside class="markets-box".*?</aside>', html, re.S).group(0))
    assert box.index("$BA") < box.index("$MSFT")  # -10% before +2%
    assert "-10.0%" in box and "+2.0%" in box and 'href="/markets/"' in html
    assert not CAUSAL.search(box)


def test_markets_ranks_gainers_and_decliners_with_counts_and_attention(client, news, day):
    """Ensure /markets/ lists gainers largest first and decliners largest fall first, each with its
    last close, day and source, that day's articles and comments, and coverage against its usual:
    twice its 30-day usual for BA, first coverage in 30 days for MSFT."""
    closes("BA", day, ["100", "103"])  # +3%
    closes("MSFT", day, ["100", "108"])  # +8%
    closes("INTC", day, ["100", "96"])  # -4%
    closes("IDLE", day, ["100", "150"])  # not in the news: not listed
    reader = User.objects.create_user("reader", password="a long enough password 1")
    today = [news("BA", ny(day, 9 + i)) for i in range(2)]
    for n in range(30):  # 30 BA articles over the 30 days before: a usual of 1 a day
        news("BA", ny(day - timedelta(days=1 + n), 12))
    msft = news("MSFT", ny(day, 10))
    news("MSFT", ny(day - timedelta(days=40), 10))  # outside the 30 days: still "first coverage"
    news("INTC", ny(day - timedelta(days=1), 15))  # in the news, but no article on the day itself
    for i in range(3):
        post_comment(reader, today[0], f"Comment {i}", at=ny(day, 13), enforce_limits=False)
    post_comment(reader, msft, "That day", at=ny(day, 14), enforce_limits=False)
    post_comment(reader, msft, "The day before: not counted", at=ny(day - timedelta(days=1), 14), enforce_limits=False)
    html = client.get("/markets/").content.decode()
    gainers = text(re.search(r'id="gainers-title".*?</section>', html, re.S).group(0))
    decliners = text(re.search(r'id="decliners-title".*?</section>', html, re.S).group(0))
    assert gainers.index("$MSFT") < gainers.index("$BA") and "INTC" not in gainers and "IDLE" not in html
    assert "$MSFT Microsoft" in gainers and "+8.0%" in gainers
    assert f"108.00 USD close {day:%b %d, %Y} (from {day - timedelta(days=1):%b %d}; source: stooq csv, end of day)" in gainers
    assert "in the news: 2 articles, 3 comments · coverage 2.0x its 30-day usual" in gainers
    assert "in the news: 1 article, 1 comment · first coverage in 30 days" in gainers
    assert "$INTC" in decliners and "-4.0%" in decliners
    assert "in the news: 0 articles, 0 comments · no articles that day, 1 in the 30 days before" in decliners
    assert "Prices are end-of-day" in html
    assert not CAUSAL.search(text(re.search(r"<main.*?</main>", html, re.S).group(0)))


def test_markets_says_how_to_import_when_no_prices_are_stored(client, news, day):
    """Ensure /markets/ with no stored prices says so and how an operator imports them, and the home
    page has no empty movers box (the header links to /markets/); the page is cached for anonymous
    readers; with prices but none for the tickers in the news, it says that, and with no ticker in the
    news at all, that."""
    news("BA", ny(day, 10))
    html = client.get("/markets/").content.decode()
    assert "No prices are stored yet" in text(html) and "parley prices import FILE_OR_FOLDER" in html
    home = client.get("/").content.decode()
    assert "markets-box" not in home and '<a href="/markets/">Markets</a>' in home  # in the header's sections
    closes("IDLE", day, ["1", "2"])
    assert "No prices are stored yet" in text(client.get("/markets/").content.decode())  # cached for anonymous readers
    from django.core.cache import caches

    caches["default"].clear()
    html = client.get("/markets/").content.decode()
    assert "None of the tickers in the news in the last 4 days has stored prices" in text(html)
    assert "No ticker in the news has prices for its latest two trading days" in text(client.get("/").content.decode())


def test_a_listings_moves_are_kept_a_minute(news, day, django_assert_num_queries):
    """Ensure a listing's moves are computed in two queries, then served from the cache (no query)
    until MOVERS_SECONDS pass, the same figures either way."""
    from parley.web.markets import listing_moves

    closes("BA", day, ["100"] * 6 + ["104.2"] * 4)
    article = news("BA", ny(day - timedelta(days=3), 10))
    with django_assert_num_queries(2):
        first = listing_moves([article])
    with django_assert_num_queries(0):
        assert listing_moves([article]) == first
    assert first[article.pk][0].text.startswith("+4.2% ")


def test_markets_names_the_demos_invented_companies(client):
    """Ensure /markets/ after `parley demo` names each mover (the demo's companies are not in the company
    list: a newcomer saw bare symbols) as what it is: invented for the demo."""
    from django.core.management import call_command

    from parley.articles.models import Article
    from parley.enrichment.services import enrich_articles

    call_command("demo", stdout=None)
    enrich_articles(Article.objects.filter(is_sample=True))
    page = text(client.get("/markets/").content.decode())
    symbols = re.findall(r"\$([A-Z]{4}) ", page)
    assert symbols  # the demo's tickers are in the news and have sample prices
    named = dict(re.findall(r"\$([A-Z]{4}) ([A-Z][\w ]+?) \(invented for the demo\)", page))
    assert set(symbols) == set(named) and named.get("ALDB", "Alderbrook Energy") == "Alderbrook Energy"


def test_markets_says_when_no_article_names_a_ticker(client, make_article, day):
    """Ensure /markets/ and the home box say that no recent article names a ticker, rather than that
    prices are missing, when prices are stored but nothing is in the news."""
    make_article(title="Rates were unchanged", body="The central bank kept rates where they were.",
                 published_at=ny(day, 10))
    closes("BA", day, ["100", "101"])
    assert "No article of the last 4 days names a ticker" in text(client.get("/markets/").content.decode())
    assert "No article of the last few days names a ticker" in text(client.get("/").content.decode())
