"""Daily price files people already have: Yahoo Finance's CSV export (Date,Open,High,Low,Close,Adj
Close,Volume), Stooq's CSV download (Date,Open,High,Low,Close,Volume, or its Polish headers) and its
bulk text files (<TICKER>,<PER>,<DATE>,...,<CLOSE>,<VOL>,...), and a plain date,close.

Each row is checked before it is kept: a readable day, positive prices, a low no higher than the
high with the close between them. A row that fails is refused with its line and reason; nothing is
guessed. With ';' or tab between fields, a comma in a number is its decimal separator (European
exports); with ',' between fields a comma inside a number is ambiguous and refused."""
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from parley.markets.symbols import normalise

HEADERS = {  # a header's words (lower case) → our field
    "date": "day", "data": "day", "<date>": "day",
    "open": "open", "otwarcie": "open", "<open>": "open",
    "high": "high", "najwyzszy": "high", "<high>": "high",
    "low": "low", "najnizszy": "low", "<low>": "low",
    "close": "close", "zamkniecie": "close", "<close>": "close", "price": "close",
    "adj close": "adj_close", "adj. close": "adj_close", "adjusted close": "adj_close",
    "volume": "volume", "wolumen": "volume", "<vol>": "volume",
    "<ticker>": "ticker",
}
MISSING = {"", "null", "nan", "n/a", "-"}


class Unreadable(ValueError):
    """The file as a whole cannot be read as daily prices (its reason is for the operator)."""


@dataclass
class Row:
    line: int
    symbol: str | None  # from the file itself (Stooq's bulk files), else None
    day: date
    close: Decimal
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    adj_close: Decimal | None = None
    volume: int | None = None


@dataclass
class Refusal:
    line: int
    reason: str


YAHOO_FIELDS = ["day", "open", "high", "low", "close", "adj_close", "volume"]
STOOQ_FIELDS = ["day", "open", "high", "low", "close", "volume"]


def source_of(fields: list[str]) -> str:
    """Whose export a header is, only when it is that export's own header (Yahoo's seven columns;
    Stooq's six, its Polish words or its bulk files' <TICKER>): any other file is a plain 'csv',
    whatever columns it shares with them."""
    if fields == YAHOO_FIELDS:
        return "yahoo csv"
    if "ticker" in fields or fields[:6] == STOOQ_FIELDS:
        return "stooq csv"
    return "csv"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_DAYS = "Parley reads days as YYYY-MM-DD"


def _day(text: str) -> date:
    """A day as Yahoo and Stooq write it (2025-11-25, or 20251125 in Stooq's bulk files); anything
    else is refused in words saying how to write it, never guessed."""
    text = text.strip()
    slashed, dotted = SLASHED.match(text), DOTTED.match(text)
    if slashed:
        a, b, year = slashed.groups()
        return _refuse_day(f"a day written {text}: {ISO_DAYS} ({year}-{int(a):02}-{int(b):02} or {year}-{int(b):02}-"
                           f"{int(a):02}, whichever it is), as Yahoo and Stooq export them; dates like {text} are "
                           "ambiguous (month/day or day/month), so none is guessed")
    if dotted:
        day, month, year = dotted.groups()
        return _refuse_day(f"a day written {text} (day.month.year, as European spreadsheets save them): {ISO_DAYS} "
                           f"({year}-{int(month):02}-{int(day):02}), as Yahoo and Stooq export them; save the file "
                           "with ISO dates or export it from Yahoo or Stooq again")
    try:
        if len(text) == 8 and text.isdigit():  # Stooq's bulk files: 20251125
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError as exc:  # 2026-13-01, 2026-02-30: a real calendar's words
        return _refuse_day(f"{text[:20]!r} is no day of the calendar ({exc}); {ISO_DAYS}")
    return _refuse_day(f"{text[:20]!r} is not a day: {ISO_DAYS} (2025-11-25), as Yahoo and Stooq export them")


def _refuse_day(reason: str) -> date:
    raise ValueError(reason)


def _number(text: str, decimal_comma: bool) -> Decimal | None:
    text = text.strip()
    if text.lower() in MISSING:
        return None
    if "," in text:
        if not decimal_comma or "." in text:
            raise ValueError(f"{text!r} is not a number Parley can read without guessing")
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text[:20]!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a price")
    return value


def read(lines: Iterator[str]) -> tuple[str, Iterator[Row | Refusal]]:
    """The file's source ('yahoo csv', 'stooq csv', 'csv') and its rows, each a Row or a Refusal.
    Raises Unreadable when the header names no date and close."""
    first = next(lines, "")
    delimiter = _delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    fields = [HEADERS.get(h.strip().lower().lstrip("\ufeff"), "") for h in header]
    if "day" not in fields or "close" not in fields:
        raise Unreadable("its first line names no Date and Close column (Yahoo: Date,Open,High,Low,Close,"
                         "Adj Close,Volume; Stooq: Date,Open,High,Low,Close,Volume; or date,close)")
    where = {name: i for i, name in reversed(list(enumerate(fields))) if name}
    decimal_comma = delimiter != ","

    def rows():
        for n, values in enumerate(csv.reader(lines, delimiter=delimiter), start=2):
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) < len(header):
                yield Refusal(n, f"{len(values)} fields where the header has {len(header)}")
                continue
            try:
                got = {name: values[i] for name, i in where.items()}
                row = Row(n, normalise(got["ticker"]) if "ticker" in got else None, _day(got["day"]),
                          close=_number(got["close"], decimal_comma),
                          **{k: _number(got[k], decimal_comma) for k in ("open", "high", "low", "adj_close") if k in got})
                if "volume" in got:
                    volume = _number(got["volume"], decimal_comma)
                    row.volume = int(volume) if volume is not None else None
            except (ValueError, InvalidOperation, OverflowError) as exc:
                yield Refusal(n, str(exc)[:300] or "a value is not a day or a number")
                continue
            problem = check(row)
            yield Refusal(n, problem) if problem else row

    return source_of(fields), rows()


def check(row: Row) -> str | None:
    """Why a row cannot be a trading day's prices, or None."""
    if row.close is None:
        return f"{row.day}: no close (the source left it empty)"
    prices = [p for p in (row.open, row.high, row.low, row.close, row.adj_close) if p is not None]
    if any(p <= 0 for p in prices):
        return f"{row.day}: a price of zero or less"
    if row.high is not None and row.low is not None:
        if row.low > row.high:
            return f"{row.day}: low {row.low} above high {row.high}"
        if not (row.low <= row.close <= row.high):
            return f"{row.day}: close {row.close} outside the day's range {row.low}–{row.high}"
    if row.volume is not None and row.volume < 0:
        return f"{row.day}: a negative volume"
    return None
