"""In-process profile of the company page (/t/BA/): where a request's time goes, part by part.

Reads a copy of the archive bench/serve.py builds (bench/out/serve-2000 by default: 2,000 articles,
ten years of daily bars of $BA, a ticker fact on every 40th article), so run `bench/serve.py --sizes
2000` once first. Each part is timed by calling it the way the view does, then the whole page through
Django's test client with the page cache off; prints a table of medians and p90 in CPU ms (the
process's own time, with SQLite's: steadier than wall-clock time on a shared machine).

    python bench/company_page.py
    python bench/company_page.py --runs 100 --path "/t/BA/?range=all"
    python bench/company_page.py --profile        # also cProfile's 25 costliest functions of the page
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


TABLE_LOOP = (  # the company page's table rows as its template drew them before table_rows()
    '{% for s in chart_rows %}<tr><td>{{ s.label }}</td><td>{{ "{:,.2f}".format(s.close) if s.close is not none else "" }}</td>'
    '<td>{{ "{:,}".format(s.volume) if s.volume is not none else "" }}</td>'
    '<td>{% if s.count %}{{ s.count }}{% for day, title, link in s.articles[:3] %}<br><a href="{{ link }}">{{ title }}</a>{% endfor %}'
    '{% if s.count > s.articles[:3]|length %}<br><span class="meta">and {{ s.count - s.articles[:3]|length }} more</span>{% endif %}'
    '{% endif %}</td></tr>{% endfor %}')


def timed(fn, runs: int) -> list[float]:
    """CPU milliseconds of each run: this process's time (SQLite runs in it), so four other jobs on
    the machine's two cores move the figures far less than they move wall-clock time."""
    out = []
    for _ in range(runs):
        began = time.process_time()
        fn()
        out.append((time.process_time() - began) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "bench" / "out" / "serve-2000"))
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--path", default="/t/BA/")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    source = Path(args.data) / "parley.sqlite3"
    if not source.exists():
        sys.exit(f"{source} is missing: run bench/serve.py --sizes 2000 first")
    work = Path(tempfile.mkdtemp(prefix="parley-company-"))
    shutil.copy(source, work / "parley.sqlite3")
    shutil.copy(Path(args.data) / "secret_key", work / "secret_key")
    os.environ.update(PARLEY_DATA_DIR=str(work), PARLEY_PAGE_CACHE_SECONDS="0", PARLEY_LOG_LEVEL="WARNING",
                      DJANGO_SETTINGS_MODULE="parley.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.template import engines
    from django.test import Client, RequestFactory

    from parley.enrichment.charts import slots, table_rows
    from parley.enrichment.queries import articles_between, daily_counts, latest_with_sentence, ticker_context
    from parley.markets.queries import bars_between, quote
    from parley.web.charts import company_charts

    query = args.path.split("?", 1)[1] if "?" in args.path else ""
    request = RequestFactory().get(args.path)
    client = Client(HTTP_HOST="127.0.0.1")
    try:
        assert client.get(args.path).status_code == 200, "the page does not answer 200"
        # The table fallback two ways, over the page's own window: the Jinja loop the template had (a
        # filter or format per cell) and the rows joined in Python that it renders now.
        shown = company_charts(request, "BA")["window"]
        series = slots(shown.start, shown.end, bars_between("BA", shown.start, shown.end),
                       daily_counts("ticker", shown.start, shown.end, key="BA"),
                       articles_between("ticker", shown.start, shown.end, 60, key="BA"))
        LOOP, JOINED = (engines["jinja2"].env.from_string(text) for text in (TABLE_LOOP, "{{ chart_rows }}"))
        parts = [
            ("quote()", lambda: quote("BA")),
            ("company_charts()", lambda: company_charts(request, "BA")),
            ("ticker_context()", lambda: ticker_context("BA")),
            ("latest_with_sentence()", lambda: latest_with_sentence("ticker", limit=21, key="BA")),
            ("table: a Jinja loop", lambda: LOOP.render(chart_rows=[s for s in reversed(series) if s.close is not None or s.count])),
            ("table: table_rows()", lambda: JOINED.render(chart_rows=table_rows(series))),
            (f"GET {args.path}", lambda: client.get(args.path)),
        ]
        print(f"{'part':<28}{'p50 cpu ms':>11}{'p90':>7}   ({args.runs} runs, {query or 'default range'})")
        for name, fn in parts:
            fn()
            times = sorted(timed(fn, args.runs))
            print(f"{name:<28}{statistics.median(times):>11.1f}{times[int(len(times) * 0.9) - 1]:>7.1f}")
        print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda: [client.get(args.path) for _ in range(20)])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats("parley/", 30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
