"""What a background job kind is: a name, what to call, how often, and how long it may take."""
from collections.abc import Callable
from dataclasses import dataclass

DEADLINE = 300.0  # seconds a run may take before the worker leaves it and goes on with the other kinds


@dataclass
class Job:
    name: str
    run: Callable[[int], int | None]  # called with the worker's batch size; returns the items handled
    every: float = 0.0  # seconds between runs; 0: every round
    once_only: bool = False  # only in a one-shot run (`parley worker --once`): a long-running worker has a thread for it
    counts: bool = False  # its items count as work done: a one-shot run goes on while such jobs find any
    deadline: float = DEADLINE  # a run still going after this is recorded as hung and left to finish alone
