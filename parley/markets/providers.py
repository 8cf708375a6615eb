"""Price providers Parley can ask for end-of-day prices, each a small adapter: how to ask for one
symbol's days from a date, and how to read the answer into rows checked like an imported file's.

The operator picks one with PARLEY_PRICES_PROVIDER (or by PARLEY_PRICES_URL's host) and gives its
key in PARLEY_PRICES_KEY. A second provider is a second subclass of Provider added to PROVIDERS.
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

from parley.markets.csvfiles import Refusal, Row, check

MAX_ANSWER_BYTES = 8 * 2**20  # ten years of one symbol's days as Tiingo writes them are ~700 KB


class NotConfigured(Exception):
    """No provider is configured, or its configuration cannot work; the reason is for the operator."""


class Unknown(Exception):
    """The provider does not know the symbol (or no longer: delisted); the reason says how it said so."""


class BadAnswer(Exception):
    """The answer cannot be read as prices (an error page, malformed JSON, the wrong shape)."""


@dataclass
class Answer:
    rows: list  # Row or Refusal, one per day in the answer
    adjusted_history: bool = False  # the answer holds a split or dividend: stored adjusted closes before it are stale


class Provider:
    name = ""
    base_url = ""
    hosts: tuple = ()  # host names PARLEY_PRICES_URL may have for this provider to be inferred
    per_hour = 0  # the free tier's published limits, used when PARLEY_PRICES_PER_HOUR/_PER_DAY are unset
    per_day = 0
    max_symbols = 0  # distinct symbols kept fresh at most (the free tier's monthly cap), 0 for none
    needs_key = True

    def __init__(self, base_url: str, key: str, per_hour: int, per_day: int):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.per_hour = per_hour
        self.per_day = per_day

    def symbol_for(self, symbol: str) -> str | None:
        """The provider's spelling of one of our symbols, or None when it carries no such thing."""
        raise NotImplementedError

    def url(self, symbol: str, since: date) -> str:
        """The URL asking for a symbol's days from `since` on (key included)."""
        raise NotImplementedError

    def read(self, symbol: str, content: bytes, content_type: str) -> Answer:
        """The days of an answer; raise Unknown or BadAnswer with the reason."""
        raise NotImplementedError

    def shown(self, text: str) -> str:
        """Text (a URL, an error) with the key written as [key], for logs and the operator."""
        return text.replace(self.key, "[key]") if self.key else text


class Tiingo(Provider):
    """Tiingo's end-of-day endpoint: GET /tiingo/daily/<ticker>/prices?startDate=YYYY-MM-DD&token=KEY
    answers a JSON list of days ({date, open, high, low, close, volume, adjOpen, adjHigh, adjLow,
    adjClose, adjVolume, divCash, splitFactor}); an unknown ticker is a 404 with {"detail": ...}."""

    name = "tiingo"
    base_url = "https://api.tiingo.com"
    hosts = ("api.tiingo.com",)
    per_hour = 50  # the free plan: 50 requests an hour, 1,000 a day, 500 distinct symbols a month
    per_day = 1000
    max_symbols = 500

    def symbol_for(self, symbol: str) -> str | None:
        if symbol.startswith("^"):
            return None  # Tiingo's end-of-day data has no indices
        return symbol.replace(".", "-").lower()  # Tiingo writes share classes BRK-B

    def url(self, symbol: str, since: date) -> str:
        query = urlencode({"startDate": since.isoformat(), "resampleFreq": "daily", "token": self.key})
        return f"{self.base_url}/tiingo/daily/{quote(self.symbol_for(symbol), safe='')}/prices?{query}"

    def read(self, symbol: str, content: bytes, content_type: str) -> Answer:
        if content_type and content_type not in ("application/json", "text/json"):
            start = content[:200].decode("utf-8", "replace").strip().lower()
            page = " (an HTML page: the provider's or a proxy's error page)" if start.startswith(("<!doctype", "<html")) else ""
            raise BadAnswer(f"the answer is {content_type}, not JSON{page}; nothing stored")
        try:
            data = json.loads(content, parse_float=Decimal, parse_int=Decimal)
        except (ValueError, RecursionError) as exc:
            raise BadAnswer(f"the answer is not readable JSON ({str(exc)[:100]}); nothing stored") from None
        if isinstance(data, dict) and "detail" in data:
            raise Unknown(f"tiingo says: {str(data['detail'])[:200]}")
        if not isinstance(data, list):
            raise BadAnswer("the answer is JSON but not a list of days; nothing stored")
        rows, adjusted = [], False
        for n, item in enumerate(data, start=1):
            row = _tiingo_row(n, item)
            rows.append(row)
            if isinstance(item, dict) and (_number(item.get("splitFactor")) not in (None, 1)
                                           or (_number(item.get("divCash")) or 0) > 0):
                adjusted = True
        return Answer(rows, adjusted)


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, Decimal):
        raise ValueError(f"{str(value)[:40]!r} is not a number")
    if not value.is_finite():
        raise ValueError(f"{value} is not a price")
    return value


