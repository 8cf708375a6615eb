"""Small charts drawn on the server as SVG, so a page needs no chart script.

A company page draws its prices and its coverage on one time axis: `slots` cuts a window of
calendar days into slots (a day, a week or a month each, so no chart has more than MAX_SLOTS of
them whatever the length of the history) and every chart places slot i at the same x, so a spike
of articles sits under the move it came with. Each SVG has role="img" and a text summary; the
page lists the same slots in a table for readers who cannot see it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

WIDTH = 600  # every time chart's viewBox width: the same x for the same day in each of them
# Size bound: at most MAX_SLOTS points on a line, bars in a row and rows in the table. Daily slots up
# to two years (731), weekly beyond (ten years: 523), monthly beyond MAX_SLOTS weeks (~15 years).
MAX_SLOTS = 800
NAMED_PER_MARKER = 3  # a marker's title names this many articles, then says how many more
# A coverage bar's least width, in viewBox units: the chart is 600 units across a phone's ~355 px, so
# 3.4 units are 2 px there (a year of days leaves 1.3 units a day: 0.8 px, nearly invisible).
MIN_COVERAGE_BAR = 3.4


@dataclass
class Slot:
    """A run of calendar days drawn as one x position: a day, a week (from Monday) or a month."""
    first: date
    last: date
    step: str  # "day", "week" or "month"
    close: object = None  # the last adjusted close in the slot
    close_day: date | None = None
    volume: int | None = None  # the slot's summed volume, where the source gave any
    count: int = 0  # articles published in the slot
    articles: list = field(default_factory=list)  # [(day, title, url)] newest first: the ones known by name

    @property
    def label(self) -> str:
        if self.step == "day":
            return f"{self.first:%b} {self.first.day}, {self.first.year}"
        if self.step == "week":
            return f"week of {self.first:%b} {self.first.day}, {self.first.year}"
        return f"{self.first:%b %Y}"

    @property
    def when(self) -> str:
        """The slot after a preposition: "on Nov 3, 2025", "in the week of …", "in Nov 2025"."""
        return f"{'on' if self.step == 'day' else 'in the' if self.step == 'week' else 'in'} {self.label}"


def _step_for(start: date, end: date) -> str:
    days = (end - start).days + 1
    if days <= 731:
        return "day"
    return "week" if days / 7 <= MAX_SLOTS else "month"


def _slot_start(day: date, step: str) -> date:
    if step == "day":
        return day
    if step == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(day: date, step: str) -> date:
    if step == "day":
        return day + timedelta(days=1)
    if step == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def slots(start: date, end: date, bars: list, counts: dict, articles: list = ()) -> list[Slot]:
    """Cut start..end into slots and fill them: bars [(day, adjusted close, volume)] oldest first,
    counts {day: articles}, articles [(day, title, url)] newest first."""
    step = _step_for(start, end)
    out, first = [], start
    while first <= end:
        after = _next(_slot_start(first, step), step)
        out.append(Slot(first, min(end, after - timedelta(days=1)), step))
        first = after
    origin = _slot_start(start, step)

    def at(day: date) -> Slot | None:
        """The slot holding a day, by arithmetic (this runs once per bar: ten years are 2,600)."""
        if not start <= day <= end:
            return None
        if step == "month":
            return out[(day.year - origin.year) * 12 + day.month - origin.month]
        return out[(day - origin).days // (7 if step == "week" else 1)]

    for day, value, volume in bars:
        slot = at(day)
        if slot is not None:
            slot.close, slot.close_day = value, day
            if volume is not None:
                slot.volume = (slot.volume or 0) + volume
    for day, n in counts.items():
        slot = at(day)
        if slot is not None:
            slot.count += n
    for day, title, url in articles:
        slot = at(day)
        if slot is not None:
            slot.articles.append((day, title, url))
    return out


def _x(i: int, total: int) -> float:
    """The centre of slot i of `total` across the shared width."""
    return (i + 0.5) * WIDTH / total


def _articles_words(n: int) -> str:
    return f"{n} article{'' if n == 1 else 's'}"


def marker_text(slot: Slot) -> str:
    """What a marker says: its day (or week, or month), how many articles, and their titles."""
    named = [f"“{title}”" for _, title, _ in slot.articles[:NAMED_PER_MARKER]]
    more = slot.count - len(named)
    words = f"{slot.label}: {_articles_words(slot.count)}"
    if named:
        words += ": " + ", ".join(named) + (f" and {more} more" if more > 0 else "")
    return words


def _number(value: float) -> str:
    return f"{value:,.2f}"


def _short(volume: float) -> str:
    """A volume in few characters, for the scale: 950, 12.3K, 4.1M, 1.2B."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if volume >= size:
            return f"{volume / size:.1f}{unit}"
    return f"{volume:,.0f}"


