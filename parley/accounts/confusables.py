"""Names that look alike: Unicode TR39 skeletons (UTS #39, section 4), from Unicode's own table.

Two strings that look the same have the same skeleton: NFD, every character replaced by its
prototype from confusables.txt ("а" Cyrillic → "a", "1" → "l", "m" → "rn"), NFD again. A few
dozen lines over the data file, rather than a dependency: the well-kept package (confusable-
homoglyphs) has no skeleton and keeps the table two-way only, and ICU's needs a native build.
"""
import hashlib
import unicodedata
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "confusables.txt"


@cache
def prototypes() -> dict[str, str]:
    """{character: its prototype} read from confusables.txt (lines "0430 ;\t0061 ;\tMA")."""
    table = {}
    for line in TABLE.read_text(encoding="utf-8-sig").splitlines():
        data = line.split("#", 1)[0].strip()
        if data:
            source, target = data.split(";")[:2]
            table[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target.split())
    return table


def skeleton(text: str) -> str:
    """Return the TR39 skeleton of a string."""
    table = prototypes()
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text)))


def name_skeletons(username: str) -> tuple[str, str]:
    """Return the two keys a username is compared by: the skeleton of the name case-folded ("АLICE"
    meets "alice"), and of the name as shown ("lvan" meets "Ivan", which folding makes "ivan"), each
    folded and mapped again (a prototype may be a capital). Digests, so an index holds any name (a
    name's skeleton can be seven times its length, past PostgreSQL's limit for an index entry)."""
    folded = skeleton(skeleton(username.casefold()).casefold())
    shown = skeleton(skeleton(username).casefold())
    return hashlib.sha256(folded.encode()).hexdigest(), hashlib.sha256(shown.encode()).hexdigest()
