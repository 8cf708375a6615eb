"""Enrichment of new and stale articles: a batch per round, each article leased so no two workers do it."""
from parley.enrichment.services import enrich_pending
from parley.jobs.job import Job

JOBS = [Job("enrich", lambda batch: enrich_pending(batch * 5), counts=True)]
