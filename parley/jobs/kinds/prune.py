"""Pruning: expired rate-limit slots and Heat rows too cold to rank every round (indexed deletes),
the text of comments deleted past their undo time every minute; delivered events, sent mail and lapsed leases every ten minutes; and SQLite's planner statistics
once a day (parley.db.statistics)."""
from parley.accounts.ratelimit import prune as prune_rate_slots
from parley.core.leases import prune as prune_leases
from parley.db import statistics
from parley.discussion.ranking import prune_heat
from parley.discussion.services import purge_deleted
from parley.following.events import prune as prune_events
from parley.jobs.job import Job
from parley.outgoing.delivery import prune as prune_mail

JOBS = [
    Job("prune-rate-slots", lambda batch: prune_rate_slots()),
    Job("prune-heat", lambda batch: prune_heat()),
    Job("purge-deleted-comments", lambda batch: purge_deleted(), every=60.0),
    Job("prune-events", lambda batch: prune_events(), every=600.0),
    Job("prune-mail", lambda batch: prune_mail(), every=600.0),
    Job("prune-leases", lambda batch: prune_leases(), every=600.0),
    Job("planner-statistics", lambda batch: int(statistics.refresh()), every=24 * 3600.0),
]
