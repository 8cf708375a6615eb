"""Outlet names and bylines, checked before they are shown: an outlet is a publication's name (never
a copyright line, a URL, "Hosted" or another article's headline) and a byline holds people only.

Pages and feeds state these loosely: `og:site_name` may be a slogan, `<meta name="author">` the
site's own name, a byline may run into its date line ("Jeff Foust Monday; November"). What fails
the checks falls back to what cannot be wrong: the outlet becomes the page's registered domain,
mapped to its publication's name when it is a well-known one, and a byline keeps only its people.
"""
import re
from urllib.parse import urlsplit

from parley.articles.cleaning import domain_of, fold_title

MAX_OUTLET_CHARS, MAX_OUTLET_WORDS = 60, 6
MAX_UNSPACED_OUTLET_CHARS = 20  # a name in a script without spaces (Thai, Chinese) is short
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
NOT_A_NAME = re.compile(
    r"^(hosted|home|homepage|home page|index|untitled|news|blog|wordpress|blogger|article|articles|page|site|"
    r"website|web site|online|default|null|none|undefined|admin|editor|staff|main|latest news|breaking news)$", re.I)
COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\b(?:19|20)\d\d\b", re.I)
URL_LIKE = re.compile(r"://|^www\.|\w/\w", re.I)  # a bare "Space.com" or "PanARMENIAN.Net" is a name
SEGMENT = re.compile(r"\s+[|–—-]\s+")
# A social handle (twitter:site), not a name: "@SputnikInt", "NYTimes", "Wday_".
HANDLE = re.compile(r"^@|^\w+_$|^[A-Za-z]*[a-z][A-Z][A-Za-z]*$")
SENTENCE = re.compile(r"[!?…:;]|\.\s|\s[-–—|]\s.*\s[-–—|]\s|,.*,")  # a slogan or a headline, not a name
# Publications whose registered domain does not read as their name.
KNOWN_OUTLETS = {
    "reuters.com": "Reuters", "apnews.com": "Associated Press", "bloomberg.com": "Bloomberg",
    "wsj.com": "The Wall Street Journal", "nytimes.com": "The New York Times", "ft.com": "Financial Times",
    "washingtonpost.com": "The Washington Post", "theguardian.com": "The Guardian", "bbc.co.uk": "BBC",
    "bbc.com": "BBC", "cnn.com": "CNN", "cnbc.com": "CNBC", "foxnews.com": "Fox News",
    "foxbusiness.com": "Fox Business", "marketwatch.com": "MarketWatch", "barrons.com": "Barron's",
    "forbes.com": "Forbes", "fortune.com": "Fortune", "businessinsider.com": "Business Insider",
    "economist.com": "The Economist", "nbcnews.com": "NBC News", "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News", "npr.org": "NPR", "usatoday.com": "USA Today", "latimes.com": "Los Angeles Times",
    "politico.com": "Politico", "axios.com": "Axios", "theverge.com": "The Verge", "techcrunch.com": "TechCrunch",
    "wired.com": "WIRED", "arstechnica.com": "Ars Technica", "engadget.com": "Engadget", "zdnet.com": "ZDNET",
    "cnet.com": "CNET", "time.com": "TIME", "newsweek.com": "Newsweek", "theatlantic.com": "The Atlantic",
    "newyorker.com": "The New Yorker", "aljazeera.com": "Al Jazeera", "dw.com": "DW", "france24.com": "France 24",
    "independent.co.uk": "The Independent", "telegraph.co.uk": "The Telegraph", "thetimes.co.uk": "The Times",
    "dailymail.co.uk": "Daily Mail", "express.co.uk": "Express", "mirror.co.uk": "Mirror", "scmp.com": "South China Morning Post",
    "nikkei.com": "Nikkei", "asia.nikkei.com": "Nikkei Asia", "yahoo.com": "Yahoo", "seekingalpha.com": "Seeking Alpha",
    "fool.com": "The Motley Fool", "investopedia.com": "Investopedia", "investors.com": "Investor's Business Daily",
    "thestreet.com": "TheStreet", "benzinga.com": "Benzinga", "zacks.com": "Zacks", "kiplinger.com": "Kiplinger",
    "morningstar.com": "Morningstar", "nasdaq.com": "Nasdaq", "spacenews.com": "SpaceNews", "space.com": "Space.com",
    "sfgate.com": "SFGATE", "chron.com": "Houston Chronicle", "chicagotribune.com": "Chicago Tribune",
    "bostonglobe.com": "The Boston Globe", "nypost.com": "New York Post", "nydailynews.com": "New York Daily News",
    "cleveland.com": "cleveland.com", "politifact.com": "PolitiFact", "voanews.com": "Voice of America",
    "rt.com": "RT", "sputniknews.com": "Sputnik", "theglobeandmail.com": "The Globe and Mail", "cbc.ca": "CBC",
    "abc.net.au": "ABC News (Australia)", "smh.com.au": "The Sydney Morning Herald", "lemonde.fr": "Le Monde",
    "spiegel.de": "DER SPIEGEL", "heise.de": "heise online", "elpais.com": "EL PAÍS", "globo.com": "Globo",
    "quantamagazine.org": "Quanta Magazine", "phys.org": "Phys.org", "ign.com": "IGN", "9to5mac.com": "9to5Mac",
    "appleinsider.com": "AppleInsider", "macrumors.com": "MacRumors", "sbnation.com": "SB Nation",
}
BY = re.compile(r"^\s*(?:(?:(?:written|posted|reported|words|text|story|photos?|analysis|opinion|commentary)\s+)?"
                r"(?:by|von|por|par|di|door|av|af)|текст|автор|фото)\s*:?\s+", re.I)
