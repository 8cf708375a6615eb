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


def _pattern(phrase: str) -> re.Pattern:
    if phrase.isupper():  # acronyms match as written: "AI", never "ai" inside a word
        return re.compile(rf"\b{re.escape(phrase)}\b")
    return re.compile(rf"\b{re.escape(phrase)}\w*" if phrase.endswith(("commodit", "geopolitic")) else
                      rf"\b{re.escape(phrase)}{ENDINGS}\b", re.I)


COMPILED = {topic: ([_pattern(p) for p in strong], [_pattern(p) for p in weak]) for topic, (strong, weak) in TAXONOMY.items()}


def extract_topics(text: str) -> list[Found]:
    """Return one Found per topic of the taxonomy the text is about, at its first evidence."""
    found = []
    for topic, (strong, weak) in COMPILED.items():
        strong_hits = [m for p in strong for m in p.finditer(text)]
        weak_hits = [m for p in weak for m in p.finditer(text)]
        if strong_hits or len(weak_hits) >= MIN_HITS:
            first = min(strong_hits or weak_hits, key=lambda m: m.start())
            hits = len(strong_hits) + len(weak_hits)
            found.append(Found("topic", topic, first.group(), first.start(), first.end(), {"hits": hits},
                               confidence=min(1.0, 0.5 + 0.1 * hits) if strong_hits else 0.5))
    return found
