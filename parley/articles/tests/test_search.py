"""Search through one function on SQLite FTS5 and PostgreSQL full text alike."""
import re

import pytest

from parley.articles.search import fts5_query, matching_ids, search_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_article):
    return {
        "copper": make_article(title="Copper slips", body="Copper fell as warehouse stocks rose."),
        "oil": make_article(title="Oil rallies", body="Crude oil rose on supply worries in the Gulf."),
        "both": make_article(title="Commodities mixed", body="Copper steadied while crude oil slipped."),
    }


def titles(query):
    return {hit.article.title for hit in search_articles(query)}


def test_all_words_must_match(corpus):
    """Ensure plain words are ANDed."""
    assert titles("copper oil") == {"Commodities mixed"}


def test_quoted_phrase(corpus):
    """Ensure a quoted phrase matches only those words in that order."""
    assert titles('"warehouse stocks"') == {"Copper slips"}
    assert titles('"stocks warehouse"') == set()


def test_excluded_word(corpus):
    """Ensure -word removes articles that contain it."""
    assert titles("copper -oil") == {"Copper slips"}


def test_or_between_words(corpus):
    """Ensure OR matches either alternative."""
    assert titles("warehouse OR gulf") == {"Copper slips", "Oil rallies"}


def test_stemming(corpus):
    """Ensure word forms match each other (rallies / rally)."""
    assert "Oil rallies" in titles("rally")


def test_title_match_ranks_first(make_article):
    """Ensure a match in the headline outranks one in the body."""
    make_article(title="Markets wrap", body="Later in the day nickel traded flat.")
    make_article(title="Nickel surges", body="The metal rose.")
    assert search_articles("nickel")[0].article.title == "Nickel surges"


LATER = "\n\n".join(["The quarter was quiet for most of the group's businesses."] * 3)


def test_words_further_down_are_found_after_title_and_lead_matches(make_article):
    """Ensure an article with the word only far down its body is found, after those with it in the
    title or lead even when it is newer (PostgreSQL reads the title and lead first)."""
    make_article(title="Zinc smelter restarts", body="Output resumed on Monday.")
    make_article(title="Mining roundup", body="Gold was steady.\n\n" + LATER + "\n\nZinc prices held.")
    assert [hit.article.title for hit in search_articles("zinc")] == ["Zinc smelter restarts", "Mining roundup"]


def test_an_excluded_word_far_down_the_body_excludes(make_article):
    """Ensure -word removes an article that has it anywhere, not only in its title or lead."""
    make_article(title="Tin supply tightens", body="Smelters cut output.\n\n" + LATER + "\n\nBauxite was flat.")
    make_article(title="Tin output steady", body="Smelters kept output.")
    assert titles("tin -bauxite") == {"Tin output steady"}
    assert titles('tin -"bauxite was"') == {"Tin output steady"}


def test_a_changed_title_is_searched(make_article):
    """Ensure a corrected title is what search finds (SQLite's FTS5 triggers, PostgreSQL's search_head trigger)."""
    from parley.articles.models import Article

    article = make_article(title="Cobalt falls", body="Prices fell.")
    Article.objects.filter(pk=article.pk).update(title="Lithium falls")
    assert titles("lithium") == {"Lithium falls"} and titles("cobalt") == set()


def test_matches_counts_within_the_window(make_article, monkeypatch):
    """Ensure matches() counts every match up to the window, and says when there are more."""
    from parley.articles import search

    for n in range(3):
        make_article(title=f"Palladium note {n}", body="Palladium rose.")
    found = search.matches("palladium", limit=2)
    assert len(found.ids) == 2 and (found.count, found.more) == (3, False)
    monkeypatch.setattr(search, "SEARCH_WINDOW", 2)
    assert (search.matches("palladium").count, search.matches("palladium").more) == (2, True)


def test_web_parts_split_what_to_find_from_what_to_exclude():
    """Ensure the PostgreSQL query's words to find and to exclude keep phrases and OR."""
    from parley.articles.search import web_parts

    assert web_parts('copper -oil OR gas -"crude oil"') == ("copper OR gas", 'oil OR "crude oil"')
    assert web_parts("OR -only OR") == ("", "only")
    assert web_parts("AT&T results") == ('"AT T" results', "")


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "-", "title:x)", "NEAR(a b", "*", "'; DROP TABLE x; --", "ü" * 500])
def test_hostile_queries_do_not_fail(corpus, query):
    """Ensure operator soup, injection attempts and overlong input return results or nothing, never an error."""
    assert isinstance(search_articles(query), list)


def test_matching_ids_without_snippets(corpus):
    """Ensure matching_ids returns the ids of the matches."""
    assert set(matching_ids("copper")) == {corpus["copper"].pk, corpus["both"].pk}


def test_snippets_mark_matches_and_escape_the_rest():
    """Ensure a snippet is cut around the first match, marks every form of the query's words, leaves
    excluded words and OR unmarked, and escapes everything else."""
    from parley.articles.search import query_words, text_snippet

    words = query_words('dividend "AT T" -bank OR x')
    assert words == ["dividend", "AT", "T", "x"]
    body = "Intro words. " * 30 + "The <script>x</script> bank raised its Dividends & buybacks at AT&T."
    snippet = text_snippet(body, query_words("dividend -bank"))
    assert snippet.startswith("…") and "<mark>Dividends</mark>" in snippet and "<mark>bank" not in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet and "&amp;" in snippet
    assert text_snippet("No match here at all.", ["copper"]) == "No match here at all."
    assert text_snippet("Q&A with amp makers", ["amp"]) == "Q&amp;A with <mark>amp</mark> makers"


