"""Keeping symbols' prices fresh from the configured provider (`parley prices fetch`, the worker's
`prices` job): only what is stale is asked for, within the provider's budget shared by every
worker through the database, each request logged, each failure recorded on its symbol and backed off.

A symbol is stale when its last stored bar is older than the last trading day whose close is out
(US markets: weekdays, after 18:30 New York time). A new symbol is asked for HISTORY_YEARS of
days, a known one from the day after its last bar. An answer holding a split or a dividend
changes every earlier adjusted close, so the symbol's whole history is asked again then (what
Tiingo recommends), and stored in place of the old.
"""
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from parley.markets.csvfiles import Unreadable
from parley.markets.models import DailyBar, PriceFetch, PriceFetchState, PriceProvider
from parley.markets.providers import MAX_ANSWER_BYTES, BadAnswer, Provider, Unknown, configured
from parley.markets.services import store_rows
from parley.markets.symbols import normalise
from parley.sources.fetch import FetchError, fetch

log = logging.getLogger("parley.markets")

HISTORY_YEARS = 10  # a symbol asked for the first time gets this much history (one request)
MARKET = ZoneInfo("America/New_York")
CLOSE_OUT_AT = clock(18, 30)  # US closes are published by ~17:30 New York time (Tiingo's end-of-day)
ROUND_SECONDS = 200.0  # a round starts no request after this: the worker leaves a job after 300 s
CLAIM = timedelta(minutes=5)  # a symbol being asked by one worker is left alone by the others this long
FAILED_FIRST_WAIT = timedelta(minutes=15)  # a failing symbol waits this, doubled each failure in a row ...
FAILED_MAX_WAIT = timedelta(days=1)  # ... up to this
UNKNOWN_FIRST_WAIT = timedelta(days=7)  # a symbol the provider does not know is asked again rarely ...
UNKNOWN_MAX_WAIT = timedelta(days=30)
NOT_YET_WAIT = timedelta(hours=4)  # asked after a close and the day was not there yet (late data, a holiday)
PAUSE_WITHOUT_RETRY_AFTER = timedelta(hours=1)  # a 429 that names no wait
MENTIONED_DAYS = 14  # symbols articles were about in this many days are kept fresh
LOG_KEPT = 50  # requests logged per symbol


@dataclass
class Outcome:
    symbol: str
    status: str  # ok, fresh (nothing asked), unknown, failed, limited, waiting, skipped
    said: str
    stored: int = 0

    def line(self) -> str:
        return f"{self.symbol}: {self.said}"


def last_trading_day(now: datetime) -> date:
    """The last weekday whose US close is out at `now` (holidays are not known: asked, they answer nothing)."""
    local = now.astimezone(MARKET)
    day = local.date() if local.time() >= CLOSE_OUT_AT else local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def next_close(now: datetime) -> datetime:
    """When the next trading day's close is out, after `now`."""
    local = now.astimezone(MARKET)
    day = local.date() if local.time() < CLOSE_OUT_AT else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, CLOSE_OUT_AT, tzinfo=MARKET).astimezone(UTC)


def history_start(now: datetime) -> date:
    """The first day asked for a symbol new to Parley: HISTORY_YEARS back (29 February: the 28th)."""
    today = now.date()
    try:
        return today.replace(year=today.year - HISTORY_YEARS)
    except ValueError:
        return today.replace(year=today.year - HISTORY_YEARS, day=28)


def wanted_symbols(now: datetime | None = None, limit: int = 0) -> list[str]:
    """The symbols to keep fresh: those readers follow, then those articles of the last MENTIONED_DAYS
    were about (most often first), at most `limit` (0: all). Read through the app registry because
    following and enrichment sit above markets."""
    now = now or timezone.now()
    follow = apps.get_model("following", "Follow")
    subject = apps.get_model("enrichment", "Subject")
    followed = follow.objects.filter(kind="ticker").values_list("key", flat=True).distinct()
    mentioned = (subject.objects.filter(kind="ticker", published_at__gte=now - timedelta(days=MENTIONED_DAYS))
                 .values("key").annotate(n=Count("id")).order_by("-n", "key").values_list("key", flat=True))
    found: dict[str, None] = {}
    for key in [*sorted(followed), *mentioned]:
        symbol = normalise(key)
        if symbol:
            found.setdefault(symbol)
        if limit and len(found) >= limit:
            break
    return list(found)