def _label(x: float, y: float, text: str, end: bool = False) -> str:
    anchor = ' text-anchor="end"' if end else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{anchor}>{escape(text)}</text>'


# The price chart's rows, in viewBox units (600 wide: a 390 px phone shows one unit as about 0.6 px).
# A label's band is as tall as the largest label font the stylesheet gives (19 units at phone width).
LABEL_BAND = 22
MIN_MARKER = 4  # a marker's least radius: about 2.4 px on a phone, 5 on a desktop


def price_chart(series: list[Slot], label: str) -> Markup:
    """The closes as a line across the slots, a marker on the line at each slot with articles (its
    title names the day and the articles) and, below, volume bars where the source gave volume.
    Its scale is drawn: the window's high and low close on dashed lines, labelled, and the volume
    bars' peak. Empty where fewer than two slots have a close. The line is of adjusted closes, so a
    split is no cliff."""
    closed = [(i, s) for i, s in enumerate(series) if s.close is not None]
    if len(closed) < 2:
        return Markup("")
    total, top, line_h, vol_h = len(series), LABEL_BAND, 104, 44
    vol_top = top + line_h + LABEL_BAND + 4
    values = [float(s.close) for _, s in closed]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    y = lambda v: top + line_h - (float(v) - low) / span * line_h  # noqa: E731
    points = " ".join(f"{_x(i, total):.1f},{y(s.close):.1f}" for i, s in closed)
    has_volume = any(s.volume for s in series)
    height = vol_top + vol_h + 2 if has_volume else top + line_h + LABEL_BAND + 2
    # The scale: the high's label above its line, the low's below its line, the volume's peak at the
    # right of the band above the volume bars. Labels sit outside the line's band, so none covers it.
    parts = [f'<g class="scale"><line x1="0" y1="{y(high):.1f}" x2="{WIDTH}" y2="{y(high):.1f}"/>'
             f'<line x1="0" y1="{y(low):.1f}" x2="{WIDTH}" y2="{y(low):.1f}"/>'
             f'{_label(2, y(high) - 4, "high " + _number(high))}{_label(2, y(low) + LABEL_BAND - 3, "low " + _number(low))}']
    if has_volume:
        peak = max(s.volume or 0 for s in series)
        parts.append(_label(WIDTH - 2, vol_top - 3, f"volume, peak {_short(peak)}", end=True))
    parts.append("</g>")
    parts.append(f'<polyline points="{points}"/>')
    if has_volume:
        bar_w = max(WIDTH / total * 0.8, 0.3)
        parts.append('<g class="volume">' + "".join(
            f'<rect x="{_x(i, total) - bar_w / 2:.1f}" y="{vol_top + vol_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"/>'
            for i, s in enumerate(series) if s.volume for h in [max(0.5, s.volume / peak * vol_h)]) + "</g>")
    # A marker sits on the line: at its slot's close, or the close before it (a weekend's article
    # sits at Friday's price), or the first close for articles before any price.
    marked, last_close = [], closed[0][1].close
    for i, s in enumerate(series):
        if s.close is not None:
            last_close = s.close
        if s.count:
            marked.append((i, s, last_close))
    dots = []
    for i, s, value in marked:
        r = MIN_MARKER if s.count == 1 else 5.5 if s.count < 5 else 7
        dots.append(f'<circle cx="{_x(i, total):.1f}" cy="{y(value):.1f}" r="{r}"><title>{escape(marker_text(s))}</title></circle>')
    if dots:
        parts.append('<g class="markers">' + "".join(dots) + "</g>")
    first, last = closed[0][1], closed[-1][1]
    busiest = max(marked, key=lambda m: m[1].count)[1] if marked else None
    summary = (f"{label}: from {values[0]:,.2f} on {first.close_day:%b} {first.close_day.day}, {first.close_day.year} "
               f"to {values[-1]:,.2f} on {last.close_day:%b} {last.close_day.day}, {last.close_day.year}; "
               f"low {low:,.2f}, high {high:,.2f}")
    if marked:
        summary += (f"; {len(marked)} {series[0].step}{'' if len(marked) == 1 else 's'} with articles marked on the line, "
                    f"most {busiest.when} ({_articles_words(busiest.count)})")
    if has_volume:
        summary += f"; volume drawn below, peak {peak:,}"
    if series[0].step != "day":
        summary += f"; one point a {series[0].step}"
    return Markup(f'<svg class="market price-line" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(summary)}">'
                  f'{"".join(parts)}</svg>')


