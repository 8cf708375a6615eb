"""Checking many sources fast: reading processes fetch and parse while this process stores.

A check has two halves (see `ingest`): `prepare()` fetches, parses, sanitises and hashes, with
no database access; `record()` stores the result in one transaction. The worker runs the first
half for the next sources in a small pool of processes while it stores the current one, so the
parsing cores and the one database writer are busy at once. A reading process is also a wall:
if a hostile document crashes or hangs it, only that source fails (recorded as such) and the
pool is started afresh.
"""
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.sources import reading_process
from parley.sources.fetch import FetchError
from parley.sources.ingest import Prepared, ingest_source, prepare_safely, record
from parley.sources.models import FetchLog, Source

log = logging.getLogger("parley.sources")

MAX_PROCESSES = 4
# Sources already read that are recorded in one transaction. Each keeps its own savepoint, so a
# failure is still one source's; a crash mid-group leaves the whole group unchecked (claims lapse).
GROUP = 8
# Settings a reading process needs as this process has them (tests and operators may change them at run time).
# How long a fresh reading process may take to start (spawn, import Django); a reading deadline (the
# lease) counts from when it is ready, never including its start, which a busy machine makes slow.
START_TIMEOUT = 120
CHILD_SETTINGS = ("PARLEY_FETCH_ALLOW_HOSTS", "PARLEY_FETCH_MAX_BYTES", "PARLEY_FETCH_TIMEOUT", "TIME_ZONE")


def default_processes() -> int:
    """Reading processes to use: one per core, at most MAX_PROCESSES. The storing process spends
    much of its time waiting on the database, so it needs no core of its own (on 2 cores, 2 reading
    processes gave 10-15% more entries/s than 1)."""
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1))


class Checker:
    """Check sources with `processes` reading processes (0: everything in this process)."""

    def __init__(self, processes: int = 0):
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: a child must not inherit this process's database connections and threads.
            pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=reading_process.start,
                initargs=({name: getattr(settings, name) for name in CHILD_SETTINGS}, os.getpid()))
            pool.submit(os.getpid).result(timeout=START_TIMEOUT)  # started: deadlines count from here
            self._pool = pool
        return self._pool

    def _discard_pool(self) -> None:
        """Stop a pool that is broken or stuck: kill its processes, start a new one on next use."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):  # no public way to kill a stuck child
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def _retry_alone(self, source: Source, started, wait: float) -> Prepared:
        try:
            return self._executor().submit(prepare_safely, source, started).result(timeout=wait)
        except (BrokenExecutor, FutureTimeout) as exc:
            self._discard_pool()
            what = "took too long" if isinstance(exc, FutureTimeout) else "died"
            return Prepared(error=FetchError(f"the reading process {what} while reading this source, twice"))

    def check(self, sources: Iterable[Source], stop=lambda: False) -> Iterator[tuple[Source, FetchLog]]:
        """Check each source once, yielding (source, its log line) in order as each is recorded."""
        sources = list(sources)
        if not self.processes:
            for source in sources:
                if stop():
                    return
                yield source, ingest_source(source)
            return
        pending = []
        for source in sources:
            started = timezone.now()
            try:
                pending.append((source, started, self._executor().submit(prepare_safely, source, started)))
            except (BrokenExecutor, FutureTimeout):
                self._discard_pool()
                pending.append((source, started, self._executor().submit(prepare_safely, source, started)))
        wait = settings.PARLEY_WORKER_LEASE_SECONDS  # after that, another worker may take the source anyway
        done = 0
        while done < len(pending):
            if stop():
                for _, _, future in pending[done:]:
                    future.cancel()
                return
            # Wait for the next source, then take those already read after it too, and record them
            # in one transaction: one commit (and one search-index flush) for several sources.
            group = [(pending[done], self._outcome(*pending[done], wait))]
            while (done + len(group) < len(pending) and len(group) < GROUP
                   and pending[done + len(group)][2].done()):
                group.append((pending[done + len(group)], self._outcome(*pending[done + len(group)], wait)))
            with transaction.atomic():
                logs = [record(source, started, prepared) for (source, started, _), prepared in group]
            done += len(group)
            yield from ((source, entry) for ((source, _, _), _), entry in zip(group, logs, strict=True))

    def _outcome(self, source: Source, started, future, wait: float) -> Prepared:
        """Return what a reading process prepared for a source, or the failure that stopped it."""
        try:
            return future.result(timeout=wait)
        except FutureTimeout:
            self._discard_pool()
            return Prepared(error=FetchError(f"reading took longer than {wait} s; the reading process was stopped"))
        except (BrokenExecutor, CancelledError):
            # One source broke (or hung) the pool and every source in it fails with it: each gets
            # one more try in a fresh pool, so only the one that breaks it again is blamed.
            self._discard_pool()
            return self._retry_alone(source, started, wait)
        except Exception as exc:  # e.g. a result that cannot be unpickled
            return Prepared(error=FetchError(f"internal error while checking: {type(exc).__name__}: {exc}"))