def take_request(provider: Provider, now: datetime) -> str | None:
    """Count one request against the provider's budget; return why not when it is spent or paused."""
    with transaction.atomic():
        row, _ = PriceProvider.objects.select_for_update().get_or_create(name=provider.name)
        if row.paused_until and row.paused_until > now:
            return f"{provider.name} asked Parley to wait until {row.paused_until:%Y-%m-%d %H:%M} UTC (it answered 429)"
        day, hour = now.date(), now.replace(minute=0, second=0, microsecond=0)
        if row.day != day:
            row.day, row.requests_today = day, 0
        if row.hour != hour:
            row.hour, row.requests_this_hour = hour, 0
        if provider.per_day and row.requests_today >= provider.per_day:
            return f"today's budget of {provider.per_day} requests to {provider.name} is spent (UTC day)"
        if provider.per_hour and row.requests_this_hour >= provider.per_hour:
            return f"this hour's budget of {provider.per_hour} requests to {provider.name} is spent"
        row.requests_today += 1
        row.requests_this_hour += 1
        row.save(update_fields=["day", "hour", "requests_today", "requests_this_hour"])
    return None


# How the guarded fetcher words a failure before any byte was sent: the address check, a name
# that does not resolve, a connection the host refused. Such a request is not counted.
NOT_SENT = ("refused: ", "cannot resolve ", "timed out resolving ", "timed out waiting for an earlier request")


def _never_sent(exc: FetchError) -> bool:
    text = str(exc)
    return exc.status is None and (text.startswith(NOT_SENT) or text.endswith(" has no address")
                                   or ("Connection refused" in text and text.startswith("cannot fetch from ")))


def _give_back(provider: Provider, now: datetime) -> None:
    """Uncount a request take_request counted that never reached the provider."""
    with transaction.atomic():
        row = PriceProvider.objects.select_for_update().filter(name=provider.name).first()
        if row is None:
            return
        if row.day == now.date() and row.requests_today:
            row.requests_today -= 1
        if row.hour == now.replace(minute=0, second=0, microsecond=0) and row.requests_this_hour:
            row.requests_this_hour -= 1
        row.save(update_fields=["requests_today", "requests_this_hour"])


def _pause(provider: Provider, now: datetime, seconds: int | None, reason: str) -> datetime:
    until = now + (timedelta(seconds=seconds) if seconds is not None else PAUSE_WITHOUT_RETRY_AFTER)
    PriceProvider.objects.filter(name=provider.name).update(paused_until=until, last_error=reason[:2000])
    return until


def _claim(symbol: str, now: datetime, explicit: bool) -> tuple[bool, datetime | None]:
    """Take a symbol for this round, unless another worker has it or it waits (backed off, up to
    date); return whether it was taken and when it was due, to put back if it is not asked after all."""
    state, _ = PriceFetchState.objects.get_or_create(symbol=symbol)
    due = PriceFetchState.objects.filter(symbol=symbol)
    if not explicit:
        due = due.filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
    return bool(due.update(next_try_at=now + CLAIM)), state.next_try_at


