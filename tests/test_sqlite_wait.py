"""SQLite writers wait a bounded time: threads of one process queue on the process's gate, other
processes on the lock file, and either wait ends in OperationalError (503 for a reader) after
PARLEY_DB_WAIT, never later."""
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from parley.accounts.models import RateSlot

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 1  # seconds a write may wait here
LATE = 10  # a wait past this would mean the bound did not hold


@pytest.fixture(autouse=True)
def only_sqlite(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's writer queue: this runs in the SQLite half of `make test`")
    settings.PARLEY_DB_WAIT_BACKGROUND = WAIT


def test_a_thread_waits_for_another_threads_write_only_as_long_as_allowed():
    """Ensure a write waiting behind another thread's open write fails after the wait, and succeeds
    at once when that write ends in time."""
    holding, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():
            RateSlot.objects.create(key="held", expires_at="2099-01-01T00:00Z")
            holding.set()
            release.wait(LATE)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(LATE)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        with transaction.atomic():
            RateSlot.objects.create(key="waiting", expires_at="2099-01-01T00:00Z")
    assert WAIT <= time.monotonic() - started < LATE
    release.set()
    thread.join(LATE)
    with transaction.atomic():  # the gate and the file lock were both given back
        RateSlot.objects.create(key="after", expires_at="2099-01-01T00:00Z")
    assert set(RateSlot.objects.values_list("key", flat=True)) == {"held", "after"}
