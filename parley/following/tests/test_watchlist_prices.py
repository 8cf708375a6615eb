"""Watchlists traders recognise: any known stock, ETF/fund or index followed (and unknown ones refused
with the reason), a Yahoo-style portfolio CSV, the add-symbol box with suggestions, prices with their
day and source on the watchlist and in My feed, and the CSV export with the last close."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parley.following.models import Follow
from parley.markets.instruments import store_sec_funds
from parley.markets.models import DailyBar

pytestmark = pytest.mark.django_db
FUNDS = Path(__file__).resolve().parents[2] / "markets" / "tests" / "fixtures" / "company_tickers_mf.json"
LAST = date(2026, 12, 4)
# A portfolio as Yahoo Finance exports it: its own spellings (BRK-B, ^GSPC), a fund, junk and an unknown.
YAHOO_PORTFOLIO = (
    "Symbol,Current Price,Date,Time,Change,Open,High,Low,Volume,Trade Date,Purchase Price,Quantity,Commission,"
    "High Limit,Low Limit,Comment\n"
    "BRK-B,497.1,2026/12/04,16:00 EST,1.2,496.0,498.0,495.1,3120001,,,3,,,,\n"
    "VTI,301.2,2026/12/04,16:00 EST,0.4,300.0,302.0,299.5,2900100,,,10,,,,\n"
    "^GSPC,6850.1,2026/12/04,17:15 EST,12.5,6840.0,6860.0,6830.0,0,,,,,,,\n"
    "BA,212.4,2026/12/04,16:00 EST,-1.1,213.0,214.0,211.0,7120391,,,5,,,,\n"
    "ZZZZQ,1.0,2026/12/04,16:00 EST,0,1,1,1,0,,,1,,,,\n"
    "^NOPE,1.0,2026/12/04,16:00 EST,0,1,1,1,0,,,,,,,\n"
)


def weekdays(count: int) -> list[date]:
    days, day = [], LAST
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def store(symbol, start, step, source="yahoo csv", currency="USD", count=30):
    DailyBar.objects.bulk_create([DailyBar(symbol=symbol, day=day, close=Decimal(f"{start + step * n:.2f}"),
                                           adj_close=Decimal(f"{start + step * n:.2f}"), volume=1000,
                                           currency=currency, source=source)
                                  for n, day in enumerate(weekdays(count))])


@pytest.fixture
def funds(db):
    store_sec_funds(str(FUNDS))


@pytest.fixture
def alice(client, reader):
    user = reader("alice")
    client.force_login(user)
    return user


def followed(user) -> set[str]:
    return set(Follow.objects.filter(user=user, kind="ticker").values_list("key", flat=True))


def test_a_fund_and_an_index_can_be_followed_and_an_unknown_symbol_is_refused(client, alice, funds):
    """Ensure VTI (from the SEC fund list) and ^GSPC (an index) are followed and named so, and an
    unknown symbol or index is refused with the reason."""
    said = client.post("/follow", {"kind": "ticker", "key": "vti", "next": "/watchlist/"}, follow=True).content.decode()
    assert "You follow $VTI · fund/ETF (SEC fund list)." in said
    said = client.post("/follow", {"kind": "ticker", "key": "^gspc", "next": "/watchlist/"}, follow=True).content.decode()
    assert "You follow ^GSPC · S&amp;P 500 (index)." in said
    for unknown in ("ZZZZQ", "^NOPE"):
        said = client.post("/follow", {"kind": "ticker", "key": unknown, "next": "/watchlist/"}, follow=True).content.decode()
        assert f"Parley knows no company, ETF, fund or index with the symbol {unknown}." in said
    assert followed(alice) == {"VTI", "^GSPC"}


def test_before_the_fund_list_is_loaded_a_fund_is_refused_with_what_the_operator_must_do(client, alice):
    """Ensure a reader who types VTI on a site whose operator has not loaded the SEC's fund list is told
    why it is unknown (a newcomer was offered VTIX instead and not told); once it is loaded, VTI is followed."""
    said = client.post("/follow", {"kind": "ticker", "key": "VTI", "next": "/watchlist/"}, follow=True).content.decode()
    assert ("Parley knows no company, ETF, fund or index with the symbol VTI. ETFs and funds such as VTI are known "
            "once the site's operator loads the SEC's fund list (parley prices symbols --sec-funds).") in unescape(said)
    said = client.post("/watchlist/add", {"symbol": "vti"}, follow=True).content.decode()
    assert "(parley prices symbols --sec-funds)" in said
    store_sec_funds(str(FUNDS))
    said = client.post("/follow", {"kind": "ticker", "key": "ZZZZQ", "next": "/watchlist/"}, follow=True).content.decode()
    assert "symbol ZZZZQ." in said and "--sec-funds" not in said
    client.post("/watchlist/add", {"symbol": "vti"})
    assert followed(alice) == {"VTI"}


def test_a_yahoo_portfolio_csv_loses_no_known_row_and_says_why_rows_were_refused(client, alice, funds):
    """Ensure a Yahoo portfolio export's BRK-B, VTI, ^GSPC and BA are all followed, and the unknown
    symbol and index are each reported by row with the reason."""
    upload = SimpleUploadedFile("quotes.csv", YAHOO_PORTFOLIO.encode(), content_type="text/csv")
    page = client.post("/watchlist/import", {"file": upload}, follow=True).content.decode()
    assert followed(alice) == {"BRK.B", "VTI", "^GSPC", "BA"}
    assert "Followed 4 new tickers" in page
    assert "Row 6 skipped (“ZZZZQ”): Parley knows no company, ETF, fund or index with the symbol ZZZZQ." in page
    assert "Row 7 skipped (“^NOPE”): Parley knows no company, ETF, fund or index with the symbol ^NOPE." in page


def test_a_symbol_held_in_several_lots_is_followed_once_and_not_called_already_followed(client, alice, funds):
    """Ensure two lots of BA in a broker's export (two rows) follow BA once and say "1 new", not "1 you
    already followed" for the second row (a newcomer's two AAPL lots read that way)."""
    lots = YAHOO_PORTFOLIO.split("\n", 1)[0] + "\nBA,212.4,,,,,,,,,150,5,,,,\nBA,212.4,,,,,,,,,180,2,,,,\n"
    upload = SimpleUploadedFile("quotes.csv", lots.encode(), content_type="text/csv")
    page = client.post("/watchlist/import", {"file": upload}, follow=True).content.decode()
    assert followed(alice) == {"BA"} and "already followed" not in page
    assert "Followed 1 new ticker (BA); 1 more row named a ticker again." in page