def refresh(symbols, *, provider: Provider | None = None, now: datetime | None = None, explicit: bool = False,
            timeout: float | None = None, round_seconds: float = ROUND_SECONDS) -> list[Outcome]:
    """Bring each symbol's stored days up to the last trading day from the provider, within its
    budget; return what happened to each, in order. `explicit` (an operator naming symbols) asks
    even a symbol that is backing off. Raises NotConfigured when no provider is configured."""
    provider = provider or configured()
    now = now or timezone.now()
    started = time.monotonic()
    newest = last_trading_day(now)
    symbols = list(dict.fromkeys(symbols))
    latest = dict(DailyBar.objects.filter(symbol__in=symbols).values("symbol").annotate(last=Max("day"))
                  .values_list("symbol", "last"))
    outcomes, stop = [], None
    for symbol in symbols:
        last = latest.get(symbol)
        if stop:
            outcomes.append(Outcome(symbol, "limited", f"not asked: {stop}"))
            continue
        if provider.symbol_for(symbol) is None:
            outcomes.append(Outcome(symbol, "skipped", f"not asked: {provider.name} has no prices for it (an index)"))
            continue
        if last and last >= newest:
            outcomes.append(Outcome(symbol, "fresh", f"up to date (last close {last})"))
            continue
        if time.monotonic() - started > round_seconds:
            stop = f"this round's {round_seconds:g} s are up; the next round goes on"
            outcomes.append(Outcome(symbol, "limited", f"not asked: {stop}"))
            continue
        claimed, due = _claim(symbol, now, explicit)
        if not claimed:
            state = PriceFetchState.objects.get(symbol=symbol)
            why = state.last_error or "another worker is asking for it"
            outcomes.append(Outcome(symbol, "waiting", f"not asked before {state.next_try_at:%Y-%m-%d %H:%M} UTC ({why})"))
            continue
        spent = take_request(provider, now)
        if spent:
            PriceFetchState.objects.filter(symbol=symbol).update(next_try_at=due)  # as it was
            stop = spent
            outcomes.append(Outcome(symbol, "limited", f"not asked: {stop}"))
            continue
        outcome, stop = _refresh_one(provider, symbol, last, now, newest, timeout)
        outcomes.append(outcome)
    return outcomes


def _refresh_one(provider, symbol, last, now, newest, timeout) -> tuple[Outcome, str | None]:
    """Ask for one symbol's missing days (one request already counted), store them, record it all.
    Return the outcome and, when the whole round must stop (429, a refused key), why."""
    since = last + timedelta(days=1) if last else history_start(now)
    answer, status, error, stop = None, None, "", None
    request = provider.url(symbol, since)
    started_at = timezone.now()
    try:
        fetched = fetch(request, max_bytes=MAX_ANSWER_BYTES, total_timeout=timeout or settings.PARLEY_FETCH_TIMEOUT)
        status = fetched.status
        answer = provider.read(symbol, fetched.content, fetched.content_type)
        if answer.adjusted_history and last is not None:
            # A split or dividend in the new days: every stored adjusted close before it is stale.
            spent = take_request(provider, now)
            if spent:
                raise BadAnswer(f"a split or dividend in the new days needs the whole history asked again, "
                                f"and {spent}; nothing stored, asked again next round")
            since = history_start(now)
            request = provider.url(symbol, since)
            fetched = fetch(request, max_bytes=MAX_ANSWER_BYTES, total_timeout=timeout or settings.PARLEY_FETCH_TIMEOUT)
            status = fetched.status
            answer = provider.read(symbol, fetched.content, fetched.content_type)
    except FetchError as exc:
        status = exc.status
        error = provider.shown(str(exc))
        if _never_sent(exc):
            _give_back(provider, now)  # nothing reached the provider: its budget is not spent
            if "non-public address" in error:
                error += (" (a provider URL you set on purpose to a private host: add the host to "
                          "PARLEY_FETCH_ALLOW_HOSTS)" if settings.PARLEY_PRICES_URL.strip() else "")
        if exc.status == 404:
            return _unknown(provider, symbol, now, started_at, request, status,
                            f"{provider.name} does not know it (HTTP 404): unknown or delisted"), None
        if exc.status == 429 or (exc.status == 503 and exc.retry_after is not None):
            until = _pause(provider, now, exc.retry_after, error)
            stop = f"{provider.name} answered {exc.status}: no more requests before {until:%Y-%m-%d %H:%M} UTC"
            _log(provider, symbol, started_at, request, status, PriceFetch.LIMITED, error=error)
            PriceFetchState.objects.filter(symbol=symbol).update(next_try_at=None, last_try_at=now)
            return Outcome(symbol, "limited", f"not stored: {stop}"), stop
        if exc.status in (401, 403):
            error = f"{provider.name} refused the key (HTTP {exc.status}): check PARLEY_PRICES_KEY and the plan"
            PriceProvider.objects.filter(name=provider.name).update(last_error=error)
            _log(provider, symbol, started_at, request, status, PriceFetch.FAILED, error=error)
            PriceFetchState.objects.filter(symbol=symbol).update(next_try_at=None, last_try_at=now)
            return Outcome(symbol, "failed", error), error
        return _failed(provider, symbol, now, started_at, request, status, error), None
    except Unknown as exc:
        return _unknown(provider, symbol, now, started_at, request, status, provider.shown(str(exc))), None
    except BadAnswer as exc:
        return _failed(provider, symbol, now, started_at, request, status, provider.shown(str(exc))), None
    rows = answer.rows
    if not rows:
        if last is None:
            return _unknown(provider, symbol, now, started_at, request, status,
                            f"{provider.name} has no days for it: unknown or delisted"), None
        return _succeeded(provider, symbol, now, started_at, request, status, None, since, last, newest), None
    try:
        report = store_rows(rows, symbol, provider.name, label=f"{provider.name} {symbol}")
    except Unreadable as exc:
        return _failed(provider, symbol, now, started_at, request, status, f"nothing stored: {exc}"), None
    if not report.stored:
        return _failed(provider, symbol, now, started_at, request, status,
                       f"every day refused, nothing stored: {'; '.join(report.problems[:3])}"), None
    return _succeeded(provider, symbol, now, started_at, request, status, report, since, last, newest), None


