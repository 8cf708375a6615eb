"""The worker loop: claim due sources, check them, then run the other background jobs (parley.jobs.registry),
and sleep until the next source is due."""
import logging
import signal
import time

from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from parley.jobs.registry import BY_NAME, Runner
from parley.outgoing.sender import MailSender
from parley.sources.checker import Checker
from parley.sources.ingest import claim_due, new_worker_id
from parley.sources.models import Source, WorkerBeat

log = logging.getLogger("parley.jobs")
IDLE_SLEEP = 30.0  # seconds; a newly added source waits at most this long
# Sources claimed at a time. Reading processes work ahead only within a batch, so a larger one keeps
# them busier (bench/ingest.py: 25 beat 10 by about 6%); 25 checks still fit the default lease.
DEFAULT_BATCH = 25
ERROR_SLEEP = 5.0  # seconds to wait after the database itself failed, before trying again
EVENT_POLL = 2.0  # seconds: how often an idle worker delivers notifications (replies should feel live)
BEAT_EVERY = 30.0  # seconds between heartbeats of an idle worker


class Worker:
    """One worker process; SIGTERM and SIGINT let it finish the source in hand, then stop."""

    def __init__(self, batch: int = DEFAULT_BATCH, processes: int = 0):
        self.batch = batch
        self.id = new_worker_id()
        self.stopping = False
        self.checker = Checker(processes)
        self.jobs = Runner(batch)
        self.beaten = 0.0
        self.started_at = timezone.now()

    def stop(self, *_):
        self.stopping = True

    def run(self, once: bool = False) -> int:
        """Check due sources until stopped (or, with once, until none is due); return how many were checked.
        A long-running worker sends mail from a thread of its own; a one-shot run sends it in its rounds."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        sender = None if once else MailSender()
        if sender:
            sender.start()
        try:
            with self.checker:
                return self._run(once)
        finally:
            if sender:
                sender.stop()
            self.jobs.close()
            self._beat("stopped", stopped=True)

    def _beat(self, doing: str, stopped: bool = False) -> None:
        """Record that this worker is alive and what it is doing; a database that is away is not fatal here."""
        self.beaten = time.monotonic()
        now = timezone.now()
        try:
            WorkerBeat.objects.update_or_create(worker=self.id[:200], defaults={
                "started_at": self.started_at, "beat_at": now, "doing": doing[:200],
                "stopped_at": now if stopped else None})
        except DatabaseError:
            log.warning("worker %s: could not record its heartbeat", self.id)

    def _run(self, once: bool) -> int:
        checked = 0
        while not self.stopping:
            try:
                sources, enriched = self._round(once)
                checked += sources
            except DatabaseError:
                if once:
                    raise  # a one-shot run (cron, tests) fails loudly instead
                # The database went away (restart, network): say so, wait, and try again; claims lapse on their own.
                log.exception("worker %s: database error; retrying in %g s", self.id, ERROR_SLEEP)
                self._sleep(ERROR_SLEEP)
                continue
            if once and not sources and not enriched:
                break
            if not sources and not enriched:
                nxt = Source.objects.filter(paused=False).order_by("next_check_at").values_list("next_check_at", flat=True).first()
                self._sleep(IDLE_SLEEP if nxt is None else max(0.5, min(IDLE_SLEEP, (nxt - timezone.now()).total_seconds())))
        return checked

    def _round(self, once: bool) -> tuple[int, int]:
        """Check the sources due now, then run the jobs that are due; return (sources checked, items the jobs handled)."""
        close_old_connections()
        sources = claim_due(self.id, self.batch)
        self._beat(f"checking {len(sources)} sources" if sources else "enriching and delivering")
        checked = 0
        # Checks record their own failures; a failure to record one (the database) ends the round.
        for source, entry in self.checker.check(sources, stop=lambda: self.stopping):
            checked += 1
            if time.monotonic() - self.beaten > BEAT_EVERY:
                self._beat(f"checking sources ({checked} of {len(sources)} done)")
            log.info("%s: %s", source, entry.error or f"{entry.new} new, {entry.updated} updated, {entry.unchanged} unchanged")
        # Enrichment, stories, notifications, digests, pruning; each isolated. A SIGTERM between two
        # of them ends the round: the server that stops this worker waits for it.
        handled = self.jobs.run_due(once, stop=lambda: self.stopping)
        return checked, handled

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        polled = time.monotonic()
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.25)
            if time.monotonic() - self.beaten > BEAT_EVERY:
                self._beat("idle")
            if time.monotonic() - polled > EVENT_POLL:
                polled = time.monotonic()
                try:
                    self.jobs.run(BY_NAME["notify"])
                except DatabaseError:
                    log.exception("worker %s: could not deliver notifications", self.id)
