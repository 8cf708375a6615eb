"""The symbols a watchlist can follow, as traders know them: stocks of the company list (and the
ETF trusts it carries: SPY, QQQ, GLD), ETFs and funds of the SEC fund list, the major indices and
the demo's invented companies. What each is called, what a typed name or spelling finds, and the
suggestions offered when it finds nothing."""
import re
from functools import cache

from parley.enrichment.companies import company, symbol_named
from parley.enrichment.companies import symbols as listed_symbols
from parley.enrichment.queries import known_symbols
from parley.markets import instruments
from parley.markets.instruments import Described
from parley.markets.models import Instrument
from parley.markets.symbols import SYMBOL, normalise

# The company list names its exchange-traded trusts and funds like companies; these words say so.
FUND_NAME = re.compile(r"\b(etf|etn|spdr|ishares|proshares|direxion)\b|trust, series", re.IGNORECASE)
DATALIST_COMPANIES = 200  # the most-covered companies offered as you type (the list is in that order)
MAX_SUGGESTIONS = 10


def shown(symbol: str) -> str:
    """How pages write a symbol: $BA, but ^GSPC (an index is no cashtag)."""
    return symbol if symbol.startswith("^") else f"${symbol}"


def _listed(symbol: str) -> Described | None:
    known = company(symbol)
    if known is None:
        return None
    kind = Instrument.ETF if FUND_NAME.search(known.name) else Instrument.STOCK
    return Described(known.symbol, known.name, kind, known.exchange, "company list")


def describe_symbols(symbols) -> dict[str, Described]:
    """What each symbol is ({symbol: Described}) for those the site knows by name: listed companies
    first (no query), then indices, funds and demo companies (one query at most)."""
    symbols = set(symbols)
    out = {s: found for s in symbols if (found := _listed(s))}
    rest = symbols - set(out)
    if rest:
        out.update({s: d for s, d in instruments.describe_all(rest).items() if s in rest})
    return out


def is_symbol(symbol: str) -> bool:
    """Whether text, as key_of normalised it, is written like a symbol (BA, BRK.B, VTSAX, ^GSPC)."""
    return bool(SYMBOL.match(symbol))


def knows(symbol: str) -> bool:
    """Whether a watchlist may follow this symbol: a listed company, one articles carry, an index,
    a fund or ETF of the SEC list, or a demo company."""
    return bool(known_symbols({symbol})) or bool(instruments.describe_all([symbol]))


def find(text: str) -> str | None:
    """The one symbol the text names: a symbol as brokers write it (brk-b, vti, ^gspc) or a company's
    name ("boeing"); None when it names none exactly."""
    written = normalise((text or "").strip().lstrip("$"))
    if written and knows(written):
        return written
    return symbol_named(text or "")


def suggest(text: str, limit: int = MAX_SUGGESTIONS) -> list[Described]:
    """What the text may mean: listed companies whose symbol or a name starts with it (the most
    covered first), then indices and funds."""
    text = " ".join((text or "").split())[:40]
    if not text:
        return []
    folded, upper = text.casefold(), text.upper().lstrip("$")
    found = []
    for symbol in listed_symbols():
        known = company(symbol)
        if symbol.startswith(upper) or any(name.casefold().startswith(folded) for name in (known.name, *known.names)):
            found.append(_listed(symbol))
            if len(found) == limit:
                return found
    return found + instruments.suggest(text, limit - len(found))


@cache
def datalist() -> tuple[Described, ...]:
    """The symbols offered as one types in the add box, with their names (a browser matches both):
    the indices and the most-covered companies. Anything else is found on submit (find, suggest)."""
    return tuple([instruments.index(s) for s in instruments.INDICES]
                 + [_listed(s) for s in listed_symbols()[:DATALIST_COMPANIES]])
