"""`parley prices fetch` and the worker's `prices` job against a real HTTP server on 127.0.0.1
answering as Tiingo documents it (tests/data, our own files written from its documentation): good
answers, incremental asks, a split, and every bad answer the issue lists. Real database."""
import http.server
import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connections

from parley.following.follows import follow
from parley.jobs.models import JobState
from parley.jobs.registry import BY_NAME, Runner
from parley.markets.csvfiles import Row
from parley.markets.fetching import history_start, last_trading_day, next_close, refresh, wanted_symbols
from parley.markets.models import DailyBar, PriceFetch, PriceFetchState, PriceProvider
from parley.markets.providers import NotConfigured, configured
from parley.markets.services import store_rows

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
KEY = "k3y-for-tests-0123456789"
AFTER_DEC_4 = datetime(2026, 12, 4, 23, 45, tzinfo=UTC)  # Friday 18:45 in New York: that close is out
AFTER_JUNE_12 = datetime(2024, 6, 12, 23, 45, tzinfo=UTC)


class Tiingo(http.server.BaseHTTPRequestHandler):
    """GET /tiingo/daily/<ticker>/prices?startDate=...&token=...: each ticker one behaviour."""

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = parts.path.strip("/").split("/")
        ticker = segments[2] if len(segments) == 4 and segments[:2] == ["tiingo", "daily"] else ""
        self.server.asked.append((ticker, query))
        if query.get("token") != KEY:
            return self.send(401, b'{"detail":"Invalid token."}')
        if ticker in ("aapl", "nvda"):
            days = json.loads((DATA / ("tiingo_aapl.json" if ticker == "aapl" else "tiingo_nvda_split.json")).read_text())
            since = query.get("startDate", "0000")
            return self.send(200, json.dumps([d for d in days if d["date"][:10] >= since]).encode())
        if ticker == "zzzz":
            return self.send(404, (DATA / "tiingo_not_found.json").read_bytes())
        if ticker == "gone":
            return self.send(200, b"[]")
        if ticker == "busy":
            return self.send(429, (DATA / "tiingo_429.json").read_bytes(), headers=[("Retry-After", "120")])
        if ticker == "page":
            return self.send(200, (DATA / "tiingo_error_page.html").read_bytes(), "text/html; charset=utf-8")
        if ticker == "broken":
            return self.send(200, (DATA / "tiingo_malformed.json").read_bytes())
        if ticker == "slow":
            body = (DATA / "tiingo_aapl.json").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body[:40]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return None
        if ticker == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(64 * 2**20))
            self.end_headers()
            return None
        if ticker == "down":
            return self.send(502, (DATA / "tiingo_error_page.html").read_bytes(), "text/html")
        return self.send(404, b'{"detail":"Not found."}')


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiingo)
    httpd.daemon_threads = True
    httpd.asked = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


@pytest.fixture
def tiingo(server, settings):
    """Tiingo configured at the test server, its log of requests emptied; returns that log."""
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.PARLEY_PRICES_PROVIDER = "tiingo"
    settings.PARLEY_PRICES_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PARLEY_PRICES_KEY = KEY
    settings.PARLEY_PRICES_PER_HOUR = ""
    settings.PARLEY_PRICES_PER_DAY = ""
    server.asked.clear()
    return server.asked


def seed(symbol, days, source="yahoo csv"):
    """Store days of (day, close, adj_close) the way an import does."""
    rows = [Row(n, None, date.fromisoformat(d), close=Decimal(c), adj_close=Decimal(a)) for n, (d, c, a) in enumerate(days)]
    store_rows(rows, symbol, source)


