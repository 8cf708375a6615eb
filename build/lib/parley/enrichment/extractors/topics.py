"""Topics from a documented taxonomy (bench/labels/GUIDE.md): at most three broad topics an article.

The broad topics follow the IPTC Media Topics' "economy, business and finance" branch, with the
sections a markets site needs; each has strong phrases (specific to it) and supporting ones.
Precision first: a topic needs a strong phrase, a score of MIN_SCORE (strong hits count 2,
supporting ones 1, up to the strong hits' worth) and MIN_DISTINCT different phrases or three strong hits, so one word said once
is never enough; the three best-scoring topics
are kept. Narrower topics (rare earths, uranium, fertilizers, data centers) are tagged beside their
broad topic when their own phrases occur at least twice, or once in the lead (the first two
paragraphs, where news states what it covers).
"""
import re

from parley.enrichment.extractors import Found

# topic: (strong phrases, supporting phrases). Phrases match whole words, case-insensitively, with
# plural and verb endings; a phrase ending in "*" matches any ending.
TAXONOMY = {
    "markets": (["stock market", "stock price", "share price", "shares rose", "shares fell", "index", "indices",
                 "dow jones", "s&p 500", "nasdaq composite", "nikkei", "hang seng", "ftse", "wall street",
                 "bond yield", "treasury yield", "trading session", "sell-off", "selloff", "rally", "bull market",
                 "bear market", "equities", "futures"],
                ["investor*", "stocks", "shares", "trader*", "traded", "points", "benchmark", "market"]),
    "earnings": (["earnings", "quarterly results", "revenue", "net income", "profit", "guidance",
                  "earnings per share", "same-store sales", "comparable sales", "fiscal quarter", "analysts expected",
                  "beat estimates", "missed estimates"], ["quarter", "sales", "outlook", "forecast", "margin*"]),
    "mergers and acquisitions": (["merger", "acquisition", "takeover", "buyout", "acquire*", "divest*",
                                  "stake in", "tender offer"], ["deal", "bid", "purchase"]),
    "ipos": (["initial public offering", "ipo", "went public", "go public", "listing", "spac", "direct listing"],
             ["valuation", "debut"]),
    "central banks and rates": (["central bank", "interest rate", "rate cut", "rate hike", "monetary policy",
                                 "federal reserve", "basis points", "quantitative easing"], ["the fed", "rates"]),
    "economy": (["economy", "economic growth", "gdp", "recession", "economic", "economist*", "fiscal",
                 "budget deficit", "unemployment rate", "manufacturing"], ["growth", "slowdown", "budget"]),
    "inflation": (["inflation", "consumer prices", "cost of living", "price increases"], ["prices"]),
    "jobs": (["jobs report", "layoff*", "job cuts", "hiring", "unemployment", "wages", "workers", "strike",
              "labor market", "labour market", "payroll*", "appointed", "chief executive officer"],
             ["employees", "jobs", "staff", "union"]),
    "energy": (["energy", "oil", "natural gas", "crude", "lng", "power grid", "opec", "electricity", "utility",
                "utilities", "solar", "wind power", "renewable*", "nuclear power", "nuclear plant*", "uranium", "power shutoff*", "coal"],
               ["pipeline", "refiner*", "power", "fuel", "gas"]),
    "commodities": (["commodit*", "copper", "wheat", "gold price", "metals", "mining", "iron ore", "soybean*",
                     "rare earth", "fertilizer*"], ["miner*", "crop*", "harvest"]),
    "technology": (["technology", "tech", "software", "smartphone*", "laptop*", "app", "apps", "internet",
                    "cloud computing", "keyboard*", "macbook", "iphone", "ipad", "gadget*", "data center",
                    "broadband", "5g", "silicon valley", "startup*", "operating system"],
                   ["device*", "online", "digital", "computer*", "users", "platform"]),
    "semiconductors": (["semiconductor*", "chipmaker*", "chip", "chips", "foundry", "wafer*"], ["processor*"]),
    "artificial intelligence": (["artificial intelligence", "machine learning", "generative ai", "chatbot*",
                                 "large language model*", "neural network*"], ["algorithm*", "automation"]),
    "media and entertainment": (["film", "movie*", "television", "tv show", "streaming", "music", "album*",
                                 "record label", "publisher", "video game*", "box office", "hollywood",
                                 "netflix", "artist*", "songs"], ["show", "studio*", "fans", "entertainment"]),
    "real estate": (["real estate", "housing market", "home prices", "mortgage*", "property market", "reit*",
                     "homebuilder*", "rent", "landlord*"], ["property", "properties", "construction", "housing"]),
    "retail and consumer": (["retail*", "shoppers", "consumer spending", "black friday", "cyber monday",
                             "discount*", "store*", "e-commerce", "cosmetics", "beauty", "deals",
                             "sale price", "grocer*"], ["consumer*", "brand*", "shopping", "customers", "price"]),
    "autos": (["automaker*", "car maker*", "electric vehicle*", "car sales", "vehicle sales", "auto industry",
               "carmaker*"], ["cars", "vehicle*", "dealership*"]),
    "aviation and defence": (["airline*", "aircraft", "aviation", "airport*", "jetliner*", "boeing", "airbus",
                              "defense contractor*", "defence", "military", "pentagon", "fighter jet*",
                              "missile*"], ["flight*", "jet", "jets", "troops", "army"]),
    "health and pharma": (["health care", "healthcare", "hospital*", "drug*", "pharmaceutical*", "vaccine*",
                           "disease*", "patient*", "virus", "outbreak*", "medical", "doctor*", "fda", "clinical",
                           "infection*", "symptom*", "flu", "plague", "public health"],
                          ["health", "treatment*", "medicine", "cases"]),
    "banking and finance": (["bank", "banks", "banking", "lender*", "deposit*", "loan*", "credit card*",
                             "fintech", "payment*", "insurance", "insurer*", "savings", "financial services",
                             "overdraft*", "neobank*", "credit score*"], ["credit", "finance", "financial", "money"]),
    "crypto": (["bitcoin", "cryptocurrenc*", "crypto", "blockchain", "ethereum", "stablecoin*"], ["token*"]),
    "law and regulation": (["lawsuit*", "court", "judge", "prosecutor*", "attorney general", "indict*",
                            "pleaded guilty", "charged with", "investigation", "regulator*", "regulation*",
                            "antitrust", "sentenced", "jury", "trial", "subpoena*", "settlement", "arrest*",
                            "police", "convicted", "criminal"], ["law", "legal", "rules", "probe", "charges"]),
    "trade and tariffs": (["tariff*", "trade war", "trade deal", "trade talks", "trade deficit", "exports",
                           "imports", "trade dispute", "trade negotiat*", "customs duties"], ["trade", "export", "import"]),
    "sanctions": (["sanction*", "embargo*", "export controls", "asset freeze", "blacklist*"], ["penalties"]),
    "geopolitics": (["geopolitic*", "diplomat*", "foreign minister", "foreign policy", "ceasefire", "invasion",
                     "annexation", "peace deal", "peace talks", "war", "conflict", "protesters", "protests",
                     "summit", "sovereignty", "occupied", "human rights", "nato", "united nations"],
                    ["envoy", "troops", "military", "international", "treaty"]),
    "politics": (["impeachment", "congress", "senate", "lawmaker*", "parliament", "legislat*", "democrats",
                  "republicans", "house speaker", "politician*", "prime minister", "congressman", "congresswoman"],
                 ["policy", "party", "vote", "minister", "political", "government", "administration", "president",
                  "white house"]),
    "elections": (["election*", "campaign*", "voter*", "ballot*", "polls", "polling", "candidate*", "primary",
                   "primaries", "electoral"], ["vote", "votes", "seats"]),
    "environment": (["climate change", "climate", "pollution", "emissions", "carbon", "wildfire*", "air quality",
                     "environmental", "global warming", "hurricane*", "flood*", "drought", "deforestation"],
                    ["fire", "weather", "environment"]),
    "space": (["nasa", "spacecraft", "astronaut*", "satellite*", "rocket*", "orbit*", "space station",
               "space agency", "mission to", "moon", "mars", "jupiter", "planet*"], ["space", "launch"]),
    "sports": (["coach", "quarterback", "championship", "league", "tournament", "playoff*", "scored", "nfl", "nba",
                "nhl", "uefa", "olympic*", "qualifying", "touchdown*", "striker*", "goalkeeper*", "overtime"],
               ["win", "fans", "points", "player*", "game", "season", "team", "teams", "match", "goal*"]),
}
NARROWER = {"rare earths": ("commodities", ["rare earth*", "rare-earth*", "critical minerals"]),
            "uranium": ("commodities", ["uranium", "nuclear fuel"]),
            "fertilizers": ("commodities", ["fertilizer*", "fertiliser*", "potash"]),
            "data centers": ("technology", ["data center*", "data centre*", "datacenter*", "hyperscaler*"])}
