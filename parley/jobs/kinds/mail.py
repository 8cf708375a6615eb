"""The mail queue, in a one-shot run; a long-running worker sends mail from a thread of its own
(parley.outgoing.sender)."""
from parley.jobs.job import Job
from parley.outgoing.delivery import deliver

JOBS = [Job("mail", lambda batch: deliver(), once_only=True, counts=True)]
