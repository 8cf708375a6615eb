"""Delivery of notification events (replies, mentions, follows): one batch per round, each event once."""
from parley.following.events import process_events
from parley.jobs.job import Job

JOBS = [Job("notify", lambda batch: process_events(), counts=True)]
