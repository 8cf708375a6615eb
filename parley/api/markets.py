"""Ticker endpoints: a company with its stored last close, changes and coverage; its daily prices."""
from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from parley.api.schemas import ErrorOut
from parley.enrichment.companies import company
from parley.enrichment.queries import known_symbol
from parley.markets.instruments import describe
from parley.markets.models import DailyBar
from parley.markets.moves import today_on_exchange
from parley.markets.queries import quote
from parley.markets.symbols import normalise
from parley.web.markets import BASELINE_DAYS, coverage

router = Router(tags=["markets"])
MAX_PRICES = 2_600  # ten years of trading days in one answer; `since` pages further


class ChangeOut(Schema):
    label: str
    since: date
    percent: float


class CoverageOut(Schema):
    day: date
    articles: int
    comments: int
    articles_before: int
    baseline_days: int
    usual_per_day: float
    ratio: float | None
    attention: str


class TickerOut(Schema):
    symbol: str
    name: str | None
    kind: str
    exchange: str | None
    last_close: Decimal | None
    last_day: date | None
    currency: str | None
    source: str | None
    changes: list[ChangeOut]
    coverage: CoverageOut


class BarOut(Schema):
    day: date
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    close: Decimal
    adj_close: Decimal | None
    volume: int | None
    currency: str
    source: str


def _symbol(raw: str) -> str:
    symbol = normalise(raw)
    if symbol is None:
        raise HttpError(400, f"{raw[:40]!r} is not a ticker symbol")
    if not known_symbol(symbol) and describe(symbol) is None and not DailyBar.objects.filter(symbol=symbol).exists():
        raise HttpError(404, f"Parley knows no company, ETF, fund or index with the symbol {symbol}, and stores no prices for it")
    return symbol


@router.get("/tickers/{symbol}", response={200: TickerOut, 400: ErrorOut, 404: ErrorOut})
def ticker(request, symbol: str):
    """A company, fund or index by its symbol (BRK-B, BRK.B and BRK/B are one; ^GSPC an index) with its
    stored last close, the day and source of it, its changes over 1 day, 5 trading days, 1 month and 1
    year (nulls and an empty list where no prices are stored), and its coverage on the latest New York
    day: articles about it that day, comments on them, and the articles of the 30 days before (the
    ratio is that day's count against their daily mean; null when there were none). Prices are end of
    day, imported or fetched by the operator."""
    symbol = _symbol(symbol)
    known, found = company(symbol), quote(symbol)
    other = None if known else describe(symbol)  # an index, fund or the demo's: a listed company needs no lookup
    day = today_on_exchange(timezone.now())
    covered = coverage([symbol], day)[symbol]
    return {"symbol": symbol, "name": known.name if known else (other.name or None if other else None),
            "kind": "stock" if known else (other.kind if other else "unknown"),
            "exchange": known.exchange if known else (other.exchange or None if other else None),
            "last_close": found.close if found else None, "last_day": found.day if found else None,
            "currency": found.currency if found else None, "source": found.source if found else None,
            "changes": found.changes if found else [],
            "coverage": {"day": day, "articles": covered.articles, "comments": covered.comments,
                         "articles_before": covered.before, "baseline_days": BASELINE_DAYS,
                         "usual_per_day": round(covered.usual, 3),
                         "ratio": round(covered.articles / covered.usual, 2) if covered.before else None,
                         "attention": covered.attention}}


@router.get("/tickers/{symbol}/prices", response={200: list[BarOut], 400: ErrorOut, 404: ErrorOut})
def prices(request, symbol: str, since: date | None = None):
    """The symbol's daily bars from `since` (default: a year before the last), oldest first, at most
    2,600 (ten years); ask again from the day after the last for more."""
    symbol = _symbol(symbol)
    bars = DailyBar.objects.filter(symbol=symbol).order_by("day")
    if since is None:
        last = bars.order_by("-day").values_list("day", flat=True).first()
        if last is None:
            return []
        since = date(last.year - 1, last.month, min(last.day, 28))
    if since.year < 1900:
        raise HttpError(400, "since must be a day after 1900-01-01")
    return list(bars.filter(day__gte=since)[:MAX_PRICES])
