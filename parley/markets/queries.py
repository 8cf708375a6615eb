"""What a page shows of a symbol's prices: its last close with the source and day, its changes over
a day, five trading days, a month and a year (a few bars picked by index probes), and the chart's
window of closes (one indexed range). Read from the stored bars, never from a provider."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Subquery

from parley.markets.board import change_percent
from parley.markets.models import DailyBar

# The changes a company page shows: (label, how far back: trading days, or calendar days).
CHANGES = [("1 day", 1, None), ("5 days", 5, None), ("1 month", None, 30), ("1 year", None, 365)]


@dataclass(frozen=True)
class Change:
    label: str
    since: date
    percent: float


@dataclass(frozen=True)
class Quote:
    symbol: str
    day: date
    close: Decimal
    currency: str
    source: str
    changes: list

    @property
    def is_sample(self) -> bool:
        return self.source.startswith("sample")


def _value(bar: tuple) -> Decimal:
    """Changes are measured on adjusted closes where the source gives them, so a split is no crash."""
    return bar[2] if bar[2] is not None else bar[1]


COLUMNS = ("day", "close", "adj_close", "currency", "source")
RECENT = 1 + max(trading or 0 for _, trading, _ in CHANGES)  # the last bar and the trading days back


def quote(symbol: str) -> Quote | None:
    """The symbol's last close and its changes, or None when no prices are stored for it.

    Reads only the bars the changes need, by index probes on (symbol, day): the last RECENT, then in
    one statement the last one at or before 30 and 365 calendar days back, whatever the history."""
    recent = list(DailyBar.objects.filter(symbol=symbol).order_by("-day").values_list(*COLUMNS)[:RECENT])
    if not recent:
        return None
    last = recent[0]
    cutoffs = {calendar: last[0] - timedelta(days=calendar) for _, _, calendar in CHANGES if calendar}
    probes = [DailyBar.objects.filter(symbol=symbol, day__lte=cutoff).order_by("-day").values("id")[:1]
              for cutoff in cutoffs.values()]
    wanted = Q()
    for probe in probes:
        wanted |= Q(id=Subquery(probe))
    earlier = list(DailyBar.objects.filter(wanted).values_list(*COLUMNS))
    changes = []
    for label, trading, calendar in CHANGES:
        if trading is not None:
            before = recent[trading] if len(recent) > trading else None
        else:
            cutoff = cutoffs[calendar]
            before = max((b for b in earlier if b[0] <= cutoff), default=None, key=lambda b: b[0])
            if before is not None and (cutoff - before[0]).days > 7:  # a gap: no honest figure
                before = None
        percent = change_percent(_value(last), _value(before) if before is not None else None)
        if percent is not None:
            changes.append(Change(label, before[0], percent))
    return Quote(symbol, last[0], last[1], last[3], last[4], changes)


# The chart windows a company page offers (?range=): (link text, calendar days; None: everything stored).
RANGES = {"3m": ("3 months", 90), "1y": ("1 year", 365), "5y": ("5 years", 5 * 365 + 1), "all": ("All", None)}
PRICE_RANGE = "1y"  # the default where prices are stored: a year, as quote pages elsewhere show
COVERAGE_RANGE = "3m"  # the default for coverage alone (no prices): the 90 days the chart always showed
STALE_DAYS = 7  # an archive whose last day is older than this (past weekends and holidays) "ends earlier"


def read_range(value: str | None, default: str) -> str:
    """The chart range a GET parameter asks for; anything else (absent, misspelt, hostile) is the default."""
    return value if value in RANGES else default


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    range: str
    whole: bool  # the window is the archive's own span: all of it, nothing outside it
    narrowed: bool  # the archive is younger than the range, or ends before today

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def described(self) -> str:
        """The window in words: months for a long one ("Mar 2019 – Nov 2020"), days for a short one."""
        if self.start == self.end:
            return f"{self.end:%b} {self.end.day}, {self.end.year}"
        if self.days > 120:
            return f"{self.start:%b %Y} – {self.end:%b %Y}"
        head = f"{self.start:%b} {self.start.day}" + (f", {self.start.year}" if self.start.year != self.end.year else "")
        return f"{head} – {self.end:%b} {self.end.day}, {self.end.year}"


def window(range_key: str, today: date, spans: list, chosen: bool = True) -> Window | None:
    """The days a company's charts cover: the range ending today, narrowed to the archive's own span.

    `spans` are the (first day, last day) of what is stored (prices, articles), None where nothing is.
    An archive that ends before the default range begins (an import from 2019) is shown whole, unless
    the reader chose a range (`chosen`), which then ends on the archive's last day. None: nothing stored.
    """
    spans = [s for s in spans if s]
    if not spans:
        return None
    first = min(s[0] for s in spans)
    last = min(max(s[1] for s in spans), today)
    days = RANGES[range_key][1]
    if days is not None and not chosen and last < today - timedelta(days=days - 1):
        range_key, days = "all", None
    end = today if last >= today - timedelta(days=STALE_DAYS) else last
    start = first if days is None else max(first, end - timedelta(days=days - 1))
    whole = start == first and end >= last
    narrowed = whole or end < today or (days is not None and start > end - timedelta(days=days - 1))
    return Window(start, end, range_key, whole, narrowed)


def bar_span(symbol: str) -> tuple[date, date] | None:
    """The first and last day of the symbol's stored bars (two ends of its index), or None."""
    days = DailyBar.objects.filter(symbol=symbol).values_list("day", flat=True)
    last = days.order_by("-day").first()
    return (days.order_by("day").first(), last) if last else None


def bars_between(symbol: str, start: date, end: date) -> list[tuple]:
    """[(day, adjusted close, volume)] of the symbol's bars in [start, end], oldest first: one indexed
    range on (symbol, day), reading only the window's rows whatever the length of the history."""
    # The adjusted close is chosen and made a float by the database: a chart needs no Decimal. The
    # rows come straight from the cursor: the ORM's converters, run on each value of each row, were
    # most of the cost of ten years (2,600 rows: 11 ms of CPU, 2 ms without them).
    table, ops = DailyBar._meta.db_table, connection.ops
    sql = (f"SELECT day, CAST(COALESCE(adj_close, close) AS {connection.data_types['FloatField']}), volume "  # noqa: S608
           f"FROM {ops.quote_name(table)} WHERE symbol = %s AND day >= %s AND day <= %s ORDER BY day")
    with connection.cursor() as cursor:
        cursor.execute(sql, [symbol, ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)])
        return cursor.fetchall()  # days are dates: psycopg's, and Django's SQLite "date" converter
