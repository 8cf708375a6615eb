"""How prices moved beside the news, read from the stored daily bars and nothing else.

- since_publication(): for each article and each of its tickers, the change from the close before
  the article to the latest close (or, for an older article, to the close HORIZON trading days on),
  with both days, so a page can say "+4.2% Nov 3 – Nov 25 close". It states what the price did between
  two dates, never why: the words around it must not claim a cause.
- latest_moves(): each symbol's change on the latest trading day among them (the /markets/ page).

Markets sit below enrichment, so the callers pass in which symbols an article is about; each function
reads all the bars it needs in one indexed query (symbol IN (...) AND day ranges), never one per article.

Days are the exchange's: a publication time is read in New York time, where the US markets close
at 16:00. An article published on a trading day before 16:00 is measured from the previous trading
day's close; one published at or after 16:00 (or on a weekend or holiday) from that day's close or the
last one before it, since that close was already known. Other exchanges are read on the same clock:
at worst a move then starts one close earlier than a local reader would start it.
"""
import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from parley.markets.board import signed
from parley.markets.models import DailyBar
from parley.markets.symbols import unit_of

EXCHANGE_ZONE = ZoneInfo("America/New_York")
CLOSE_TIME = time(16, 0)  # the US regular session's close, New York time
# A bar further than this from the day it should be on (a long weekend is 4 days) means the stored
# history has a gap there: no figure is shown rather than one measured from the wrong day.
MAX_GAP_DAYS = 5
# An article older than this shows the move over HORIZON trading days from its start, not to today's
# close: years later, "since publication" says more about the years than about the news. 20 trading
# days are about 28 calendar days, so an article OLD_AFTER_DAYS old has its horizon close stored.
OLD_AFTER_DAYS = 30
HORIZON = 20
# The calendar days HORIZON trading days may span, holidays and a gap of MAX_GAP_DAYS included.
HORIZON_SPAN_DAYS = HORIZON * 7 // 5 + MAX_GAP_DAYS


@dataclass(frozen=True)
class Move:
    """A symbol's change between two stored closes (adjusted where the source gives it)."""

    symbol: str
    start: date
    end: date
    percent: float
    source: str
    to_latest: bool  # True: to the latest close; False: to the close HORIZON trading days on

    @property
    def text(self) -> str:
        """'+4.2% Nov 3 – Nov 25, 2025 close'; the start's year too when it is another year's."""
        return f"{signed(self.percent)} {_day(self.start, self.end)} close"

    @property
    def direction(self) -> str:
        return direction(self.percent)

    @property
    def until(self) -> str:
        """Which close ends the move, in words."""
        return "the latest close" if self.to_latest else f"the close {HORIZON} trading days on"


def _day(start: date, end: date) -> str:
    if start.year != end.year:
        return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"


@dataclass(frozen=True)
class DayMove:
    """A symbol's last close and its change from the close before it."""

    symbol: str
    day: date
    close: Decimal
    currency: str
    source: str
    previous: date
    percent: float

    @property
    def unit(self) -> str:
        """'USD', or 'points' for an index's level."""
        return unit_of(self.symbol, self.currency)

    @property
    def change(self) -> str:
        """'+4.8%', '-1.2%', '0.0%'."""
        return signed(self.percent)

    @property
    def direction(self) -> str:
        return direction(self.percent)


def direction(percent: float) -> str:
    """The CSS class of a change: 'up', 'down', or 'flat' for what rounds to nothing."""
    return "flat" if signed(percent) == "0.0%" else "up" if percent > 0 else "down"


def exchange_day(published_at: datetime) -> tuple[date, bool]:
    """Return the New York day of a publication time and whether that day's close may start its move
    (published at or after the 16:00 close)."""
    local = published_at.astimezone(EXCHANGE_ZONE)
    return local.date(), local.time() >= CLOSE_TIME


def today_on_exchange(now: datetime) -> date:
    """Return the New York day of `now`."""
    return now.astimezone(EXCHANGE_ZONE).date()


def _window(published_at: datetime, today: date) -> tuple[date, date]:
    """The days of bars one article's moves can need: a start close a few days before it, and the
    horizon close or the latest close."""
    day, _ = exchange_day(published_at)
    last = day + timedelta(days=HORIZON_SPAN_DAYS) if (today - day).days > OLD_AFTER_DAYS else today
    return day - timedelta(days=MAX_GAP_DAYS), max(last, day)


