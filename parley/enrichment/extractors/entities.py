"""People (with roles), organisations, places and the listed companies behind them.

The statistical recogniser (spaCy, see parley.enrichment.language) proposes people, organisations
and places; gazetteers built from public data (data/, by scripts/build_enrichment_data.py) confirm,
correct and complete them:

- a proposed name that a gazetteer knows takes the gazetteer's kind (an "organisation" that is a
  country is a place; a "place" that is an agency is an organisation);
- organisations and countries, states, regions and cities of a million people the recogniser
  missed are found by name; smaller cities only when the recogniser calls them places, so that
  "Reading" or "Mobile" in ordinary prose stay words;
- a person named once in full is the same person when a later sentence uses the surname alone;
- a company links to its ticker when its name is in the SEC's list of US-listed companies; a name
  that is also an everyday word, a given name, a place or an index needs company evidence (the
  recogniser calls it an organisation, a corporate suffix, or words like "shares of" or "CEO").
"""
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from parley.enrichment.companies import is_generic
from parley.enrichment.extractors import Found

DATA = Path(__file__).resolve().parent.parent / "data"
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "representative", "gov", "governor", "president",
          "vice", "prime", "minister", "secretary", "chancellor", "judge", "justice", "gen", "general", "col",
          "lt", "sgt", "officer", "det", "detective", "mayor", "ambassador", "prof", "professor", "sir", "dame",
          "lord", "lady", "king", "queen", "prince", "princess", "pope", "chairman", "chairwoman", "ceo", "cfo",
          "coach", "speaker", "leader", "chief", "deputy", "acting", "former", "u.s.", "us", "attorney", "st"}
# Titles written short, the only words that may end in a full stop before a name ("Mr. Putin").
ABBREVIATED_TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "det", "prof", "st", "pres"}
# Words of TITLES that are no title before a single name on their own ("Prime", "Former", "US").
NOT_TITLES_ALONE = {"prime", "vice", "former", "acting", "deputy", "chief", "leader", "u.s.", "us", "st", "attorney"}
NOT_ORGS = {"AI", "CEO", "CFO", "COO", "CTO", "GDP", "IPO", "ETF", "USD", "EUR", "TV", "PM", "AM", "OK", "FY", "TTM",
            "LNG", "EV", "EVS", "IT", "HR", "PR", "VP", "ESG", "ET", "PT", "CT", "GMT", "UTC", "EST", "EDT", "PST",
            "PDT", "BST", "CET", "YTD", "YOY", "EPS", "PE", "DJI", "SPX", "NDX", "RUT", "VIX", "COVID", "COVID-19",
            "LED", "USB", "SSD", "CPU", "GPU", "RAM", "PDF", "FAQ", "DIY", "NFL", "Q1", "Q2", "Q3", "Q4", "MVP",
            "LGBT", "LGBTQ", "PhD", "MBA", "WiFi", "Wi-Fi", "GPS", "CEOs", "ID", "MW", "GW", "KW", "kWh", "MWh",
            "GWh", "TWh", "HSI", "SHCOMP", "FTSE", "DAX", "CAC"}
COMPANY_CONTEXT = re.compile(r"\b(?:shares?|stocks?|NYSE|Nasdaq|CEO|chief executive|company|companies|firm|Inc|"
                             r"Corp|Corporation|earnings|revenue|investors?|chairman|subsidiary|maker|retailer|"
                             r"brand|acquisition|acquired|products?|customers?)\b", re.I)
SUFFIXED = r"(?:\s*,?\s+(?:Inc|Corp|Corporation|Co|Company|Companies|Ltd|plc|Group|Holdings)\b\.?)"
ORG_WORDS = re.compile(r"\b(?:Department|Ministry|Agency|Bureau|Fund|Bank|Council|Institute|University|Committee|"
                       r"Commission|Authority|Association|Corporation|Company|Group|Foundation|Office|Party|"
                       r"Exchange|Board|Court|Times|Journal|News|Post|Inc|Corp|Co|LLC|Ltd|Partners|Capital)\b")
# Last words of natural features and places a facility label may name ("Suez Canal", "Marin County").
FEATURE_WORDS = r"Strait|Sea|Gulf|Ocean|Canal|Bay|Peninsula|River|Mountains|Desert|Islands?|Airport|Valley|Lake|County|Province|Park"
FEATURES = re.compile(rf"\b(?:{FEATURE_WORDS})$")
# Words that say a name is a place: its last word, its first words, a direction before a known place.
PLACE_END = re.compile(rf"\b(?:{FEATURE_WORDS}|Mountain|Parish|Borough|Township|Avenue|Street|Road|Boulevard|"
                       r"Square|Bay Area|Hemisphere|Coast|Canyon|Forest|Beach|Harbou?r|Heights|Hills|Prefecture)$")
OF_PLACE = re.compile(r"(?:Republic|State|Kingdom|Commonwealth|Principality|Province|City) of [A-Z]")
DIRECTION = re.compile(r"(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Upper|Lower|Greater|"
                       r"Inner|Outer|Northeast|Northwest|Southeast|Southwest|Northeastern|Northwestern|"
                       r"Southeastern|Southwestern)\s+(?P<rest>[A-Z].*)")
