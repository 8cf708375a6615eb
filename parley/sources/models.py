"""Sources Parley gathers from, their fetch state and log, and which articles each carried."""
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parley.articles.models import Article


class Source(models.Model):
    """A feed or a single article page, polled by the workers."""

    FEED, PAGE = "feed", "page"
    url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=8, choices=[(FEED, "feed"), (PAGE, "article page")], default=FEED)
    name = models.CharField(max_length=200, blank=True)
    full_text = models.BooleanField(default=False, help_text="Fetch each entry's page when the feed has only a summary.")
    interval = models.PositiveIntegerField(null=True, blank=True,
                                           help_text="Seconds between checks; empty = follow how often it publishes.")
    max_bytes = models.PositiveIntegerField(null=True, blank=True, help_text="Response size cap; empty = the site's.")
    # Fetch state, as Miniflux keeps it.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    learned_interval = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds between checks learned from how often it publishes (kept across 304s).")
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused = models.BooleanField(default=False)
    last_new = models.PositiveIntegerField(default=0)
    last_updated = models.PositiveIntegerField(default=0)
    last_unchanged = models.PositiveIntegerField(default=0)
    # A worker's claim; a claim older than its lease is free again (a killed worker loses nothing).
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["next_check_at"], condition=Q(paused=False), name="source_due")]

    def __str__(self):
        return self.name or self.url


class SourceArticle(models.Model):
    """An article as one source carried it: the entry's id within that source."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="carried")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="carried_by")
    entry_key = models.CharField(max_length=64)  # sha256 of the entry id, else its link
    content_hash = models.CharField(max_length=64, blank=True)  # of the entry as this source last sent it
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "entry_key"], name="one_entry_per_source")]

    def __str__(self):
        return f"{self.source_id} carried {self.article_id}"


class FetchLog(models.Model):
    """One check of a source: what happened and what it brought."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="log")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Per-entry problems, e.g. why full text was not used.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchlog_source_time")]

    def __str__(self):
        return f"{self.source_id} at {self.started_at:%Y-%m-%d %H:%M}: {self.error or f'{self.new} new'}"



class WorkerBeat(models.Model):
    """A worker process saying it is alive and what it is doing: readiness and `parley sources list`
    tell an operator when no worker has been heard from (stopped, or stuck in one job)."""

    worker = models.CharField(max_length=200, primary_key=True)  # host:pid:random, as new_worker_id() names it
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    doing = models.CharField(max_length=200, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    STUCK_AFTER = 600  # seconds without a beat: every job a worker does is bounded well within this

    def __str__(self):
        return f"{self.worker}: {self.doing}"