def _merged(windows: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping day ranges as one: a home page's articles are mostly days apart, so a few ranges."""
    out: list[list[date]] = []
    for first, last in sorted(windows):
        if out and first <= out[-1][1] + timedelta(days=1):
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return [(a, b) for a, b in out]


def since_publication(articles: dict, today: date) -> dict:
    """Return {key: [Move, ...]} for {key: (published_at, symbols)}: each symbol's move from the close
    before publication to the latest close, or to the close HORIZON trading days on for an article more
    than OLD_AFTER_DAYS old (`today` is the New York day, see today_on_exchange). A symbol with a close
    missing on either side, or a gap of more than MAX_GAP_DAYS where a close should be, has no move.
    One query for all the articles."""
    symbols = {s for _, wanted in articles.values() for s in wanted}
    if not symbols:
        return {}
    ranges = _merged([_window(at, today) for at, wanted in articles.values() if wanted])
    # Moves are measured on adjusted closes where the source gives them, so a split is no -75%.
    bars = defaultdict(list)  # symbol: [(day, value, source)] oldest first
    for symbol, day, value, source in _bars(sorted(symbols), ranges):
        bars[symbol].append((day if isinstance(day, date) else date.fromisoformat(day), float(value), source))
    days = {symbol: [b[0] for b in rows] for symbol, rows in bars.items()}
    # The latest trading day stored among these symbols: a "latest close" older than that by more than
    # a gap is a delisted or stale symbol's, and no latest close.
    as_of = max((d[-1] for d in days.values()), default=today)
    out = {}
    for key, (published_at, wanted) in articles.items():
        found = [m for m in (_move(symbol, published_at, today, as_of, bars.get(symbol, []), days.get(symbol, []))
                             for symbol in wanted) if m is not None]
        if found:
            out[key] = found
    return out


def _bars(symbols: list[str], ranges: list[tuple[date, date]]) -> list[tuple]:
    """(symbol, day as ISO text, adjusted-or-raw close as a float, source) of these symbols on these
    day ranges, by symbol and day, through the (symbol, day) index, on either database. Written by hand
    because building the ORM query and Django's per-row Decimal and date converters were most of a home
    page's move time (bench/moves.py: 6.6 ms for 30 articles, 1.3M bars stored, against about 2 ms now)."""
    q, day = connection.ops.quote_name, connection.ops.quote_name("day")
    # Only quoted names and placeholders are put in the text; every value is a parameter.
    # The day as text: date.fromisoformat() reads it faster than the driver's per-row date converter.
    columns = (f"{q('symbol')}, CAST({day} AS TEXT), CAST(COALESCE({q('adj_close')}, {q('close')}) AS DOUBLE PRECISION),"
               f" {q('source')}")
    wanted = f"{q('symbol')} IN ({', '.join(['%s'] * len(symbols))})"
    days = " OR ".join([f"({day} >= %s AND {day} <= %s)"] * len(ranges))
    sql = f"SELECT {columns} FROM {q(DailyBar._meta.db_table)} WHERE {wanted} AND ({days}) ORDER BY {q('symbol')}, {day}"  # noqa: S608
    params = [*symbols, *(connection.ops.adapt_datefield_value(d) for pair in ranges for d in pair)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _move(symbol: str, published_at: datetime, today: date, as_of: date, rows: list, days: list) -> Move | None:
    """One symbol's move for one article, from its bars (oldest first), or None."""
    day, after_close = exchange_day(published_at)
    # The start: the last close known when the article appeared.
    i = (bisect.bisect_right(days, day) if after_close else bisect.bisect_left(days, day)) - 1
    if i < 0 or (day - days[i]).days > MAX_GAP_DAYS:
        return None
    start = rows[i]
    old = (today - day).days > OLD_AFTER_DAYS
    if old:
        j = i + HORIZON
        if j >= len(rows) or (rows[j][0] - start[0]).days > HORIZON_SPAN_DAYS:
            return None  # the horizon close is not stored, or only after a gap
    else:
        j = len(rows) - 1  # the latest close
        if j >= 0 and (as_of - rows[j][0]).days > MAX_GAP_DAYS:
            return None  # the symbol stopped trading (delisted) or its prices stopped coming
    end = rows[j]
    if j <= i or start[1] <= 0:
        return None
    return Move(symbol, start[0], end[0], (end[1] / start[1] - 1) * 100, end[2], not old)


def latest_moves(symbols, today: date, look_back_days: int = 14) -> list[DayMove]:
    """Return each symbol's change on the latest trading day among these symbols' stored bars (the
    close before it at most MAX_GAP_DAYS earlier), largest move first. A symbol whose last close is
    older than that day is left out: it did not trade then, or its prices are not current.
    One query, or two when no bar is as recent as `look_back_days` before `today`."""
    symbols = set(symbols)
    if not symbols:
        return []
    rows = _recent(symbols, today - timedelta(days=look_back_days))
    if not rows:
        from django.db.models import Max

        latest = DailyBar.objects.filter(symbol__in=symbols).aggregate(day=Max("day"))["day"]
        if latest is None:
            return []
        rows = _recent(symbols, latest - timedelta(days=look_back_days))
    last_day = max(r[1] for r in rows)
    by_symbol = defaultdict(list)
    for row in rows:
        by_symbol[row[0]].append(row)
    out = []
    for symbol, bars in by_symbol.items():
        if len(bars) < 2 or bars[-1][1] != last_day:
            continue
        before, last = bars[-2], bars[-1]
        if (last[1] - before[1]).days > MAX_GAP_DAYS or before[3] <= 0:
            continue
        out.append(DayMove(symbol, last[1], Decimal(str(last[2])), last[4], last[5], before[1],
                           (last[3] / before[3] - 1) * 100))
    out.sort(key=lambda m: (-abs(m.percent), m.symbol))
    return out


def _recent(symbols: set, since: date) -> list[tuple]:
    """(symbol, day, close, adjusted-or-raw close as a float, currency, source) of these symbols from
    `since` on, by symbol and day; by hand for the reason _bars() gives."""
    q, day = connection.ops.quote_name, connection.ops.quote_name("day")
    columns = (f"{q('symbol')}, {day}, {q('close')}, CAST(COALESCE({q('adj_close')}, {q('close')}) AS DOUBLE PRECISION),"
               f" {q('currency')}, {q('source')}")
    wanted = f"{q('symbol')} IN ({', '.join(['%s'] * len(symbols))})"
    sql = f"SELECT {columns} FROM {q(DailyBar._meta.db_table)} WHERE {wanted} AND {day} >= %s ORDER BY {q('symbol')}, {day}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sorted(symbols), connection.ops.adapt_datefield_value(since)])
        return [(symbol, d if isinstance(d, date) else date.fromisoformat(d), close, float(value), currency, source)
                for symbol, d, close, value, currency, source in cursor.fetchall()]
