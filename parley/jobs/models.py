"""What an operator needs to see of each background job kind: when it last ran well, and its last failure."""
from django.db import models


class JobState(models.Model):
    """One row per job kind (parley.jobs.registry.JOBS), shared by every worker. Written when a job
    fails, when it recovers, and at most once a minute per worker while it runs well, so that a
    busy worker does not write a row a round."""

    name = models.CharField(max_length=60, primary_key=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)  # failed runs since the last good one

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def failing(self) -> bool:
        return self.failures > 0
