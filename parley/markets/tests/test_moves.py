"""Moves since publication and on the latest trading day, read from stored bars: which close starts a
move (weekend, before and after the 16:00 New York close), the horizon close of an older article, gaps,
splits and delisted symbols give nothing wrong."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from parley.markets.models import DailyBar
from parley.markets.moves import HORIZON, latest_moves, since_publication

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
TODAY = date(2025, 11, 26)  # a Wednesday


def weekdays(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def store(symbol, days, close=lambda i: 100 + i, adjusted=None, source="stooq csv"):
    """Store one bar a day; close i is 100 + i unless told otherwise."""
    DailyBar.objects.bulk_create([
        DailyBar(symbol=symbol, day=d, close=Decimal(close(i)), source=source,
                 adj_close=Decimal(adjusted(i)) if adjusted else None) for i, d in enumerate(days)])
    return days


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=NY)


def move(published_at, symbol="BA", today=TODAY):
    found = since_publication({1: (published_at, [symbol])}, today)
    return found[1][0] if found else None


def test_before_the_close_starts_from_the_day_before_and_after_it_from_that_day():
    """Ensure an article at 10:00 New York time on Tue Nov 18 is measured from Mon Nov 17's close, and
    one at 16:30 that day from Tue Nov 18's own close, both to the latest close."""
    days = store("BA", weekdays(date(2025, 11, 3), date(2025, 11, 25)))
    closes = {d: 100 + i for i, d in enumerate(days)}
    morning = move(at(2025, 11, 18, 10))
    assert (morning.start, morning.end) == (date(2025, 11, 17), date(2025, 11, 25)) and morning.to_latest
    assert round(morning.percent, 3) == round((closes[date(2025, 11, 25)] / closes[date(2025, 11, 17)] - 1) * 100, 3)
    evening = move(at(2025, 11, 18, 16, 30))
    assert evening.start == date(2025, 11, 18)
    assert move(at(2025, 11, 18, 15, 59)).start == date(2025, 11, 17)
    # 22:00 in London is 17:00 in New York: after the close, whatever the site's time zone.
    assert move(datetime(2025, 11, 18, 22, 0, tzinfo=ZoneInfo("Europe/London"))).start == date(2025, 11, 18)


def test_a_weekend_article_starts_from_fridays_close():
    """Ensure articles on Saturday and Sunday, morning or evening, start from Friday's close."""
    store("BA", weekdays(date(2025, 11, 3), date(2025, 11, 25)))
    for published in (at(2025, 11, 22, 9), at(2025, 11, 22, 20), at(2025, 11, 23, 11)):
        assert move(published).start == date(2025, 11, 21)


def test_the_range_is_said_and_no_cause_is_claimed():
    """Ensure the text gives the change and both days ('+4.2% Nov 3 – Nov 25, 2025 close'), and a
    change that rounds to nothing reads 0.0%, not -0.0%."""
    store("BA", [date(2025, 11, 3), date(2025, 11, 25)], close=lambda i: ["100", "104.2"][i])
    found = move(at(2025, 11, 4, 9))
    assert found.text == "+4.2% Nov 3 – Nov 25, 2025 close" and found.direction == "up"
    assert found.source == "stooq csv"
    store("FLAT", [date(2025, 11, 3), date(2025, 11, 25)], close=lambda i: ["100", "99.99"][i])
    flat = move(at(2025, 11, 4, 9), "FLAT")
    assert flat.text == "0.0% Nov 3 – Nov 25, 2025 close" and flat.direction == "flat"  # never "-0.0%"


def test_an_old_article_gets_the_close_horizon_trading_days_later():
    """Ensure an article more than 30 days old is measured to the close HORIZON trading days after its
    start, not to the latest close."""
    days = store("BA", weekdays(date(2025, 6, 2), date(2025, 11, 25)))
    found = move(at(2025, 7, 9, 12))  # a Wednesday, before the close: starts Tue Jul 8
    start = days.index(date(2025, 7, 8))
    assert found.start == date(2025, 7, 8) and found.end == days[start + HORIZON] and not found.to_latest
    assert found.until == "the close 20 trading days on"
    assert round(found.percent, 3) == round(((100 + start + HORIZON) / (100 + start) - 1) * 100, 3)
    assert found.text.endswith(f"{days[start + HORIZON]:%b} {days[start + HORIZON].day}, 2025 close")


