"""The worker loop: claim due sources, check them, enrich new articles, sleep until the next one is due."""
import logging
import signal
import time

from django.db import close_old_connections
from django.utils import timezone

from parley.enrichment.services import enrich_pending
from parley.sources.ingest import claim_due, ingest_source, new_worker_id
from parley.sources.models import Source

log = logging.getLogger("parley.sources")
IDLE_SLEEP = 30.0  # seconds; a newly added source waits at most this long


class Worker:
    """One worker process; SIGTERM and SIGINT let it finish the source in hand, then stop."""

    def __init__(self, batch: int = 10):
        self.batch = batch
        self.id = new_worker_id()
        self.stopping = False

    def stop(self, *_):
        self.stopping = True

    def run(self, once: bool = False) -> int:
        """Check due sources until stopped (or, with once, until none is due); return how many were checked."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        checked = 0
        while not self.stopping:
            close_old_connections()
            sources = claim_due(self.id, self.batch)
            for source in sources:
                if self.stopping:
                    break
                entry = ingest_source(source)
                checked += 1
                log.info("%s: %s", source, entry.error or f"{entry.new} new, {entry.updated} updated, {entry.unchanged} unchanged")
            enriched = enrich_pending(self.batch * 5)
            if once and not sources and not enriched:
                break
            if not sources and not enriched:
                nxt = Source.objects.filter(paused=False).order_by("next_check_at").values_list("next_check_at", flat=True).first()
                wait = IDLE_SLEEP if nxt is None else max(0.5, min(IDLE_SLEEP, (nxt - timezone.now()).total_seconds()))
                deadline = time.monotonic() + wait
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(0.25)
        return checked
