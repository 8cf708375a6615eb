"""GET /api/v1/tickers/{symbol} and /prices: the company with its stored close and changes, and its
daily bars; symbols as brokers write them; clear 400s and 404s."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.discussion.services import post_comment
from parley.enrichment.services import enrich_article
from parley.markets.models import DailyBar
from parley.markets.moves import EXCHANGE_ZONE, today_on_exchange

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
    response = client.get("/api/v1/tickers/ZZZZ")
    assert response.status_code == 404
    assert response.json()["detail"] == ("Parley knows no company, ETF, fund or index with the symbol ZZZZ, "
                                         "and stores no prices for it")
    response = client.get("/api/v1/tickers/" + "x" * 300)
    assert response.status_code == 400 and "is not a ticker symbol" in response.json()["detail"]
    assert client.get("/api/v1/tickers/BA/prices?since=yesterday").status_code == 400
    assert client.get("/api/v1/tickers/BA/prices?since=1066-10-14").status_code == 400
    assert client.get("/api/v1/tickers/BA/prices").json() == []


def test_coverage_figures_count_the_day_against_its_own_usual(client, make_article):
    """Ensure the ticker answer carries its coverage on the New York day: that day's articles about it
    and the comments on them, the articles of the 30 days before, their daily mean and the ratio."""
    today = today_on_exchange(timezone.now())
    body = client.get("/api/v1/tickers/BA").json()["coverage"]
    assert body == {"day": today.isoformat(), "articles": 0, "comments": 0, "articles_before": 0, "baseline_days": 30,
                    "usual_per_day": 0.0, "ratio": None, "attention": "no coverage in 30 days"}
    boeing = "Boeing (NYSE: BA) delivered more jets this month."
    for days_ago in (3, 10, 20):
        enrich_article(make_article(body=boeing, published_at=datetime.combine(today - timedelta(days=days_ago),
                                                                               time(11), EXCHANGE_ZONE)))
    now = timezone.now()
    midnight = datetime.combine(today, time(0), EXCHANGE_ZONE)  # just after it, minutes ago are yesterday's
    todays = [make_article(body=boeing, published_at=max(now - timedelta(minutes=m), midnight)) for m in (1, 2)]
    for article in todays:
        enrich_article(article)
    if now.astimezone(EXCHANGE_ZONE).date() != today:  # the day turned between the reads: measure tomorrow
        pytest.skip("the New York day changed while the test ran")
    reader = User.objects.create_user("ana", password="x" * 12)
    post_comment(reader, todays[0], "Deliveries are what matter here.", enforce_limits=False)
    body = client.get("/api/v1/tickers/BA").json()["coverage"]
    assert (body["articles"], body["comments"], body["articles_before"]) == (2, 1, 3)
    assert body["usual_per_day"] == 0.1 and body["ratio"] == 20.0
    assert body["attention"] == "coverage 20.0x its 30-day usual"


def test_indices_and_funds_are_answered_with_their_names(client):
    """Ensure ^GSPC (a built-in index) is a ticker the API knows before any price is stored, named with
    its kind, and its level has no company behind it."""
    body = client.get("/api/v1/tickers/%5EGSPC").json()
    assert (body["symbol"], body["name"], body["kind"], body["last_close"]) == ("^GSPC", "S&P 500", "index", None)
    assert client.get("/api/v1/tickers/BA").json()["kind"] == "stock"
