"""Score enrichment against an expectations file in the seed's format (seed/README.md's rules).

Text is compared after NFKC, case-folding, collapsed white space and unified quotes. A quote
matches when one text contains the other or 90% of the expected words appear in order; its
speaker matches by full name or surname. People, organisations and places match by full name or
a surname / short form. Forbidden items found are errors.
"""
import re
import unicodedata

CATEGORIES = ("people", "organizations", "places", "tickers", "quotes", "money", "topics")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[‘’‚‛′`]", "'", re.sub(r"[“”„‟″]", '"', text))
    return " ".join(text.split())


def _name_matches(found: str, expected: str) -> bool:
    f, e = norm(found), norm(expected)
    return f == e or f.split()[-1] == e.split()[-1] or e in f.split() or f in e.split()


def _in_order(expected: str, found: str) -> bool:
    want, have = re.findall(r"\w+", norm(expected)), re.findall(r"\w+", norm(found))
    i = hits = 0
    for word in want:
        while i < len(have) and have[i] != word:
            i += 1
        if i < len(have):
            hits += 1
            i += 1
    return bool(want) and hits / len(want) >= 0.9


def quote_matches(found_text: str, found_speaker: str, expected: dict) -> bool:
    f, e = norm(found_text).strip(' ",.'), norm(expected["text"]).strip(' ",.')
    if not (e in f or f in e or _in_order(e, f)):
        return False
    speakers = expected["speaker"] if isinstance(expected["speaker"], list) else [expected["speaker"]]
    return any(_name_matches(found_speaker, s) for s in speakers)


def score(facts: list[dict], expected: dict) -> dict:
    """Return {category: {"tp", "fn", "fp", "forbidden", "missing": [...]}} for one article.

    `facts` are dicts with kind, key, text, value (as Fact rows). Precision counts only what the
    expectations speak about: required and optional items are hits, forbidden ones are errors,
    anything else found is neither (the expectations do not list every entity of a text).
    """
    by_kind = {}
    for fact in facts:
        by_kind.setdefault(fact["kind"], []).append(fact)
    out = {}

    def names(kind, section):
        found = {f["key"] for f in by_kind.get(kind, [])}
        required = section.get("required", [])
        optional = section.get("optional", [])
        missing = [r for r in required if not any(_name_matches(f, r) for f in found)]
        forbidden = [x for x in section.get("forbidden", []) if any(norm(f) == norm(x) for f in found)]
        return {"tp": len(required) - len(missing), "fn": len(missing), "fp": len(forbidden),
                "missing": missing, "forbidden": forbidden,
                "optional_found": [o for o in optional if any(_name_matches(f, o) for f in found)]}

    if "people" in expected:
        out["people"] = names("person", expected["people"])
    if "organizations" in expected:
        out["organizations"] = names("organization", expected["organizations"])
    if "places" in expected:
        out["places"] = names("place", expected["places"])
    if "tickers" in expected:
        found = {f["key"] for f in by_kind.get("ticker", [])}
        required = expected["tickers"].get("required", {})
        missing = [s for s in required if s not in found]
        forbidden = [s for s in expected["tickers"].get("forbidden", []) if s in found]
        out["tickers"] = {"tp": len(required) - len(missing), "fn": len(missing), "fp": len(forbidden),
                          "missing": missing, "forbidden": forbidden}
    if "quotes" in expected:
        quotes = [(f["text"], f["key"]) for f in by_kind.get("quote", [])]
        required = expected["quotes"].get("required", [])
        missing = [q["text"] for q in required if not any(quote_matches(t, s, q) for t, s in quotes)]
        bad = [s for _, s in quotes for x in expected["quotes"].get("forbidden_speakers", []) if norm(s) == norm(x)]
        out["quotes"] = {"tp": len(required) - len(missing), "fn": len(missing), "fp": len(bad),
                         "missing": missing, "forbidden": bad}
    if "money" in expected:
        money = by_kind.get("money", [])
        required = expected["money"].get("required", [])
        missing = [m["text"] for m in required if not any(
            norm(f["text"]) == norm(m["text"]) and f["value"].get("amount") == m.get("amount", f["value"].get("amount"))
            and f["value"].get("currency") == m.get("currency", f["value"].get("currency"))
            and f["value"].get("year") == m.get("year", f["value"].get("year")) for f in money)]
        out["money"] = {"tp": len(required) - len(missing), "fn": len(missing), "fp": 0, "missing": missing, "forbidden": []}
    if "topics" in expected:
        found = {f["key"] for f in by_kind.get("topic", [])}
        required = expected["topics"].get("required", [])
        missing = [t for t in required if t not in found]
        out["topics"] = {"tp": len(required) - len(missing), "fn": len(missing), "fp": 0, "missing": missing,
                         "forbidden": []}
    return out