QUOTE_CHARS = "\"“”‘’'*"
TITLED_NAME = re.compile(r"\b(?:President|Secretary|Senator|Sen\.|Rep\.|Gov\.|Governor|Mr\.|Mrs\.|Ms\.|Dr\.|Judge|"
                         r"Justice|Mayor|Chancellor|Prime Minister|Ambassador|Gen\.|Speaker|Attorney General)\s+"
                         r"(?P<name>(?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+(?:['’]s)?)")
GIVEN_NAME = re.compile(r"(?<=[A-Za-z,;] )(?P<first>[A-Z][a-z]{2,})\s(?P<last>[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)(?![\w’'-])")
UNSHOWN = 0.5  # facts this unsure are kept only as a quote's speaker: right less than half the time (see
# _model_org_confidence and kept())
BIG_CITY = 1_000_000  # cities at least this large are places wherever they are named
# Last words of products, works, prizes and events, which the recogniser reads as people or organisations
# ("Nintendo Switch Lite", "Dell G3 15", "MacBook Pro", "Philip K. Dick Award", "Star Trek Series",
# "Echo Dot", "Android Auto", "Davis Cup Final"; "Jones Industrial" of the Dow Jones Industrial Average).
PRODUCT_END = re.compile(r"\b(?:Pro|Lite|Plus|Mini|Ultra|Edition|Series|Card|Bundle|Guide|Keyboard|Mouse|Watch|"
                         r"Phone|TV|Console|Kit|Pack|Collection|Award|Awards|Prize|Trophy|Festival|Cup|Monitoring|"
                         r"Smart|Wireless|Switch|Stick|Speaker|Headphones|Earbuds|Controller|Drive|Monitor|Dot|Comb|Connect|Auto|"
                         r"CarPlay|Meal|Supplement|Plan|Final|Finals|Industrial|Industrials|Average|Composite)$")
# Last words that make a name an institution, never a person ("Jet Propulsion Laboratory").
INSTITUTION_END = re.compile(r"\b(?:Laboratory|Laboratories|Lab|Labs|University|College|Institute|Hospital|Center|"
                             r"Centre|Clinic|Index|Museum|Stadium|Arena|Foundation|Society|Agency|Academy|School|Library|Theater|"
                             r"Theatre|Church|Council|Committee|Commission|Department|Ministry|Association|"
                             r"Army|Navy|Force|Forces|Design|Designs|Studio|Studios|Books|Records|Reports|Press|"
                             r"Media|Motors|Airlines|Airways|Pictures|Entertainment|State|United|Rovers|Athletic)$")


def fold(name: str) -> str:
    """Return the form names are looked up in: no accents, case, punctuation or spaces ("J.P. Morgan" = "jpmorgan")."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"['’]s$", "", name)
    return re.sub(r"[^a-z0-9&+]", "", name.lower())


@dataclass
class Company:
    symbol: str
    name: str
    exchange: str
    rank: int
    flags: list = field(default_factory=list)


@dataclass
class Gazetteers:
    orgs: dict  # folded name -> canonical name
    places: dict  # folded name -> {"kind", "name", "population"?}
    companies: dict  # folded name -> Company
    first_names: set
    org_pattern: re.Pattern
    place_pattern: re.Pattern
    company_pattern: re.Pattern
    described_pattern: re.Pattern  # a listed company's name after a word that says it is one
    abbreviations: dict = field(default_factory=dict)  # "Calif" -> "California" (data/places_more.txt)
    labelled_places: dict = field(default_factory=dict)  # folded name -> canonical, places only when labelled so
    everyday: frozenset = frozenset()  # lower-case dictionary words (data/everyday_words.txt)


# Words that say the name after them is a company: "beauty company Coty", "rival Lowe's", "drugmaker Merck".
COMPANY_NOUNS = (r"company|firm|maker|retailer|chain|brand|giant|rival|peer|carrier|airline|bank|lender|insurer|"
                 r"drugmaker|automaker|chipmaker|carmaker|miner|producer|conglomerate|operator|provider|supplier|"
                 r"manufacturer|developer|startup|owner|parent|subsidiary")


@cache
def gazetteers() -> Gazetteers:
    """Load the shipped data once per process."""
    orgs, org_names = {}, []
    for line in (DATA / "organizations.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names = [n.strip() for n in line.split("|")]
            org_names += names
            for name in names:
                orgs.setdefault(fold(name), names[0])
    raw_places = json.loads((DATA / "places.json").read_text(encoding="utf-8"))
    places = {}
    for name, info in raw_places.items():
        places.setdefault(fold(name), info)
    companies = {}
    rows = json.loads((DATA / "tickers.json").read_text(encoding="utf-8"))
    for row in rows:
        for name in row["names"]:
            key = fold(name)
            if len(key) >= 2 and key not in companies and not is_generic(name):
                companies[key] = Company(row["symbol"], row["name"], row["exchange"], row["rank"],
                                         row["flags"].get(name, []))
    first = set((DATA / "first_names.txt").read_text(encoding="utf-8").split())
    by_name = [n for n, info in raw_places.items()
               if info["kind"] != "city" or info.get("population", 0) >= BIG_CITY]
    # Distinctive names of larger companies are found even when the recogniser missed them.
    distinctive = [n for row in rows if row["rank"] < 1500
                   for n in row["names"] if n not in row["flags"] and len(n) >= 4 and not n.isupper() and not is_generic(n)]

    def alternation(names):
        names = sorted({n for n in names if n}, key=len, reverse=True)
        return re.compile(r"(?<![\w&.-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w&]|-\w|\.\w)")

    named = sorted({n for row in rows for n in row["names"] if len(n) >= 3 and not is_generic(n)}, key=len, reverse=True)
    described = re.compile(rf"\b(?:{COMPANY_NOUNS})\s+(?P<name>" + "|".join(re.escape(n) for n in named)
                           + r")(?![\w&]|-\w|\.\w)")
    abbreviations, labelled = _places_more()
    everyday = frozenset((DATA / "everyday_words.txt").read_text(encoding="utf-8").split())
    return Gazetteers(orgs, places, companies, first, alternation(org_names), alternation(by_name),
                      alternation(distinctive), described, abbreviations, labelled, everyday)


def _places_more() -> tuple[dict, dict]:
    """Read data/places_more.txt: state abbreviations, and places accepted only when the recogniser says so."""
    sections: dict[str, dict] = {"abbreviations": {}, "labelled": {}}
    section = None
    for line in (DATA / "places_more.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections[line.strip("[]")]
            continue
        name, _, canonical = (part.strip() for part in line.partition("="))
        section[name if section is sections["abbreviations"] else fold(name)] = canonical or name
    return sections["abbreviations"], sections["labelled"]


@dataclass
class Mention:
    kind: str  # person, organization, place
    text: str
    start: int
    end: int
    label: str = ""  # the recogniser's label, "" when found by name
    modifier: bool = False  # the words modify a noun after them ("Mobile phones")


@dataclass
class Person:
    name: str
    role: str = ""
    first_start: int = 0


@dataclass
class Analysis:
    """What the entity pass learnt about an article, for the quote pass to use."""

    facts: list
    people: dict  # full name -> Person
    mentions: list  # Mention, in text order


def _clean(text: str, start: int) -> tuple[str, int]:
    """Strip quotes, a leading "the" and a trailing possessive from an entity's words; keep the span right."""
    stripped = text.lstrip(QUOTE_CHARS + " ")
    start += len(text) - len(stripped)
    m = re.match(r"(?:the|The)\s+", stripped)
    if m:
        stripped, start = stripped[m.end():], start + m.end()
    stripped = stripped.split(" (")[0]  # "Ministry of Trade (MOTIE": the name stops at a parenthesis
    stripped = re.sub(r"(?:['’]s?|[\s" + re.escape(QUOTE_CHARS) + r",;:]+)$", "", stripped)
    if stripped.endswith(".") and not re.search(r"(?:\b[A-Z]|\bJr|\bSr|\bInc|\bCo|\bCorp)\.$", stripped):
        stripped = stripped[:-1]
    return stripped, start


KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "facility",
                 "NORP": "group"}
CONNECTORS = {"of", "and", "for", "the", "de", "du", "des", "la", "le", "del", "di", "da", "van", "von", "on", "in",
              "at", "&"}
SUFFIX_ONLY = re.compile(r"^(?:Inc|Corp|Co|Ltd|LLC|plc|Group|Holdings|Company)\.?$")


def _trim_org(name: str) -> str:
    """An organisation's name up to the first lowercase word that cannot join a name ("Bank of
    America" stays whole; "Associated Press that" is "Associated Press"), without trailing joiners."""
    words = name.split(" ")
    for n, word in enumerate(words):
        if n and word[:1].islower() and word not in CONNECTORS:
            words = words[:n]
            break
    while len(words) > 1 and words[-1] in CONNECTORS:
        words.pop()
    trimmed = " ".join(words)
    return "" if SUFFIX_ONLY.match(trimmed) else trimmed


def _type_by_majority(text: str, mentions: list[Mention]) -> None:
    """Give every mention of the same words the kind most of the recogniser's labels for them say
    ("SpaceX" labelled a person twice and an organisation five times is an organisation throughout);
    a tie leaves each mention as labelled. A title before any mention ("President Trump") makes the
    words a person's name throughout, whatever the count."""
    titled = {m.text for m in mentions if m.label in ("PERSON", "ORG") and _titled(text, m.start)}
    for m in mentions:
        if m.text in titled and m.label == "ORG":
            m.label, m.kind = "PERSON", "person"
    votes: dict[str, dict[str, int]] = {}
    # The surname of someone named in full stays with that person whatever it is labelled ("Trump").
    surnames = {m.text.split()[-1] for m in mentions if m.label == "PERSON" and " " in m.text}
    for m in mentions:
        if m.text in surnames:
            continue
        if m.label in ("PERSON", "ORG", "GPE", "LOC"):
            label = "GPE" if m.label == "LOC" else m.label
            votes.setdefault(m.text, {}).setdefault(label, 0)
            votes[m.text][label] += 1
    for m in mentions:
        counts = votes.get(m.text)
        if not counts or len(counts) < 2 or m.label not in ("PERSON", "ORG", "GPE", "LOC"):
            continue
        best = max(counts, key=counts.get)
        if counts[best] > counts.get("GPE" if m.label == "LOC" else m.label, 0):
            m.label, m.kind = best, KIND_OF_LABEL[best]


# "LOS ANGELES (AP) —", "BUFFALO, N.Y. —", "VIENNA —": a place in capitals opening a paragraph.
DATELINE = re.compile(r"(?m)^(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"
                      r"(?:,\s*[A-Z][A-Za-z.]{1,15}(?: [A-Z][a-z.]+)?)?\s*(?:\([A-Za-z ]+\)\s*)?(?:—|–| - )")