def test_good_answer_stored_with_source_and_day(tiingo):
    """Ensure a new symbol gets ten years asked for and its days stored with the provider as source, the key kept out of the log."""
    [outcome] = refresh(["AAPL"], now=AFTER_DEC_4)
    assert outcome.status == "ok" and outcome.stored == 14
    assert outcome.line() == "AAPL: 14 days stored (2026-11-16 to 2026-12-04), source tiingo"
    bar = DailyBar.objects.get(symbol="AAPL", day=date(2026, 12, 4))
    assert (bar.close, bar.adj_close, bar.open, bar.high, bar.low, bar.volume, bar.source, bar.currency) == (
        Decimal("238.02"), Decimal("238.02"), Decimal("237.00"), Decimal("238.51"), Decimal("235.98"), 46677300,
        "tiingo", "USD")
    assert not DailyBar.objects.filter(symbol="AAPL", day=date(2026, 11, 26)).exists()  # Thanksgiving: no day
    [(ticker, query)] = tiingo
    assert ticker == "aapl" and query["startDate"] == "2016-12-04" and query["token"] == KEY
    entry = PriceFetch.objects.get()
    assert (entry.outcome, entry.status, entry.stored, entry.first_day, entry.last_day) == (
        "ok", 200, 14, date(2026, 11, 16), date(2026, 12, 4))
    assert KEY not in entry.url and entry.url.endswith("token=[key]")
    state = PriceFetchState.objects.get(symbol="AAPL")
    assert state.last_outcome == "ok" and state.consecutive_failures == 0
    assert state.next_try_at == next_close(AFTER_DEC_4) == datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


def test_incremental_fetch_asks_only_for_missing_days(tiingo):
    """Ensure a known symbol is asked from the day after its last bar, and an up-to-date one not at all."""
    seed("AAPL", [("2026-11-24", "234.80", "234.80"), ("2026-11-25", "233.91", "233.91")])
    [outcome] = refresh(["AAPL"], now=AFTER_DEC_4)
    assert [q["startDate"] for _, q in tiingo] == ["2026-11-26"]
    assert outcome.stored == 6 and outcome.said.startswith("6 days stored (2026-11-27 to 2026-12-04)")
    assert DailyBar.objects.get(symbol="AAPL", day=date(2026, 11, 25)).source == "yahoo csv"  # older days kept
    again = refresh(["AAPL"], now=AFTER_DEC_4 + timedelta(hours=1), explicit=True)
    assert again[0].line() == "AAPL: up to date (last close 2026-12-04)" and len(tiingo) == 1


def test_last_trading_day_waits_for_the_close_and_skips_weekends():
    """Ensure the day a close is expected for: before 18:30 New York time it is the day before; weekends are skipped."""
    assert last_trading_day(datetime(2026, 12, 7, 22, 0, tzinfo=UTC)) == date(2026, 12, 4)  # Monday 17:00 ET
    assert last_trading_day(datetime(2026, 12, 7, 23, 45, tzinfo=UTC)) == date(2026, 12, 7)
    assert last_trading_day(datetime(2026, 12, 6, 12, 0, tzinfo=UTC)) == date(2026, 12, 4)  # Sunday


def test_history_start_on_a_leap_day():
    """Ensure a symbol first asked on 29 February gets ten years from the 28th, not a crash."""
    assert history_start(datetime(2028, 2, 29, 23, 45, tzinfo=UTC)) == date(2018, 2, 28)
    assert history_start(AFTER_DEC_4) == date(2016, 12, 4)


def test_429_honours_retry_after_and_stops_the_round(tiingo):
    """Ensure a 429 pauses the provider for its Retry-After, asks nothing more this round or before the pause ends."""
    first = refresh(["BUSY", "AAPL"], now=AFTER_DEC_4)
    assert [o.status for o in first] == ["limited", "limited"]
    assert "answered 429" in first[0].said and first[1].said.startswith("not asked: ")
    assert [t for t, _ in tiingo] == ["busy"]
    provider = PriceProvider.objects.get(name="tiingo")
    assert provider.paused_until == AFTER_DEC_4 + timedelta(seconds=120)
    assert PriceFetch.objects.get().outcome == "limited"
    assert PriceFetchState.objects.get(symbol="BUSY").consecutive_failures == 0  # the provider's limit, not the symbol's
    later = refresh(["AAPL"], now=AFTER_DEC_4 + timedelta(seconds=60))
    assert later[0].status == "limited" and "asked Parley to wait until" in later[0].said and len(tiingo) == 1
    after = refresh(["AAPL"], now=AFTER_DEC_4 + timedelta(seconds=121))
    assert after[0].status == "ok" and len(tiingo) == 2


