"""GET /api/v1/tickers/{symbol} and /prices: the company with its stored close and changes, and its
daily bars; symbols as brokers write them; clear 400s and 404s."""
from datetime import date
from decimal import Decimal

import pytest

from parley.markets.models import DailyBar

pytestmark = pytest.mark.django_db


def store(symbol, days_and_closes):
    DailyBar.objects.bulk_create([DailyBar(symbol=symbol, day=d, close=Decimal(c), adj_close=Decimal(c),
                                           source="yahoo csv") for d, c in days_and_closes])


def test_a_ticker_with_and_without_prices(client):
    body = client.get("/api/v1/tickers/BA").json()
    assert body["name"] == "Boeing" and body["last_close"] is None and body["changes"] == []
    store("BA", [(date(2025, 11, 24), "200"), (date(2025, 11, 25), "210")])
    body = client.get("/api/v1/tickers/ba").json()
    assert body["symbol"] == "BA" and Decimal(body["last_close"]) == 210 and body["last_day"] == "2025-11-25"
    assert body["source"] == "yahoo csv" and body["changes"][0]["label"] == "1 day"
    assert round(body["changes"][0]["percent"], 1) == 5.0


def test_prices_since_a_day_and_broker_spellings(client):
    store("BRK.B", [(date(2025, 11, d), str(400 + d)) for d in (20, 21, 24, 25)])
    rows = client.get("/api/v1/tickers/BRK-B/prices?since=2025-11-21").json()
    assert [r["day"] for r in rows] == ["2025-11-21", "2025-11-24", "2025-11-25"]
    assert len(client.get("/api/v1/tickers/brk.b/prices").json()) == 4


def test_bad_symbols_and_days_are_answered_in_words(client):
    assert client.get("/api/v1/tickers/ZZZZ").status_code == 404
    response = client.get("/api/v1/tickers/" + "x" * 300)
    assert response.status_code == 400 and "is not a ticker symbol" in response.json()["detail"]
    assert client.get("/api/v1/tickers/BA/prices?since=yesterday").status_code == 400
    assert client.get("/api/v1/tickers/BA/prices?since=1066-10-14").status_code == 400
    assert client.get("/api/v1/tickers/BA/prices").json() == []
