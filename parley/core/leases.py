"""Exactly once, one way: a compare-and-set UPDATE.

Whatever Parley must do once however many workers run (deliver an event, send a mail, check a
source, send a digest, enrich an article), one process wins a row by an UPDATE whose condition is
the value it read. Of two processes racing, the database lets exactly one update match; the other
sees 0 rows and leaves the work. Inside the transaction that does the work, the mark and the work
commit together or not at all; outside one, the mark is a lease that lapses by itself if its holder
dies. The same statement works on SQLite and PostgreSQL, and needs no lock held between queries.

- `swap(queryset, expect, change)`: the primitive.
- `take(queryset, field, seconds, limit)`: lease up to `limit` rows whose lease `field` has passed.
- `named(name, seconds)`: lease work that has no row of its own (the Lease table); `release` gives it back.
"""
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parley.core.models import Lease

KEEP_LAPSED = timedelta(hours=1)  # lapsed named leases are pruned after this
SPREAD = 4


def swap(queryset, expect: dict, change: dict) -> bool:
    """Apply `change` to the rows of `queryset` still matching `expect`; whether any did (one winner)."""
    return bool(queryset.filter(**expect).update(**change))


def _as_condition(field: str, seen) -> dict:
    return {f"{field}__isnull": True} if seen is None else {field: seen}


def take(queryset, field: str, seconds: float, limit: int, order_by=(), now=None, **also) -> list[int]:
    """Lease up to `limit` rows of `queryset` whose `field` (when its lease ends; NULL: never leased)
    has passed, in `order_by` order; return the ids won. `also`: more fields set on the rows won.
    Takers racing read the same first rows; one that loses a row tries the next of SPREAD * limit
    candidates, so racing workers share the work out instead of coming back empty."""
    now = now or timezone.now()
    until = now + timedelta(seconds=seconds)
    due = (queryset.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now}))
           .order_by(*order_by).values_list("pk", field)[:limit * SPREAD])
    won = []
    for pk, seen in list(due):
        if len(won) == limit:
            break
        if swap(queryset.filter(pk=pk), _as_condition(field, seen), {field: until, **also}):
            won.append(pk)
    return won


def named(name: str, seconds: float, now=None):
    """Take the lease `name` for `seconds` unless a live one is held; return when it ends (the
    holder's receipt, for `release`), or None."""
    now = now or timezone.now()
    until = now + timedelta(seconds=seconds)
    if swap(Lease.objects.filter(name=name), {"until__lte": now}, {"until": until}):
        return until
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, until=until)
    except IntegrityError:
        return None  # live, or taken a moment ago by another process
    return until


def release(name: str, until) -> bool:
    """Give a named lease back before it ends, unless it lapsed and someone else holds it now."""
    return bool(Lease.objects.filter(name=name, until=until).delete()[0])


def prune(now=None) -> int:
    """Delete named leases that lapsed a while ago."""
    return Lease.objects.filter(until__lt=(now or timezone.now()) - KEEP_LAPSED).delete()[0]