def test_html_error_page_recorded_nothing_stored_and_backed_off(tiingo):
    """Ensure an HTML page where JSON was due is a failure in words, stores nothing, and the symbol backs off, doubling."""
    [outcome] = refresh(["PAGE"], now=AFTER_DEC_4)
    assert outcome.status == "failed"
    assert "the answer is text/html, not JSON (an HTML page" in outcome.said and "asked again after" in outcome.said
    assert not DailyBar.objects.filter(symbol="PAGE").exists()
    state = PriceFetchState.objects.get(symbol="PAGE")
    assert state.consecutive_failures == 1 and state.next_try_at == AFTER_DEC_4 + timedelta(minutes=15)
    assert refresh(["PAGE"], now=AFTER_DEC_4 + timedelta(minutes=5))[0].status == "waiting"
    refresh(["PAGE"], now=AFTER_DEC_4 + timedelta(minutes=16))
    state.refresh_from_db()
    assert state.consecutive_failures == 2
    assert state.next_try_at == AFTER_DEC_4 + timedelta(minutes=16 + 30)
    assert PriceFetch.objects.filter(symbol="PAGE", outcome="failed").count() == 2


def test_5xx_html_page_recorded(tiingo):
    """Ensure a 502 from a proxy is recorded with its status and stores nothing."""
    [outcome] = refresh(["DOWN"], now=AFTER_DEC_4)
    assert outcome.status == "failed" and "HTTP 502" in outcome.said
    assert PriceFetch.objects.get(symbol="DOWN").status == 502


def test_malformed_json_recorded_nothing_stored(tiingo):
    """Ensure JSON cut off mid-answer is refused whole: no day of it stored."""
    [outcome] = refresh(["BROKEN"], now=AFTER_DEC_4)
    assert outcome.status == "failed" and "the answer is not readable JSON" in outcome.said
    assert not DailyBar.objects.filter(symbol="BROKEN").exists()
    assert "not readable JSON" in PriceFetchState.objects.get(symbol="BROKEN").last_error


def test_slow_trickle_ends_at_its_deadline(tiingo):
    """Ensure an answer trickling a byte at a time is cut off at the fetch's deadline and recorded."""
    [outcome] = refresh(["SLOW"], now=AFTER_DEC_4, timeout=1)
    assert outcome.status == "failed" and "timed out" in outcome.said
    assert not DailyBar.objects.filter(symbol="SLOW").exists()


def test_huge_answer_ends_at_the_cap(tiingo):
    """Ensure an answer declaring more than the cap is refused unread."""
    [outcome] = refresh(["HUGE"], now=AFTER_DEC_4)
    assert outcome.status == "failed" and "over the limit" in outcome.said


def test_unknown_and_delisted_symbols_recorded_and_retried_rarely(tiingo):
    """Ensure a 404 and an empty answer for a new symbol are 'unknown' with the reason, asked again only after a week."""
    outcomes = refresh(["ZZZZ", "GONE", "AAPL"], now=AFTER_DEC_4)
    assert [o.status for o in outcomes] == ["unknown", "unknown", "ok"]
    assert "does not know it (HTTP 404): unknown or delisted" in outcomes[0].said
    assert "has no days for it: unknown or delisted" in outcomes[1].said
    state = PriceFetchState.objects.get(symbol="ZZZZ")
    assert state.last_outcome == "unknown" and state.next_try_at == AFTER_DEC_4 + timedelta(days=7)
    later = refresh(["ZZZZ", "GONE"], now=AFTER_DEC_4 + timedelta(days=1))
    assert [o.status for o in later] == ["waiting", "waiting"] and len(tiingo) == 3


def test_split_in_the_answer_stores_raw_and_adjusted_right(tiingo):
    """Ensure new days holding a split make the whole history asked again, so earlier adjusted closes are divided too."""
    seed("NVDA", [("2024-06-06", "1209.98", "1209.98"), ("2024-06-07", "1208.88", "1208.88")])
    [outcome] = refresh(["NVDA"], now=AFTER_JUNE_12)
    assert [q["startDate"] for _, q in tiingo] == ["2024-06-08", "2014-06-12"]
    assert outcome.status == "ok" and outcome.stored == 7
    before = DailyBar.objects.get(symbol="NVDA", day=date(2024, 6, 7))
    after = DailyBar.objects.get(symbol="NVDA", day=date(2024, 6, 10))
    assert (before.close, before.adj_close, before.source) == (Decimal("1208.88"), Decimal("120.888"), "tiingo")
    assert (after.close, after.adj_close) == (Decimal("121.79"), Decimal("121.79"))


