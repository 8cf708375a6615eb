"""Rate limits that hold across processes and machines.

Each allowed hit takes one of `limit` numbered slots, and the slot expires `period` seconds after
it was taken: a sliding window that two processes cannot both squeeze past. When every slot is
taken, the earliest expiry says when to come back. Taking a slot is atomic: a primary-key insert
(or an update of an expired row) in the `RateSlot` table, or SET NX when the shared cache is Redis.
Neither store ever drops a live slot to make room, so no flood of other keys can reset a budget.

Accounts are keyed by their name as Django compares it (NFKC) and case-folded, so "ｖｉｃｔｉｍ",
"𝐯𝐢𝐜𝐭𝐢𝐦" and "Victim" share one budget. Addresses come from `client_ip()`, which believes a
forwarded address only from the proxies an operator lists in PARLEY_TRUSTED_PROXIES.
"""
import hashlib
import ipaddress
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction

from parley.cache import CacheUnavailable


@dataclass(frozen=True)
class Limit:
    limit: int
    period: int  # seconds
    label: str  # for the 429 page: "5 comments per 10 minutes"


def wait_words(seconds: int) -> str:
    """A wait as a reader says it: "45 seconds", "9 minutes", "about 2 hours"."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600)} hour{'' if round(seconds / 3600) == 1 else 's'}"


class RateLimited(Exception):
    """Too many attempts; `retry_after` seconds until the next one is allowed."""

    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(f"Too many attempts: at most {limit.label}. Try again in {wait_words(retry_after)}.")
        self.limit = limit
        self.retry_after = retry_after


def _cache():
    return caches[settings.RATELIMIT_CACHE]


def _uses_redis() -> bool:
    return "redis" in settings.CACHES[settings.RATELIMIT_CACHE]["BACKEND"].lower()


def account_key(name: str) -> str:
    """Return the key one account's attempts are counted under, however its name is spelled."""
    return unicodedata.normalize("NFKC", name or "").strip().casefold()


def _take_slot(keys: list[str], now: float, period: int) -> str | float:
    """Take the first free or expired slot of `keys` in the table; return its key, or the earliest
    expiry (a float) when all are live."""
    from parley.accounts.models import RateSlot

    moment = datetime.fromtimestamp(now, tz=UTC)
    until = datetime.fromtimestamp(now + period, tz=UTC)
    held = dict(RateSlot.objects.filter(key__in=keys).values_list("key", "expires_at"))
    for key in keys:
        if key not in held:
            try:
                with transaction.atomic():
                    RateSlot.objects.create(key=key, expires_at=until)
                return key
            except IntegrityError:  # another process took it first
                continue
        if held[key] <= moment and RateSlot.objects.filter(key=key, expires_at__lte=moment).update(expires_at=until):
            return key
    live = [v.timestamp() for v in held.values() if v > moment]
    return min(live) if live else now + period


def prune(now: float | None = None) -> int:
    """Delete expired slots (the worker calls this); return how many."""
    from parley.accounts.models import RateSlot

    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)
    return RateSlot.objects.filter(expires_at__lte=moment).delete()[0]


def _slot_keys(scope: str, ident: str, limit: Limit) -> list[str]:
    digest = hashlib.sha256(f"{scope}|{ident}".encode()).hexdigest()[:32]
    return [f"rl:{digest}:{limit.period}:{n}" for n in range(limit.limit)]


def hit(scope: str, ident: str, limit: Limit) -> str | None:
    """Count one attempt for (scope, ident) and return the slot it took (None when limits are off);
    raise RateLimited when the limit is reached."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    now = time.time()
    keys = _slot_keys(scope, ident, limit)
    earliest = _take_redis_slot(keys, now, limit.period) if _uses_redis() else None
    if earliest is None:  # the table: Redis is not configured, or is away right now
        earliest = _take_slot(keys, now, limit.period)
    if isinstance(earliest, str):
        return earliest
    raise RateLimited(limit, max(1, int(earliest - now + 0.999)))


def _take_redis_slot(keys: list[str], now: float, period: int) -> str | float | None:
    """Take a slot with SET NX; return its key, the earliest expiry when all are live, or None when
    Redis cannot answer (the caller counts in the table meanwhile: budgets there start afresh,
    so an outage never locks readers out and never lets a flood past the table's own limit)."""
    cache = _cache()
    try:
        for key in keys:
            if cache.add(key, now + period, timeout=period):
                return key
    except CacheUnavailable:
        return None
    expiries = [v for v in cache.get_many(keys).values() if v]
    return min(expiries) if expiries else now + period


def refund(slots: list[str | None]) -> None:
    """Give back exactly these slots (a sign-in that succeeded): only failed attempts then count, and
    a success cannot free a slot that an earlier failure took."""
    slots = [s for s in slots if s]
    if not slots:
        return
    if _uses_redis():
        _cache().delete_many(slots)
    else:
        from parley.accounts.models import RateSlot

        RateSlot.objects.filter(key__in=slots).delete()


def check_all(hits: list[tuple[str, str, Limit]]) -> list[str | None]:
    """Count an attempt against several limits; raise for the first one exceeded. Return the slots taken."""
    return [hit(scope, ident, limit) for scope, ident, limit in hits]


def reset(scope: str, ident: str, limit: Limit) -> None:
    """Forget the attempts counted for (scope, ident), e.g. after a successful sign-in."""
    keys = _slot_keys(scope, ident, limit)
    if _uses_redis():
        _cache().delete_many(keys)
    else:
        from parley.accounts.models import RateSlot

        RateSlot.objects.filter(key__in=keys).delete()


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip().strip("[]").split("%")[0])
    except ValueError:
        return None


def _trusted(address, proxies) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_ip(request) -> str:
    """Return the client's address: REMOTE_ADDR, unless that is a trusted proxy (PARLEY_TRUSTED_PROXIES),
    in which case the nearest address in X-Forwarded-For that is not itself a trusted proxy.

    X-Forwarded-For is read from the right: every proxy appends the address it saw, so only the
    entries added by trusted proxies can be believed; whatever a client wrote itself sits to their left.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.PARLEY_TRUSTED_PROXIES
    if not proxies or not _trusted(_parse(remote), proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote  # a hop nobody can read: do not guess past it
        if not _trusted(address, proxies):
            return str(address)
    return str(_parse(hops[0])) if hops else remote


IPV6_PREFIX = 64  # one subscriber's share of IPv6: a /64 holds 2^64 addresses to rotate through


def budget_key(request) -> str:
    """Return what a per-address limit counts: the client's IPv4 address, or the /64 network of its
    IPv6 address (eight addresses from one /64 are one client with one budget)."""
    address = _parse(client_ip(request))
    if address is None:
        return client_ip(request)
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
