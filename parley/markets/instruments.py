"""What symbols the site knows beyond the company list: the major indices (a built-in table, with
Yahoo-style caret symbols), ETFs and funds from the SEC's public fund ticker list (`parley prices
symbols`), and the demo's invented companies. The company list itself (stocks, and the ETF trusts
the SEC's company list carries: SPY, QQQ, GLD) is enrichment's, one layer up; the following app asks
it first and this module second."""
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from parley.markets.models import Instrument
from parley.markets.symbols import normalise
from parley.sources.fetch import FetchError, fetch

SEC_FUNDS_URL = "https://www.sec.gov/files/company_tickers_mf.json"
SEC_FUNDS = "sec fund list"  # the source Instrument rows from it carry
SEC_FIELDS = ["cik", "seriesId", "classId", "symbol"]  # the list's documented columns
MAX_FUND_LIST_BYTES = 20 * 1024 * 1024  # the list is about 2 MB; ten times that is no fund list
FUND_LABEL = "fund/ETF (SEC fund list)"  # the list names no fund: what a reader is shown instead

# Major indices as Yahoo writes them (a caret, no exchange). Their values are computed by their
# publishers; an operator imports their daily closes like any other symbol's.
INDICES = {
    "^GSPC": ("S&P 500", "S&P Dow Jones Indices"),
    "^DJI": ("Dow Jones Industrial Average", "S&P Dow Jones Indices"),
    "^IXIC": ("Nasdaq Composite", "Nasdaq"),
    "^NDX": ("Nasdaq-100", "Nasdaq"),
    "^RUT": ("Russell 2000", "FTSE Russell"),
    "^VIX": ("Cboe Volatility Index (VIX)", "Cboe"),
    "^FTSE": ("FTSE 100", "FTSE Russell"),
    "^N225": ("Nikkei 225", "Nikkei"),
    "^GDAXI": ("DAX", "Deutsche Börse"),
    "^FCHI": ("CAC 40", "Euronext"),
    "^STOXX50E": ("Euro Stoxx 50", "STOXX"),
    "^HSI": ("Hang Seng Index", "Hang Seng Indexes"),
    "^GSPTSE": ("S&P/TSX Composite", "TMX"),
    "^AXJO": ("S&P/ASX 200", "ASX"),
    "^TNX": ("10-year Treasury yield (CBOE, x10)", "Cboe"),
}


class InstrumentError(ValueError):
    """A symbol list that cannot be read, with the reason in words."""


@dataclass(frozen=True)
class Described:
    symbol: str
    name: str  # "" where the source names none
    kind: str  # Instrument.STOCK, ETF, FUND or INDEX
    exchange: str
    source: str

    @property
    def label(self) -> str:
        """How a page names it: "S&P 500 (index)", "fund/ETF (SEC fund list)"."""
        if self.kind == Instrument.INDEX:
            return f"{self.name} (index)"
        if self.kind == Instrument.FUND and not self.name:
            return FUND_LABEL
        if self.source == "sample (demo)":  # parley.markets.samples.SAMPLE_SOURCE
            return f"{self.name} (invented for the demo)"
        return self.name or self.symbol


def _from_row(row: Instrument) -> Described:
    return Described(row.symbol, row.name, row.kind, row.exchange, row.source)


def index(symbol: str) -> Described | None:
    """The built-in index a caret symbol names, or None."""
    found = INDICES.get(symbol)
    return Described(symbol, found[0], Instrument.INDEX, found[1], "built in") if found else None


def describe(symbol: str) -> Described | None:
    """Name, kind and exchange of an index, fund or other instrument the site knows, or None.
    Accepts the spellings brokers use (brk-b, ^gspc). One indexed read at most."""
    return describe_all([symbol]).get(normalise(symbol) or "")


def describe_all(symbols) -> dict[str, Described]:
    """describe() of many symbols (as normalised), in one query at most: {symbol: Described}."""
    wanted = {s for s in (normalise(raw) for raw in symbols) if s}
    out = {s: index(s) for s in wanted if s in INDICES}
    rest = wanted - set(out)
    if rest:
        out.update({row.symbol: _from_row(row) for row in Instrument.objects.filter(symbol__in=rest)})
    return out


def funds_loaded() -> bool:
    """Whether the operator has loaded the SEC's fund list (without it, VTI and other funds are unknown)."""
    return Instrument.objects.filter(source=SEC_FUNDS).exists()


