"""The charts of company, person and topic pages: prices and coverage on one time axis, over a window
the reader can choose (?range=3m|1y|5y|all) and that shrinks to the archive's own span when it is
older or younger than the range. Reads only the window's rows: one indexed range of the symbol's bars,
one grouped count of articles per day, and the newest articles of the window by name."""
from django.utils import timezone

from parley.enrichment.charts import axis, coverage_chart, price_chart, slots, table_rows
from parley.enrichment.queries import article_span, articles_between, daily_counts
from parley.markets.queries import (
    COVERAGE_RANGE,
    PRICE_RANGE,
    RANGES,
    bar_span,
    bars_between,
    read_range,
    window,
)

MARKED_BY_NAME = 60  # the newest articles of a window named in markers and linked from the table


def _range_links(chosen: str) -> list[dict]:
    return [{"key": key, "text": text, "current": key == chosen} for key, (text, _) in RANGES.items()]


def company_charts(request, symbol: str) -> dict:
    """The company page's price line (articles marked on it, volume below), its coverage bars on the
    same days, and the table of both; or the sentences that replace each empty chart."""
    asked = request.GET.get("range")
    prices, coverage = bar_span(symbol), article_span("ticker", key=symbol)
    key = read_range(asked, PRICE_RANGE if prices else COVERAGE_RANGE)
    shown = window(key, timezone.localdate(), [prices, coverage], chosen=asked in RANGES)
    out = {"window": shown, "ranges": _range_links(shown.range if shown else key), "has_prices": bool(prices),
           "prices_end": prices[1] if prices else None,
           "has_articles": bool(coverage), "price_svg": "", "coverage_svg": "", "chart_rows": ""}
    if shown is None:
        return out
    series = slots(shown.start, shown.end, bars_between(symbol, shown.start, shown.end),
                   daily_counts("ticker", shown.start, shown.end, key=symbol),
                   articles_between("ticker", shown.start, shown.end, MARKED_BY_NAME, key=symbol))
    out.update(price_svg=price_chart(series, f"${symbol} closes"), coverage_svg=coverage_chart(series),
               axis=axis(series), step=series[0].step, has_volume=any(s.volume for s in series),
               has_markers=any(s.count for s in series), chart_rows=table_rows(series))
    return out


def coverage_charts(request, kind: str, **match) -> dict:
    """A topic's articles per day (per week or month over long windows) over its window; no window
    (and so a sentence on the page) where no dated article has it."""
    asked = request.GET.get("range")
    shown = window(read_range(asked, COVERAGE_RANGE), timezone.localdate(), [article_span(kind, **match)],
                   chosen=asked in RANGES)
    if shown is None:
        return {"window": None, "coverage_svg": "", "ranges": _range_links(COVERAGE_RANGE)}
    series = slots(shown.start, shown.end, [], daily_counts(kind, shown.start, shown.end, **match))
    return {"window": shown, "coverage_svg": coverage_chart(series), "axis": axis(series), "step": series[0].step,
            "ranges": _range_links(shown.range)}
