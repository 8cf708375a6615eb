"""`parley demo` gives its invented companies invented tickers and a year of sample prices marked
"sample (demo)", shown on their company pages and watchlists with the end-of-day notice; `--remove`
takes them away and nothing else."""
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from parley.articles.demo import TICKERS
from parley.articles.models import Article
from parley.enrichment.companies import company
from parley.enrichment.services import enrich_articles
from parley.following.models import Follow
from parley.markets.models import DailyBar, Instrument
from parley.markets.samples import SAMPLE_SOURCE, last_trading_day, sample_bars

pytestmark = pytest.mark.django_db


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_the_invented_tickers_are_no_listed_companys():
    """Ensure no invented symbol is a real listed company's."""
    assert [s for s in TICKERS.values() if company(s)] == []


def test_the_demo_stores_a_year_of_sample_prices_marked_sample():
    """Ensure each invented company gets a year of weekday bars with volume up to the last weekday,
    every one marked "sample (demo)", and its symbol known as invented; the command says so."""
    said = demo("--count", "6")
    assert "days of sample prices (source \"sample (demo)\") for the invented companies (ALDB, VLTX" in said
    last = last_trading_day(timezone.localdate())
    assert last < timezone.localdate() and last.weekday() < 5  # today's close is not in yet
    for symbol in TICKERS.values():
        bars = DailyBar.objects.filter(symbol=symbol)
        assert 255 <= bars.count() <= 263  # the weekdays of a year
        assert bars.order_by("-day").first().day == last
        assert not bars.exclude(source=SAMPLE_SOURCE).exists() and not bars.filter(volume__isnull=True).exists()
        assert not bars.filter(high__lt=Decimal("0.01")).exists()
    aldb = Instrument.objects.get(symbol="ALDB")
    assert (aldb.name, aldb.source) == ("Alderbrook Energy", SAMPLE_SOURCE)


def test_sample_prices_are_the_same_every_run():
    """Ensure the bars depend only on the symbol, start price, last day and seed."""
    first = sample_bars("ALDB", 42.0, date(2026, 12, 4), 7)
    again = sample_bars("ALDB", 42.0, date(2026, 12, 4), 7)
    assert [(b.day, b.close, b.volume) for b in first] == [(b.day, b.close, b.volume) for b in again]
    assert [b.close for b in first] != [b.close for b in sample_bars("VLTX", 42.0, date(2026, 12, 4), 7)]


def test_company_page_and_watchlist_show_the_sample_prices_as_such(client):
    """Ensure an invented company's page shows its sample price with the source and the end-of-day
    notice, and a watchlist following it names it invented and marks its prices sample."""
    demo("--count", "20")
    enrich_articles(Article.objects.filter(is_sample=True))
    symbol = next(s for s in TICKERS.values() if client.get(f"/t/{s}/").status_code == 200)
    page = client.get(f"/t/{symbol}/").content.decode()
    assert "source: sample (demo), end of day" in page and "Prices are invented sample data for the demo, not market data" in page
    assert "imported by this site's operator" not in page.split("Latest articles")[0]
    reader = User.objects.create_user("trader")
    client.force_login(reader)
    client.post("/watchlist/add", {"symbol": symbol.lower()})
    assert Follow.objects.filter(user=reader, key=symbol).exists()
    page = client.get("/watchlist/").content.decode()
    name = next(n for n, s in TICKERS.items() if s == symbol)
    assert f"${symbol} · {name} (invented for the demo)" in page
    assert "(source: sample (demo), end of day)" in page and "Sample prices" in page
    assert "Prices are end-of-day closes imported by this site's operator" in page


def test_remove_takes_the_sample_prices_and_leaves_real_ones():
    """Ensure --remove deletes the sample bars and invented symbols, and keeps real prices, also a
    real import for a symbol the demo invented (which the demo never overwrote)."""
    DailyBar.objects.create(symbol="BA", day=date(2026, 12, 4), close=Decimal("212.40"), source="yahoo csv")
    DailyBar.objects.create(symbol="EVDN", day=date(2026, 12, 4), close=Decimal("9.99"), source="csv")
    demo("--count", "6")
    assert not DailyBar.objects.filter(symbol="EVDN", source=SAMPLE_SOURCE).exists()
    said = demo("--remove")
    assert "days of sample prices" in said
    assert not DailyBar.objects.filter(source=SAMPLE_SOURCE).exists()
    assert not Instrument.objects.filter(source=SAMPLE_SOURCE).exists()
    assert set(DailyBar.objects.values_list("symbol", flat=True)) == {"BA", "EVDN"}


def test_a_demo_loaded_before_prices_gets_them_on_the_next_run():
    """Ensure running `parley demo` on a site whose demo predates prices adds the prices only."""
    demo("--count", "6")
    DailyBar.objects.filter(source=SAMPLE_SOURCE).delete()
    articles = set(Article.objects.filter(is_sample=True).values_list("pk", flat=True))
    said = demo("--count", "6")
    assert said.startswith("Added ") and "Sample articles already loaded" in said
    assert DailyBar.objects.filter(source=SAMPLE_SOURCE, symbol="ALDB").count() > 250
    assert set(Article.objects.filter(is_sample=True).values_list("pk", flat=True)) == articles
    assert DailyBar.objects.filter(source=SAMPLE_SOURCE).order_by("-day").first().day >= timezone.localdate() - timedelta(days=3)
