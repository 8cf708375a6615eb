"""The background jobs a worker runs, one entry each, and how one is run without stopping the others.

Each job kind has a small module in parley/jobs/kinds/ that calls the app owning its data, and is
put in order here; `parley.jobs.worker` runs the registry (checking sources, with its reading
processes, is the worker's own loop). A job that raises is logged and recorded (`parley jobs`, the admin's Job states)
and the other kinds carry on; only the database itself failing ends a round, because every job
needs it and the worker's loop waits for it to come back.
"""
import logging
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout

from django.db import DatabaseError, close_old_connections
from django.db.models import F
from django.utils import timezone

from parley.jobs.job import Job
from parley.jobs.kinds import digest, enrich, mail, notify, prices, prune, stories
from parley.jobs.models import JobState

log = logging.getLogger("parley.jobs")
RECORD_OK_EVERY = 60.0  # seconds: a job that keeps running well is recorded at most this often per worker

_PRUNE = {job.name: job for job in prune.JOBS}
# In the order a round runs them: enrichment before notifications, so new articles reach followers.
JOBS: list[Job] = [
    _PRUNE["prune-rate-slots"], _PRUNE["prune-heat"], _PRUNE["purge-deleted-comments"], *enrich.JOBS,
    *stories.JOBS, *notify.JOBS, *digest.JOBS, _PRUNE["prune-events"], _PRUNE["prune-mail"],
    _PRUNE["prune-leases"], _PRUNE["planner-statistics"], *mail.JOBS, *prices.JOBS,
]
BY_NAME = {job.name: job for job in JOBS}


class Runner:
    """Runs jobs for one worker, remembering when each last ran and whether it was failing.

    Each run happens on the runner's job thread, and the worker waits for it at most the job's
    deadline. A run still going then is recorded as hung (`parley jobs`) and left to finish on its
    own thread; the runner takes a fresh thread for the other kinds and skips the hung kind until
    its run ends, so one kind that never returns stops no other. A hung run holds one database
    connection until it ends: no more than one per kind, as a kind is never started twice."""

    def __init__(self, batch: int):
        self.batch = batch
        self.last_run: dict[str, float] = {}
        self.recorded_ok: dict[str, float] = {}
        self.failing: set[str] = set()
        self.hung: dict[str, Future] = {}
        self._thread = self._new_thread()

    @staticmethod
    def _new_thread() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-job")

    def close(self) -> None:
        """Let the job thread end (a hung run ends when it ends; the process does not wait for it)."""
        self._thread.shutdown(wait=False, cancel_futures=True)

    def due(self, job: Job, once: bool) -> bool:
        if job.once_only and not once:
            return False
        return not job.every or time.monotonic() - self.last_run.get(job.name, -job.every) >= job.every

    def run_due(self, once: bool, stop=lambda: False) -> int:
        """Run every job that is due, until `stop()` says the worker is stopping; return the items
        handled by those whose items count as work."""
        total = 0
        for job in JOBS:
            if stop():
                break
            if self.due(job, once):
                handled = self.run(job)
                total += handled if job.counts else 0
        return total

    def run(self, job: Job) -> int:
        """Run one job; a failure other than the database's is logged and recorded, and counts as nothing handled."""
        if not self._finished_hanging(job):
            return 0
        self.last_run[job.name] = time.monotonic()
        future = self._thread.submit(self._call, job, self.batch)
        try:
            handled = future.result(timeout=job.deadline) or 0
        except Timeout:
            log.error("job %s still running after %g s: left to finish on its own; the other kinds go on",
                      job.name, job.deadline)
            self.hung[job.name] = future
            self._thread.shutdown(wait=False)  # its thread ends with the hung run
            self._thread = self._new_thread()
            self.failing.add(job.name)
            self._record_failure(job.name, TimeoutError(f"hung: still running after {job.deadline:g} s"))
            return 0
        except DatabaseError:
            raise  # the database is away: the worker's loop says so and waits for it
        except Exception as error:  # one job kind failing must not stop the others
            log.error("job %s failed", job.name, exc_info=error)
            self.failing.add(job.name)
            self._record_failure(job.name, error)
            return 0
        now = time.monotonic()
        if job.name in self.failing or now - self.recorded_ok.get(job.name, -RECORD_OK_EVERY) >= RECORD_OK_EVERY:
            self.failing.discard(job.name)
            self.recorded_ok[job.name] = now
            self._record_ok(job.name)
        return handled

    def _finished_hanging(self, job: Job) -> bool:
        """Whether the job may run: it is not hung, or its hung run has ended (which is then recorded)."""
        future = self.hung.get(job.name)
        if future is None:
            return True
        if not future.done():
            return False
        del self.hung[job.name]
        error = future.exception()
        if error is not None:
            self._record_failure(job.name, error)
        else:
            log.warning("job %s: its hung run has ended", job.name)
        return True

    @staticmethod
    def _call(job: Job, batch: int):
        """On the job thread, with a fresh connection if its own is stale or broken."""
        close_old_connections()
        return job.run(batch)

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

