"""Small charts drawn on the server as SVG, so a page needs no chart script."""
from datetime import date, timedelta
from html import escape

from markupsafe import Markup


def daily_bars(counts: dict[date, int], last_day: date, days: int = 90, label: str = "mentions") -> Markup:
    """Return an SVG bar chart of counts per day for the `days` days ending on `last_day`.

    Each bar carries a <title> (its day and count) and the chart an aria-label summing it up, so it
    reads without sight too; the viewBox scales it to any width.
    """
    width, height, gap = 4, 60, 1
    series = [(last_day - timedelta(days=days - 1 - n), 0) for n in range(days)]
    series = [(day, counts.get(day, 0)) for day, _ in series]
    peak = max((n for _, n in series), default=0)
    total = sum(n for _, n in series)
    bars = []
    for i, (day, n) in enumerate(series):
        h = 0 if not peak else max(2, round(n / peak * (height - 2))) if n else 0
        tip = f"{day:%b} {day.day}: {n} {label if n != 1 else label.rstrip('s')}"
        bars.append(f'<rect x="{i * (width + gap)}" y="{height - h}" width="{width}" height="{h}"><title>{escape(tip)}</title></rect>')
    busiest = max(series, key=lambda s: s[1]) if total else None
    summary = (f"{total} {label} in the last {days} days" +
               (f", most on {busiest[0]:%b} {busiest[0].day} ({busiest[1]})" if busiest else ""))
    view = f"0 0 {days * (width + gap)} {height}"
    first, last = series[0][0], series[-1][0]
    return Markup(f'<svg class="chart" viewBox="{view}" preserveAspectRatio="none" role="img" '
                  f'aria-label="{escape(summary)}"><line x1="0" y1="{height - 0.5}" x2="{days * (width + gap)}" '
                  f'y2="{height - 0.5}" class="axis"/>{"".join(bars)}</svg>'
                  f'<p class="chart-axis" aria-hidden="true"><span>{first:%b} {first.day}</span>'
                  f'<span>peak {peak} a day</span><span>{last:%b} {last.day}</span></p>')


def price_line(closes: list, label: str) -> Markup:
    """Return an SVG line of closing prices (oldest first) with an aria-label summing it up."""
    if len(closes) < 2:
        return Markup("")
    width, height = 600, 120
    values = [float(v) for _, v in closes]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 4 - (v - low) / span * (height - 8):.1f}" for i, v in enumerate(values))
    first, last = closes[0][0], closes[-1][0]
    summary = (f"{label}: from {values[0]:,.2f} on {first:%b} {first.day}, {first.year} to {values[-1]:,.2f} on "
               f"{last:%b} {last.day}, {last.year}; low {low:,.2f}, high {high:,.2f}")
    return Markup(f'<svg class="chart price" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
                  f'aria-label="{escape(summary)}"><polyline points="{points}" fill="none"/></svg>'
                  f'<p class="chart-axis" aria-hidden="true"><span>{first:%b} {first.day}, {first.year}</span>'
                  f'<span>low {low:,.2f} · high {high:,.2f}</span><span>{last:%b} {last.day}, {last.year}</span></p>')
