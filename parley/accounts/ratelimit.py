"""Rate limits that hold across processes and machines, on Django's cache framework.

Each allowed hit takes one of `limit` numbered slots with `cache.add()`, which is atomic on every
shared backend (a primary-key insert in the database cache, SET NX in Redis), and the slot expires
`period` seconds after it was taken: a sliding window that two processes cannot both squeeze past.
When every slot is taken, the earliest expiry says when to come back.
"""
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches


@dataclass(frozen=True)
class Limit:
    limit: int
    period: int  # seconds
    label: str  # for the 429 page: "5 comments per 10 minutes"


class RateLimited(Exception):
    """Too many attempts; `retry_after` seconds until the next one is allowed."""

    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(f"Too many attempts: at most {limit.label}. Try again in {retry_after} seconds.")
        self.limit = limit
        self.retry_after = retry_after


def _cache():
    return caches[settings.RATELIMIT_CACHE]


def _slot_keys(scope: str, ident: str, limit: Limit) -> list[str]:
    digest = hashlib.sha256(f"{scope}|{ident}".encode()).hexdigest()[:32]
    return [f"rl:{digest}:{limit.period}:{n}" for n in range(limit.limit)]


def hit(scope: str, ident: str, limit: Limit) -> None:
    """Count one attempt for (scope, ident); raise RateLimited when the limit is reached."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    cache = _cache()
    now = time.time()
    keys = _slot_keys(scope, ident, limit)
    for key in keys:
        if cache.add(key, now + limit.period, timeout=limit.period):
            return
    expiries = [v for v in cache.get_many(keys).values() if v]
    retry_after = max(1, int((min(expiries) if expiries else now + limit.period) - now + 0.999))
    raise RateLimited(limit, retry_after)


def check_all(hits: list[tuple[str, str, Limit]]) -> None:
    """Count an attempt against several limits; raise for the first one exceeded."""
    for scope, ident, limit in hits:
        hit(scope, ident, limit)


def reset(scope: str, ident: str, limit: Limit) -> None:
    """Forget the attempts counted for (scope, ident), e.g. after a successful sign-in."""
    _cache().delete_many(_slot_keys(scope, ident, limit))


def client_ip(request) -> str:
    """Return the client's address (REMOTE_ADDR; a proxy must set it, e.g. gunicorn --forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