BY_INSIDE = re.compile(r"^.*?\s(?:by|By|BY)\s+(?=\S)")  # "Analysis by Chris Cillizza": what follows "by"
# Conjunctions are lower-case: the "E" of "Sarah E Needleman" is an initial, not Portuguese "and".
SEPARATORS = re.compile(r"\s*(?:[,;|/&·•]|\b(?:and|und|et|y|e|en|og|och)\b)\s*")
DATE_WORDS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b|"
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?|\b(?:today|yesterday|updated|published|posted|am|pm|"
    r"a\.m\.|p\.m\.|et|est|edt|gmt|utc|ago|hours?|minutes?|mins?|read|min)\b|\d+", re.I)
# Words that are never part of a name, so a part holding one is a date line ("Jan Koum" is a name;
# "Jan 5" and "Jeff Foust Monday" are not).
DATE_CONTEXT = re.compile(
    r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|september|october|"
    r"november|december|updated|published|ago)\b", re.I)
NOT_A_PERSON = re.compile(
    r"\b(?:staff|news|press|agency|reuters|bloomberg|editors?|editorial|desk|team|service|wire|reporters?|"
    r"correspondents?|contributors?|media|network|online|magazine|times|post|journal|daily|tribune|herald|"
    r"group|inc|ltd|llc|corp|company|associated|bureau|channel|tv|radio|bbc|cnn|afp|ap|upi|dpa|admin|"
    r"administrator|guest|anonymous|webmaster|newsroom|writers?|bloggers?|sponsored|partner|content|feeds?|rss|"
    r"redaktion|redacción|rédaction|redazione|ag|gmbh|sa|sas|sarl|spa|srl|plc|nv|bv|ab|as|oy|kk|pty|pte|co|"
    r"sports?|international)\b", re.I)
NOT_A_NAME_START = {"the", "a", "an", "our", "your", "le", "la", "el", "der", "die", "das"}
PARTICLES = {"de", "da", "do", "dos", "das", "di", "del", "della", "van", "von", "der", "den", "ter", "du", "la",
             "le", "bin", "bint", "al", "el", "ibn", "y", "e", "st", "mc", "mac", "o"}
NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:['’.\-][^\W\d_]*)*\.?$")
MAX_NAME_WORDS = 5


def _unspaced(text: str) -> bool:
    return bool(UNSPACED.search(text))


def first_segment(name: str) -> str:
    """Return a site name without the slogan after its separator ("LinkNaija | Nigeria's popular news platform")."""
    return SEGMENT.split(" ".join(name.split()), 1)[0].strip()


def is_outlet_name(name: str, title: str = "") -> bool:
    """Tell whether a stated outlet reads as a publication's name."""
    name = " ".join(name.split())
    if not name or name.startswith("@") or NOT_A_NAME.match(name) or COPYRIGHT.search(name) or URL_LIKE.search(name):
        return False
    if _unspaced(name):
        if len(name) > MAX_UNSPACED_OUTLET_CHARS:
            return False
    elif len(name) > MAX_OUTLET_CHARS or len(name.split()) > MAX_OUTLET_WORDS:
        return False
    if SENTENCE.search(name):
        return False
    return not (title and fold_title(name) == fold_title(title))


def outlet_for_domain(url: str) -> str:
    """Return the publication a URL belongs to: its name when well known, else its registered domain."""
    domain = domain_of(url)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if domain else ""
    return KNOWN_OUTLETS.get(host) or KNOWN_OUTLETS.get(domain) or domain


def outlet_name(stated: list[str], url: str = "", title: str = "", guessed: str = "") -> tuple[str, str]:
    """Return (the outlet to store, a note when a stated name was refused): the first stated name
    that reads as a publication's, else the page's domain (its publication's name when well known),
    else `guessed` (an extractor's guess, such as a social handle) when it reads as a name."""
    refused = [" ".join(s.split()) for s in stated if s and s.strip()]
    for name in refused:
        if is_outlet_name(first_segment(name), title):
            return first_segment(name), ""
    guessed = " ".join((guessed or "").split())
    if guessed and is_outlet_name(guessed, title) and not HANDLE.match(guessed):
        return guessed, ""
    if guessed:
        refused.append(guessed)
    fallback = outlet_for_domain(url) if url else ""
    if not refused:
        return fallback, ""
    shown = refused[0] if len(refused[0]) <= 60 else refused[0][:59] + "…"
    return fallback, f"outlet \u201c{shown}\u201d is not a publication's name; " + (
        f"used {fallback}" if fallback else "left empty")


INITIAL = re.compile(r"^[^\W\d_]{1,2}\.$")
INITIALS = re.compile(r"^(?:[^\W\d_]{1,2}\.\s*)+$")


def _surname_first(parts: list[str]) -> list[str]:
    """Join the halves of "Hines, P. J." (a surname, then initials after the comma) into "P. J. Hines"."""
    out = []
    for part in parts:
        part = part.strip()
        if out and INITIALS.match(part) and len(out[-1].split()) == 1:
            out[-1] = f"{part} {out[-1]}"
        else:
            out.append(part)
    return out


def person_names(byline: str, outlet: str = "") -> str:
    """Return a byline with its people only: "By Jeff Foust Monday; November" gives "Jeff Foust",
    "Phil Helsel is a reporter" gives "Phil Helsel", "Reuters Staff" gives ""; names are joined as
    "A, B and C". A name is the run of capitalised name words a part opens with: it ends at a
    lower-case word (a role), at the outlet's name, or at an organisation's word, and a run that an
    organisation's word ends with nothing after it ("Telegraph Sport") is not a person."""
    text = BY.sub("", " ".join((byline or "").split()))
    text = re.sub(r"\S+@\S+|https?://\S+|@\w+", " ", text)
    outlet_word = (outlet.split() or [""])[0].lower() if outlet else ""
    people = []
    for part in _surname_first(SEPARATORS.split(text)):
        if DATE_CONTEXT.search(part):
            part = DATE_WORDS.sub(" ", part)
        part = BY_INSIDE.sub("", BY.sub("", " ".join(part.split()).strip(" -–—:()[]")))
        if part.endswith(".") and not INITIAL.match(part.split()[-1]):
            part = part[:-1]
        if not part or (outlet and fold_title(part) == fold_title(outlet)):
            continue
        if _unspaced(part):
            if len(part) <= MAX_UNSPACED_OUTLET_CHARS and len(part.split()) <= 2 and not NOT_A_PERSON.search(part):
                people.append(part)
            continue
        name = _name_run(part.split(), outlet_word)
        if name and name not in people:
            people.append(name)
    if not people:
        return ""
    joined = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
    return joined[:300]


def _name_run(words: list[str], outlet_word: str) -> str:
    """Return the person's name a byline part opens with, or ''."""
    run, stop = [], "end"
    for word in words:
        bare = word.strip(",;:()")
        if outlet_word and bare.lower() == outlet_word:
            stop = "outlet"
            break
        if NOT_A_PERSON.fullmatch(bare):
            stop = "organisation"
            break
        if NAME_WORD.match(bare) and (bare[0].isupper() or bare.lower() in PARTICLES):
            run.append(bare)
            continue
        stop = "word"
        break
    rest = words[len(run) + 1:]
    if stop == "organisation" and not any(w[:1].islower() for w in rest):
        return ""  # "Telegraph Sport", "Google Testing Bloggers": an organisation's name
    while run and run[-1].lower() in PARTICLES:
        run.pop()
    if not 2 <= len(run) <= MAX_NAME_WORDS or run[0].lower() in NOT_A_NAME_START:
        return ""
    name = " ".join(run)
    return name.title() if name.isupper() and len(name) > 3 else name  # "JANIE HAR" is Janie Har