def _tiingo_row(n: int, item) -> Row | Refusal:
    """One day of a Tiingo answer as a checked Row (raw prices, adjusted close beside), or why not."""
    if not isinstance(item, dict):
        return Refusal(n, f"day {n} of the answer is not an object")
    try:
        day = date.fromisoformat(str(item.get("date", ""))[:10])
        close = _number(item.get("close"))
        if close is None:
            return Refusal(n, f"{day}: no close")
        volume = _number(item.get("volume"))
        if volume is not None and volume != volume.to_integral_value():
            return Refusal(n, f"{day}: a volume that is not a whole number")
        row = Row(n, None, day, close=close, open=_number(item.get("open")), high=_number(item.get("high")),
                  low=_number(item.get("low")), adj_close=_number(item.get("adjClose")),
                  volume=int(volume) if volume is not None else None)
    except (ValueError, InvalidOperation, OverflowError) as exc:
        return Refusal(n, f"day {n} of the answer is unreadable: {str(exc)[:120]}")
    problem = check(row)
    return Refusal(n, problem) if problem else row


PROVIDERS = {p.name: p for p in (Tiingo,)}


def configured() -> Provider:
    """The provider the settings name, ready to ask; raise NotConfigured saying what is missing."""
    name = settings.PARLEY_PRICES_PROVIDER.strip().lower()
    url = settings.PARLEY_PRICES_URL.strip()
    if not name and not url:
        raise NotConfigured("no price provider is configured: set PARLEY_PRICES_PROVIDER=tiingo and "
                            "PARLEY_PRICES_KEY (see 'Prices from a provider' in docs/manual.md)")
    if name:
        if name not in PROVIDERS:
            raise NotConfigured(f"PARLEY_PRICES_PROVIDER={name!r} is not a provider Parley knows "
                                f"({', '.join(sorted(PROVIDERS))})")
        kind = PROVIDERS[name]
    else:
        host = (urlsplit(url).hostname or "").lower()
        found = [p for p in PROVIDERS.values() if host in p.hosts]
        if not found:
            raise NotConfigured(f"cannot tell which provider PARLEY_PRICES_URL ({host or url!r}) is: "
                                f"set PARLEY_PRICES_PROVIDER ({', '.join(sorted(PROVIDERS))})")
        kind = found[0]
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise NotConfigured(f"PARLEY_PRICES_URL must be an http or https URL, not {url!r}")
    key = settings.PARLEY_PRICES_KEY.strip()
    if kind.needs_key and not key:
        raise NotConfigured(f"{kind.name} needs a key: set PARLEY_PRICES_KEY (a free account gives one)")
    per_hour = _limit("PARLEY_PRICES_PER_HOUR", kind.per_hour)
    per_day = _limit("PARLEY_PRICES_PER_DAY", kind.per_day)
    return kind(url or kind.base_url, key, per_hour, per_day)


def _limit(name: str, default: int) -> int:
    value = str(getattr(settings, name, "")).strip()
    if not value:
        return default
    if not value.isdigit():
        raise NotConfigured(f"{name} must be a whole number of requests, not {value!r}")
    return int(value)
