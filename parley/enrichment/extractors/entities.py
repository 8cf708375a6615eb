"""People (with roles), organisations, places, company tickers and quotes with their speakers.

Rules, not a model: capitalised phrases are classified with gazetteers shipped in data/ (built by
scripts/build_enrichment_data.py from public data) and with the context news prose gives them:
titles before a name ("Senator", "US envoy"), appositions after it (", former head of …"),
affiliations ("of PIIE"), speech verbs around quotes. Later surname and pronoun mentions resolve
to the person named before. Every fact keeps its span in the text.
"""
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parley.enrichment.extractors import Found

DATA = Path(__file__).resolve().parent.parent / "data"
APOS = "'’"
WORD = rf"[A-Z][\w{APOS}.&-]*"
PHRASE = re.compile(rf"{WORD}(?:\s+(?:{WORD}|of|de|van|von|bin|al|da|du|der|la|le)(?=\s+[A-Z]|\b))*(?:\s+{WORD})?")
TITLES = re.compile(r"(?:(?:former|deputy|vice|acting|chief|senior|top)\s+)*(?:President|Senator|Sen\.|Secretary|Minister|"
                    r"Prime Minister|Chancellor|Governor|Gov\.|Chairman|Chairwoman|Chair|CEO|CFO|Rep\.|Representative|"
                    r"Mayor|General|Gen\.|Judge|Justice|Ambassador|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|envoy|spokesperson|"
                    r"spokesman|spokeswoman|analyst|economist|strategist|official|adviser|advisor|director|founder)\s+$",
                    re.I)
APPOSITION = re.compile(r"^,\s+(?P<role>(?:[a-z][\w-]*\s+){0,3}(?:head|chief|director|president|"
                        r"chairman|chair|founder|executive|secretary|minister|governor|economist|analyst|professor|"
                        r"spokesperson|spokesman|envoy|ceo|cfo|partner|manager|strategist|author|senior|vice)[^,.;]{0,80})")
AFFILIATION = re.compile(rf"^\s+(?:of|at|from)\s+(?P<org>{WORD}(?:\s+{WORD})*)")
FEATURES = re.compile(r"\b(?:Strait|Sea|Gulf|Ocean|Canal|Bay|Peninsula|River|Mountains|Desert|Islands?)$")
ORG_WORDS = re.compile(r"\b(?:Division|Department|Ministry|Agency|Bureau|Fund|Bank|Council|Institute|University|"
                       r"Committee|Commission|Authority|Association|Corporation|Company|Group|Foundation|Office|"
                       r"Party|Exchange|Reserve|Board|Court|Army|Navy|Times|Journal|News|Post)\b")
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
TITLE_WORDS = re.compile(r"^(?:President|Senator|Sen\.|Secretary|Minister|Chancellor|Governor|Gov\.|Chairman|Chairwoman|"
                         r"CEO|CFO|Rep\.|Representative|Mayor|General|Judge|Ambassador|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)$")
NOT_ORGS = {"AI", "US", "UK", "EU", "CEO", "CFO", "GDP", "IPO", "ETF", "USD", "EUR", "TV", "PM", "AM", "OK", "NYSE",
            "NASDAQ", "FY", "Q1", "Q2", "Q3", "Q4", "TTM", "LNG", "EV", "EVS", "IT", "HR", "PR", "VP", "ESG",
            "ET", "PT", "CT", "GMT", "UTC", "EST", "EDT", "PST", "PDT", "BST", "CET", "YTD", "YOY", "EPS", "PE"}
DEMONYM = re.compile(r"(?:an|ian|ese|ish|ic|i)$")  # Russian, Chinese, British, Arabic, Israeli
PRONOUNS = {"he": "M", "she": "F", "they": None}
SPEECH = r"(?:said|says|added|noted|told|wrote|argued|explained|asked|warned|stated|remarked|insisted|declared|replied)"
QUOTE = re.compile(r"[\"“](?P<q>[^\"“”]{2,2000}?)(?:[\"”]|$)", re.M)


