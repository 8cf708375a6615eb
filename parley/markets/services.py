"""Importing daily price files: each file checked row by row, its days stored (a day imported again
is replaced), and what was refused recorded for the operator (PriceImport)."""
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from parley.markets.csvfiles import Refusal, Row, Unreadable, read
from parley.markets.models import DailyBar, PriceImport
from parley.markets.symbols import normalise

MAX_FILE_BYTES = 64 * 2**20  # ten years of one symbol is ~200 KB; a bulk file bigger than this is split first
MAX_DAYS_PER_SYMBOL = 40_000  # 160 years of trading days: more is not one symbol's daily history
PROBLEMS_KEPT = 20
SUFFIXES = {".csv", ".txt"}
CURRENCY = re.compile(r"^[A-Z]{3}$")


class PriceFileError(ValueError):
    """The command's input cannot be imported at all (no such path, no price files in a folder)."""


@dataclass
class Report:
    path: str
    symbols: set = field(default_factory=set)
    source: str = ""
    stored: int = 0
    refused: int = 0
    problems: list = field(default_factory=list)

    def refuse(self, reason: str, rows: int = 1) -> None:
        self.refused += rows
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(reason)

    def said(self) -> str:
        what = f"{self.path}: {self.stored} day{'s' if self.stored != 1 else ''} stored"
        what += f" for {', '.join(sorted(self.symbols))}" if self.symbols else ""
        what += f" ({self.source})" if self.source else ""
        if self.refused:
            what += f"; {self.refused} refused: " + "; ".join(self.problems[:5])
        return what


def _named_symbol(path: Path) -> str | None:
    """The symbol a file's name gives (Yahoo names its export BA.csv, Stooq ba.us.txt), if it looks
    like one: written in capitals, or with Stooq's market suffix."""
    stem = path.name.rsplit(".", 1)[0]
    if stem.upper().endswith(".US") or (stem == stem.upper() and any(c.isalpha() for c in stem)):
        return normalise(stem)
    return None


def import_file(path, ticker: str | None = None, currency: str = "USD") -> Report:
    """Import one file; never raises for what is in it: the report says what was stored and refused."""
    path = Path(path)
    report = Report(str(path))
    wanted = normalise(ticker) if ticker else None
    currency = (currency or "USD").upper()
    try:
        if ticker and wanted is None:
            raise Unreadable(f"--ticker {ticker!r} is not a symbol")
        if not CURRENCY.match(currency):
            raise Unreadable(f"--currency {currency!r} is not a three-letter currency code")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"it is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB a price file may be "
                             "(one symbol's ten years are about 200 KB): split it by symbol")
        named = _named_symbol(path)
        if wanted and named and named != wanted:
            raise Unreadable(f"the file is named for {named} but --ticker says {wanted}; rename it or leave --ticker out")
        # One transaction: a file refused half-way (another symbol than --ticker, past the day limit)
        # leaves nothing of it stored.
        with transaction.atomic(), path.open(encoding="utf-8-sig", errors="strict", newline="") as handle:
            report.source, rows = read(iter(handle))
            _store(rows, wanted or named, wanted, currency, report)
    except (Unreadable, UnicodeDecodeError, OSError) as exc:
        report.stored, report.symbols = 0, set()
        report.refuse(f"the file was not imported: {exc}", rows=0)
    PriceImport.objects.create(path=str(path)[:1000], symbol=",".join(sorted(report.symbols))[:16],
                               source=report.source, stored=report.stored, refused=report.refused,
                               problems=report.problems)
    return report


