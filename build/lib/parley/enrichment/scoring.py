"""Score enrichment against an expectations file in the seed's format (seed/README.md's rules).

Text is compared after NFKC, case-folding, collapsed white space and unified quotes. A quote
matches when one text contains the other or 90% of the expected words appear in order; its
speaker matches by full name or surname. People, organisations and places match by full name or
a surname / short form. Everything found counts for precision: labels list every entity of their
kinds, so an item matching no required or optional item (or matching a forbidden one) is an error.
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


def _entity_keys(facts: list[dict]) -> dict[str, set[str]]:
    """Return each distinct entity found (by key) with every form of its words in the text."""
    keys: dict[str, set[str]] = {}
    for fact in facts:
        keys.setdefault(fact["key"], {fact["key"]}).add(fact["text"])
    return keys


def _money_matches(fact: dict, expected: dict) -> bool:
    value = fact["value"]
    return (norm(fact["text"]) == norm(expected["text"]) or norm(expected["text"]) in norm(fact["text"])) and \
        value.get("amount") == expected.get("amount", value.get("amount")) and \
        value.get("currency") == expected.get("currency", value.get("currency")) and \
        value.get("year") == expected.get("year", value.get("year"))


def score(facts: list[dict], expected: dict) -> dict:
    """Return {category: {"tp", "fn", "fp", "missing", "wrong"}} for one article.

    Recall counts required items found. Precision counts every distinct item found in a category:
    one matching a required or optional item is right, anything else (a forbidden item included) is
    wrong, because labels list every entity of their kinds. `tp`/`fn` are for recall, `right`/`fp`
    for precision.
    """
    by_kind: dict[str, list] = {}
    for fact in facts:
        by_kind.setdefault(fact["kind"], []).append(fact)
    out = {}

    def names(kind, section):
        found = _entity_keys(by_kind.get(kind, []))
        required, optional = section.get("required", []), section.get("optional", [])
        missing = [r for r in required if not any(_name_matches(f, r) for forms in found.values() for f in forms)]
        right, wrong = 0, []
        for key, forms in found.items():
            if any(_name_matches(f, x) for f in forms for x in required + optional) and not any(
                    norm(f) == norm(x) for f in forms for x in section.get("forbidden", [])):
                right += 1
            else:
                wrong.append(key)
        return {"tp": len(required) - len(missing), "fn": len(missing), "right": right, "fp": len(wrong),
                "missing": missing, "wrong": wrong}

    for category, kind in (("people", "person"), ("organizations", "organization"), ("places", "place")):
        if category in expected:
            out[category] = names(kind, expected[category])
    if "tickers" in expected:
        found = {f["key"] for f in by_kind.get("ticker", [])}
        required = expected["tickers"].get("required", {})
        optional = expected["tickers"].get("optional", {})
        missing = [s for s in required if s not in found]
        wrong = sorted(s for s in found if s not in required and s not in optional)
        out["tickers"] = {"tp": len(required) - len(missing), "fn": len(missing), "right": len(found) - len(wrong),
                          "fp": len(wrong), "missing": missing, "wrong": wrong}
    if "quotes" in expected:
        quotes = [(f["text"], f["key"]) for f in by_kind.get("quote", [])]
        required = expected["quotes"].get("required", [])
        optional = expected["quotes"].get("optional", [])
        missing = [q["text"] for q in required if not any(quote_matches(t, s, q) for t, s in quotes)]
        wrong = [f"{s}: {t[:60]}" for t, s in quotes if not any(quote_matches(t, s, q) for q in required + optional)]
        out["quotes"] = {"tp": len(required) - len(missing), "fn": len(missing), "right": len(quotes) - len(wrong),
                         "fp": len(wrong), "missing": missing, "wrong": wrong}
    if "money" in expected:
        money = by_kind.get("money", [])
        required = expected["money"].get("required", [])
        optional = expected["money"].get("optional", [])
        missing = [m["text"] for m in required if not any(_money_matches(f, m) for f in money)]
        texts = {}
        for f in money:  # a figure repeated in the text is one item
            texts.setdefault(norm(f["text"]), f)
        wrong = [t for t, f in texts.items() if not any(
            _money_matches(f, m) or norm(m["text"]) == t for m in required + optional)]
        out["money"] = {"tp": len(required) - len(missing), "fn": len(missing), "right": len(texts) - len(wrong),
                        "fp": len(wrong), "missing": missing, "wrong": wrong}
    if "topics" in expected:
        found = {f["key"] for f in by_kind.get("topic", [])}
        required = expected["topics"].get("required", [])
        optional = expected["topics"].get("optional", [])
        missing = [t for t in required if t not in found]
        wrong = sorted(t for t in found if t not in required and t not in optional)
        out["topics"] = {"tp": len(required) - len(missing), "fn": len(missing), "right": len(found) - len(wrong),
                         "fp": len(wrong), "missing": missing, "wrong": wrong}
    return out
