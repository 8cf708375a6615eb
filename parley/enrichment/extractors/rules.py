"""Site rules over what the extractors found: some words are always a person, an organisation, a
place or nothing on this site (parley.enrichment.models.NameRule). Pure: rules in, facts out."""
import re
from dataclasses import dataclass

from parley.enrichment.extractors import Found

ENTITY_KINDS = ("person", "organization", "place", "ticker")


@dataclass(frozen=True)
class Rule:
    words: str
    kind: str  # person, organization, place, nothing
    ticker: str = ""


def _key(words: str) -> str:
    return " ".join(words.split()).casefold()


def apply_rules(text: str, found: list[Found], rules: dict[str, Rule]) -> list[Found]:
    """Return the facts with every entity whose words a rule names (with or without a "The" before
    them in the text) replaced as the rule says; a ticker from the same words goes unless the rule
    gives one. Facts of other kinds, and entities no rule names, are kept as found."""
    if not rules:
        return found
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
