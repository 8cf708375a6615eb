"""Symbols as brokers and data providers write them, mapped to one spelling (the company list's)."""
import re

# A share class after a dot, dash or slash (BRK.B, BRK-B, BRK/B); an index after a caret (^GSPC).
SYMBOL = re.compile(r"^\^?[A-Z0-9]{1,10}(?:\.[A-Z]{1,2})?$")
MARKET_SUFFIXES = (".US",)  # Stooq writes American listings as AAPL.US


def normalise(raw: str) -> str | None:
    """BRK-B, brk.b and BRK/B are all BRK.B; aapl.us is AAPL; None for what is no symbol."""
    symbol = (raw or "").strip().upper()
    for suffix in MARKET_SUFFIXES:
        if symbol.endswith(suffix):
            symbol = symbol[: -len(suffix)]
    symbol = re.sub(r"^([A-Z0-9]{1,10})[-/]([A-Z]{1,2})$", r"\1.\2", symbol)
    return symbol if SYMBOL.match(symbol) else None


# The company list is enrichment's, a layer above markets: enrichment hands its lookup over in its
# ready() (as it does to discussion's $TICKER links), so markets can tell a symbol it does not know.
_company_lookups: list = []


def recognise_companies(lookup) -> None:
    """Register `lookup(symbols: set[str]) -> set[str]`: those of the symbols that have a company page."""
    if lookup not in _company_lookups:
        _company_lookups.append(lookup)


def companies_among(symbols: set[str]) -> set[str]:
    """The symbols among these that the registered lookups know (none registered: none)."""
    found: set[str] = set()
    for lookup in _company_lookups:
        found |= set(lookup(set(symbols) - found))
    return found


def unit_of(symbol: str, currency: str) -> str:
    """What a close is counted in: an index's level is points (^GSPC 5,974.88 points), not dollars."""
    return "points" if symbol.startswith("^") else currency