def coverage_chart(series: list[Slot], noun: str = "articles") -> Markup:
    """Articles per slot as bars on the same x as price_chart; empty where the window has none."""
    total_articles = sum(s.count for s in series)
    if not total_articles:
        return Markup("")
    height, total = 60, len(series)
    peak = max(s.count for s in series)
    bar_w = max(WIDTH / total * 0.8, MIN_COVERAGE_BAR)
    bars = "".join(
        f'<rect x="{_x(i, total) - bar_w / 2:.1f}" y="{height - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
        f'<title>{escape(s.label)}: {_articles_words(s.count)}</title></rect>'
        for i, s in enumerate(series) if s.count for h in [max(2.0, s.count / peak * (height - 2))])
    busiest = max(series, key=lambda s: s.count)
    per = {"day": "a day", "week": "a week", "month": "a month"}[series[0].step]
    summary = (f"{total_articles} {noun if total_articles != 1 else noun.rstrip('s')} from {series[0].first:%b} {series[0].first.day}, {series[0].first.year} to "
               f"{series[-1].last:%b} {series[-1].last.day}, {series[-1].last.year}, counted {per}; "
               f"most {busiest.when} ({busiest.count})")
    return Markup(f'<svg class="market coverage" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="none" role="img" '
                  f'aria-label="{escape(summary)}"><line x1="0" y1="{height - 0.5}" x2="{WIDTH}" y2="{height - 0.5}" '
                  f'class="axis"/>{bars}</svg>')


def axis(series: list[Slot], middle: str = "") -> Markup:
    """The window's first and last day under a chart (hidden from screen readers: the summary says it)."""
    first, last = series[0].first, series[-1].last
    return Markup(f'<p class="chart-axis" aria-hidden="true"><span>{first:%b} {first.day}, {first.year}</span>'
                  f'<span>{escape(middle)}</span><span>{last:%b} {last.day}, {last.year}</span></p>')


def table_rows(series: list[Slot]) -> Markup:
    """The table fallback's rows (newest first, slots with a close or articles), each slot's label,
    adjusted close, volume and articles (NAMED_PER_MARKER linked, then how many more), joined in one
    pass: a year of days is 250 rows, which a template loop with a filter per cell made the page's
    costliest part. Titles and links are escaped."""
    out = []
    for s in reversed(series):
        if s.close is None and not s.count:
            continue
        close = f"{float(s.close):,.2f}" if s.close is not None else ""
        volume = f"{s.volume:,}" if s.volume is not None else ""
        articles = ""
        if s.count:
            named = s.articles[:NAMED_PER_MARKER]
            articles = str(s.count) + "".join(f'<br><a href="{escape(link)}">{escape(title)}</a>' for _, title, link in named)
            if named and s.count > len(named):  # none named (past the newest MARKED_BY_NAME): the count alone
                articles += f'<br><span class="meta">and {s.count - len(named)} more</span>'
        out.append(f"<tr><td>{s.label}</td><td>{close}</td><td>{volume}</td><td>{articles}</td></tr>")
    return Markup("".join(out))