def test_split_without_budget_for_the_history_stores_nothing(tiingo, settings):
    """Ensure new days with a split are not stored beside stale adjusted closes when the history cannot be asked."""
    settings.PARLEY_PRICES_PER_HOUR = "1"
    seed("NVDA", [("2024-06-07", "1208.88", "1208.88")])
    [outcome] = refresh(["NVDA"], now=AFTER_JUNE_12)
    assert outcome.status == "failed" and "split or dividend" in outcome.said
    assert not DailyBar.objects.filter(symbol="NVDA", day__gt=date(2024, 6, 7)).exists()


def test_budget_is_shared_and_kept(tiingo, settings):
    """Ensure the hourly budget counts every request in the database and the round stops when it is spent."""
    settings.PARLEY_PRICES_PER_HOUR = "2"
    outcomes = refresh(["AAPL", "ZZZZ", "GONE"], now=AFTER_DEC_4)
    assert [o.status for o in outcomes] == ["ok", "unknown", "limited"]
    assert outcomes[2].said == "not asked: this hour's budget of 2 requests to tiingo is spent"
    assert PriceProvider.objects.get(name="tiingo").requests_this_hour == 2 and len(tiingo) == 2
    # Another round (another worker, or the command) in the same hour finds the count spent too, and a
    # symbol named while it backs off keeps its backoff when it is not asked.
    again = refresh(["ZZZZ"], now=AFTER_DEC_4 + timedelta(minutes=5), explicit=True)
    assert again[0].status == "limited" and len(tiingo) == 2
    assert PriceFetchState.objects.get(symbol="ZZZZ").next_try_at == AFTER_DEC_4 + timedelta(days=7)
    next_hour = refresh(["GONE"], now=AFTER_DEC_4 + timedelta(minutes=20))
    assert next_hour[0].status == "unknown"


def test_refused_key_stops_the_round(tiingo, settings):
    """Ensure a refused key is said once, recorded on the provider, and asks nothing more."""
    settings.PARLEY_PRICES_KEY = "wrong"
    outcomes = refresh(["AAPL", "NVDA"], now=AFTER_DEC_4)
    assert outcomes[0].status == "failed" and "refused the key (HTTP 401)" in outcomes[0].said
    assert outcomes[1].status == "limited" and len(tiingo) == 1
    assert "PARLEY_PRICES_KEY" in PriceProvider.objects.get(name="tiingo").last_error


