"""Topics from a documented taxonomy: each topic is a set of phrases; the first match is its evidence.

A topic is tagged when its phrases occur at least MIN_HITS times, or once for phrases specific
enough to stand alone (marked strong). Matching is on word boundaries, case-insensitive, with
simple plural and inflection endings.
"""
import re

from parley.enrichment.extractors import Found

# topic: (strong phrases, supporting phrases)
TAXONOMY = {
    "sanctions": (["sanction", "embargo", "export controls", "asset freeze"], ["blacklist", "penalties"]),
    "energy": (["energy", "oil", "natural gas", "crude", "lng", "power grid", "opec"], ["pipeline", "refiner", "electricity"]),
    "rare earths": (["rare earth", "rare-earth", "critical minerals"], ["lithium", "cobalt", "mineral rights"]),
    "data centers": (["data center", "data centre", "datacenter", "hyperscaler"], ["server farm", "cloud capacity"]),
    "artificial intelligence": (["artificial intelligence", "machine learning", "generative ai", "large language model"],
                                ["AI", "chatbot", "nvidia"]),
    "banking": (["bank", "lender", "deposit", "central bank"], ["loan", "credit"]),
    "aviation": (["aviation", "airline", "aircraft", "airport", "boeing", "airbus"], ["jet", "flight"]),
    "commodities": (["commodit", "copper", "wheat", "gold price", "metals"], ["futures", "fertilizer", "uranium"]),
    "uranium": (["uranium", "nuclear fuel"], ["enrichment"]),
    "fertilizers": (["fertilizer", "fertiliser", "potash"], ["ammonia"]),
    "trade": (["trade", "tariff", "import", "export", "trading partner"], ["deficit", "customs"]),
    "geopolitics": (["geopolitic", "peace deal", "ceasefire", "invasion", "annexation", "diplomat", "war"],
                    ["conflict", "summit", "envoy"]),
    "earnings": (["earnings", "quarterly results", "revenue", "profit", "guidance", "eps"], ["margin", "outlook"]),
    "mergers": (["merger", "acquisition", "takeover", "buyout", "acquire"], ["deal", "bid"]),
    "arctic": (["arctic"], ["polar"]),
}
MIN_HITS = 2
ENDINGS = r"(?:s|es|ed|ing|ies)?"


def _alternative(phrase: str) -> str:
    if phrase.endswith(("commodit", "geopolitic")):  # stems: commodities, geopolitical
        return rf"{re.escape(phrase)}\w*"
    return rf"{re.escape(phrase)}{ENDINGS}"


# Each phrase is a pattern of its own; a plain substring test skips the many that cannot match.
PHRASES = [(topic, phrase, strong, re.compile(rf"\b{_alternative(phrase)}\b", 0 if phrase.isupper() else re.I))
           for topic, (strong_list, weak_list) in TAXONOMY.items()
           for strong, phrases in ((True, strong_list), (False, weak_list)) for phrase in phrases]


def extract_topics(text: str) -> list[Found]:
    """Return one Found per topic of the taxonomy the text is about, at its first evidence."""
    lowered = text.lower()
    hits: dict[str, list] = {}
    for topic, phrase, strong, pattern in PHRASES:
        if (phrase if phrase.isupper() else phrase.lower()) not in (text if phrase.isupper() else lowered):
            continue
        hits.setdefault(topic, []).extend((m, strong) for m in pattern.finditer(text))
    found = []
    for topic, matches in hits.items():
        strong_hits = [m for m, strong in matches if strong]
        if strong_hits or len(matches) >= MIN_HITS:
            first = min(strong_hits or [m for m, _ in matches], key=lambda m: m.start())
            found.append(Found("topic", topic, first.group(), first.start(), first.end(), {"hits": len(matches)},
                               confidence=min(1.0, 0.5 + 0.1 * len(matches)) if strong_hits else 0.5))
    return sorted(found, key=lambda f: list(TAXONOMY).index(f.key))
