"""Leases and compare-and-set against the real database, with real threads racing."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parley.core import leases
from parley.core.models import Lease


def _race(n, work):
    """Run `work()` on n threads released together; return what each returned."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_a_named_lease_goes_to_one_of_many_racers_and_lapses_by_itself():
    won = _race(6, lambda: leases.named("the-work", 300))
    assert sum(bool(w) for w in won) == 1 and won.count(None) == 5
    assert not leases.named("the-work", 300)  # still live
    Lease.objects.filter(name="the-work").update(until=timezone.now() - timedelta(seconds=1))  # its holder died
    held = leases.named("the-work", 300)
    assert held and not leases.named("the-work", 300)
    assert leases.release("the-work", held) and leases.named("the-work", 300)  # given back early
    assert not leases.release("the-work", held)  # a receipt for a lease now held by another


@pytest.mark.django_db(transaction=True)
def test_racing_takers_share_rows_without_overlap():
    """Two-at-a-time takers over 40 due rows (sources' lease field): each row goes to exactly one."""
    from parley.sources.models import Source

    now = timezone.now()
    Source.objects.bulk_create([Source(url=f"https://feeds.example/{n}", next_check_at=now)
                                for n in range(40)])
    queryset = Source.objects.filter(next_check_at__lte=now)
    taken, rounds = [], 0
    while rounds < 40:
        rounds += 1
        got = _race(4, lambda: leases.take(queryset, "claimed_until", 300, 3, order_by=("next_check_at",)))
        taken.extend(pk for ids in got for pk in ids)
        if not any(got):
            break
    assert len(taken) == len(set(taken)) == 40  # every row once, none twice
    assert leases.take(queryset, "claimed_until", 300, 10) == []  # all held


@pytest.mark.django_db
def test_swap_changes_only_rows_that_still_match():
    Lease.objects.create(name="x", until=timezone.now())
    assert not leases.swap(Lease.objects.filter(name="x"), {"until__gt": timezone.now() + timedelta(days=1)},
                           {"until": timezone.now()})
    later = timezone.now() + timedelta(days=2)
    assert leases.swap(Lease.objects.filter(name="x"), {"until__lte": timezone.now()}, {"until": later})
    assert Lease.objects.get(name="x").until == later


@pytest.mark.django_db
def test_lapsed_leases_are_pruned():
    Lease.objects.create(name="old", until=timezone.now() - timedelta(hours=2))
    Lease.objects.create(name="live", until=timezone.now() + timedelta(minutes=5))
    assert leases.prune() == 1 and list(Lease.objects.values_list("name", flat=True)) == ["live"]