def _datelines(text: str, mentions: list[Mention]) -> list[Mention]:
    """A dateline's capitals are a place, whatever the recogniser made of them ("SIOUX FALLS" a
    person, "BAAR" an organisation): its mentions become places, or one is added."""
    for m in DATELINE.finditer(text):
        start, end = m.span("place")
        if end - start < 4:
            continue
        inside = [x for x in mentions if x.start < end and start < x.end]
        for x in inside:
            x.kind, x.label = "place", "GPE"
        if not inside:
            mentions.append(Mention("place", m["place"], start, end, "GPE"))
    return mentions


def _lead(words: list[str]) -> tuple[int, int]:
    """Return how many leading words describe ("rookie", "forward") and how many are titles ("Sen.",
    "President") before a name: neither is part of it."""
    described = 0
    while described < len(words) - 1 and words[described][:1].islower():
        described += 1
    return described, _strip_titles(words[described:])


def _strip_titles(words: list[str]) -> int:
    """Return how many leading words of a name are titles ("Sen.", "President", "Dr")."""
    n = 0
    while n < len(words) - 1 and words[n].lower().rstrip(".") in TITLES:
        n += 1
    return n


def _role(doc, ent) -> str:
    """Return the role the parse gives a person: an apposition after the name or a title before it."""
    head = ent.root
    for child in head.children:
        if child.dep_ == "appos" and child.i > ent.end - 1:
            span = doc[child.left_edge.i:child.right_edge.i + 1]
            if len(span) <= 15:
                return span.text.strip(" ,")
    left = [t for t in head.lefts if t.i < ent.start and t.dep_ in ("compound", "amod", "nmod", "poss")]
    if left:
        span = doc[left[0].left_edge.i:ent.start]
        text = span.text.strip(" ,")
        if 0 < len(text) <= 60 and not text.endswith("'s") and text[:1] != "“":
            return text
    return ""


def _company(g: Gazetteers, name: str, text: str, start: int, end: int, label: str,
             defined: frozenset = frozenset()) -> Company | None:
    """Return the listed company a name stands for, when the name and its context say it is one.
    `defined` holds the acronyms the article defines as something else ("... Services (CLPS)")."""
    if name in defined or re.search(r"\d[\s-]?$", text[max(0, start - 3):start]):
        return None  # "(CLPS)" defined as something else; "300 HP", "737 Max": a unit or a model after a number
    company = g.companies.get(fold(name))
    had_suffix = False
    if company is None:
        bare = re.sub(SUFFIXED + "+$", "", name)
        company = g.companies.get(fold(bare)) if bare != name else None
        if company is None:
            return None
        had_suffix = True
    flags = set(company.flags)
    # "Lowe's (LOW)": the company's own symbol in brackets after its name is evidence enough.
    own_symbol = re.match(rf"(?:['’]s)?\s*\(\s*(?:(?:NYSE|NASDAQ|Nasdaq)\s*:\s*)?{re.escape(company.symbol)}\s*\)",
                          text[end:end + 30])
    if not flags or own_symbol:
        return company
    window = text[max(0, start - 40):min(len(text), end + 40)]
    suffixed = had_suffix or re.match(SUFFIXED, text[end:end + 20])
    adjacent = bool(suffixed) or bool(re.search(
        rf"(?:[Ss]hares\s+of|[Ss]take\s+in|CEO\s+of|\((?:NYSE|NASDAQ|Nasdaq)\s*:)\s*(?:the\s+)?{re.escape(name)}"
        rf"|{re.escape(name)}(?:['’]s)?\s+(?:shares|stock|Inc|Corp|CEO|chief executive|\((?:NYSE|NASDAQ|Nasdaq))",
        window))
    if flags & {"place", "index"}:
        return company if adjacent else None
    if re.search(r"\b[Tt]he\s+$", text[max(0, start - 4):start]) and not adjacent:
        return None  # "the Amazon", "the Gap", "The Crown": a thing, not a company
    if label == "ORG" and (company.rank < 2000 or COMPANY_CONTEXT.search(window)):
        return company
    return company if adjacent else None


def _spelled_out(name: str, text: str, start: int) -> str:
    """The words an acronym in brackets abbreviates, when they come just before it ("Commercial Lunar
    Payload Services (CLPS)", "International Business Machines (IBM)"); "" otherwise."""
    if not (name.isupper() and 2 <= len(name) <= 6 and re.search(r"(?:\(|,? or)\s*$", text[max(0, start - 5):start])):
        return ""  # "... Services (CLPS)", "hypersensitivity pneumonitis, or HP"
    before = re.sub(r"(?:\(|,? or)\s*$", "", text[max(0, start - 120):start])
    words = [m for m in re.finditer(r"[A-Za-z][\w'’-]*", before)
             if m.group().lower() not in ("of", "and", "for", "the", "on", "in")]
    if len(words) < len(name) or "".join(w.group()[0].upper() for w in words[-len(name):]) != name:
        return ""
    return before[words[-len(name)].start():].rstrip(" (")