@dataclass
class Person:
    name: str
    start: int
    role: str = ""


@cache
def gazetteers():
    """Return (first names, places, organisations, company names -> ticker, everyday company names)."""
    first = set((DATA / "first_names.txt").read_text(encoding="utf-8").split())
    places = json.loads((DATA / "places.json").read_text(encoding="utf-8"))
    orgs = {line.strip() for line in (DATA / "organizations.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}
    companies, everyday = {}, set()
    for row in json.loads((DATA / "tickers.json").read_text(encoding="utf-8")):
        for name in row["names"]:
            if len(name) > 2:
                companies.setdefault(name, row["symbol"])
                if row["everyday"] and name == min(row["names"], key=len):
                    everyday.add(name)
    return first, places, orgs, companies, everyday


def _phrases(text: str):
    """Yield (phrase, start) for capitalised phrases, split after possessives and sentence ends."""
    for m in PHRASE.finditer(text):
        start, parts = m.start(), re.split(rf"(?<=[{APOS}]s)\s+|(?<=\w{{4}}\.)\s+", m.group())
        for part in parts:
            offset = text.find(part, start)
            if part.endswith(".") and len(part) > 4:
                part = part[:-1]
            yield part, offset
            start = offset + len(part)


def _strip(phrase: str) -> str:
    return re.sub(rf"[{APOS}]s$", "", phrase).rstrip(".")


def _lowercase_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\b[a-z][a-z]+\b", text)}


def extract_entities(text: str) -> list[Found]:
    """Return people, organisations, places, company tickers and quotes (with speakers) in a text."""
    first_names, places, orgs, companies, everyday = gazetteers()
    symbols = set(companies.values())
    common = _lowercase_words(text)
    found: list[Found] = []
    people: list[Person] = []
    by_surname: dict[str, Person] = {}

    for phrase, start in _phrases(text):
        # A sentence's first word is capitalised whatever it is: drop leading ordinary words.
        words = phrase.split()
        while words and (words[0].lower() in common or words[0] in ("The", "A", "An")) and \
                _strip(" ".join(words)) not in orgs and _strip(" ".join(words)) not in places and \
                _strip(" ".join(words)).replace("’", "'") not in companies:
            start += len(words[0]) + (len(phrase[len(words[0]):]) - len(phrase[len(words[0]):].lstrip()))
            phrase = phrase[len(words[0]):].lstrip()
            words = words[1:]
        if not words:
            continue
        inner_title = ""
        # "US President Trump", "Senator Elizabeth Warren": the title inside the phrase marks a person.
        titled = [i for i, w in enumerate(words[:-1]) if TITLE_WORDS.match(w)]
        if titled:
            cut = titled[-1] + 1
            inner_title = " ".join(words[:cut])
            start += len(" ".join(words[:cut])) + 1
            phrase, words = " ".join(words[cut:]), words[cut:]
        # "Elina Ribakova of PIIE": a person's name stops at "of"; the rest is an affiliation.
        if words[0] in first_names and " of " in phrase:
            phrase, affiliation = phrase.split(" of ", 1)
            words = phrase.split()
            aff_start = start + len(phrase) + 4
            if _strip(affiliation) in orgs or (ACRONYM.match(_strip(affiliation)) and _strip(affiliation) not in NOT_ORGS):
                found.append(Found("organization", _strip(affiliation), _strip(affiliation), aff_start,
                                   aff_start + len(_strip(affiliation)), confidence=0.7))
        name = _strip(phrase)
        end = start + len(name)
        before, after = text[max(0, start - 60):start], text[end:end + 120]
        plain = name.replace("’", "'")
        if name in orgs or name in companies or plain in companies:
            symbol = companies.get(name) or companies.get(plain)
            found.append(Found("organization", name, name, start, end))
            if symbol and name not in everyday:
                found.append(Found("ticker", symbol, name, start, end, {"evidence": "company name"}, confidence=0.75))
            continue
        if name in places or FEATURES.search(name):
            found.append(Found("place", places.get(name, {}).get("name", name), name, start, end,
                               {"type": places.get(name, {}).get("kind", "feature")}))
            continue
        if ACRONYM.match(name) and name in symbols and re.match(r"^\)", after) and re.search(r"\w[’']?s?\s+\($", before):
            found.append(Found("ticker", name, name, start, end, {"evidence": "symbol after a name"}, confidence=0.8))
            continue
        if ACRONYM.match(name):
            if name not in NOT_ORGS and (re.search(r"\b(?:of|at|from)\s+$", before) or re.match(rf"[{APOS}]s\b|\s+\w", after)):
                found.append(Found("organization", name, name, start, end, confidence=0.6))
            continue
        if ORG_WORDS.search(name) or len(words) > 4:
            continue
        title = TITLES.search(before)
        if len(words) >= 2 and words[0] in first_names or title or inner_title:
            person = by_surname.get(words[-1]) if len(words) == 1 else None
            if person is None:
                role = inner_title
                if title and not role:
                    role = title.group().strip()
                    lead = re.search(r"((?:US|U\.S\.|Russian|Chinese|[A-Z][\w ]{2,30}?)\s+)$", before[:title.start()])
                    if lead and not re.search(r"[.,;:]", lead.group()):
                        role = (lead.group() + role).strip()
                        employer = _strip(lead.group().strip())
                        # "Jefferies analyst X", "White House spokesperson Y": the words before the title
                        # name an employer, unless they are a place or a nationality ("Russian President").
                        if (employer in orgs or employer in companies) or (
                                employer not in places and not TITLE_WORDS.match(employer)
                                and employer[:1].isupper() and not DEMONYM.search(employer)):
                            org_start = text.rfind(employer, 0, start)
                            found.append(Found("organization", employer, employer, org_start, org_start + len(employer),
                                               confidence=0.6))
                appos, aff = APPOSITION.match(after), AFFILIATION.match(after)
                if appos:
                    role = appos["role"].strip()
                    employer = re.search(rf"\b(?:at|of|with)\s+(?:the\s+)?(?P<org>{WORD}(?:\s+{WORD})*)", role)
                    if employer and _strip(employer["org"]) not in places:
                        org_start = end + appos.start("role") + employer.start("org")
                        found.append(Found("organization", _strip(employer["org"]), _strip(employer["org"]), org_start,
                                           org_start + len(_strip(employer["org"])), confidence=0.7))
                elif aff and (aff["org"] in orgs or ACRONYM.match(aff["org"])):
                    role = role or aff["org"]
                person = Person(name, start, role)
                people.append(person)
                by_surname[words[-1]] = person
            found.append(Found("person", person.name, name, start, end, {"role": person.role} if person.role else {}))
        elif len(words) == 1 and words[0] in by_surname:
            person = by_surname[words[0]]
            found.append(Found("person", person.name, name, start, end, {"role": person.role} if person.role else {},
                               confidence=0.9))
    found.extend(_statistical(text, found, first_names, places, orgs))
    found.extend(_quotes(text, found))
    return found


def _statistical(text, found, first_names, places, orgs) -> list[Found]:
    """Add what spaCy (the optional `nlp` extra) sees and the rules missed, at a lower confidence."""
    from parley.enrichment.extractors import nlp

    taken = [(f.start, f.end) for f in found]
    known_people = {f.key for f in found if f.kind == "person"}
    added = []
    for kind, words, start, end in nlp.entities(text):
        name = _strip(words.strip(" *\"“”"))
        if not name or any(s < end and start < e for s, e in taken) or len(name) < 3:
            continue
        if kind == "person":
            tokens = name.split()
            # A person needs a full name not made of places or organisations, or is one already known.
            if name not in known_people and (len(tokens) < 2 or any(t in places or t in orgs for t in tokens)
                                             or name in places or ORG_WORDS.search(name)):
                continue
        elif kind == "place" and name not in places and not FEATURES.search(name) and name in orgs:
            kind = "organization"
        added.append(Found(kind, name, name, start, start + len(name), {"evidence": "spacy"}, confidence=0.6))
        taken.append((start, end))
    return added


def _person_before(mentions: list[Found], position: int) -> str | None:
    earlier = [f for f in mentions if f.kind == "person" and f.end <= position]
    return earlier[-1].key if earlier else None


def _who(raw: str, position: int, mentions: list[Found]) -> str | None:
    """Resolve a speaker phrase (a name, a surname or a pronoun at position) to a person's full name."""
    raw = _strip(raw.strip())
    if raw.lower() in PRONOUNS:
        return _person_before(mentions, position)
    for f in mentions:
        if f.kind == "person" and (f.key == raw or f.key.split()[-1] == raw.split()[-1]):
            return f.key
    return None


def _quotes(text: str, mentions: list[Found]) -> list[Found]:
    found = []
    name = rf"(?P<who>(?:{WORD}\s+){{0,3}}{WORD}|he|she|they|He|She|They)"
    after_rx = re.compile(rf"^[,.!?]?[\"”]?\s*(?:{name}\s+{SPEECH}|{SPEECH}\s+{name.replace('?P<who>', '?P<who2>')})")
    before_rx = re.compile(rf"{name}\s+{SPEECH}(?:\s+(?:of|about|to)\s+{WORD}(?:\s+{WORD})*)?\s*[:,]?\s*$")
    according_rx = re.compile(rf"^[,.]?[\"”]?[^.\"“]{{0,40}}\baccording to\s+{name}")
    verb_first_rx = re.compile(rf"\b(?:[Ss]aid|[Ss]ays|[Aa]dded|[Ww]rote)\s+{name}\s*[:,]\s*$")
    previous = None  # (paragraph start, end of the last attributed quote, speaker)
    for m in QUOTE.finditer(text):
        quote, start, end = m["q"].strip(" ,"), m.start("q"), m.end("q")
        paragraph_start = text.rfind("\n\n", 0, start) + 1
        sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
        sentence_end = min([i for i in (text.find(". ", end), text.find("\n", end)) if i != -1] or [len(text)])
        speaker = None
        after = after_rx.match(text[end:end + 80])
        if after:
            group = "who" if after["who"] else "who2"
            speaker = _who(after[group], end + after.start(group), mentions)
        if speaker is None:
            before = before_rx.search(text[sentence_start:start - 1])
            if before:
                speaker = _who(before["who"], sentence_start + before.start("who"), mentions)
        if speaker is None:
            first = verb_first_rx.search(text[sentence_start:start - 1])
            if first:
                speaker = _who(first["who"], sentence_start + first.start("who"), mentions)
        if speaker is None:
            according = according_rx.match(text[end:end + 120])
            if according:
                speaker = _who(according["who"], end + according.start("who"), mentions)
        if speaker is None:
            # A partial quote inside a sentence whose subject speaks: "… holds "x" …, he added".
            sentence = text[sentence_start:sentence_end]
            verb = re.search(rf"\b{name},?\s+{SPEECH}\b", sentence)
            if verb:
                speaker = _who(verb["who"], sentence_start + verb.start("who"), mentions)
        if speaker is None and previous and previous[0] == paragraph_start and not any(
                f.kind == "person" and previous[1] <= f.start < m.start() and f.key != previous[2] for f in mentions):
            speaker = previous[2]  # a later quote in the same paragraph, nobody else named since: same speaker
        if speaker is None or len(quote.split()) < 2:
            continue  # scare quotes and titles have no speaker: not quotes
        found.append(Found("quote", speaker, quote, start, start + len(m["q"].rstrip(" ,")), {"speaker": speaker}))
        previous = (paragraph_start, end + (after.end() if after else 0), speaker)
    return found