def _succeeded(provider, symbol, now, started_at, request, status, report, since, last, newest) -> Outcome:
    stored = report.stored if report else 0
    first_day = last_day = None
    if stored:
        span = DailyBar.objects.filter(symbol=symbol, source=provider.name, day__gte=since).aggregate(first=Min("day"), last=Max("day"))
        first_day, last_day = span["first"], span["last"]
    caught_up = (last_day or last or date.min) >= newest
    PriceFetchState.objects.filter(symbol=symbol).update(
        provider=provider.name, last_try_at=now, last_success_at=now, last_outcome=PriceFetchState.OK, last_error="",
        consecutive_failures=0, next_try_at=next_close(now) if caught_up else min(next_close(now), now + NOT_YET_WAIT))
    refused = f"; {report.refused} refused: {'; '.join(report.problems[:3])}" if report and report.refused else ""
    _log(provider, symbol, started_at, request, status, PriceFetch.OK, stored=stored,
         refused=report.refused if report else 0, first_day=first_day, last_day=last_day,
         error=refused.lstrip("; "))
    if stored:
        said = f"{stored} day{'s' if stored != 1 else ''} stored ({first_day} to {last_day}), source {provider.name}{refused}"
    else:
        said = f"no new days since {last} yet ({provider.name} has none after it)"
    return Outcome(symbol, "ok", said, stored)


def _backed_off(provider, symbol, now, outcome: str, reason: str) -> tuple[int, datetime]:
    """Record a failed or unknown answer on the symbol's state; return failures in a row and the next try
    (the first wait doubling with each failure in a row, up to the outcome's longest)."""
    first, longest = (UNKNOWN_FIRST_WAIT, UNKNOWN_MAX_WAIT) if outcome == PriceFetchState.UNKNOWN else \
        (FAILED_FIRST_WAIT, FAILED_MAX_WAIT)
    failures = PriceFetchState.objects.get(symbol=symbol).consecutive_failures + 1
    wait = min(longest, first * 2 ** min(failures - 1, 10))
    PriceFetchState.objects.filter(symbol=symbol).update(
        provider=provider.name, last_try_at=now, last_outcome=outcome, last_error=reason[:2000],
        consecutive_failures=failures, next_try_at=now + wait)
    return failures, now + wait