def _acronyms(text: str) -> dict[str, str]:
    """The acronyms a text spells out, in brackets or after ", or" following the words they
    abbreviate, each with its first spelling: {"CLPS": "Commercial Lunar Payload Services"}."""
    found: dict[str, str] = {}
    for m in re.finditer(r"\(\s*([A-Z]{2,6})\s*\)|,? or ([A-Z]{2,6})\b", text):
        group = 1 if m.group(1) else 2
        if spelled := _spelled_out(m.group(group), text, m.start(group)):
            found.setdefault(m.group(group), spelled)
    return found


def _acronyms_of_other_things(g: Gazetteers, spelled: dict[str, str]) -> frozenset:
    """Of the acronyms a text spells out, those that name something other than the listed company of
    the same letters: "Commercial Lunar Payload Services (CLPS)" makes every "CLPS" in the article
    the programme, never CLPS Inc.; "International Business Machines (IBM)" defines the company
    itself and is kept."""
    return frozenset(acronym for acronym, long in spelled.items() if (company := g.companies.get(fold(acronym)))
                     and g.companies.get(fold(re.sub(SUFFIXED + "+$", "", long))) is not company)


def extract_entities(text: str, pieces) -> Analysis:
    """Return people, organisations, places and company tickers in a text, from its parsed lines."""
    g = gazetteers()
    spelled_out = _acronyms(text)
    defined = _acronyms_of_other_things(g, spelled_out)
    mentions: list[Mention] = []
    roles: dict[tuple[int, int], str] = {}
    for piece in pieces:
        doc, base = piece.doc, piece.offset
        for ent in doc.ents:
            if ent.label_ not in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"):
                continue
            name, start = _clean(ent.text, base + ent.start_char)
            if not name or not any(c.isupper() for c in name) or len(name) < 2:
                continue
            if ent.label_ == "ORG":
                name = _trim_org(name)  # "Associated Press that", "MacBook Pro for": the span ran on
                if len(name) < 2 or not any(c.isupper() for c in name):
                    continue
            kind = KIND_OF_LABEL[ent.label_]
            mention = Mention(kind, name, start, start + len(name), ent.label_,
                              modifier=ent.root.dep_ in ("compound", "amod") and ent.root.head.i >= ent.end)
            if kind == "person":
                roles[(mention.start, mention.end)] = _role(doc, ent)
            mentions.append(mention)
    taken = [(m.start, m.end) for m in mentions]

    def free(start, end):
        return not any(s < end and start < e for s, e in taken)

    # "Secretary Rubio", "Sen. Jane Roe": a title before capitalised words names a person the recogniser may miss.
    for m in TITLED_NAME.finditer(text):
        name, start = _clean(m["name"], m.start("name"))
        if name and free(start, start + len(name)) and fold(name) not in g.orgs and not _is_place(g, name) \
                and fold(name) not in g.companies:
            mentions.append(Mention("person", name, start, start + len(name), "PERSON"))
            taken.append((start, start + len(name)))
    # "Elon Musk" the recogniser missed: a known given name and a capitalised surname, not a place or a body.
    position = 0
    while (m := GIVEN_NAME.search(text, position)) is not None:
        position = m.start("last")  # "Chief James Hall": a failed pair still lets its second word start the next
        first, last = m["first"], m["last"]
        name = f"{first} {last}"
        if first in g.first_names and free(m.start(), m.end()) and not _is_place(g, last) and fold(last) not in g.orgs \
                and fold(name) not in g.companies and last.lower() not in TITLES:
            mentions.append(Mention("person", name, m.start(), m.start() + len(name), "PERSON"))
            taken.append((m.start(), m.start() + len(name)))
    # "Beauty company Coty": a listed company named after a word that says so, however ordinary its name.
    for m in g.described_pattern.finditer(text):
        start, end = m.span("name")
        if free(start, end):
            mentions.append(Mention("organization", m["name"], start, end, "ORG"))
            taken.append((start, end))
    for pattern, kind in ((g.org_pattern, "organization"), (g.place_pattern, "place"),
                          (g.company_pattern, "organization")):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()) and not text[max(0, m.start() - 1):m.start()].isalpha():
                mentions.append(Mention(kind, m.group(), m.start(), m.end()))
                taken.append((m.start(), m.end()))
    mentions = _datelines(text, mentions)
    mentions.sort(key=lambda m: m.start)
    _type_by_majority(text, mentions)

    facts: list[Found] = []
    people: dict[str, Person] = {}
    surnames: dict[str, str] = {}
    # First pass: the people named in full, so that surnames anywhere resolve to them.
    for m in mentions:
        if m.label == "PERSON":
            words = m.text.split()
            words = words[sum(_lead(words)):]
            if len(words) >= 2 and fold(" ".join(words)) not in g.orgs and not _is_big_place(g, " ".join(words)) \
                    and _can_be_a_name(g, words) and not INSTITUTION_END.search(words[-1]) \
                    and not _listed_not_named(g, words):
                full = " ".join(words)
                if full not in people:
                    people[full] = Person(full, roles.get((m.start, m.end), ""), m.start)
                surnames.setdefault(words[-1], full)
    # A surname alone, later or earlier, that the recogniser did not mark: the person named in full.
    if surnames:
        alone = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in surnames) + r")(?![\w-])")
        extra = [Mention("person", m.group(), m.start(), m.end(), "PERSON") for m in alone.finditer(text)
                 if free(m.start(), m.end())]
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
    person_counts: dict[str, int] = {}
    for m in mentions:
        if m.label == "PERSON":
            person_counts[m.text] = person_counts.get(m.text, 0) + 1

    for m in mentions:
        folded = fold(m.text)
        if m.label == "PERSON":
            words = m.text.split()
            described, titles = _lead(words)
            cut = described + titles
            name_words = words[cut:]
            name = " ".join(name_words)
            start = m.start + (len(m.text) - len(name))
            if INSTITUTION_END.search(name) and len(name_words) >= 2:
                facts.append(Found("organization", g.orgs.get(folded, m.text), m.text, m.start, m.end,
                                   {"evidence": "model"}, 0.6))
                continue
            if len(name_words) >= 2 and _listed_not_named(g, name_words) \
                    and (company := _company(g, name, text, start, start + len(name), "", defined)):
                facts.append(Found("organization", company.name, name, start, start + len(name),
                                   {"evidence": "company"}, 0.8))  # "Northrop Grumman" read as a person
                facts.append(_ticker(company, m, "company name"))
                continue
            if not _can_be_a_name(g, name_words) or re.search(r"[a-z,;:] The $", text[max(0, m.start - 6):m.start]):
                continue  # "... as did The Dragon Waiting": a capitalised "The" within a sentence starts a title
            if len(words) == 1 and m.text not in surnames \
                    and (company := _company(g, m.text, text, m.start, m.end, "", defined)) and not company.flags \
                    and (company.rank < 1000 or COMPANY_CONTEXT.search(text[max(0, m.start - 40):m.end + 40])):  # "peer Lowe's (LOW)" read as a person: the listed company
                facts.append(Found("organization", company.name, m.text, m.start, m.end, {"evidence": "company"}, 0.8))
                facts.append(_ticker(company, m, "company name"))
                continue
            if folded in g.orgs:
                facts.append(Found("organization", g.orgs[folded], m.text, m.start, m.end, confidence=0.6))
                continue
            if len(name_words) == 1 and _is_big_place(g, name):
                facts.extend(_place(g, m, confidence=0.6))
                continue
            if len(name_words) >= 2:
                full = name if name in people else surnames.get(name_words[-1], name)
            elif name in surnames:
                full = surnames[name]
            elif titles or _titled(text, m.start) or person_counts.get(m.text, 0) >= 2 \
                    and not _a_word_not_a_name(g, name, text):
                full = name
                people.setdefault(full, Person(full, "", m.start))
            else:
                continue
            person = people.get(full) or people.setdefault(full, Person(full, "", m.start))
            if not cut and not person.role and len(full.split()) >= 2 and _everyday_phrase(g, full.split()):
                continue  # "Wireless Earphones", "Story Timeline", "Risky Attempt": words, not a name
            facts.append(Found("person", full, name, start, start + len(name),
                               {"role": person.role} if person.role else {}, _person_confidence(g, full, person, cut)))
            continue
        if m.kind == "person":
            continue
        if folded in g.orgs:
            facts.append(Found("organization", g.orgs[folded], m.text, m.start, m.end,
                               {"evidence": "list"}, 0.9))
            company = _company(g, m.text, text, m.start, m.end, "ORG", defined)
            if company and not company.flags:
                facts.append(_ticker(company, m, "company name"))
            continue
        if m.label == "ORG" and (m.text in people or len(m.text.split()) == 1 and m.text in surnames):
            full = m.text if m.text in people else surnames[m.text]
            facts.append(Found("person", full, m.text, m.start, m.end, {}, 0.6))
            continue
        if m.label == "ORG" or m.kind == "organization":  # a place found by name (label "") is a place, below
            company = _company(g, m.text, text, m.start, m.end, m.label or ("ORG" if m.kind == "organization" else ""),
                               defined)
            if company and not m.label and company.rank >= 500 \
                    and not COMPANY_CONTEXT.search(text[max(0, m.start - 60):m.end + 60]):
                continue  # found by name alone, with nothing about a company near: "degrees Celsius"
            if company:
                facts.append(Found("organization", company.name, m.text, m.start, m.end, {"evidence": "company"}, 0.8))
                facts.append(_ticker(company, m, "company name"))
                continue
            if m.label == "ORG" and _is_place(g, m.text) and g.places[folded]["kind"] != "city":
                facts.extend(_place(g, m, confidence=0.7))
                continue
            words = m.text.split()
            if m.label == "ORG" and len(words) in (2, 3) and words[0] in g.first_names and not ORG_WORDS.search(m.text) \
                    and _can_be_a_name(g, words) and not INSTITUTION_END.search(m.text) \
                    and all(w[:1].isupper() for w in words) and not _is_place(g, words[-1]) \
                    and not _everyday_phrase(g, words):
                full = m.text if m.text in people else surnames.get(words[-1], m.text)
                people.setdefault(full, Person(full, "", m.start))
                facts.append(Found("person", full, m.text, m.start, m.end, {}, 0.75))
                continue
            if m.label == "ORG" and (long := spelled_out.get(m.text)) and _plausible_org(long, people, surnames):
                facts.append(Found("organization", g.orgs.get(fold(long), long), m.text, m.start, m.end,
                                   {"evidence": "model"}, max(_model_org_confidence(g, long), 0.6)))
                continue  # "NSC" where the article wrote "National Security Council (NSC)": that body
            if m.label == "ORG" and _plausible_org(m.text, people, surnames) and not _stray_acronym(m.text, text):
                facts.append(Found("organization", m.text, m.text, m.start, m.end, {"evidence": "model"},
                                   _model_org_confidence(g, m.text)))
            continue
        if m.kind == "place" or m.label in ("GPE", "LOC"):
            if m.label in ("GPE", "LOC") and " " not in m.text and m.text in surnames and not _is_big_place(g, m.text):
                full = surnames[m.text]  # "Sondland" tagged a place, eight times, where Gordon Sondland was named
                facts.append(Found("person", full, m.text, m.start, m.end, {}, 0.6))
                continue
            if m.label in ("GPE", "LOC") and g.companies.get(folded) and _company(g, m.text, text, m.start, m.end, "", defined):
                company = g.companies[folded]
                facts.append(Found("organization", company.name, m.text, m.start, m.end, {"evidence": "company"}, 0.7))
                facts.append(_ticker(company, m, "company name"))
                continue
            if _is_place(g, m.text):
                facts.extend(_place(g, m, confidence=0.8 if m.label else 0.9))
            elif m.label in ("GPE", "LOC") and m.text in g.abbreviations and text[m.end:m.end + 1] == ".":
                facts.append(Found("place", g.abbreviations[m.text], m.text, m.start, m.end, {"type": "state"}, 0.8))
            elif m.label in ("GPE", "LOC") and (confidence := _model_place_confidence(g, m.text)):
                facts.extend(_place(g, m, confidence))
            continue
        if m.label == "FAC" and FEATURES.search(m.text):
            facts.extend(_place(g, m, confidence=0.6))
        elif m.label == "NORP" and folded in g.orgs:
            facts.append(Found("organization", g.orgs[folded], m.text, m.start, m.end, {"evidence": "list"}, 0.8))
    return Analysis(facts, people, mentions)