def test_command_prints_a_line_per_symbol_and_status(tiingo):
    """Ensure `parley prices fetch` says what happened to each symbol and `status` each one's freshness and error."""
    out = StringIO()
    call_command("prices", "fetch", "aapl", "ZZZZ", "^GSPC", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("AAPL: 14 days stored")
    assert lines[1].startswith("ZZZZ: tiingo does not know it")
    assert lines[2] == "^GSPC: not asked: tiingo has no prices for it (an index)"
    assert lines[3].startswith("3 symbols from tiingo:")
    status = StringIO()
    call_command("prices", "status", stdout=status)
    text = status.getvalue()
    assert "Provider: tiingo, at most 50 requests an hour and 1000 a UTC day" in text
    assert "AAPL: last close 2026-12-04 (tiingo); last asked" in text
    assert "ZZZZ: no prices stored; last asked" in text and "unknown, 1 failure in a row" in text


def test_command_refuses_what_is_not_a_symbol(tiingo):
    """Ensure a word that is no symbol is refused in words before anything is asked."""
    with pytest.raises(CommandError, match="is not a symbol"):
        call_command("prices", "fetch", "$$$", stdout=StringIO())
    assert tiingo == []


def test_no_provider_configured(settings):
    """Ensure with no provider the command says so and fails, and the job quietly does nothing."""
    settings.PARLEY_PRICES_PROVIDER = settings.PARLEY_PRICES_URL = settings.PARLEY_PRICES_KEY = ""
    with pytest.raises(CommandError, match="no price provider is configured: set PARLEY_PRICES_PROVIDER"):
        call_command("prices", "fetch", "AAPL", stdout=StringIO())
    assert BY_NAME["prices"].run(10) == 0
    assert not PriceFetch.objects.exists() and not PriceProvider.objects.exists()
    status = StringIO()
    call_command("prices", "status", stdout=status)
    assert status.getvalue().startswith("Provider: none (no price provider is configured")


def test_provider_settings_refused_in_words(settings):
    """Ensure a provider Parley does not know, an unrecognised URL or a missing key is said, never guessed."""
    settings.PARLEY_PRICES_KEY = ""
    settings.PARLEY_PRICES_PROVIDER, settings.PARLEY_PRICES_URL = "yahoo", ""
    with pytest.raises(NotConfigured, match="'yahoo' is not a provider Parley knows"):
        configured()
    settings.PARLEY_PRICES_PROVIDER, settings.PARLEY_PRICES_URL = "", "https://prices.example.com"
    with pytest.raises(NotConfigured, match="cannot tell which provider"):
        configured()
    settings.PARLEY_PRICES_URL = "https://api.tiingo.com"
    with pytest.raises(NotConfigured, match="tiingo needs a key"):
        configured()
    settings.PARLEY_PRICES_KEY, settings.PARLEY_PRICES_PER_DAY = KEY, "lots"
    with pytest.raises(NotConfigured, match="PARLEY_PRICES_PER_DAY must be a whole number"):
        configured()
    settings.PARLEY_PRICES_PER_DAY = ""
    assert configured().name == "tiingo"  # told by the URL's host


@pytest.mark.django_db(transaction=True)  # the job thread has its own connection
def test_worker_job_runs_once_via_the_registry(tiingo):
    """Ensure the registered job keeps a followed symbol fresh and is recorded as a run like any job."""
    reader = get_user_model().objects.create_user("pricefan", password="x-long-password-1")
    follow(reader, "ticker", "AAPL")
    assert wanted_symbols() == ["AAPL"]
    runner = Runner(batch=10)
    try:
        runner.run(BY_NAME["prices"])
    finally:
        runner._thread.submit(connections.close_all).result()  # the job thread's connection, so the test database can go
        runner.close()
    assert DailyBar.objects.filter(symbol="AAPL", source="tiingo").count() == 14
    assert JobState.objects.get(name="prices").failures == 0
    assert BY_NAME["prices"].every == 900


def test_fetch_fails_when_nothing_was_fetched_and_says_each_failure_once(tiingo, caplog, capfd):
    """Ensure `parley prices fetch` exits non-zero (in words) when every symbol failed, printing each
    failure once (no log line besides its own line); one symbol fetched is success."""
    out = StringIO()
    with pytest.raises(CommandError, match=r"nothing was fetched: 3 symbols from tiingo: 1 failed, 1 skipped, "
                                           r"1 unknown; 0 days stored"):
        call_command("prices", "fetch", "BROKEN", "ZZZZ", "^GSPC", stdout=out)
    assert out.getvalue().count("BROKEN: failed: the answer is not readable JSON") == 1
    assert not [r for r in caplog.records if r.name == "parley.markets" and r.levelno >= 30]
    assert "BROKEN" not in capfd.readouterr().err
    out = StringIO()
    call_command("prices", "fetch", "AAPL", "PAGE", stdout=out)  # one stored: exit 0, the failure still said
    assert "PAGE: failed:" in out.getvalue() and "1 failed, 1 ok; 14 days stored" in out.getvalue()


def test_a_request_refused_before_it_is_sent_is_not_counted_and_names_the_setting(tiingo, settings, server):
    """Ensure the address check's refusal says PARLEY_FETCH_ALLOW_HOSTS for a provider URL set on
    purpose, and neither it nor a name that does not resolve counts against the provider's budget."""
    settings.PARLEY_FETCH_ALLOW_HOSTS = []
    [outcome] = refresh(["AAPL"], now=AFTER_DEC_4, explicit=True)
    assert "resolves to the non-public address 127.0.0.1 (a provider URL you set on purpose to a private host: " \
           "add the host to PARLEY_FETCH_ALLOW_HOSTS)" in outcome.said
    settings.PARLEY_PRICES_URL = "http://prices.invalid"
    [outcome] = refresh(["NVDA"], now=AFTER_DEC_4, explicit=True)
    assert "cannot resolve prices.invalid" in outcome.said
    budget = PriceProvider.objects.get(name="tiingo")
    assert (budget.requests_this_hour, budget.requests_today) == (0, 0) and tiingo == []
    assert PriceFetch.objects.count() == 2  # each still logged for the operator
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.PARLEY_PRICES_URL = f"http://127.0.0.1:{server.server_address[1]}"
    refresh(["AAPL"], now=AFTER_DEC_4, explicit=True)  # one that reaches it counts
    budget.refresh_from_db()
    assert (budget.requests_this_hour, budget.requests_today) == (1, 1) and len(tiingo) == 1