def test_the_watchlist_shows_each_tickers_last_close_day_source_and_changes(client, alice, funds):
    """Ensure followed tickers show their last close with its day, currency and source, the 1-day and
    1-month change, and the end-of-day notice; a ticker with no prices shows none."""
    store("BA", 200.0, 1.0)
    store("^GSPC", 6000.0, -10.0, source="stooq csv")
    for symbol in ("BA", "^GSPC", "MSFT"):
        Follow.objects.create(user=alice, kind="ticker", key=symbol)
    page = client.get("/watchlist/").content.decode()
    assert "229.00 USD</strong> close Dec 04, 2026" in page
    assert "1 day\n  <span class=\"up\">+0.4%</span>" in page  # 229 / 228
    assert "1 month\n  <span class=\"up\">+10.6%</span>" in page  # 229 / 207 (Nov 4, 22 weekdays before)
    assert "5,710.00 points</strong> close Dec 04, 2026" in page and '<span class="down">-0.2%</span>' in page
    assert "(source: yahoo csv, end of day)" in page and "(source: stooq csv, end of day)" in page
    assert "^GSPC · S&amp;P 500 (index)" in page and "$BA · Boeing" in page
    assert page.count("watch-price") == 2  # MSFT has no prices stored: none shown, none invented
    assert "Prices are end-of-day closes imported by this site's operator, for information only" in page


def test_no_prices_no_notice(client, alice):
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    page = client.get("/watchlist/").content.decode()
    assert "watch-price" not in page and "Prices are end-of-day" not in page


@pytest.mark.parametrize("typed, symbol, label", [
    ("boeing", "BA", "$BA · Boeing"),
    ("brk-b", "BRK.B", "$BRK.B · Berkshire Hathaway"),
    ("BRK/B", "BRK.B", "$BRK.B · Berkshire Hathaway"),
    ("vti", "VTI", "$VTI · fund/ETF (SEC fund list)"),
    ("^gspc", "^GSPC", "^GSPC · S&amp;P 500 (index)"),
    ("$spy", "SPY", "$SPY · Spdr S&amp;P 500 Etf Trust"),
])
def test_the_add_box_finds_a_symbol_as_typed(client, alice, funds, typed, symbol, label):
    """Ensure the add box follows what a name or a broker's spelling names, and says so in words."""
    page = client.post("/watchlist/add", {"symbol": typed}, follow=True).content.decode()
    assert followed(alice) == {symbol}
    assert f"You follow {label}." in page


