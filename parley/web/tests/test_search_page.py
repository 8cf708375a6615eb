"""The search page explains itself: unknown filter values, how many match, and bad input in words."""
import re

import pytest

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/search", params)
    assert response.status_code == 200
    return response.content.decode()


def headlines(html):
    return re.findall(r'class="headline" href="[^"]+">([^<]+)<', html)


def alerts(html):
    return [" ".join(re.sub(r"<[^>]+>", "", m).split()) for m in re.findall(r'role="alert">(.*?)</p>', html, re.S)]


@pytest.fixture
def boeing(make_article):
    """Two articles about Boeing from two outlets, one tagged $BA by enrichment."""
    from parley.enrichment.services import enrich_article

    tagged = make_article(title="Boeing lifts deliveries", outlet="Air Desk",
                          body="Boeing (NYSE: BA) delivered more jets as earnings beat forecasts.")
    enrich_article(tagged)
    other = make_article(title="Airlines wait for Boeing jets", outlet="Travel Wire",
                         body="Airlines said the planes were still late this winter.")
    return {"tagged": tagged, "other": other}


def test_an_unknown_topic_is_named_and_the_nearest_offered(client, boeing):
    """Ensure topic=aviation (the topic is "aviation and defence") says the topic is unknown, offers
    the topic as a link that re-runs the search, and still answers the words instead of "Nothing matches"."""
    html = page(client, q="boeing", topic="aviation")
    assert alerts(html) == ["“aviation” is not a topic Parley tags, so that filter was left out. "
                            "Did you mean aviation and defence?"]
    assert 'href="?q=boeing&amp;topic=aviation-and-defence"' in html
    assert "Nothing matches" not in html and set(headlines(html)) == {"Boeing lifts deliveries", "Airlines wait for Boeing jets"}


def test_a_known_topic_is_picked_from_a_list(client, boeing):
    """Ensure the topic filter is a list of the topics enrichment tags, the chosen one selected."""
    html = page(client, q="boeing", topic="aviation-and-defence")
    assert '<select id="s-topic" name="topic">' in html
    assert '<option value="aviation-and-defence" selected>aviation and defence</option>' in html
    assert not alerts(html)


def test_an_unknown_ticker_is_named_and_a_company_name_leads_to_its_symbol(client, boeing):
    """Ensure ticker=ZZZZ and ticker=Boeing say the ticker is unknown; Boeing offers $BA, whose link finds its article."""
    assert alerts(page(client, ticker="ZZZZ"))[0].startswith("“ZZZZ” is not a ticker Parley knows, so that filter was left out.")
    html = page(client, q="jets", ticker="boeing")
    assert alerts(html) == ["“BOEING” is not a ticker Parley knows, so that filter was left out. Did you mean $BA?"]
    link = re.search(r'Did you mean <a href="([^"]+)">\$BA</a>', html).group(1).replace("&amp;", "&")
    assert link == "?q=jets&ticker=BA"
    assert headlines(page(client, q="jets", ticker="BA")) == ["Boeing lifts deliveries"]


def test_an_unknown_outlet_is_named_and_the_nearest_offered(client, boeing):
    """Ensure an outlet no outlet is called says so and offers the outlets whose names hold the words;
    an outlet is found by its name in any case as well as by its slug."""
    html = page(client, q="boeing", outlet="travel")
    assert alerts(html) == ["No outlet is called “travel”, so that filter was left out. Did you mean Travel Wire?"]
    assert 'href="?q=boeing&amp;outlet=Travel+Wire"' in html
    for outlet in ("Travel Wire", "travel wire", "travel-wire"):
        found = page(client, q="boeing", outlet=outlet)
        assert headlines(found) == ["Airlines wait for Boeing jets"] and not alerts(found)
        assert 'value="Travel Wire"' in found  # the field shows the outlet's name


