"""Tickers stated explicitly: "$BA", "(NYSE: BA)", "NASDAQ:AAPL". A bare ticker-like word is never enough."""
import re

from parley.enrichment.extractors import Found

EXCHANGES = r"NYSE|NASDAQ|Nasdaq|NYSE American|NYSEAMERICAN|AMEX|OTC|TSX|LSE|HKEX|ticker|symbol|Ticker|Symbol"
EXPLICIT = re.compile(rf"\(\s*(?P<ex>{EXCHANGES})\s*:\s*(?P<sym>[A-Z]{{1,5}}(?:\.[A-Z])?)\s*\)"
                      rf"|\b(?P<ex2>{EXCHANGES})\s*:\s*(?P<sym2>[A-Z]{{1,5}}(?:\.[A-Z])?)\b"
                      rf"|(?<![\w$])\$(?P<cash>[A-Z]{{1,5}}(?:\.[A-Z])?)\b")


def extract_explicit_tickers(text: str) -> list[Found]:
    """Return tickers written in an explicit form, with high confidence and the form's span."""
    found = []
    for m in EXPLICIT.finditer(text):
        symbol = m["sym"] or m["sym2"] or m["cash"]
        exchange = (m["ex"] or m["ex2"] or "").upper()
        exchange = "" if exchange in ("TICKER", "SYMBOL") else exchange
        found.append(Found("ticker", symbol, m.group(), m.start(), m.end(),
                           {"exchange": exchange, "evidence": "explicit"}, confidence=0.95 if exchange else 0.9))
    return found
