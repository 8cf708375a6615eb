"""Money figures and percentages: "$4.4 billion in 2023", "€300m", "between $1 and $2 billion", "3.1%"."""
import re

from parley.enrichment.extractors import Found

CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "C$": "CAD", "A$": "AUD", "HK$": "HKD"}
CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "CNY", "CAD", "AUD", "CHF", "HKD", "INR", "RUB", "KRW"}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12, "t": 1e12}
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE = r"(?:thousand|million|billion|trillion|mn|bn|tn|[kmbt])\b"
SYMBOL = r"(?:US\$|C\$|A\$|HK\$|\$|€|£|¥)"
CODE = r"(?:" + "|".join(sorted(CURRENCY_CODES)) + r")"
MONEY = re.compile(
    rf"(?P<cur>{SYMBOL})\s?(?P<low>{NUMBER})(?:\s?(?P<lowscale>{SCALE}))?"
    rf"(?:\s?(?:-|–|to|and)\s?(?:{SYMBOL})?\s?(?P<high>{NUMBER}))?\s?(?P<scale>{SCALE})?"
    rf"|(?P<code>{CODE})\s?(?P<clow>{NUMBER})\s?(?P<cscale>{SCALE})?"
    rf"|(?P<plow>{NUMBER})\s?(?P<pscale>{SCALE})?\s(?P<pcode>{CODE}|dollars|euros|pounds)\b",
    re.I,
)
PERIOD = re.compile(r"\s*(?:in|for|during|by)\s+(?:(?:fiscal|the\s+(?:first|second|third|fourth)\s+quarter\s+of)\s+)?"
                    r"(?:FY\s?)?(?P<year>(?:19|20)\d{2})\b", re.I)
PERCENT = re.compile(rf"(?P<n>{NUMBER})\s?(?:%|per\s?cent\b|percent\b)", re.I)
WORD_CURRENCY = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _scale(word: str | None) -> float:
    return SCALES.get((word or "").lower(), 1.0)


def _a_change(text: str, m: re.Match) -> bool:
    """Return whether "X to Y" reads as a change (after "from", or falling) rather than a range."""
    low = _number(m["low"]) * _scale(m["lowscale"] or m["scale"])
    high = _number(m["high"]) * _scale(m["scale"])
    return bool(re.search(r"\bfrom\s+$", text[max(0, m.start() - 6):m.start()])) or high < low


def extract_money(text: str) -> list[Found]:
    """Return the money figures (amount, currency, scale, range, year) and percentages in a text."""
    found = []
    position = 0
    while (m := MONEY.search(text, position)) is not None:
        position = m.end()
        if m["cur"] and m["high"] and _a_change(text, m):
            # "from $47 billion to $8 billion" is two figures, not a range: keep the first, read on after it.
            m = MONEY.match(text[:m.end("lowscale") if m["lowscale"] else m.end("low")], m.start())
            position = m.end()
        if m["cur"]:
            currency, low, scale = CURRENCY_SYMBOLS.get(m["cur"].upper(), "USD"), m["low"], m["scale"] or m["lowscale"]
            high = m["high"]
        elif m["code"]:
            currency, low, scale, high = m["code"].upper(), m["clow"], m["cscale"], None
        else:
            currency = WORD_CURRENCY.get(m["pcode"].lower(), m["pcode"].upper())
            low, scale, high = m["plow"], m["pscale"], None
        factor = _scale(scale)
        value = {"amount": _number(low) * factor, "currency": currency, "scale": factor}
        if high and m.groupdict().get("high"):
            value["amount_high"] = _number(high) * factor
        end = m.end()
        period = PERIOD.match(text, end)
        if period:
            value["year"] = int(period["year"])
        found.append(Found("money", currency, m.group().strip(), m.start(), m.start() + len(m.group().rstrip()), value))
    for m in PERCENT.finditer(text):
        found.append(Found("percent", "%", m.group(), m.start(), m.end(), {"percent": _number(m["n"])}))
    return found