def kept(facts: list[Found], quotes: list[Found]) -> list[Found]:
    """The facts worth keeping: those above UNSHOWN, and those at it that some quote names as its speaker."""
    speakers = {q.key for q in quotes}
    return [f for f in facts if f.confidence > UNSHOWN or f.key in speakers]


def _titled(text: str, start: int) -> bool:
    """Return whether a single name follows a title ("President Trump", "Mr. Putin")."""
    before = text[max(0, start - 25):start].split()
    if not before or not re.fullmatch(r"[A-Z][a-z]+\.?", word := before[-1]):
        return False  # "PRIME Toyota" in a heading, "the US. PTI" across a sentence
    key = word.lower().rstrip(".")
    if word.endswith("."):
        return key in ABBREVIATED_TITLES
    return key in TITLES and key not in NOT_TITLES_ALONE


def _is_place(g: Gazetteers, name: str) -> bool:
    return fold(name) in g.places


def _is_big_place(g: Gazetteers, name: str) -> bool:
    """Return whether a name is a country, state, region or city of a million: a place even when read as a name."""
    info = g.places.get(fold(name))
    return bool(info) and (info["kind"] != "city" or info.get("population", 0) >= BIG_CITY)


def _place(g: Gazetteers, m: Mention, confidence: float) -> list[Found]:
    info = g.places.get(fold(m.text))
    if info and info["kind"] == "city" and info.get("population", 0) < BIG_CITY and (
            m.label not in ("GPE", "LOC") or m.modifier):
        return []
    labelled = g.labelled_places.get(fold(m.text))
    canonical = info["name"] if info else labelled or (m.text.title() if m.text.isupper() else m.text)  # "SIOUX FALLS"
    return [Found("place", canonical, m.text, m.start, m.end, {"type": info["kind"] if info else "place"}, confidence)]


