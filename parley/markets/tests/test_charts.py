"""A company page's charts: closes with the articles marked on the day they were published, volume
below where the source gave it, coverage on the same days; an old archive shown whole and said so;
empty charts replaced by sentences; the window chosen by ?range=, any other value the default."""
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.utils import timezone

from parley.enrichment.charts import (
    MAX_SLOTS,
    MIN_COVERAGE_BAR,
    MIN_MARKER,
    WIDTH,
    coverage_chart,
    price_chart,
    slots,
    table_rows,
)
from parley.enrichment.services import enrich_article
from parley.markets.models import DailyBar, Instrument
from parley.markets.queries import RANGES, bars_between, read_range, window
from parley.markets.services import import_file

pytestmark = pytest.mark.django_db
BOEING = "Boeing (NYSE: BA) {}.\n\nAnalysts watched deliveries."


def weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5]


def store_bars(symbol, days, volume=True, start=100.0):
    DailyBar.objects.bulk_create([DailyBar(symbol=symbol, day=d, close=Decimal(f"{start + i * 0.5:.2f}"),
                                           volume=1_000_000 + i if volume else None, source="stooq csv")
                                  for i, d in enumerate(days)])


def boeing_article(make_article, day: date, title: str):
    article = make_article(title=title, body=BOEING.format(title.lower()),
                           published_at=timezone.make_aware(datetime(day.year, day.month, day.day, 15, 0)))
    enrich_article(article)
    return article


