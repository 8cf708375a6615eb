"""E-mail digests that are due (`parley digest` from cron does the same; each reader's digest is sent once)."""
from parley.following.digest import WORKER, send_due
from parley.jobs.job import Job


def send(batch: int) -> int:
    send_due(by=WORKER)  # recorded on each digest, so `parley digest` can say the worker sent it
    return 0  # digests are not work a one-shot run waits for


JOBS = [Job("digest", send, every=600.0)]