def _unknown(provider, symbol, now, started_at, request, status, reason) -> Outcome:
    _, next_try = _backed_off(provider, symbol, now, PriceFetchState.UNKNOWN, reason)
    _log(provider, symbol, started_at, request, status, PriceFetch.UNKNOWN, error=reason)
    log.info("prices: %s %s", symbol, reason)
    return Outcome(symbol, "unknown", f"{reason}; asked again after {next_try:%Y-%m-%d}")


def _failed(provider, symbol, now, started_at, request, status, reason) -> Outcome:
    failures, next_try = _backed_off(provider, symbol, now, PriceFetchState.FAILED, reason)
    _log(provider, symbol, started_at, request, status, PriceFetch.FAILED, error=reason)
    log.warning("prices: %s failed: %s", symbol, reason)
    return Outcome(symbol, "failed", f"failed: {reason} (failure {failures} in a row; asked again after "
                                     f"{next_try:%Y-%m-%d %H:%M} UTC)")


def _log(provider, symbol, started_at, request, status, outcome, stored=0, refused=0, first_day=None, last_day=None,
         error="") -> None:
    PriceFetch.objects.create(provider=provider.name, symbol=symbol, started_at=started_at, finished_at=timezone.now(),
                              url=provider.shown(request)[:1000], status=status, outcome=outcome, stored=stored,
                              refused=refused, first_day=first_day, last_day=last_day, error=error[:5000])
    stale = (PriceFetch.objects.filter(symbol=symbol).order_by("-started_at", "-id")
             .values_list("id", flat=True)[LOG_KEPT:])
    PriceFetch.objects.filter(id__in=list(stale)).delete()


@dataclass
class Freshness:
    symbol: str
    last_close: date | None
    source: str
    state: PriceFetchState | None
    imported_only: bool = False  # has stored prices, neither fetched nor followed nor in recent articles

    def line(self) -> str:
        close = f"last close {self.last_close} ({self.source})" if self.last_close else "no prices stored"
        state = self.state
        if self.imported_only:
            return f"{self.symbol}: {close}; imported, not fetched (no reader follows it, no recent article is about it)"
        if state is None or not state.last_try_at:
            return f"{self.symbol}: {close}; never fetched"
        said = f"{self.symbol}: {close}; last asked {state.last_try_at:%Y-%m-%d %H:%M} UTC: {state.last_outcome or '?'}"
        if state.consecutive_failures:
            said += f", {state.consecutive_failures} failure{'s' if state.consecutive_failures != 1 else ''} in a row"
        if state.last_error:
            said += f" ({state.last_error})"
        if state.next_try_at:
            said += f"; next {state.next_try_at:%Y-%m-%d %H:%M} UTC"
        return said


def freshness(symbols=None) -> list[Freshness]:
    """Per symbol (those given, else every symbol fetched or wanted): its last close and fetch state."""
    states = {s.symbol: s for s in PriceFetchState.objects.all()}
    imported_only: set = set()
    if symbols is None:
        asked = set(states) | set(wanted_symbols())
        imported_only = set(DailyBar.objects.values_list("symbol", flat=True).distinct()) - asked
        symbols = sorted(asked | imported_only)
    bars = {}
    for symbol in symbols:  # one indexed read each (symbol, -day)
        newest = DailyBar.objects.filter(symbol=symbol).order_by("-day").values_list("day", "source").first()
        if newest:
            bars[symbol] = newest
    return [Freshness(s, *bars.get(s, (None, "")), states.get(s), s in imported_only) for s in symbols]