def svg(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def x_of(day: date, start: date, end: date) -> float:
    """Where a day's slot is centred on a daily chart of start..end."""
    return round(((day - start).days + 0.5) * WIDTH / ((end - start).days + 1), 1)


def test_a_marker_sits_on_the_line_at_each_days_x_one_per_day_with_its_count():
    """Ensure each day with articles has one marker at that day's x and close, naming the day and titles."""
    start, end = date(2025, 11, 3), date(2025, 11, 28)
    bars = [(d, Decimal(100 + i), 5000) for i, d in enumerate(weekdays(start, end))]
    counts = {date(2025, 11, 5): 1, date(2025, 11, 20): 2}
    articles = [(date(2025, 11, 20), "Second jet order", "/a/2"), (date(2025, 11, 20), "First jet order", "/a/1"),
                (date(2025, 11, 5), "Deliveries rose", "/a/0")]
    chart = svg(price_chart(slots(start, end, bars, counts, articles), "$BA closes"))
    markers = chart.findall("./{*}g[@class='markers']/{*}circle") or chart.findall("./g[@class='markers']/circle")
    assert [float(m.get("cx")) for m in markers] == [x_of(date(2025, 11, 5), start, end), x_of(date(2025, 11, 20), start, end)]
    titles = [m.find("title").text for m in markers]
    assert titles[1] == "Nov 20, 2025: 2 articles: “Second jet order”, “First jet order”"
    assert titles[0] == "Nov 5, 2025: 1 article: “Deliveries rose”"
    # On the line: the marker's y is the polyline's y at that day.
    points = dict(p.split(",") for p in chart.find("polyline").get("points").split())
    assert markers[1].get("cy") == points[str(x_of(date(2025, 11, 20), start, end))]
    assert "2 days with articles marked on the line, most on Nov 20, 2025 (2 articles)" in chart.get("aria-label")


def test_a_weekend_article_sits_at_fridays_close_and_the_coverage_bar_under_it():
    """Ensure an article on a day without a close is marked at the close before it, at its own day's x,
    and the coverage chart's bar for that day has the same x: one time axis."""
    start, end = date(2025, 11, 3), date(2025, 11, 14)
    bars = [(d, Decimal(100 + i), None) for i, d in enumerate(weekdays(start, end))]
    saturday = date(2025, 11, 8)
    series = slots(start, end, bars, {saturday: 3})
    price, coverage = svg(price_chart(series, "$BA closes")), svg(coverage_chart(series))
    marker = price.find("g/circle")
    points = dict(p.split(",") for p in price.find("polyline").get("points").split())
    assert float(marker.get("cx")) == x_of(saturday, start, end)
    assert marker.get("cy") == points[str(x_of(date(2025, 11, 7), start, end))]  # Friday's close
    bar = coverage.find("rect")
    assert round(float(bar.get("x")) + float(bar.get("width")) / 2, 1) == x_of(saturday, start, end)
    assert coverage.get("viewBox").split()[2] == price.get("viewBox").split()[2] == str(WIDTH)
    assert bar.find("title").text == "Nov 8, 2025: 3 articles"


def test_volume_is_drawn_only_when_the_bars_have_it():
    """Ensure the volume bars appear under the line when the source gave volume, and not otherwise."""
    start, end = date(2025, 11, 3), date(2025, 11, 14)
    with_volume = [(d, Decimal(100 + i), 1000 * (i + 1)) for i, d in enumerate(weekdays(start, end))]
    without = [(d, v, None) for d, v, _ in with_volume]
    drawn = svg(price_chart(slots(start, end, with_volume, {}), "$BA closes"))
    assert len(drawn.findall("g[@class='volume']/rect")) == 10 and "volume drawn below" in drawn.get("aria-label")
    bare = svg(price_chart(slots(start, end, without, {}), "$BA closes"))
    assert bare.find("g[@class='volume']") is None and "volume" not in bare.get("aria-label")


def test_ten_years_are_drawn_weekly_and_the_svg_stays_small():
    """Ensure a long window is cut into weeks (at most MAX_SLOTS points) and a short one into days."""
    days = weekdays(date(2016, 1, 1), date(2025, 12, 31))
    bars = [(d, Decimal("100") + i % 50, 1000) for i, d in enumerate(days)]
    series = slots(days[0], days[-1], bars, {d: 1 for d in days[::20]})
    assert series[0].step == "week" and len(series) <= MAX_SLOTS
    chart = str(price_chart(series, "$BA closes"))
    assert len(chart.split('<polyline points="')[1].split('"')[0].split()) == len(series) <= 530
    assert len(chart) < 100_000 and "one point a week" in chart
    year = slots(date(2025, 1, 1), date(2025, 12, 31), bars, {})
    assert year[0].step == "day" and len(year) == 365


def test_ranges_are_read_and_a_bad_value_is_the_default():
    """Ensure only the listed ranges are taken from ?range= and a hostile value falls back."""
    assert read_range("5y", "1y") == "5y" and read_range(None, "1y") == "1y"
    for bad in ("", "10y", "<script>", "1y'--", "ALL"):
        assert read_range(bad, "1y") == "1y"
    assert set(RANGES) == {"3m", "1y", "5y", "all"}


def test_an_archive_older_than_the_window_is_shown_whole_and_a_chosen_range_ends_on_its_last_day():
    """Ensure an archive that ended long ago is the default window, whole; a chosen year ends on its last day."""
    today = date(2026, 12, 7)
    spans = [(date(2019, 3, 4), date(2020, 11, 27)), (date(2019, 5, 1), date(2020, 6, 1))]
    shown = window("1y", today, spans, chosen=False)
    assert (shown.start, shown.end, shown.range, shown.whole) == (date(2019, 3, 4), date(2020, 11, 27), "all", True)
    assert shown.described() == "Mar 2019 – Nov 2020"
    chosen = window("1y", today, spans, chosen=True)
    assert (chosen.start, chosen.end, chosen.whole, chosen.narrowed) == (date(2019, 11, 29), date(2020, 11, 27), False, True)
    fresh = window("1y", today, [(date(2015, 1, 2), date(2026, 12, 4))], chosen=False)  # ended on Friday
    assert (fresh.start, fresh.end, fresh.narrowed) == (date(2025, 12, 8), today, False)
    assert window("1y", today, [None, None]) is None


def test_a_split_does_not_spike_the_line_since_adjusted_closes_are_drawn(tmp_path):
    """Ensure a 4-for-1 split in a Yahoo export draws the adjusted closes: no fall from 500 to 125."""
    path = tmp_path / "AAPL.csv"
    path.write_text("Date,Open,High,Low,Close,Adj Close,Volume\n"
                    "2020-08-27,498.82,509.94,495.33,500.04,124.04,39421800\n"
                    "2020-08-28,504.05,505.77,498.31,499.23,123.83,46907500\n"
                    "2020-08-31,127.58,131.00,126.00,129.04,128.04,225702700\n"
                    "2020-09-01,132.76,134.80,130.53,134.18,133.15,151948100\n", encoding="utf-8")
    import_file(path)
    bars = bars_between("AAPL", date(2020, 8, 1), date(2020, 9, 30))
    label = svg(price_chart(slots(date(2020, 8, 27), date(2020, 9, 1), bars, {}), "$AAPL closes")).get("aria-label")
    assert "low 123.83, high 133.15" in label and "500" not in label


def test_the_company_page_shows_an_old_archive_whole_with_markers_volume_coverage_and_table(client, make_article):
    """Ensure /t/BA/ with a 2019-2020 archive draws both charts over its span, says so, and lists the
    articles in the table with links; ?range= takes only the listed values, anything else the default."""
    days = weekdays(date(2019, 3, 4), date(2020, 11, 27))
    store_bars("BA", days)
    first = boeing_article(make_article, date(2019, 3, 13), "Jets grounded after crash")
    boeing_article(make_article, date(2020, 11, 18), "Regulator clears the jet")
    boeing_article(make_article, date(2020, 11, 18), "Airlines plan return of the jet")
    html = client.get("/t/BA/").content.decode()
    assert "Showing Mar 2019 – Nov 2020, the span of this site's articles and prices for $BA." in html
    assert "peak 0" not in html and "one point a" not in html  # 21 months: daily points (weekly beyond 2 years)
    price = re.search(r'<svg class="market price-line".*?</svg>', html, re.S).group(0)
    assert price.count("<circle") == 2 and "volume drawn below" in price
    assert "Nov 18, 2020: 2 articles: “Airlines plan return of the jet”, “Regulator clears the jet”" in price
    assert re.search(r'<svg class="market coverage"[^>]*aria-label="3 articles from Mar 4, 2019 to Nov 27, 2020', html)
    assert f'<a href="{first.get_absolute_url()}">Jets grounded after crash</a>' in html
    assert 'href="?range=all#price-title" aria-current="true"' in html
    for bad in ("bogus", "%3Cscript%3E", "1y%27--", ""):
        answer = client.get(f"/t/BA/?range={bad}")
        assert answer.status_code == 200 and 'href="?range=all#price-title" aria-current="true"' in answer.content.decode()
    three = client.get("/t/BA/?range=3m").content.decode()
    assert "Showing Aug 30 – Nov 27, 2020, 3 months up to the last day stored." in three
    assert 'href="?range=3m#price-title" aria-current="true"' in three and "Jets grounded" not in three.split("Latest articles")[0]


def test_empty_charts_are_sentences_never_an_empty_box(client, make_article):
    """Ensure a company with neither prices nor articles, and one with articles only, get sentences."""
    boeing_article(make_article, date(2025, 11, 3), "Deliveries rose")
    page = client.get("/t/BA/").content.decode()
    assert "No prices are stored for $BA; an operator can import them: <code>parley prices import FILE --ticker BA</code>" in page
    assert 'class="market coverage"' in page and "peak 0" not in page
    listed = client.get("/t/AAPL/").content.decode()  # a listed company no article mentions
    assert "No article on this site mentions $AAPL yet." in listed and "No prices are stored for $AAPL" in listed
    assert "<svg" not in listed.split('id="price-title"')[1].split("</section>")[0]


def test_the_topic_page_shows_its_archive_span_and_never_peak_zero(client, make_article):
    """Ensure a topic whose articles are old draws them over their own span and says so."""
    article = boeing_article(make_article, date(2019, 6, 4), "Airline orders jets")
    topic = article.facts.filter(kind="topic").values_list("slug", flat=True).first()
    assert topic, "the article should carry a topic"
    html = client.get(f"/topic/{topic}/").content.decode()
    assert "Showing Jun 4, 2019, the span of this site's articles for" in html
    assert 'aria-label="1 article from Jun 4, 2019 to Jun 4, 2019' in html and "peak 0" not in html


def test_prices_that_end_before_the_window_are_said_with_a_way_to_them(client, make_article):
    """Ensure a company with fresh articles but closes that stopped over a year ago is told so, with a link."""
    store_bars("BA", weekdays(date(2024, 3, 4), date(2024, 6, 28)))
    boeing_article(make_article, timezone.localdate() - timedelta(days=2), "Deliveries rose")
    html = client.get("/t/BA/").content.decode()
    assert "The closes stored for $BA end on Jun 28, 2024, before this window: <a href=\"?range=all#price-title\">show all</a>" in html
    assert 'class="market price-line"' in client.get("/t/BA/?range=all").content.decode()


def texts(chart: ET.Element) -> list[str]:
    return [t.text for t in chart.iter() if t.tag.endswith("text")]


def test_the_price_chart_draws_its_scale_high_and_low_close_and_the_volume_peak():
    """Ensure the chart labels the window's high and low close on their lines (above the high, below
    the low, clear of the line) and the volume bars' peak; no volume label where there is no volume."""
    start, end = date(2025, 11, 3), date(2025, 11, 14)
    bars = [(d, 1000.0 + i * 125.5, 1_000_000 * (i + 1)) for i, d in enumerate(weekdays(start, end))]
    chart = svg(price_chart(slots(start, end, bars, {}), "$BA closes"))
    assert texts(chart) == ["high 2,129.50", "low 1,000.00", "volume, peak 10.0M"]
    lines = {round(float(line.get("y1")), 1) for line in chart.findall("g[@class='scale']/line")}
    points = [float(p.split(",")[1]) for p in chart.find("polyline").get("points").split()]
    assert lines == {round(min(points), 1), round(max(points), 1)}  # the dashed lines at the high and low close
    high, low = (float(t.get("y")) for t in chart.findall("g[@class='scale']/text")[:2])
    assert high < min(points) and low > max(points) + 12  # above the high's line, a text's height below the low's
    assert "volume drawn below, peak 10,000,000" in chart.get("aria-label")
    bare = svg(price_chart(slots(start, end, [(d, v, None) for d, v, _ in bars], {}), "$BA closes"))
    assert texts(bare) == ["high 2,129.50", "low 1,000.00"]


def test_coverage_bars_and_markers_keep_a_visible_size_over_a_year():
    """Ensure a year of days (1.3 viewBox units a day) still draws a day's coverage bar at least
    MIN_COVERAGE_BAR wide (2 px on a 390 px phone) and a lone article's marker at least MIN_MARKER."""
    start, end = date(2024, 12, 1), date(2025, 11, 30)
    bars = [(d, 100.0 + i % 7, None) for i, d in enumerate(weekdays(start, end))]
    series = slots(start, end, bars, {date(2025, 6, 3): 1}, [(date(2025, 6, 3), "Jet order", "/a/1")])
    assert len(series) == 365
    bar = svg(coverage_chart(series)).find("rect")
    assert float(bar.get("width")) >= MIN_COVERAGE_BAR >= 3.4
    x = x_of(date(2025, 6, 3), start, end)
    assert abs(float(bar.get("x")) + float(bar.get("width")) / 2 - x) < 0.2  # still centred on its day
    marker = svg(price_chart(series, "$BA closes")).find("g[@class='markers']/circle")
    assert float(marker.get("r")) >= MIN_MARKER >= 4


def test_the_table_lists_every_slot_with_a_close_or_articles_escaped(client, make_article):
    """Ensure the table fallback keeps a row per day with a close or articles, newest first, with the
    close, volume, count and linked titles, escaped, and 'and N more' past three."""
    start, end = date(2025, 11, 3), date(2025, 11, 14)
    bars = [(d, 1234.5 + i, 1000 + i) for i, d in enumerate(weekdays(start, end))]
    named = [(date(2025, 11, 5), f"Title <{n}> & co", f"/a/{n}?x=1&y=2") for n in range(4)]
    html = str(table_rows(slots(start, end, bars, {date(2025, 11, 5): 5, date(2025, 11, 8): 1}, named)))
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert len(rows) == 11 and rows[0].startswith("<td>Nov 14, 2025</td><td>1,243.50</td><td>1,009</td>")
    assert rows[5] == "<td>Nov 8, 2025</td><td></td><td></td><td>1</td>"  # a Saturday's article, no close
    assert ('<td>5<br><a href="/a/0?x=1&amp;y=2">Title &lt;0&gt; &amp; co</a><br>' in rows[8]
            and "Title &lt;3&gt;" not in rows[8] and rows[8].endswith('<span class="meta">and 2 more</span></td>'))
    assert "<0>" not in html


def test_the_heading_says_closes_alone_when_no_article_is_marked(client, make_article):
    """Ensure a window with closes but no article is headed 'Closes', not 'articles marked on the line'."""
    today = timezone.localdate()
    store_bars("BA", weekdays(today - timedelta(days=400), today - timedelta(days=1)))
    boeing_article(make_article, today - timedelta(days=380), "Deliveries rose")  # outside the year shown
    page = client.get("/t/BA/").content.decode()
    assert '<h3 class="chart-title">Closes, volume below</h3>' in page and "marked on the line" not in page
    boeing_article(make_article, today - timedelta(days=3), "Jets ordered")
    caches["default"].clear()
    assert '<h3 class="chart-title">Closes, articles marked on the line, volume below</h3>' in client.get("/t/BA/").content.decode()


@pytest.mark.parametrize(("asked", "to"), [("BRK-B", "/t/BRK.B/"), ("brk.b", "/t/BRK.B/"), ("brk-b", "/t/BRK.B/"),
                                           ("aapl.us", "/t/AAPL/"), ("%24ba", "/t/BA/"), ("%5Egspc", "/t/%5EGSPC/")])
def test_broker_spellings_redirect_permanently_to_the_one_symbol(client, asked, to):
    answer = client.get(f"/t/{asked}/")
    assert answer.status_code == 301 and answer["Location"] == to


def test_what_is_no_symbol_is_a_404_in_words(client):
    """Ensure a non-symbol and a symbol nothing knows are 404s saying why, never a 500."""
    for bad, said in (("not a symbol!", "is not a ticker symbol"), ("ABCDEFGHIJKLM", "is not a ticker symbol"),
                      ("<b>x", "is not a ticker symbol"), ("ZZZZQ", "Parley knows no company, fund or index with the symbol ZZZZQ")):
        answer = client.get(f"/t/{bad}/")
        assert answer.status_code == 404 and said in answer.content.decode(), bad
    assert "<b>x" not in client.get("/t/<b>x/").content.decode() and "&lt;b&gt;x" in client.get("/t/<b>x/").content.decode()


def test_a_symbol_with_prices_alone_has_its_page_named_where_the_site_knows_it(client):
    """Ensure GOOG after an import (not listed, no article) shows its prices and says no article
    mentions it; an index is named from the instruments and shown in points, without a currency;
    a demo symbol is named as invented; the notice names the source instead of 'the operator'."""
    days = weekdays(date(2025, 11, 3), date(2025, 11, 28))
    store_bars("GOOG", days)
    page = client.get("/t/GOOG/").content.decode()
    assert 'class="market price-line"' in page and "No article on this site mentions $GOOG yet." in page
    assert "A symbol with prices stored here; it is not in Parley's company list" in page
    assert "<strong>109.50 USD</strong>" in page and "Prices are end-of-day, from stooq csv; for information only" in page
    assert "imported by this site's operator" not in page
    DailyBar.objects.bulk_create([DailyBar(symbol="^GSPC", day=d, close=Decimal("5974.88") + i, source="stooq csv")
                                  for i, d in enumerate(days)])
    index = client.get("/t/%5EGSPC/").content.decode()
    assert "<h1>S&amp;P 500 <span class=\"symbol\">$^GSPC</span></h1>" in index and "S&amp;P 500 (index)" in index
    assert "<strong>5,993.88 points</strong> index level" in index and "5,993.88 USD" not in index
    Instrument.objects.create(symbol="ALDB", name="Alderbrook Energy", kind=Instrument.STOCK, source="sample (demo)")
    DailyBar.objects.bulk_create([DailyBar(symbol="ALDB", day=d, close=Decimal("42.00"), source="sample (demo)") for d in days])
    demo = client.get("/t/ALDB/").content.decode()
    assert "<h1>Alderbrook Energy <span class=\"symbol\">$ALDB</span></h1>" in demo
    assert "Alderbrook Energy (invented for the demo)" in demo and "Prices are invented sample data for the demo" in demo


def test_a_symbol_with_prices_alone_takes_comments_in_its_conversation(client):
    """Ensure the conversation box on a prices-only page (GOOG after an import) works: the first
    comment starts the conversation, named from the symbol; a symbol with nothing is still a 404."""
    store_bars("GOOG", weekdays(date(2025, 11, 3), date(2025, 11, 14)))
    client.force_login(User.objects.create_user("alice", date_joined=timezone.now() - timedelta(days=30)))
    assert 'action="/t/GOOG/talk"' in client.get("/t/GOOG/").content.decode()
    answer = client.post("/t/GOOG/talk", {"text": "Who imported these?"})
    assert answer.status_code == 302 and answer["Location"].startswith("/t/GOOG/#c")
    assert "Who imported these?" in client.get("/t/GOOG/").content.decode()
    assert 'href="/t/GOOG/feed.atom"' in client.get("/t/GOOG/").content.decode()
    feed = client.get("/t/GOOG/feed.atom")  # the page links its feed: empty until an article names it
    assert feed.status_code == 200 and b"<entry>" not in feed.content
    assert client.post("/t/ZZZZQ/talk", {"text": "Hello"}).status_code == 404