def test_filter_lists_stay_small_with_many_outlets(client, make_article):
    """Ensure the outlet filter is a text field with a list of the busiest outlets (at most 30), not a
    list of every outlet, and the ticker field offers a list too."""
    from parley.web.finder import LISTED

    for n in range(LISTED + 10):
        make_article(title=f"Copper note {n}", outlet=f"Outlet number {n} with a rather long name")
    html = page(client, q="copper", outlet="Outlet number 3 with a rather long name")
    outlets = re.search(r'<datalist id="s-outlets">(.*?)</datalist>', html, re.S).group(1)
    assert outlets.count("<option") == LISTED
    assert '<select id="s-outlet"' not in html and 'list="s-tickers"' in html
    assert headlines(html) == ["Copper note 3"]


def test_the_page_says_how_many_match(client, make_article, monkeypatch):
    """Ensure the count of matches is shown, and past the ranked window it says "more than"."""
    from parley.articles import search

    for n in range(3):
        make_article(title=f"Nickel report {n}", body="Nickel traded flat.")
    assert "3 articles match." in page(client, q="nickel")
    assert "1 article matches." in page(client, q='"nickel report 1"')
    monkeypatch.setattr(search, "SEARCH_WINDOW", 2)
    assert "More than 2 articles match; add words or a filter to narrow them." in page(client, q="Nickel")


def test_the_count_and_pages_agree_with_filters(client, boeing):
    """Ensure a filtered search counts what passes the filters."""
    assert "1 article matches." in page(client, q="boeing", outlet="air-desk")
    assert "Nothing matches “boeing” with these filters." in page(client, q="boeing", since="2099-01-01")


@pytest.mark.parametrize("name", ["q", "outlet", "ticker", "topic", "since", "until"])
def test_a_value_of_ten_thousand_characters_is_cut_and_said(client, boeing, name):
    """Ensure a query or filter value of 10,000 characters is answered (200), cut, said so in words,
    and never echoed back whole."""
    html = page(client, **{name: "boeing" + "x" * 9994})
    assert "10,000 characters long; only its first" in html
    assert "x" * 400 not in html


@pytest.mark.parametrize("value", ["boe\x01ing", "boeing\x1b[2J", "\u202eboeing", "boe\x7fing\x9b"])
def test_control_characters_are_taken_out_and_said(client, boeing, value):
    """Ensure control characters and direction overrides in the query or a filter are removed, said
    so, and never reach the page."""
    for name in ("q", "topic"):
        html = page(client, **{name: value})
        assert f"Control characters were taken out of the {'search' if name == 'q' else 'topic filter'}." in html
        assert not re.search("[\x01\x1b\x7f\x9b\u202e]", html)


@pytest.mark.parametrize("value, said", [
    ("abc", "“abc” is not a page number, so this is the first page."),
    ("-1", "“-1” is not a page number, so this is the first page."),
    ("0", "Pages start at 1, so this is the first page."),
    ("1e3", "“1e3” is not a page number, so this is the first page."),
    ("99999999999999999999999999", "Search shows 50 pages at most, so this is page 50."),
    ("9" * 5000, "Search shows 50 pages at most, so this is page 50."),
    ("\U0001F600", "“\U0001F600” is not a page number, so this is the first page."),
    ("２", "“２” is not a page number, so this is the first page."),
])
def test_a_forged_page_is_answered_in_words(client, boeing, value, said):
    """Ensure a page value that is not a page number, or past the last, is a message and a page, never a 500."""
    html = page(client, q="boeing", page=value)
    assert said in html


def test_a_known_filter_value_raises_no_message(client, boeing):
    """Ensure known values (ticker with $, topic by name, outlet by slug) filter without any message."""
    html = page(client, ticker="$ba")
    assert headlines(html) == ["Boeing lifts deliveries"] and not alerts(html)
    assert not alerts(page(client, q="boeing", topic="Aviation and defence"))


def test_a_topic_from_an_older_taxonomy_is_kept(client, boeing):
    """Ensure a topic articles carry that the taxonomy no longer has filters, without a message, and
    stays chosen in the list."""
    from parley.enrichment.models import Fact

    Fact.objects.create(article=boeing["other"], kind=Fact.TOPIC, key="air travel", text="Airlines", start=0, end=8)
    html = page(client, topic="air-travel")
    assert headlines(html) == ["Airlines wait for Boeing jets"] and not alerts(html)
    assert '<option value="air-travel" selected>' in html
