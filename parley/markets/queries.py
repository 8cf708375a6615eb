"""What a page shows of a symbol's prices: its last close with the source and day, its changes over
a day, five trading days, a month and a year, and a year of closes for the chart. Read from the
stored bars (one indexed range per page), never from a provider."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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
    closes: list  # [(day, adjusted close)] of the last year, oldest first: the chart's line

    @property
    def first_day(self) -> date:
        return self.closes[0][0]


def _value(bar) -> Decimal:
    """Changes are measured on adjusted closes where the source gives them, so a split is no crash."""
    return bar.adj_close if bar.adj_close is not None else bar.close


def quote(symbol: str) -> Quote | None:
    """The symbol's last close and its changes, or None when no prices are stored for it."""
    last = DailyBar.objects.filter(symbol=symbol).order_by("-day").first()
    if last is None:
        return None
    bars = list(DailyBar.objects.filter(symbol=symbol, day__gte=last.day - timedelta(days=372), day__lte=last.day)
                .order_by("day").only("day", "close", "adj_close"))
    changes = []
    for label, trading, calendar in CHANGES:
        if trading is not None:
            earlier = bars[-1 - trading] if len(bars) > trading else None
        else:
            cutoff = last.day - timedelta(days=calendar)
            earlier = next((b for b in reversed(bars) if b.day <= cutoff), None)
            if earlier is not None and (cutoff - earlier.day).days > 7:  # a gap: no honest figure
                earlier = None
        if earlier is not None and _value(earlier) > 0:
            changes.append(Change(label, earlier.day, float((_value(bars[-1]) / _value(earlier) - 1) * 100)))
    return Quote(symbol, last.day, last.close, last.currency, last.source, changes,
                 [(b.day, _value(b)) for b in bars if b.day >= last.day - timedelta(days=365)])
