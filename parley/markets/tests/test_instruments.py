"""Instruments beyond the company list: the built-in indices, and the SEC's fund ticker list read from
a file and downloaded from a real HTTP server on 127.0.0.1 (fixtures/company_tickers_mf.json, in the
list's documented shape), with the bad answers a download can bring refused with a reason."""
import http.server
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parley.markets.instruments import (
    FUND_LABEL,
    InstrumentError,
    describe,
    describe_all,
    read_sec_funds,
    store_sec_funds,
    suggest,
)
from parley.markets.models import Instrument

pytestmark = pytest.mark.django_db
FUNDS = Path(__file__).resolve().parent / "fixtures" / "company_tickers_mf.json"
FUND_SYMBOLS = {"VTI", "VTSAX", "VFIAX", "VOO", "IVV", "ARKK"}


class SecLike(http.server.BaseHTTPRequestHandler):
    """Answers as sec.gov does: the list to a declared User-Agent, an HTML refusal otherwise."""

    seen_agents = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        agent = self.headers.get("User-Agent", "")
        self.seen_agents.append(agent)
        if self.path == "/files/company_tickers_mf.json" and "@" in agent:
            body, kind = FUNDS.read_bytes(), "application/json"
        elif self.path == "/broken.json":
            body, kind = b'{"fields": ["cik", "seriesId", "classId", "symbol"], "data": [[1, "S1", "C1", "VTI"', "application/json"
        elif self.path == "/missing.json":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            body = b"<!DOCTYPE html><html><body><h1>Your Request Originates from an Undeclared Automated Tool</h1></body></html>"
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def sec(settings):
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.DEFAULT_FROM_EMAIL = "ops@news.example"  # what PARLEY_FROM_EMAIL sets
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SecLike)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    SecLike.seen_agents.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def prices(*args) -> str:
    out = StringIO()
    call_command("prices", *args, stdout=out)
    return out.getvalue()


def test_indices_are_named_as_such():
    """Ensure caret symbols of the major indices are known, in any case, and shown as "S&P 500 (index)"."""
    assert describe("^GSPC").label == "S&P 500 (index)"
    assert describe("^gspc").kind == Instrument.INDEX
    assert describe("^STOXX50E").name == "Euro Stoxx 50"
    assert {"^DJI", "^IXIC", "^RUT", "^VIX", "^FTSE", "^N225", "^GDAXI", "^HSI"} <= set(describe_all(
        ["^DJI", "^IXIC", "^RUT", "^VIX", "^FTSE", "^N225", "^GDAXI", "^HSI"]))
    assert describe("^NOPE") is None and describe("VTI") is None and describe("not a symbol") is None


def test_the_sec_fund_list_from_a_file():
    """Ensure a saved company_tickers_mf.json makes its symbols known as fund/ETF, each once, refusing
    the rows that hold no symbol, and that loading it again adds nothing."""
    said = prices("symbols", "--sec-funds", str(FUNDS))
    assert "6 new fund/ETF symbols" in said and "refused 'N/A!!': not a ticker symbol" in said
    assert set(Instrument.objects.values_list("symbol", flat=True)) == FUND_SYMBOLS
    vti = describe("vti")
    assert (vti.kind, vti.source, vti.label) == (Instrument.FUND, "sec fund list", FUND_LABEL)
    again = store_sec_funds(str(FUNDS))
    assert (again.added, again.kept) == (0, 6) and Instrument.objects.count() == 6


def test_the_sec_fund_list_downloaded_with_a_declared_user_agent(sec):
    """Ensure the list is downloaded through the guarded fetcher with the User-Agent the SEC asks for
    (who is asking and an address), and stored."""
    said = prices("symbols", "--sec-funds", f"{sec}/files/company_tickers_mf.json")
    assert "6 new fund/ETF symbols" in said
    assert SecLike.seen_agents == ["Parley (Parley self-hosted news) ops@news.example"]
    assert describe("ARKK").kind == Instrument.FUND


@pytest.mark.parametrize("path, says", [
    ("/refused", "an HTML page, not the SEC's JSON fund list"),
    ("/broken.json", "not JSON"),
    ("/missing.json", "answered HTTP 404"),
])
def test_a_bad_answer_is_refused_with_a_reason(sec, path, says):
    """Ensure an HTML refusal, cut-short JSON or a 404 stores nothing and says why."""
    with pytest.raises(CommandError, match=says):
        prices("symbols", "--sec-funds", sec + path)
    assert not Instrument.objects.exists()


@pytest.mark.parametrize("data, says", [
    (b'{"fields": ["cik"], "data": []}', "not the SEC fund list"),
    (b"[1, 2, 3]", "not the SEC fund list"),
    (b'{"fields": ["symbol"], "data": [[""], [null], [42]]}', "holds no symbol"),
    (b"\xff\xfe{", "not JSON"),
])
def test_json_of_another_shape_is_refused(data, says):
    """Ensure JSON that is not the fund list's shape is refused in words, never half-read."""
    with pytest.raises(InstrumentError, match=says):
        read_sec_funds(data)


def test_a_missing_file_is_said():
    with pytest.raises(CommandError, match="There is no file"):
        prices("symbols", "--sec-funds", "/nonexistent/company_tickers_mf.json")


def test_suggestions_find_indices_by_name_and_funds_by_symbol():
    """Ensure "s&p" finds the S&P 500 and "vt" the funds starting so."""
    store_sec_funds(str(FUNDS))
    assert "^GSPC" in [d.symbol for d in suggest("s&p")]
    assert [d.symbol for d in suggest("vt")] == ["VTI", "VTSAX"]
    assert "^N225" in [d.symbol for d in suggest("nikkei")]
    assert suggest("") == []