def test_fts5_query_quotes_every_word():
    """Ensure reader-typed FTS5 operators are quoted into plain words."""
    assert fts5_query("NEAR(a b) col:x") == '("NEAR a") AND ("b") AND ("col x")'
    assert fts5_query("-only") == ""


def test_ranking_window_keeps_newest_matches(make_article, monkeypatch):
    """Ensure a common word is ranked among the newest stored matches only, so old ones drop out."""
    from parley.articles import search
    monkeypatch.setattr(search, "SEARCH_WINDOW", 2)
    old = make_article(title="Copper copper copper", body="Copper copper.")
    newer = [make_article(title=f"Copper note {n}", body="Copper.") for n in range(2)]
    found = {hit.article.pk for hit in search_articles("copper")}
    assert found == {a.pk for a in newer} and old.pk not in found


def test_index_survives_table_rebuilds(make_article):
    """Ensure the post-migrate check puts back FTS triggers a SQLite table copy dropped, and resyncs."""
    from django.db import connection

    from parley.articles.search_index import ensure_search_index
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite rebuilds tables (and drops their triggers) on schema changes")
    with connection.cursor() as cur:
        for name in ("article_fts_insert", "article_fts_update", "article_fts_delete"):
            cur.execute(f"DROP TRIGGER {name}")
    make_article(title="Orphaned nickel")
    assert search_articles("nickel") == []
    ensure_search_index(sender=None)
    assert [h.article.title for h in search_articles("nickel")] == ["Orphaned nickel"]


@pytest.fixture
def finance(make_article):
    """Articles about Boeing with and without its ticker (one not yet enriched, so it has no ticker
    fact, though it is the newest), a look-alike "BA", and a quoted person."""
    from datetime import timedelta

    from django.utils import timezone

    from parley.enrichment.services import enrich_article

    now = timezone.now()
    made = {
        "ticker": make_article(title="Boeing lifts deliveries", outlet="Air Desk", published_at=now - timedelta(days=2),
                               body="Boeing (NYSE: BA) delivered more jets as earnings beat forecasts."),
        "named": make_article(title="Airlines wait for jets", outlet="Travel Wire", published_at=now - timedelta(days=1),
                              body="Airlines said Boeing was still late with its deliveries this winter."),
        "lookalike": make_article(title="Degrees pay", outlet="Travel Wire", published_at=now - timedelta(days=3),
                                  body="A BA degree still pays, the survey of graduates found."),
        "quoted": make_article(title="Senator on jobs", outlet="Air Desk", published_at=now - timedelta(days=5),
                               body="\"This is good for jobs,\" Senator Jane Porter said of the factory plan."),
    }
    for name, article in made.items():
        if name != "named":
            enrich_article(article)
    return made


@pytest.mark.parametrize("query", ["$BA", "BA", "Boeing", "boeing", "$ba"])
def test_a_ticker_or_company_name_finds_the_company_first(client, finance, query):
    """Ensure $BA, BA and "Boeing" all put the article tagged $BA first, then the newer one that only
    names Boeing in its text, and never the look-alike "BA degree"."""
    html = client.get("/search", {"q": query}).content.decode()
    found = re.findall(r'class="headline" href="[^"]+">([^<]+)<', html)
    assert found == ["Boeing lifts deliveries", "Airlines wait for jets"]
    assert 'href="/t/BA/"' in html and "(NYSE: BA)</mark>" in html


def test_a_person_finds_what_they_said_and_filters_narrow(client, finance):
    """Ensure a person's name shows their quotes; outlet, ticker and date filters narrow results and a
    bad date is a message, not an error."""
    html = client.get("/search", {"q": "jane porter"}).content.decode()
    assert 'href="/p/jane-porter/"' in html and "This is good for jobs" in html

    def headlines(params):
        return re.findall(r'class="headline" href="[^"]+">([^<]+)<', client.get("/search", params).content.decode())

    assert headlines({"q": "Boeing", "outlet": "travel-wire"}) == ["Airlines wait for jets"]
    assert headlines({"ticker": "$BA"}) == ["Boeing lifts deliveries"]
    day = finance["named"].published_at.date().isoformat()
    assert headlines({"outlet": "travel-wire", "since": day, "until": day}) == ["Airlines wait for jets"]
    bad = client.get("/search", {"q": "Boeing", "since": "yesterday"})
    assert bad.status_code == 200 and "is not a date" in bad.content.decode()


def test_the_api_knows_tickers_and_filters(client, finance):
    """Ensure the API's q understands $BA, and ticker and topic filters keep only matching articles."""
    def titles_of(params):
        return {a["title"] for a in client.get("/api/v1/articles", params).json()["items"]}

    assert titles_of({"q": "$BA"}) == {"Boeing lifts deliveries", "Airlines wait for jets"}
    assert titles_of({"ticker": "BA"}) == {"Boeing lifts deliveries"}
    assert titles_of({"ticker": "BA", "outlet": "travel-wire"}) == set()
    from parley.enrichment.models import Fact
    topic = Fact.objects.filter(kind="topic", article=finance["ticker"]).first()
    if topic is not None:
        assert "Boeing lifts deliveries" in titles_of({"topic": topic.key})
