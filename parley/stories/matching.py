"""Do two articles report the same event? Pure functions over what enrichment found; no database.

Precision first: a wrong join also joins two discussions. Two articles are one event when they are
close in time and their words say the same thing about the same named things:

- `syndicated`: title and lead nearly the same text (a wire story republished);
- `event`: within EVENT_HOURS, words alike (weighted cosine over title and lead), the words that
  are not names alike too, and at least one shared name (a ticker, a person, an organisation);
- `people`: within PEOPLE_HOURS, two or more people named in both and words somewhat alike (one
  incident between two players, described in other words: what is said of them differs more);
- `figures`: within EVENT_HOURS, a shared money figure of a million or more, or a shared quote, a
  shared name, and words somewhat alike.

Sharing a company or a person alone never joins: two announcements by one company in one week are
two stories. And two headlines that each name organisations (companies among them), none in common,
are about different subjects, whatever else they share (one analyst quoted on two companies' news
the same day), unless the text is one copy. Words are weighted by what they tell: function words nothing, dictionary words a
little, names and rare words (not in the dictionary) most; the title counts twice.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from parley.enrichment.extractors.entities import DATA

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
LEAD_WORDS = 60
EVENT_HOURS = 72
SYNDICATED_HOURS = 7 * 24
SYNDICATED_TEXT = 0.85
EVENT_TEXT = 0.30
FIGURES_TEXT = 0.20
PEOPLE_HOURS, PEOPLE_TEXT = 48, 0.25
PLAIN_TEXT = 0.20  # the words that are not names, alike too: the same thing happened to the same names
NAME_KINDS = ("ticker", "person", "organization")
# A shared figure is evidence of one event only when it is distinctive: revenue, a fine, a deal.
# Prices ("$199") are shared by every deals list of a week.
MIN_FIGURE = 1_000_000
RARE, EVERYDAY = 2.5, 1.0
STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
our out over own said same says she should so some such than that the their them then there these they this
those through to too under until up very was we were what when where which while who whom why will with would
you your new says told year years week day days time one two three first last get got make made like
""".split())


@cache
def _everyday() -> frozenset:
    return frozenset((DATA / "everyday_words.txt").read_text(encoding="utf-8").split())


def _weight(word: str) -> float:
    if word in STOP or len(word) < 2:
        return 0.0
    return EVERYDAY if word in _everyday() else RARE


@dataclass(frozen=True)
class Seen:
    """What is compared of one article."""

    pk: int
    at: datetime
    words: dict  # word: weight, normalised to length 1
    plain: dict  # the same without the words of names: what is said about them
    names: frozenset  # labels: "$HD", "Craig Menear", "Home Depot"
    figures: frozenset  # money figures of MIN_FIGURE or more, as written, normalised ("$1.4 billion")
    quotes: frozenset  # the first words of each quote, normalised
    people: frozenset = frozenset()  # the names of people, a surname alone left out when the full name is there
    subjects: frozenset = frozenset()  # the organisations (and companies' tickers) its title names


def seen(pk: int, at: datetime, title: str, body: str, facts) -> Seen:
    """Build what is compared from an article's title, text and facts (objects with kind, key, text, value).

    Beside all the words, the words that are not part of a name are kept apart (`plain`): what is
    said about the names. A company's two announcements share its name, not those words."""
    facts = list(facts)
    name_words = {w for f in facts if f.kind in NAME_KINDS for w in WORD.findall(f"{f.text} {f.key}".casefold())}
    counts = Counter()
    for word in WORD.findall(title.casefold()):
        counts[word] += 2
    for word in WORD.findall(" ".join(body.split(None, LEAD_WORDS)[:LEAD_WORDS]).casefold()):
        counts[word] += 1
    vector = {w: (1 + math.log(c)) * _weight(w) for w, c in counts.items() if _weight(w)}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    plain = {w: v for w, v in vector.items() if w not in name_words}
    plain_norm = math.sqrt(sum(v * v for v in plain.values())) or 1.0
    names, figures, quotes = set(), set(), set()
    people = {f.key for f in facts if f.kind == "person"}
    people = {p for p in people if not any(o != p and o.endswith(f" {p}") for o in people)}
    headline = " ".join(WORD.findall(title.casefold()))
    subjects = {f"${f.key}" if f.kind == "ticker" else f.key for f in facts if f.kind in ("ticker", "organization")
                and _in(" ".join(WORD.findall(f.text.casefold())), headline)}
    for fact in facts:
        if fact.kind in NAME_KINDS:
            names.add(f"${fact.key}" if fact.kind == "ticker" else fact.key)
        elif fact.kind == "money" and (fact.value or {}).get("amount", 0) >= MIN_FIGURE:
            figures.add(" ".join(fact.text.casefold().split()))
        elif fact.kind == "quote":
            quotes.add(" ".join(WORD.findall(fact.text.casefold())[:8]))
    return Seen(pk, at, {w: v / norm for w, v in vector.items()}, {w: v / plain_norm for w, v in plain.items()},
                frozenset(names), frozenset(figures), frozenset(q for q in quotes if q.count(" ") >= 3), frozenset(people), frozenset(subjects))


def _in(words: str, headline: str) -> bool:
    """Whether these words stand in the headline as whole words."""
    return bool(words) and f" {words} " in f" {headline} "


def cosine(a: dict, b: dict) -> float:
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(v * large.get(w, 0.0) for w, v in small.items())


@dataclass(frozen=True)
class Evidence:
    rule: str
    text: float
    hours: float
    names: tuple
    figures: tuple
    quotes: int

    def as_dict(self, matched: int) -> dict:
        return {"rule": self.rule, "matched": matched, "text": round(self.text, 3), "hours_apart": round(self.hours, 1),
                "shared_names": list(self.names), "shared_figures": list(self.figures), "shared_quotes": self.quotes}

    @property
    def strength(self) -> float:
        return self.text + 0.1 * len(self.names) + 0.2 * (len(self.figures) + self.quotes)


def compare(a: Seen, b: Seen) -> Evidence | None:
    """The evidence that two articles report one event, or None."""
    hours = abs((a.at - b.at).total_seconds()) / 3600
    if hours > SYNDICATED_HOURS:
        return None
    text = cosine(a.words, b.words)
    names = tuple(sorted(a.names & b.names))
    figures = tuple(sorted(a.figures & b.figures))
    quotes = len(a.quotes & b.quotes)
    found = None
    if text >= SYNDICATED_TEXT:
        found = "syndicated"
    elif a.subjects and b.subjects and not a.subjects & b.subjects:
        return None  # two headlines about different organisations
    elif hours <= EVENT_HOURS and names and text >= EVENT_TEXT and cosine(a.plain, b.plain) >= PLAIN_TEXT:
        found = "event"
    elif hours <= EVENT_HOURS and names and (figures or quotes) and text >= FIGURES_TEXT:
        found = "figures"
    elif hours <= PEOPLE_HOURS and len(a.people & b.people) >= 2 and text >= PEOPLE_TEXT:
        found = "people"
    return Evidence(found, text, hours, names, figures, quotes) if found else None
