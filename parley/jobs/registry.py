"""The background jobs a worker runs, one entry each, and how one is run without stopping the others.

Each job kind lives in the app that owns its data and is named here once; `parley.jobs.worker`
runs the registry. A job that raises is logged and recorded (`parley jobs`, the admin's Job states)
and the other kinds carry on; only the database itself failing ends a round, because every job
needs it and the worker's loop waits for it to come back.
"""
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from parley.accounts.ratelimit import prune as prune_rate_slots
from parley.discussion.ranking import prune_heat
from parley.enrichment.services import enrich_pending
from parley.following.digest import send_due as send_digests
from parley.following.events import process_events
from parley.following.events import prune as prune_events
from parley.jobs.models import JobState
from parley.outgoing.delivery import deliver as deliver_mail
from parley.outgoing.delivery import prune as prune_mail

log = logging.getLogger("parley.jobs")
RECORD_OK_EVERY = 60.0  # seconds: a job that keeps running well is recorded at most this often per worker


@dataclass
class Job:
    name: str
    run: Callable[[int], int | None]  # called with the worker's batch size; returns the items handled
    every: float = 0.0  # seconds between runs; 0: every round
    once_only: bool = False  # only in a one-shot run (`parley worker --once`): a long-running worker has a thread for it
    counts: bool = False  # its items count as work done: a one-shot run goes on while such jobs find any


# In the order a round runs them: enrichment before notifications, so new articles reach followers.
JOBS = [
    Job("prune-rate-slots", lambda batch: prune_rate_slots()),  # expired rate-limit slots: an indexed delete
    Job("prune-heat", lambda batch: prune_heat()),  # Heat rows too cold to rank
    Job("enrich", lambda batch: enrich_pending(batch * 5), counts=True),
    Job("notify", lambda batch: process_events(), counts=True),
    Job("digest", lambda batch: _uncounted(send_digests()), every=600.0),  # `parley digest` from cron does the same
    Job("prune-events", lambda batch: prune_events(), every=600.0),
    Job("prune-mail", lambda batch: prune_mail(), every=600.0),
    Job("mail", lambda batch: deliver_mail(), once_only=True, counts=True),
]
BY_NAME = {job.name: job for job in JOBS}


def _uncounted(_result) -> int:
    return 0


class Runner:
    """Runs jobs for one worker, remembering when each last ran and whether it was failing."""

    def __init__(self, batch: int):
        self.batch = batch
        self.last_run: dict[str, float] = {}
        self.recorded_ok: dict[str, float] = {}
        self.failing: set[str] = set()

    def due(self, job: Job, once: bool) -> bool:
        if job.once_only and not once:
            return False
        return not job.every or time.monotonic() - self.last_run.get(job.name, -job.every) >= job.every

    def run_due(self, once: bool) -> int:
        """Run every job that is due; return the items handled by those whose items count as work."""
        total = 0
        for job in JOBS:
            if self.due(job, once):
                handled = self.run(job)
                total += handled if job.counts else 0
        return total

    def run(self, job: Job) -> int:
        """Run one job; a failure other than the database's is logged and recorded, and counts as nothing handled."""
        self.last_run[job.name] = time.monotonic()
        try:
            handled = job.run(self.batch) or 0
        except DatabaseError:
            raise  # the database is away: the worker's loop says so and waits for it
        except Exception as error:  # one job kind failing must not stop the others
            log.exception("job %s failed", job.name)
            self.failing.add(job.name)
            self._record_failure(job.name, error)
            return 0
        now = time.monotonic()
        if job.name in self.failing or now - self.recorded_ok.get(job.name, -RECORD_OK_EVERY) >= RECORD_OK_EVERY:
            self.failing.discard(job.name)
            self.recorded_ok[job.name] = now
            self._record_ok(job.name)
        return handled

    @staticmethod
    def _record_ok(name: str) -> None:
        try:
            updated = JobState.objects.filter(name=name).update(last_ok_at=timezone.now(), failures=0)
            if not updated:
                JobState.objects.get_or_create(name=name, defaults={"last_ok_at": timezone.now()})
        except DatabaseError:
            log.warning("job %s: could not record its run", name)

    @staticmethod
    def _record_failure(name: str, error: Exception) -> None:
        text = "".join(traceback.format_exception_only(type(error), error)).strip()[:2000]
        try:
            state, _ = JobState.objects.get_or_create(name=name)
            JobState.objects.filter(pk=state.pk).update(
                last_failed_at=timezone.now(), last_error=text, failures=F("failures") + 1)
        except DatabaseError:
            log.warning("job %s: could not record its failure", name)