def _person_confidence(g: Gazetteers, full: str, person: Person, titled: int) -> float:
    """How sure a person is: a full name with a known given name, a role or a title, 0.85; a
    surname alone, 0.75; a full name with none of those ("Wireless Earphones", "Story Timeline":
    product and heading words the recogniser reads as names), 0.6, shown as "also mentioned"."""
    words = full.split()
    if len(words) < 2:
        return 0.75
    cued = person.role or titled or any(w in g.first_names for w in words[:-1])
    return 0.85 if cued else 0.6


def _can_be_a_name(g: Gazetteers, words: list[str]) -> bool:
    """Whether words the recogniser calls a person can be a person's name: not a work ("The Dragon
    Waiting"), a product ("Nintendo Switch Lite", "Dell G3", "Disney+") or a phrase ("a MacBook Pro",
    "Punjab's Bhatinda")."""
    if not words or not words[0][:1].isupper() or words[0] in ("The", "A", "An", "This", "That", "Our", "Your"):
        return False
    name = " ".join(words)
    if re.search(r"[\d+&/@#]|['’]s\s", name) or PRODUCT_END.search(name):
        return False
    first = g.companies.get(fold(words[0]))
    return not (len(words) >= 2 and first is not None and not first.flags)  # "Nintendo Switch", "Apple Watch"


def _listed_not_named(g: Gazetteers, words: list[str]) -> bool:
    """Whether words read as a person's name are a listed company's whole name that starts with no
    given name ("Lockheed Martin", "Northrop Grumman"; "Martin Marietta" could be a person)."""
    company = g.companies.get(fold(" ".join(words)))
    return company is not None and not company.flags and words[0] not in g.first_names


