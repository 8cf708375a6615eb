"""SQLite with writers queued on a file lock instead of SQLite's sleeping busy handler.

SQLite lets one writer at a time hold the database. A writer that finds it taken sleeps in steps
of up to 100 ms before trying again, so under concurrent posting a few unlucky requests wait far
longer than the write itself takes (measured: p99 1.5 s for 2 ms writes, bench/discussion.py).
Here every transaction first takes an exclusive flock on a file beside the database. Readers are
untouched (WAL).

The wait is bounded: PARLEY_DB_WAIT seconds inside a web request, PARLEY_DB_WAIT_BACKGROUND in
the worker and commands, which have no reader waiting (SQLite's own busy timeout is set to the
same), then OperationalError("database is locked"), which the site answers with 503 and
Retry-After. A lock held for a minute, or forever, by another process therefore costs a request a
few seconds, not the minute.

Threads of one process queue on a threading.Lock per database (a futex: no polling, the next
thread wakes at the release); only the thread at the head of that queue waits for the file lock,
polling it from a tenth of a millisecond up to WAIT_STEP_MAX, so one process adds one poller however
many of its threads write, and the next writer starts within a few milliseconds of a release.
"""
import fcntl
import os
import threading
import time

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import OperationalError
from django.db.backends.sqlite3 import base

WAIT_STEP_MAX = 0.005  # seconds between two looks at a file lock another process holds
_gates: dict[str, threading.Lock] = {}  # per database file: this process's writers, one at a time
_gates_lock = threading.Lock()
_request = threading.local()  # whether this thread is answering a web request now


def _started(**kwargs):
    _request.active = True


def _finished(**kwargs):
    _request.active = False


request_started.connect(_started, dispatch_uid="parley.db.sqlite.request_started")
request_finished.connect(_finished, dispatch_uid="parley.db.sqlite.request_finished")


def write_wait() -> float:
    """Seconds a write may wait for another writer here and now."""
    return settings.PARLEY_DB_WAIT if getattr(_request, "active", False) else settings.PARLEY_DB_WAIT_BACKGROUND


def _forget_gates() -> None:
    """A forked child starts with no writer in flight: a gate some other thread held at the fork
    would otherwise stay taken in the child for ever."""
    global _gates_lock
    _gates.clear()
    _gates_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_gates)


def _gate(path: str) -> threading.Lock:
    with _gates_lock:
        return _gates.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd = None
    _busy_wait = None  # the busy timeout set on this connection, in seconds
    _gate_held = None  # this process's gate, while this connection writes

    def _uses_file(self) -> bool:
        name = str(self.settings_dict["NAME"])
        return name not in ("", ":memory:") and "mode=memory" not in name

    def _acquire(self) -> None:
        wait = write_wait()
        if wait != self._busy_wait:  # SQLite's own wait, for writers outside Parley (a backup, a shell)
            self.connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            self._busy_wait = wait
        if not self._uses_file():
            return
        path = f"{self.settings_dict['NAME']}.writelock"
        if self._lock_fd is None:
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        gate = _gate(path)
        if not gate.acquire(timeout=wait):
            raise OperationalError(f"database is locked: this process's other writers held it for {wait:g} s")
        step = 0.0001
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._gate_held = gate
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    gate.release()
                    raise OperationalError(f"database is locked: another process held it for {wait:g} s") from None
                time.sleep(step)
                step = min(step * 2, WAIT_STEP_MAX)

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        if self._gate_held is not None:
            gate, self._gate_held = self._gate_held, None
            gate.release()

    def _start_transaction_under_autocommit(self):
        self._acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release()

    def _close(self):
        self._busy_wait = None
        try:
            return super()._close()
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor also drops any lock it held
                self._lock_fd = None
            if self._gate_held is not None:
                gate, self._gate_held = self._gate_held, None
                gate.release()
