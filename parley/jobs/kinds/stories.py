"""Placing enriched articles in stories (one worker at a time), after enrichment in each round."""
from parley.jobs.job import Job
from parley.stories.services import place_pending

JOBS = [Job("stories", lambda batch: place_pending(batch * 5), counts=True)]
