"""latest_quotes(): many symbols' last close and their day and month changes, in one query."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from parley.markets.board import latest_quotes
from parley.markets.models import DailyBar

pytestmark = pytest.mark.django_db
LAST = date(2026, 12, 4)  # a Friday


def weekdays(last: date, count: int) -> list[date]:
    days, day = [], last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def store(symbol, days, start=100.0, step=1.0, source="yahoo csv", currency="USD", adjusted=True):
    DailyBar.objects.bulk_create([
        DailyBar(symbol=symbol, day=day, close=Decimal(f"{start + step * n:.2f}"),
                 adj_close=Decimal(f"{start + step * n:.2f}") if adjusted else None, volume=1000, currency=currency,
                 source=source) for n, day in enumerate(days)])


def test_each_symbols_last_close_and_changes_in_one_query(django_assert_num_queries):
    """Ensure a symbol with ten years of history, one with two days and one in another currency each
    get their last close, day, currency and source, and their 1-day and 1-month changes; a symbol
    with no prices is left out. One query for all of them."""
    store("BA", weekdays(LAST, 2600), start=10.0, step=0.1)
    store("VTI", weekdays(LAST - timedelta(days=3), 2), start=200.0, step=2.0, source="stooq csv")
    store("^FTSE", weekdays(LAST, 60), start=8000.0, step=0.0, currency="GBP", adjusted=False)
    with django_assert_num_queries(1):
        found = latest_quotes(["BA", "VTI", "^FTSE", "NOPE"])
    assert set(found) == {"BA", "VTI", "^FTSE"}
    ba = found["BA"]
    assert (ba.day, ba.close, ba.currency, ba.source) == (LAST, Decimal("269.90"), "USD", "yahoo csv")
    assert ba.day_change == pytest.approx((269.9 / 269.8 - 1) * 100)
    month_ago = 269.9 - 0.1 * 22  # Wed Nov 4 (Dec 4 - 30 days) is 22 weekdays before Fri Dec 4
    assert ba.month_change == pytest.approx((269.9 / month_ago - 1) * 100)
    vti = found["VTI"]
    assert vti.day == date(2026, 12, 1) and vti.day_change == pytest.approx(1.0) and vti.month_change is None
    ftse = found["^FTSE"]
    assert ftse.currency == "GBP" and ftse.day_change == 0.0 and ftse.month_change == 0.0


def test_a_gap_before_the_month_gives_no_month_figure():
    """Ensure a month change is not measured from a bar weeks older than a month ago."""
    store("GAP", [LAST - timedelta(days=90), LAST - timedelta(days=1), LAST])
    found = latest_quotes(["GAP"])["GAP"]
    assert found.month_change is None and found.day_change == pytest.approx(1 / 101 * 100)


def test_no_symbols_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert latest_quotes([]) == {}


def test_changes_are_written_signed_and_never_as_minus_zero():
    from parley.markets.board import signed

    assert [signed(4.84), signed(-1.25), signed(-0.04), signed(0.04), signed(None)] == ["+4.8%", "-1.2%", "0.0%", "0.0%", ""]
