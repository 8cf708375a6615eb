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
