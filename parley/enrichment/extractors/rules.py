"""Site rules over what the extractors found: some words are always a person, an organisation, a
place or nothing on this site (parley.enrichment.models.NameRule). Pure: rules in, facts out."""
import re
from dataclasses import dataclass
from functools import lru_cache

from parley.enrichment.extractors import Found

ENTITY_KINDS = ("person", "organization", "place", "ticker")


@dataclass(frozen=True)
class Rule:
    words: str
    kind: str  # person, organization, place, nothing
    ticker: str = ""


def _key(words: str) -> str:
    return " ".join(words.split()).casefold()


@lru_cache(maxsize=8)
def _written(words: tuple[str, ...]) -> re.Pattern:
    """One pattern finding any of these names as written (case and all), as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")


def _unfound(text: str, found: list[Found], rules: dict[str, Rule]) -> list[Found]:
    """The places a rule's words stand in the text, written as the rule writes them, where no entity
    was found: a site's invented or rare names are tagged wherever they appear."""
    named = tuple(rule.words for rule in rules.values() if rule.kind != "nothing")
    if not named:
        return []
    taken = [(f.start, f.end) for f in found if f.kind in ENTITY_KINDS]
    out = []
    for match in _written(named).finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            continue
        rule = rules[_key(match.group(0))]
        out.append(Found(rule.kind, rule.words, match.group(0), start, end, {"evidence": "site rule"}, 1.0))
        if rule.kind == "organization" and rule.ticker:
            out.append(Found("ticker", rule.ticker, match.group(0), start, end, {"evidence": "site rule"}, 1.0))
    return out


def apply_rules(text: str, found: list[Found], rules: dict[str, Rule]) -> list[Found]:
    """Return the facts with every entity whose words a rule names (with or without a "The" before
    them in the text) replaced as the rule says; a ticker from the same words goes unless the rule
    gives one. A rule's words where nothing was found are tagged as the rule says. Facts of other
    kinds, and entities no rule names, are kept as found."""
    if not rules:
        return found
    found = sorted([*found, *_unfound(text, found, rules)], key=lambda f: (f.start, f.kind))
    spans: dict[tuple[int, int], Rule] = {}
    for fact in found:
        if fact.kind in ENTITY_KINDS:
            with_the = re.search(r"\b[Tt]he\s+$", text[max(0, fact.start - 4):fact.start])
            rule = rules.get(_key(fact.text)) or (rules.get(_key("the " + fact.text)) if with_the else None)
            if rule:
                spans[(fact.start, fact.end)] = rule
    if not spans:
        return found
    out = [f for f in found if not (f.kind in ENTITY_KINDS and (f.start, f.end) in spans)]
    for (start, end), rule in spans.items():
        words = text[start:end]
        if rule.kind != "nothing":
            out.append(Found(rule.kind, rule.words, words, start, end, {"evidence": "site rule"}, 1.0))
        if rule.kind == "organization" and rule.ticker:
            out.append(Found("ticker", rule.ticker, words, start, end, {"evidence": "site rule"}, 1.0))
    return sorted(out, key=lambda f: (f.start, f.kind))


def rules_from(rows) -> dict[str, Rule]:
    """The rules as apply_rules takes them, from (words, kind, ticker) rows."""
    return {_key(words): Rule(words, kind, ticker) for words, kind, ticker in rows}
