"""The companies behind ticker symbols, from the shipped ticker list (data/tickers.json)."""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Words that name a kind of company, not one company: an alias made of one of them alone ("The
# Bancorp, Inc." → "Bancorp") would tag every "Pinecrest Bancorp" as that company.
GENERIC_NAMES = frozenset("""bancorp bancorporation bancshares bank banks holdings holding group corp corporation
company companies trust financial capital partners industries international technologies systems
energy resources realty properties pharmaceuticals therapeutics brands foods motors airlines""".split())


def is_generic(name: str) -> bool:
    """Tell whether a company alias is only a generic corporate word."""
    return " ".join(name.split()).casefold() in GENERIC_NAMES


@dataclass(frozen=True)
class Company:
    symbol: str
    name: str
    exchange: str
    names: tuple[str, ...]  # every name articles use for it, the official one included

    @property
    def also_known_as(self) -> list[str]:
        """The other names articles use for it (the shipped list keeps no dated former names)."""
        return [n for n in self.names if n.casefold() != self.name.casefold()]


@cache
def _directory() -> dict[str, Company]:
    rows = json.loads((DATA / "tickers.json").read_text(encoding="utf-8"))
    out = {}
    for row in rows:
        out.setdefault(row["symbol"].upper(), Company(row["symbol"].upper(), row["name"], row["exchange"],
                                                      tuple(row["names"])))
    return out


def symbols() -> list[str]:
    """Every symbol of the shipped list."""
    return list(_directory())


def company(symbol: str) -> Company | None:
    """Return the company a symbol names, or None for a symbol the list does not hold."""
    return _directory().get(symbol.upper())


@cache
def _by_name() -> dict[str, str]:
    out = {}
    for entry in _directory().values():
        for name in (entry.name, *entry.names):
            if not is_generic(name):
                out.setdefault(name.casefold(), entry.symbol)
    return out


def symbol_named(name: str) -> str | None:
    """Return the symbol of a company by any of its names ("Boeing", "boeing"), or None."""
    return _by_name().get(" ".join(name.split()).casefold())