MIN_DISTINCT = 2  # different phrases a topic needs
MIN_SCORE = 5  # strong hits count 2, supporting ones 1
MAX_TOPICS = 3
LEAD_PARAGRAPHS = 2  # a narrower topic the lead names once is what the article covers


def _pattern(phrases: list[str]) -> re.Pattern:
    parts = []
    for phrase in phrases:
        if phrase.endswith("*"):
            parts.append(re.escape(phrase[:-1]) + r"\w*")
        else:
            parts.append(re.escape(phrase) + r"(?:s|es|ed|ing)?")
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?![\w-])")


PATTERNS = {topic: (_pattern([p.lower() for p in strong]), _pattern([p.lower() for p in weak])) for topic, (strong, weak) in TAXONOMY.items()}
NARROW_PATTERNS = {topic: _pattern([p.lower() for p in phrases]) for topic, (_, phrases) in NARROWER.items()}


# A plain substring test of each pattern's stems skips the many patterns that cannot match a text.
STEMS = {}
for _topic, (_strong, _weak) in TAXONOMY.items():
    STEMS[PATTERNS[_topic][0]] = [p.lower().rstrip("*") for p in _strong]
    STEMS[PATTERNS[_topic][1]] = [p.lower().rstrip("*") for p in _weak]
for _topic, (_, _phrases) in NARROWER.items():
    STEMS[NARROW_PATTERNS[_topic]] = [p.lower().rstrip("*") for p in _phrases]


