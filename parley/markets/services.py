"""Importing daily price files: each file checked row by row, its days stored (a day imported again
is replaced), and what was refused recorded for the operator (PriceImport)."""
import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import connection, transaction

from parley.markets.csvfiles import Refusal, Row, Unreadable, read
from parley.markets.models import DailyBar, PriceImport
from parley.markets.symbols import normalise

MAX_FILE_BYTES = 64 * 2**20  # ten years of one symbol is ~200 KB; a bulk file bigger than this is split first
MAX_DAYS_PER_SYMBOL = 40_000  # 160 years of trading days: more is not one symbol's daily history
PROBLEMS_KEPT = 20
WARNINGS_KEPT = 20
SUFFIXES = {".csv", ".txt"}
CURRENCY = re.compile(r"^[A-Z]{3}$")
BIG_MOVE = Decimal("0.5")  # an overnight move of 50% or more in raw closes: a split, more likely than a crash
# Stooq names its downloads symbol_market_interval.csv: msft_us_d.csv (daily), _w weekly, _m monthly.
STOOQ_NAME = re.compile(r"^(?P<symbol>[a-z0-9.\-]+)_(?P<market>us)_(?P<interval>[dwmqy])$", re.IGNORECASE)
INTERVALS = {"w": "weekly", "m": "monthly", "q": "quarterly", "y": "yearly"}
BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]  # UTF-32's first: its LE BOM starts like UTF-16's


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


@cache
def currencies() -> frozenset[str]:
    """The ISO 4217 codes legal tender somewhere today, from Babel's CLDR data (a dependency already):
    USD, EUR, GBP... but not XYZ, nor DEM (replaced by the euro in 2002)."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    today = date.today()
    return frozenset(code for territory in get_global("territory_currencies")
                     for code in get_territory_currencies(territory, today, tender=True))


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
    whole: str = ""  # why the file was refused whole, if it was
    warnings: list = field(default_factory=list)  # kept, but worth a look (an overnight move of 50% or more)

    def refuse(self, reason: str, rows: int = 1) -> None:
        self.refused += rows
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(reason)

    def warn(self, reason: str) -> None:
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(reason)

    def said(self) -> str:
        if self.whole:
            return f"{self.path}: refused whole, nothing stored: {self.whole}"
        what = f"{self.path}: {plural(self.stored, 'day')} stored"
        what += f" for {', '.join(sorted(self.symbols))}" if self.symbols else ""
        what += f" ({self.source})" if self.source else ""
        if self.refused:
            what += f"; {plural(self.refused, 'row')} refused"
        return what


def _named_symbol(path: Path) -> str | None:
    """The symbol a file's name gives (Yahoo names its export BA.csv; Stooq ba.us.txt, or msft_us_d.csv
    for a download), if it looks like one: written in capitals, or with Stooq's market suffix. Raises
    Unreadable for Stooq's weekly and monthly downloads: they are not daily prices."""
    stem = path.name.rsplit(".", 1)[0]
    stooq = STOOQ_NAME.match(stem)
    if stooq:
        interval = stooq["interval"].lower()
        if interval != "d":
            raise Unreadable(f"its name says it is Stooq's {INTERVALS[interval]} file (_{interval}); Parley stores "
                             f"daily prices: download the daily one ({stooq['symbol'].lower()}_us_d.csv)")
        return normalise(stooq["symbol"])
    if stem.upper().endswith(".US") or (stem == stem.upper() and any(c.isalpha() for c in stem)):
        return normalise(stem)
    return None


def _encoding(path: Path) -> str:
    """UTF-8, or the encoding a byte order mark declares (Excel's 'Unicode text' is UTF-16 with one)."""
    with path.open("rb") as handle:
        start = handle.read(4)
    return next((name for bom, name in BOMS if start.startswith(bom)), "utf-8")


def _not_utf8(exc: UnicodeDecodeError) -> str:
    byte = exc.object[exc.start:exc.start + 1].hex()
    return (f"it is not UTF-8 text (byte 0x{byte} at position {exc.start:,} is no UTF-8 character): save it as "
            "'CSV UTF-8' (Excel: Save As, CSV UTF-8), or as Unicode text, which Parley reads by its byte order mark")


def import_file(path, ticker: str | None = None, currency: str = "USD", replace: bool = False) -> Report:
    """Import one file; never raises for what is in it: the report says what was stored and refused.
    `replace`: each symbol in the file has its stored days deleted first (to change its currency)."""
    path = Path(path)
    report = Report(str(path))
    wanted = normalise(ticker) if ticker else None
    currency = (currency or "USD").upper()
    try:
        if ticker and wanted is None:
            raise Unreadable(f"--ticker {ticker!r} is not a symbol")
        if not CURRENCY.match(currency) or currency not in currencies():
            raise Unreadable(f"--currency {currency!r} is not a three-letter currency code in use (ISO 4217: USD, "
                             "EUR, GBP, JPY...)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"it is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB a price file may be "
                             "(one symbol's ten years are about 200 KB): split it by symbol")
        named = _named_symbol(path)
        if wanted and named and named != wanted:
            raise Unreadable(f"the file is named for {named} but --ticker says {wanted}; rename it or leave --ticker out")
        # One transaction: a file refused half-way (another symbol than --ticker, past the day limit)
        # leaves nothing of it stored.
        with transaction.atomic(), path.open(encoding=_encoding(path), errors="strict", newline="") as handle:
            report.source, rows = read(iter(handle))
            _store(rows, wanted or named, wanted, currency, report, replace=replace)
    except (Unreadable, UnicodeError, OSError) as exc:
        reason = _not_utf8(exc) if isinstance(exc, UnicodeDecodeError) else str(exc)
        report.stored, report.symbols, report.warnings, report.whole = 0, set(), [], reason
        report.refuse(f"the file was not imported: {reason}", rows=0)
    PriceImport.objects.create(path=str(path)[:1000], symbol=",".join(sorted(report.symbols))[:16],
                               source=report.source, stored=report.stored, refused=report.refused,
                               problems=report.problems, warnings=report.warnings)
    return report


