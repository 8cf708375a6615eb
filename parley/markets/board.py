"""Many symbols' latest prices at once, for the watchlist and My feed: each one's last close with its
day, currency and source, and its change over a trading day and a month, read in one query."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from parley.markets.models import DailyBar
from parley.markets.symbols import unit_of

MAX_SYMBOLS = 500  # a watchlist's most (following.follows.MAX_FOLLOWS)
MONTH = 30  # calendar days of the "1 month" change, as the company page measures it
GAP = 7  # no bar within this many days before the month's start: a gap, and no figure


@dataclass(frozen=True)
class Latest:
    symbol: str
    day: date
    close: Decimal
    currency: str
    source: str
    day_change: float | None  # percent since the bar before, on adjusted closes
    month_change: float | None  # percent since the last bar at least 30 days before

    @property
    def unit(self) -> str:
        """'USD', or 'points' for an index's level."""
        return unit_of(self.symbol, self.currency)

    @property
    def is_sample(self) -> bool:
        return self.source.startswith("sample")

    @property
    def day_text(self) -> str:
        return signed(self.day_change)

    @property
    def month_text(self) -> str:
        return signed(self.month_change)


def signed(percent: float | None) -> str:
    """A change as pages write it: "+4.8%", "-1.2%", and "0.0%" for what rounds to nothing (no "-0.0%")."""
    if percent is None:
        return ""
    shown = f"{percent:+.1f}"
    return "0.0%" if shown in ("+0.0", "-0.0") else shown + "%"


def _value(bar) -> Decimal:
    return bar.adj_close if bar.adj_close is not None else bar.close


def change_percent(now: Decimal, then: Decimal | None) -> float | None:
    """The change from one close to a later one in percent; None without an earlier close above zero."""
    return float((now / then - 1) * 100) if then is not None and then > 0 else None


def _percent(now, then) -> float | None:
    return change_percent(_value(now), _value(then) if then is not None else None)


def _bars(symbols: list[str]) -> list[DailyBar]:
    """The bars a quote needs, at most three a symbol: its last, the one before, and the last one at
    least MONTH days before its last. One statement: for each symbol three index probes pick the
    rows' ids (the (symbol, -day) index, never a walk through its history), then those rows."""
    table = DailyBar._meta.db_table
    if connection.vendor == "postgresql":
        month_ago = f"(SELECT MAX(day) FROM {table} WHERE symbol = t.wanted) - {MONTH}"  # noqa: S608
    else:
        month_ago = f"date((SELECT MAX(day) FROM {table} WHERE symbol = t.wanted), '-{MONTH} days')"  # noqa: S608
    latest = f"SELECT id FROM {table} WHERE symbol = t.wanted{{}} ORDER BY day DESC LIMIT 1"  # noqa: S608
    values = ", ".join(["(%s)"] * len(symbols))
    # Only the model's table and column names are written into the SQL; the symbols are parameters.
    sql = (f"WITH t(wanted) AS (VALUES {values}), "  # noqa: S608
           f"picked(last_id, before_id, month_id) AS (SELECT ({latest.format('')}), "
           f"({latest.format('')} OFFSET 1), ({latest.format(f' AND day <= {month_ago}')}) FROM t) "
           f"SELECT id, symbol, day, close, adj_close, currency, source FROM {table} WHERE id IN "
           f"(SELECT last_id FROM picked UNION SELECT before_id FROM picked UNION SELECT month_id FROM picked)")
    return list(DailyBar.objects.raw(sql, symbols))


def latest_quotes(symbols) -> dict[str, Latest]:
    """{symbol: Latest} for the symbols with stored prices (those without are left out), read in one
    query whatever the history stored."""
    symbols = sorted(set(symbols))[:MAX_SYMBOLS]
    if not symbols:
        return {}
    by_symbol = {}
    for bar in sorted(_bars(symbols), key=lambda b: (b.symbol, b.day), reverse=True):
        by_symbol.setdefault(bar.symbol, []).append(bar)
    out = {}
    for symbol, newest_first in by_symbol.items():
        last = newest_first[0]
        before = newest_first[1] if len(newest_first) > 1 else None
        cutoff = last.day - timedelta(days=MONTH)
        month = next((b for b in newest_first if b.day <= cutoff), None)
        if month is not None and (cutoff - month.day).days > GAP:
            month = None
        out[symbol] = Latest(symbol, last.day, last.close, last.currency, last.source,
                             _percent(last, before), _percent(last, month))
    return out