def _hits(pattern: re.Pattern, text: str) -> list[re.Match]:
    stems = STEMS.get(pattern)
    if stems is not None and not any(stem in text for stem in stems):
        return []
    return list(pattern.finditer(text))


def extract_topics(text: str) -> list[Found]:
    """Return up to three broad topics (and their narrower ones), each with its first evidence and score."""
    original = text
    lowered = text.lower()
    # Patterns are lower case and matched on lower-cased text (several times faster than re.I); the
    # rare character whose lower case is longer ("İ") is kept as it is, so spans stay exact.
    text = lowered if len(lowered) == len(original) else "".join(
        c.lower() if len(c.lower()) == 1 else c for c in original)
    scored = []
    for topic, (strong, weak) in PATTERNS.items():
        strong_hits, weak_hits = _hits(strong, text), _hits(weak, text)
        distinct = {m.group().lower() for m in strong_hits} | {m.group().lower() for m in weak_hits}
        score = 2 * len(strong_hits) + min(len(weak_hits), 2 * len(strong_hits))  # support never carries a topic
        distinct = {re.sub(r"(?:es|s|ed|ing)$", "", d) for d in distinct}  # "sanction" and "sanctions" are one
        if strong_hits and score >= MIN_SCORE and (len(distinct) >= MIN_DISTINCT or len(strong_hits) >= 3):
            scored.append((score, topic, strong_hits, distinct))
    scored.sort(key=lambda s: -s[0])
    found = []
    for score, topic, strong_hits, distinct in scored[:MAX_TOPICS]:
        first = strong_hits[0]
        found.append(Found("topic", topic, original[first.start():first.end()], first.start(), first.end(),
                           {"score": score, "evidence": sorted(distinct)[:8]},
                           confidence=round(min(1.0, score / (3 * MIN_SCORE)), 2)))
    lead = sum(len(p) + 2 for p in text.split("\n\n")[:LEAD_PARAGRAPHS])
    for topic, pattern in NARROW_PATTERNS.items():
        hits = _hits(pattern, text)
        if len(hits) >= 2 or hits and hits[0].start() < lead:
            found.append(Found("topic", topic, original[hits[0].start():hits[0].end()], hits[0].start(), hits[0].end(),
                               {"score": 2 * len(hits), "broader": NARROWER[topic][0],
                                "evidence": sorted({m.group().lower() for m in hits})}, confidence=0.6))
    return found
