"""Extractors: pure functions from text to facts; no database, so each is tested on plain strings."""
from dataclasses import dataclass, field


@dataclass
class Found:
    kind: str
    key: str
    text: str
    start: int
    end: int
    value: dict = field(default_factory=dict)
    confidence: float = 1.0
