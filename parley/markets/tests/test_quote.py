"""A company page shows the stored last close with its day and source, its changes, and a year's
line with a text summary and a table; nothing at all where no prices are stored."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches

from parley.markets.models import DailyBar
from parley.markets.queries import quote

pytestmark = pytest.mark.django_db


def bars(symbol, closes, last=date(2025, 11, 25), adjusted=None):
    """Store one close per weekday, ending on `last`, oldest first."""
    days, day = [], last
    while len(days) < len(closes):
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    days.reverse()
    DailyBar.objects.bulk_create([
        DailyBar(symbol=symbol, day=d, close=Decimal(c), adj_close=Decimal(adjusted[i]) if adjusted else None,
                 source="stooq csv") for i, (d, c) in enumerate(zip(days, closes, strict=True))])


def test_changes_are_measured_on_adjusted_closes_over_trading_and_calendar_days():
    closes = [100 + i * 0.1 for i in range(300)]
    bars("BA", [f"{c:.2f}" for c in closes])
    found = quote("BA")
    assert found.day == date(2025, 11, 25) and found.close == Decimal("129.90") and found.source == "stooq csv"
    by = {c.label: c for c in found.changes}
    assert round(by["1 day"].percent, 3) == round((129.9 / 129.8 - 1) * 100, 3)
    assert round(by["5 days"].percent, 3) == round((129.9 / 129.4 - 1) * 100, 3)
    assert by["1 month"].since <= date(2025, 10, 26) and by["1 year"].since <= date(2024, 11, 25)
    assert by["1 month"].percent > 0 and by["1 year"].percent > 0


def test_a_quote_reads_a_few_bars_by_index_probes_whatever_the_history(django_assert_num_queries):
    """Ensure ten years of closes cost two statements (the last six bars, then the month's and the
    year's), and the changes are those of the bars at or before 30 and 365 days back."""
    closes = [100 + i * 0.01 for i in range(2600)]
    bars("BA", [f"{c:.2f}" for c in closes])
    with django_assert_num_queries(2):
        found = quote("BA")
    by = {c.label: c for c in found.changes}
    stored = dict(DailyBar.objects.filter(symbol="BA").values_list("day", "close"))
    for label, days in (("1 month", 30), ("1 year", 365)):
        since = max(d for d in stored if d <= date(2025, 11, 25) - timedelta(days=days))
        assert by[label].since == since
        assert round(by[label].percent, 6) == round(float((Decimal("125.99") / stored[since] - 1) * 100), 6)
    assert by["5 days"].since == sorted(stored)[-6]


def test_a_split_is_no_crash_and_a_short_history_has_no_year_change():
    bars("AAPL", ["500", "499", "125", "126"], adjusted=["125", "124.75", "125", "126"])
    by = {c.label: c for c in quote("AAPL").changes}
    assert round(by["1 day"].percent, 2) == 0.8  # on adjusted closes, not -75%
    assert "1 year" not in by and "1 month" not in by
    assert quote("ZZZZ") is None


def test_the_company_page_shows_the_price_with_its_source_and_a_chart_that_reads(client):
    empty = client.get("/t/BA/").content.decode()  # no prices: a sentence saying how to import them, no box
    assert "No prices are stored for $BA; an operator can import them" in empty and "<strong>" not in empty
    bars("BA", ["210.00", "212.50", "215.73"])
    caches["default"].clear()  # anonymous pages are cached; the import shows once that entry expires
    html = client.get("/t/BA/").content.decode()
    assert "<strong>215.73 USD</strong>" in html and "close Nov 25, 2025" in html
    assert "source: stooq csv, end of day" in html and "+1.5%" in html
    assert 'role="img" aria-label="$BA closes: from 210.00' in html and "<th scope=\"col\">Day</th>" in html
    assert "Prices are end-of-day" in html