def _store(rows, default: str | None, wanted: str | None, currency: str, report: Report) -> None:
    """Check and store the rows symbol by symbol (bulk files group them), a day given twice with
    different prices refused, a day given twice alike stored once."""
    pending: dict = {}  # day → Row, for the symbol being read
    conflicting: set = set()
    symbol = None

    def flush():
        for day in conflicting:
            pending.pop(day, None)
        if pending:
            _save(symbol, list(pending.values()), currency, report)
        pending.clear()
        conflicting.clear()

    for row in rows:
        if isinstance(row, Refusal):
            report.refuse(f"line {row.line}: {row.reason}")
            continue
        own = row.symbol or default
        if own is None:
            raise Unreadable("nothing says whose prices these are: give --ticker (or name the file BA.csv)")
        if wanted and own != wanted:
            raise Unreadable(f"line {row.line} holds {own}'s prices but --ticker says {wanted}")
        if own != symbol:
            flush()
            symbol = own
        earlier = pending.get(row.day)
        if earlier is not None:
            if (earlier.open, earlier.high, earlier.low, earlier.close, earlier.adj_close) != \
                    (row.open, row.high, row.low, row.close, row.adj_close):
                if row.day not in conflicting:
                    report.refuse(f"line {row.line}: {row.day} appears twice with different prices; neither is kept",
                                  rows=2)
                conflicting.add(row.day)
            continue
        if len(pending) >= MAX_DAYS_PER_SYMBOL:
            raise Unreadable(f"more than {MAX_DAYS_PER_SYMBOL:,} days for {own}: not one symbol's daily prices")
        pending[row.day] = row
    flush()


def store_rows(rows, symbol: str, source: str, currency: str = "USD", label: str = "") -> Report:
    """Store checked rows of one symbol from elsewhere than a file (a provider's answer) exactly as an
    import would: refusals counted with their reasons, a day given twice with different prices
    refused, the days upserted; all of it or nothing. Not recorded as a PriceImport."""
    report = Report(label or symbol, source=source)
    with transaction.atomic():
        _store(rows, symbol, symbol, currency, report)
    return report


ROWS_PER_STATEMENT = 500  # 5,000 parameters: under every SQLite build's limit, and few round trips to PostgreSQL
BAR_COLUMNS = ("symbol", "day", "open", "high", "low", "close", "adj_close", "volume", "currency", "source")


def _upsert_sql(rows: int) -> str:
    """One INSERT of `rows` bars ... ON CONFLICT (symbol, day) DO UPDATE, which SQLite and PostgreSQL
    both speak. The import writes through this rather than bulk_create: Django's per-field preparation
    of model instances was 70% of an import's time (bench/prices.py), and the rows are checked already."""
    quote = connection.ops.quote_name
    table = quote(DailyBar._meta.db_table)
    columns = ", ".join(quote(c) for c in BAR_COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(BAR_COLUMNS)) + ")"] * rows)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in BAR_COLUMNS[2:])
    return (f"INSERT INTO {table} ({columns}) VALUES {marks} "  # noqa: S608 (names from the model, values as parameters)
            f"ON CONFLICT ({quote('symbol')}, {quote('day')}) DO UPDATE SET {updates}")


def _save(symbol: str, rows: list[Row], currency: str, report: Report) -> None:
    values = [(symbol, r.day, r.open, r.high, r.low, r.close, r.adj_close, r.volume, currency, report.source)
              for r in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_upsert(cursor, values)
        else:
            for start in range(0, len(values), ROWS_PER_STATEMENT):
                chunk = values[start:start + ROWS_PER_STATEMENT]
                cursor.execute(_upsert_sql(len(chunk)), [value for row in chunk for value in row])
    report.stored += len(values)
    report.symbols.add(symbol)


def _copy_upsert(cursor, values: list[tuple]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then upsert them in one statement; four
    times the rows/s of multi-row INSERTs (bench/prices.py). The table lives as long as the
    connection and is emptied at every commit, and after each use."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in BAR_COLUMNS)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in BAR_COLUMNS[2:])
    table = quote(DailyBar._meta.db_table)
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS parley_bars_in ON COMMIT DELETE ROWS "  # noqa: S608
                   f"AS SELECT {columns} FROM {table} WITH NO DATA")
    with cursor.cursor.copy(f"COPY parley_bars_in ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM parley_bars_in "  # noqa: S608
                   f"ON CONFLICT ({quote('symbol')}, {quote('day')}) DO UPDATE SET {updates}")
    cursor.execute("TRUNCATE parley_bars_in")


def import_path(path, ticker: str | None = None, currency: str = "USD") -> list[Report]:
    """Import a file, or every .csv and .txt file in a folder (not its subfolders), in name order."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise PriceFileError(f"{path} holds no .csv or .txt files")
        if ticker and len(files) > 1:
            raise PriceFileError("--ticker names one symbol; a folder holds several files (name each file for its symbol)")
        return [import_file(p, ticker, currency) for p in files]
    if not path.exists():
        raise PriceFileError(f"{path} does not exist")
    return [import_file(path, ticker, currency)]