def test_a_gap_gives_nothing():
    """Ensure nothing is shown when the last close before publication is more than a few days before
    it, or when an old article's horizon close comes only after a gap."""
    store("BA", weekdays(date(2025, 10, 1), date(2025, 10, 10)) + weekdays(date(2025, 10, 27), date(2025, 11, 25)))
    assert move(at(2025, 10, 22, 12)) is None  # the close before is Oct 10, twelve days earlier
    assert move(at(2025, 10, 28, 12)) is not None
    store("MSFT", weekdays(date(2025, 6, 2), date(2025, 6, 13)) + weekdays(date(2025, 8, 1), date(2025, 11, 25)))
    assert move(at(2025, 6, 11, 12), "MSFT") is None  # 20 stored closes on are two months later


def test_a_split_is_measured_on_adjusted_closes():
    """Ensure a 4-for-1 split between the two closes reads as the adjusted change, not -75%."""
    store("AAPL", [date(2025, 11, 20), date(2025, 11, 21), date(2025, 11, 24), date(2025, 11, 25)],
          close=lambda i: ["500", "504", "126", "127"][i], adjusted=lambda i: ["125", "126", "126", "127"][i])
    assert round(move(at(2025, 11, 21, 9), "AAPL").percent, 2) == 1.6  # 125 -> 127


def test_a_delisted_or_unknown_symbol_has_no_move():
    """Ensure a symbol whose closes stopped before the article (delisted), or stopped long before the
    other symbols' latest close, or has no bars at all, shows nothing; the others still do."""
    store("BA", weekdays(date(2025, 11, 3), date(2025, 11, 25)))
    store("GONE", weekdays(date(2025, 10, 1), date(2025, 11, 7)))
    found = since_publication({1: (at(2025, 11, 12, 9), ["BA", "GONE", "ZZZZ"]),
                               2: (at(2025, 11, 5, 9), ["GONE"])}, TODAY)
    assert [m.symbol for m in found[1]] == ["BA"]
    assert 2 not in found  # GONE's last close is Nov 7, BA's Nov 25: not a latest close
    assert move(at(2025, 11, 24, 9), "ZZZZ") is None


def test_a_page_of_articles_is_one_query(django_assert_num_queries):
    """Ensure thirty articles with three tickers each, recent and old, read their bars in one query."""
    for symbol in ("AA", "BB", "CC", "DD"):
        store(symbol, weekdays(date(2025, 1, 1), date(2025, 11, 25)))
    wanted = {n: (at(2025, 11, 25, 9) - timedelta(days=n * 9), ["AA", "BB", "CC", "DD"][n % 2:n % 2 + 3])
              for n in range(30)}
    with django_assert_num_queries(1):
        found = since_publication(wanted, TODAY)
    assert len(found) >= 25 and all(len(moves) == 3 for moves in found.values())


def test_latest_moves_rank_by_size_and_leave_out_symbols_not_trading_that_day():
    """Ensure the latest trading day's changes come largest first (up or down), a symbol whose last
    close is older is left out, and stale prices are still found (a second query)."""
    store("UP", [date(2025, 11, 24), date(2025, 11, 25)], close=lambda i: ["100", "103"][i])
    store("DOWN", [date(2025, 11, 24), date(2025, 11, 25)], close=lambda i: ["100", "95"][i])
    store("FLAT", [date(2025, 11, 24), date(2025, 11, 25)], close=lambda i: ["100", "100.5"][i])
    store("OLD", [date(2025, 11, 20), date(2025, 11, 21)], close=lambda i: ["100", "150"][i])
    moves = latest_moves({"UP", "DOWN", "FLAT", "OLD", "NONE"}, TODAY)
    assert [(m.symbol, round(m.percent, 1)) for m in moves] == [("DOWN", -5.0), ("UP", 3.0), ("FLAT", 0.5)]
    assert moves[1].day == date(2025, 11, 25) and moves[1].previous == date(2025, 11, 24)
    assert [m.change for m in moves] == ["-5.0%", "+3.0%", "+0.5%"]
    assert [m.symbol for m in latest_moves({"UP"}, date(2026, 3, 1))] == ["UP"]  # months stale: found
    assert latest_moves({"NONE"}, TODAY) == [] and latest_moves(set(), TODAY) == []