def _differ(a: Row, b: Row) -> bool:
    return (a.open, a.high, a.low, a.close, a.adj_close) != (b.open, b.high, b.low, b.close, b.adj_close)


def _lines(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    if len(numbers) == 2:
        return f"lines {numbers[0]} and {numbers[1]}"
    return f"lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _store(rows, default: str | None, wanted: str | None, currency: str, report: Report, replace: bool = False) -> None:
    """Check and store the rows symbol by symbol (bulk files group them), a day given twice with
    different prices refused (every row giving it), a day given twice alike stored once."""
    pending: dict = {}  # day → Row, for the symbol being read
    lines: dict = {}  # day → the lines giving it, for the symbol being read
    conflicting: set = set()
    symbol = None

    def flush():
        for day in sorted(conflicting):
            pending.pop(day, None)
            given = lines[day]
            times = "twice" if len(given) == 2 else f"{len(given)} times"
            report.refuse(f"{_lines(given)}: {day} appears {times} with different prices; "
                          f"{'neither' if len(given) == 2 else 'none'} is kept", rows=len(given))
        if pending:
            _save(symbol, list(pending.values()), currency, report, replace)
        pending.clear()
        lines.clear()
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
            lines[row.day].append(row.line)
            if row.day in conflicting or _differ(earlier, row):
                conflicting.add(row.day)
            continue
        if len(pending) >= MAX_DAYS_PER_SYMBOL:
            raise Unreadable(f"more than {MAX_DAYS_PER_SYMBOL:,} days for {own}: not one symbol's daily prices")
        pending[row.day] = row
        lines[row.day] = [row.line]
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


def _save(symbol: str, rows: list[Row], currency: str, report: Report, replace: bool = False) -> None:
    """Store one symbol's checked rows. Its history stays in one currency: rows in another than its
    stored days' are refused whole (Unreadable) unless `replace` deletes those days first."""
    stored = DailyBar.objects.filter(symbol=symbol)
    if replace:
        stored.delete()
    else:
        other = stored.exclude(currency=currency).values_list("currency", flat=True).first()
        if other:
            raise Unreadable(f"{symbol}'s stored prices are in {other} and these are in {currency} (--currency "
                             f"{currency}): one symbol's history is kept in one currency, never mixed. Import them "
                             f"with --currency {other} if that is what they are, or with --replace to delete "
                             f"{symbol}'s stored days and keep this file's alone")
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
    for warning in big_moves(symbol, {r.day for r in rows}):
        report.warn(warning)


def big_moves(symbol: str, days: set) -> list[str]:
    """Overnight moves of 50% or more in a symbol's stored closes over the span of `days` (and the
    stored days just outside it), between two days where either lacks an adjusted close (a split in raw closes looks like a
    crash; adjusted closes carry on across it). Kept, not refused: a real crash can be -50%."""
    if not days:
        return []
    first, last = min(days), max(days)
    bars = sorted(DailyBar.objects.filter(symbol=symbol, day__gte=first, day__lte=last)
                  .values_list("day", "close", "adj_close"))
    before = (DailyBar.objects.filter(symbol=symbol, day__lt=first).order_by("-day")
              .values_list("day", "close", "adj_close").first())
    after = (DailyBar.objects.filter(symbol=symbol, day__gt=last).order_by("day")
             .values_list("day", "close", "adj_close").first())
    series = [b for b in (before, *bars, after) if b is not None]
    found = []
    for (_, close0, adj0), (day, close1, adj1) in zip(series, series[1:], strict=False):
        if adj0 is not None and adj1 is not None:
            continue
        move = close1 / close0 - 1
        if abs(move) >= BIG_MOVE:
            found.append(f"{symbol} {day}: the close moved {move:+.0%} from the day before; if that is a split, import "
                         "a file with adjusted closes (Yahoo's Adj Close)")
    return found


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


def import_path(path, ticker: str | None = None, currency: str = "USD", replace: bool = False) -> list[Report]:
    """Import a file, or every .csv and .txt file in a folder (not its subfolders), in name order."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise PriceFileError(f"{path} holds no .csv or .txt files")
        if ticker and len(files) > 1:
            raise PriceFileError("--ticker names one symbol; a folder holds several files (name each file for its symbol)")
        return [import_file(p, ticker, currency, replace) for p in files]
    if not path.exists():
        raise PriceFileError(f"{path} does not exist")
    return [import_file(path, ticker, currency, replace)]