def _everyday_phrase(g: Gazetteers, words: list[str]) -> bool:
    """Whether every word of a would-be name is an everyday lower-case word: a product, a heading or
    a phrase ("Wireless Earphones", "Forest Hill" is a place), not a person ("Will Dunham", "Chris
    Pine" and "Bill Clinton" each have a word no dictionary lists)."""
    return all(k in g.everyday for w in words if (k := re.sub(r"[^a-z]", "", w.lower())))


def _a_word_not_a_name(g: Gazetteers, word: str, text: str) -> bool:
    """Whether a single capitalised word the recogniser twice called a person, with no title and no
    fuller name in the article, is something else (measured on the development labels: such
    people were right 56 times in 100): an acronym, a title ("Col"), a place or a listed company or
    organisation ("Glasgow", "Toyota"), a word the article also writes in lower case ("audio",
    "defense"), a team or family in the plural ("the Browns", "the Spurs") or a model name after a
    number ("737 Max"). A known given name stays a person ("Andrew", "Martha")."""
    if word.isupper() or word.lower() in TITLES or fold(word) in g.orgs \
            or re.search(rf"\d\s+{re.escape(word)}(?![\w-])", text):
        return True
    if word in g.first_names:
        return False
    company = g.companies.get(fold(word))
    if _is_place(g, word) or company is not None and not company.flags:
        return True
    return bool(re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text)
                or word.endswith("s") and re.search(rf"\b[Tt]he\s+{re.escape(word)}(?![\w-])", text))


def _plausible_org(name: str, people: dict, surnames: dict) -> bool:
    """Return whether a name the recogniser calls an organisation can be one."""
    words = name.split()
    if PRODUCT_END.search(name) or re.match(r"(?:The|A|An)\s", name) and len(words) >= 3:
        return False  # "Radeon Pro", "Apple TV", "Philip K. Dick Award"; "The Last Hot Time" is a title
    if name in NOT_ORGS or name.upper() in NOT_ORGS or len(words) > 8 or name in people or name in surnames:
        return False
    if not name[0].isupper() and not name[0].isdigit():
        return False
    if re.search(r"\d", name) or re.search(r"\b(?:Index|Composite|Average)$|^(?:Group|Path|Pool) [A-Z]$", name):
        return False  # scores, units and market indices are not organisations
    return True


def _stray_acronym(name: str, text: str) -> bool:
    """Whether a short acronym no list knows is left unexplained by the article: technical
    abbreviations ("RGB", "GSM", "ECG", "SIM") are far more often that than an organisation; one the
    article spells out in brackets ("... Council (NSC)") is kept."""
    return name.isupper() and len(name) <= 3 and f"({name})" not in text


def _model_org_confidence(g: Gazetteers, name: str) -> float:
    """How often an organisation only the recogniser found is right, by what its name shows (measured
    on the development labels, bench/enrich.py's calibration table): a word like "University",
    "Agency" or "Inc" in it, 0.92 of 66; a listed company's name that lacked the evidence for its
    ticker, about as often; other names of several words 0.59 (0.50 once the lists grew); one word or
    an acronym, 0.42 of 143 once the lists grew: at UNSHOWN, such names are kept only where a quote
    names them its speaker ("the DEA said"), see kept(); the rest are products, surnames and works
    ("MacBook", "HomeKit", "Braun"). Leaving them out raised organisation precision on the four
    development splits by 0.04-0.06 and cost 0.06-0.10 of recall."""
    if ORG_WORDS.search(name):
        return 0.85
    if fold(name) in g.companies:
        return 0.8
    return 0.6 if " " in name else UNSHOWN


def _model_place_confidence(g: Gazetteers, name: str) -> float:
    """How sure a place only the recogniser found, and no list knows, is (measured on the development
    labels, bench/enrich.py's calibration by evidence: such places were right 49 times in 100). A
    name that says what kind of place it is ("Marin County", "Reagan National Airport", "Northern
    Virginia", "Republic of Ireland") or that the hand-written list accepts when labelled ("Mars",
    "Midwest"), 0.8; other names of several words, 0.6 ("also mentioned"); a single word no list
    knows is no place (products, people, teams and abbreviations: "MagSafe", "Siri", "Wild", "St"),
    nor are joined names ("Earth-Mars")."""
    if not name[0].isupper() or re.search(r"\d", name) or len(name.split()) > 5 or re.search(r"\w-[A-Z]", name):
        return 0.0
    if fold(name) in g.labelled_places:
        return 0.8
    words = name.split()
    if len(words) == 1:
        return 0.6 if re.fullmatch(r"(?:[A-Z]\.){2,3}", name) else 0.0  # "N.Y.", "D.C."
    if PLACE_END.search(name) or OF_PLACE.match(name):
        return 0.8
    if (rest := DIRECTION.match(name)) and (_is_place(g, rest["rest"]) or fold(rest["rest"]) in g.labelled_places):
        return 0.8
    if words[0] in g.first_names or fold(words[0]) in g.companies:
        return 0.0  # "Kate York", "Rajon Rondo", "Disney +": a person or a product the recogniser called a place
    return 0.6


def _ticker(company: Company, m: Mention, evidence: str) -> Found:
    return Found("ticker", company.symbol, m.text, m.start, m.end,
                 {"evidence": evidence, "exchange": company.exchange, "company": company.name},
                 confidence=0.75 if company.flags else 0.85)