FUNDS_HINT = ("ETFs and funds such as VTI are known once the site's operator loads the SEC's fund list "
              "(parley prices symbols --sec-funds).")


def suggest(text: str, limit: int = 10) -> list[Described]:
    """Indices and instruments whose symbol starts with the text or whose name contains it."""
    text = " ".join((text or "").split())[:40]
    if not text:
        return []
    folded, symbol = text.casefold(), (normalise(text) or text.upper())
    found = [index(s) for s, (name, _) in INDICES.items()
             if s.startswith(symbol) or s[1:].startswith(symbol) or folded in name.casefold()]
    rows = (Instrument.objects.filter(Q(symbol__startswith=symbol) | Q(name__icontains=text))
            .order_by("symbol")[:limit])
    return (found + [_from_row(r) for r in rows])[:limit]


# -- the SEC's fund ticker list ---------------------------------------------------------------

@dataclass
class FundList:
    symbols: list  # normalised, each once
    refused: list  # (symbol as written, why), the first few


def read_sec_funds(data: bytes) -> FundList:
    """The symbols of the SEC's company_tickers_mf.json ({"fields": [...], "data": [[cik, seriesId,
    classId, symbol], ...]}); InstrumentError when the bytes are not that list."""
    head = data[:200].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise InstrumentError("The answer is an HTML page, not the SEC's JSON fund list (the SEC answers so "
                              "when it refuses a request, e.g. one without a declared User-Agent).")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentError(f"That is not JSON ({exc}); the SEC fund list is a JSON file.") from None
    fields = document.get("fields") if isinstance(document, dict) else None
    rows = document.get("data") if isinstance(document, dict) else None
    if not isinstance(fields, list) or "symbol" not in fields or not isinstance(rows, list):
        raise InstrumentError('That JSON is not the SEC fund list: it has no "fields" naming "symbol" '
                              f'and no "data" rows (expected fields {SEC_FIELDS}).')
    column = fields.index("symbol")
    symbols, refused, seen = [], [], set()
    for row in rows:
        written = row[column] if isinstance(row, list) and len(row) > column else None
        symbol = normalise(written) if isinstance(written, str) else None
        if symbol is None:
            if len(refused) < 20:
                refused.append((str(written)[:40], "not a ticker symbol"))
            continue
        if symbol not in seen:
            seen.add(symbol)
            symbols.append(symbol)
    if not symbols:
        raise InstrumentError("The SEC fund list holds no symbol Parley can read.")
    return FundList(symbols, refused)


def user_agent() -> str:
    """The User-Agent the SEC asks of automated requests: who is asking, and an address to reach them."""
    return f"{settings.PARLEY_SITE_NAME} (Parley self-hosted news) {settings.DEFAULT_FROM_EMAIL}"  # PARLEY_FROM_EMAIL


def load_sec_funds(where: str) -> bytes:
    """The fund list's bytes from a file or an http(s) URL (one request, with the declared User-Agent)."""
    if where.startswith(("http://", "https://")):
        try:
            return fetch(where, max_bytes=MAX_FUND_LIST_BYTES, user_agent=user_agent()).content
        except FetchError as exc:
            raise InstrumentError(f"Could not download the fund list: {exc}.") from None
    path = Path(where)
    if not path.is_file():
        raise InstrumentError(f"There is no file {where}.")
    if path.stat().st_size > MAX_FUND_LIST_BYTES:
        raise InstrumentError(f"{where} is {path.stat().st_size:,} bytes; the SEC fund list is about 2 MB.")
    return path.read_bytes()


@dataclass
class Stored:
    added: int
    kept: int  # already known (from this list, or from another source, which is left as it is)
    refused: list


def store_sec_funds(where: str) -> Stored:
    """Read the SEC fund list from a file or URL and know each of its symbols as a fund/ETF. A symbol
    the site already knows otherwise (an index, a demo company) keeps what it is."""
    found = read_sec_funds(load_sec_funds(where))
    known = set()
    for start in range(0, len(found.symbols), 900):  # SQLite's limit on query parameters
        known |= set(Instrument.objects.filter(symbol__in=found.symbols[start:start + 900]).values_list("symbol", flat=True))
    new = [Instrument(symbol=s, kind=Instrument.FUND, source=SEC_FUNDS) for s in found.symbols
           if s not in known and s not in INDICES and len(s) <= 16]
    with transaction.atomic():
        Instrument.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return Stored(len(new), len(found.symbols) - len(new), found.refused)