def test_the_add_box_suggests_when_nothing_matches_exactly(client, alice, funds):
    """Ensure a partial name is answered with suggestions, each a button that follows it; nothing
    known near the text, or nothing typed, is said in words; nothing is followed by a guess."""
    response = client.post("/watchlist/add", {"symbol": "boein"})
    assert response.status_code == 302 and response["Location"] == "/watchlist/?find=boein#add-symbol"
    page = client.get(response["Location"]).content.decode()
    assert "Parley knows no company, ETF, fund or index “boein”" in page
    assert 'value="BA"' in page and "Follow BA</button></form> Boeing" in page
    assert followed(alice) == set()
    page = client.post("/watchlist/add", {"symbol": "qqqqqqzz"}, follow=True).content.decode()
    assert "Nothing Parley knows is near “qqqqqqzz”" in page
    page = client.post("/watchlist/add", {"symbol": "   "}, follow=True).content.decode()
    assert "Type a symbol (BA, BRK-B, VTI, ^GSPC) or a company&#39;s name to add it." in page
    page = client.post("/watchlist/add", {"symbol": "<script>x</script>"}, follow=True).content.decode()
    assert "<script>x" not in page and followed(alice) == set()


def test_the_add_box_offers_suggestions_as_one_types_and_needs_csrf(reader):
    """Ensure the box has a datalist with names (typing "boeing" offers BA, "s&p" the index) and a
    POST without the CSRF token is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader("alice"))
    page = client.get("/watchlist/").content.decode()
    assert 'list="known-symbols"' in page and '<option value="BA" label="Boeing">' in page
    assert '<option value="^GSPC" label="S&amp;P 500 (index)">' in page
    assert 'name="csrfmiddlewaretoken"' in page.split('action="/watchlist/add"')[1].split("</form>")[0]
    assert client.post("/watchlist/add", {"symbol": "BA"}).status_code == 403
    assert not Follow.objects.exists()


def test_the_csv_export_has_each_last_close_with_its_day_and_currency(client, alice, funds):
    """Ensure the export names each ticker's kind and last close, with the close's day, currency and
    source, leaves them empty where no prices are stored, and imports back unchanged."""
    store("BA", 200.0, 1.0)
    store("^FTSE", 8000.0, 0.5, currency="GBP", source="stooq csv")
    for symbol in ("BA", "^FTSE", "VTI"):
        Follow.objects.create(user=alice, kind="ticker", key=symbol)
    rows = list(csv.DictReader(io.StringIO(client.get("/watchlist/watchlist.csv").content.decode())))
    assert rows == [
        {"ticker": "BA", "name": "Boeing", "kind": "stock", "last_close": "229", "close_day": "2026-12-04",
         "currency": "USD", "price_source": "yahoo csv"},
        {"ticker": "VTI", "name": "fund/ETF (SEC fund list)", "kind": "fund", "last_close": "", "close_day": "",
         "currency": "", "price_source": ""},
        {"ticker": "^FTSE", "name": "FTSE 100 (index)", "kind": "index", "last_close": "8014.5",
         "close_day": "2026-12-04", "currency": "GBP", "price_source": "stooq csv"},
    ]


def test_my_feed_has_a_strip_of_the_followed_symbols_prices(client, alice, about):
    """Ensure My feed shows each followed symbol with stored prices (last close, day change, day),
    links a symbol to its company page only where it has one, and says prices are end-of-day."""
    about("BA")
    store("BA", 200.0, 1.0)
    store("^GSPC", 6000.0, -10.0, source="stooq csv")
    for symbol in ("BA", "^GSPC", "MSFT"):
        Follow.objects.create(user=alice, kind="ticker", key=symbol)
    page = client.get("/feed/").content.decode()
    strip = page.split('class="price-strip"')[1].split("</section>")[0]
    assert '<a href="/t/BA/">$BA</a> 229.00 <span class="up">+0.4%</span>' in strip
    assert '<strong>^GSPC</strong> 5,710.00 <span class="down">-0.2%</span>' in strip
    assert "Dec 04" in strip and "MSFT" not in strip
    assert "End-of-day closes and the change over the day before, for information only" in strip


def test_the_strip_reads_every_symbols_prices_at_once(alice, django_assert_num_queries):
    """Ensure the strip's queries do not grow with the symbols followed."""
    from parley.following.feed import price_strip

    for n, symbol in enumerate(("BA", "MSFT", "AAPL", "^GSPC", "^FTSE", "NVDA")):
        store(symbol, 100.0 + n, 1.0, count=5)
        Follow.objects.create(user=alice, kind="ticker", key=symbol)
    with django_assert_num_queries(3):
        strip = price_strip(alice, size=4)
    assert [item.symbol for item in strip.items] == ["AAPL", "BA", "MSFT", "NVDA"] and strip.more == 2


def test_a_followed_index_no_article_names_links_to_its_page(client, alice):
    """Ensure ^GSPC, which no article names, links to its own page (an index's page exists since the
    company page names indices), and that page answers."""
    Follow.objects.create(user=alice, kind="ticker", key="^GSPC")
    page = client.get("/watchlist/").content.decode()
    assert '<a href="/t/^GSPC/">^GSPC · S&amp;P 500 (index)</a>' in page  # browsers send ^ as %5E
    assert client.get("/t/%5EGSPC/").status_code == 200
