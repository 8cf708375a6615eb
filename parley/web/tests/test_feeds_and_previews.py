"""Every company, person, topic and outlet page's own RSS and Atom feed (named in its head), and the
Open Graph and Twitter-card tags of article, story and company pages, on the real database."""
import re
from datetime import timedelta
from html import unescape

import feedparser
import pytest
from django.utils import timezone

from parley.enrichment.models import Fact
from parley.enrichment.services import enrich_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def boeing(make_article):
    """Two enriched articles about Boeing quoting Kelly Ortberg, the newer one second."""
    now = timezone.now()
    older = make_article(title="Boeing and Airbus trade orders", outlet="Air Desk", published_at=now - timedelta(days=3), body=(
        "Boeing (NYSE: BA) and Airbus traded orders as airlines shopped for jets.\n\n"
        "\"Demand is strong,\" said Kelly Ortberg, chief executive of Boeing."))
    newer = make_article(title="Boeing deliveries rise", outlet="Air Desk", published_at=now - timedelta(days=1), body=(
        "Boeing (NYSE: BA) delivered more jets in October, with earnings and inflation in focus. "
        "Interest rates, tariffs and oil prices weighed on airline stocks.\n\n"
        "\"We are stabilising the factory,\" Kelly Ortberg said on Tuesday."))
    enrich_article(older)
    enrich_article(newer)
    return older, newer


def entries(client, url, kind):
    answer = client.get(url)
    assert answer.status_code == 200, url
    expected = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    assert answer["Content-Type"].startswith(expected)
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_company_has_its_feed_newest_first_with_the_sentence_naming_it(client, boeing, kind):
    """Ensure /t/BA/feed.atom and .rss list the company's articles newest first, each linking to its
    page on this site, with the sentence that names the company."""
    older, newer = boeing
    feed = entries(client, f"/t/BA/feed.{kind}", kind)
    assert "Boeing" in feed.feed.title and "$BA" in feed.feed.title
    assert [e.title for e in feed.entries] == [newer.title, older.title]
    assert feed.entries[0].link == f"http://testserver{newer.get_absolute_url()}"
    assert "Boeing (NYSE: BA) delivered more jets in October" in feed.entries[0].summary
    assert "Air Desk" in feed.entries[0].summary
    assert [e.title for e in entries(client, f"/t/ba/feed.{kind}", kind).entries] == [newer.title, older.title]


def test_a_person_and_a_topic_have_their_feeds(client, boeing):
    """Ensure a person's and a topic's pages have feeds of their articles; other spellings of the
    person's name reach the same feed."""
    older, newer = boeing
    person = entries(client, "/p/kelly-ortberg/feed.atom", "atom")
    assert person.feed.title.endswith("Kelly Ortberg") and [e.title for e in person.entries] == [newer.title, older.title]
    assert "We are stabilising the factory" in person.entries[0].summary
    assert len(entries(client, "/p/Kelly-Ortberg/feed.rss", "rss").entries) == 2
    topic = Fact.objects.filter(kind="topic", article=newer).first()
    assert topic is not None, "the enrichment found no topic in these articles"
    feed = entries(client, f"/topic/{topic.slug}/feed.rss", "rss")
    assert newer.title in [e.title for e in feed.entries]


@pytest.mark.parametrize("url", ["/t/ZZZZ/feed.atom", "/t/ZZZZ/feed.rss", "/t/$/feed.rss", "/p/nobody-here/feed.atom",
                                 "/p/%20/feed.rss", "/topic/no-such-topic/feed.atom", "/o/no-such-outlet/feed.rss",
                                 "/t/" + "Z" * 5000 + "/feed.atom"])
def test_an_unknown_subject_has_no_feed(client, boeing, url):
    """Ensure a feed of an unknown symbol, person, topic or outlet is a 404, not an empty feed."""
    assert client.get(url).status_code == 404


def test_a_listed_company_without_articles_has_an_empty_feed(client, db):
    """Ensure a company in Parley's list but in no article yet has a feed (its page exists too), empty."""
    assert client.get("/t/AAPL/").status_code == 200
    feed = entries(client, "/t/AAPL/feed.atom", "atom")
    assert "Apple" in feed.feed.title and feed.entries == []


def alternates(page: str) -> dict:
    head = page[:page.index("</head>")]
    return {m.group(1): m.group(2) for m in re.finditer(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)"', head)
            if "latest" not in m.group(0).lower() and "most discussed" not in m.group(0).lower()}


def test_each_page_names_its_feeds_in_its_head(client, boeing):
    """Ensure the company, person, topic and outlet pages carry <link rel="alternate"> to their own
    Atom and RSS feeds, and those answer."""
    older, newer = boeing
    topic = Fact.objects.filter(kind="topic", article=newer).first()
    pages = {"/t/BA/": "/t/BA/feed", "/p/kelly-ortberg/": "/p/kelly-ortberg/feed",
             f"/o/{newer.outlet.slug}/": f"/o/{newer.outlet.slug}/feed", f"/topic/{topic.slug}/": f"/topic/{topic.slug}/feed"}
    for page, feed in pages.items():
        found = alternates(client.get(page).content.decode())
        assert found == {"application/atom+xml": feed + ".atom", "application/rss+xml": feed + ".rss"}, page
        for url in found.values():
            assert client.get(url).status_code == 200


def meta(page: str) -> dict:
    head = page[:page.index("</head>")]
    return {m.group(2): unescape(m.group(3)) for m in re.finditer(r'<meta (property|name)="([^"]+)" content="([^"]*)">', head)}


def test_an_article_page_has_open_graph_and_twitter_tags(client, make_article):
    """Ensure an article's page carries its title, a one-line description from its lead, its absolute
    address and type, and a summary card; every value escaped."""
    title = 'Rates "hold" <script>alert(1)</script> & more'
    article = make_article(title=title, body="The first paragraph\nruns over two lines.\n\nA second paragraph.")
    page = client.get(article.get_absolute_url()).content.decode()
    tags = meta(page)
    assert tags["og:type"] == "article" and tags["og:title"] == title and tags["twitter:title"] == title
    assert tags["og:url"] == f"http://testserver{article.get_absolute_url()}"
    assert tags["twitter:card"] == "summary" and tags["og:site_name"]
    assert tags["og:description"] == tags["twitter:description"] == tags["description"]
    assert tags["og:description"].startswith("The first paragraph runs over two lines")
    assert "\n" not in tags["og:description"] and len(tags["og:description"]) <= 200
    assert "<script>alert(1)</script>" not in page[:page.index("</head>")]


def test_a_long_lead_is_cut_to_one_line_of_200_characters(client, make_article):
    """Ensure the description of an article with a long lead is one line of at most 200 characters."""
    article = make_article(title="Long", body="word " * 400)
    description = meta(client.get(article.get_absolute_url()).content.decode())["og:description"]
    assert len(description) <= 200 and description.endswith("…") and "\n" not in description


def test_a_company_page_has_open_graph_and_twitter_tags(client, boeing):
    """Ensure a company's page is described by its name, exchange and symbol."""
    tags = meta(client.get("/t/BA/").content.decode())
    assert tags["og:type"] == "website" and tags["og:title"].startswith("Boeing") and "$BA" in tags["og:title"]
    assert tags["og:url"] == "http://testserver/t/BA/" and tags["twitter:card"] == "summary"
    assert "NYSE: BA" in tags["og:description"]


def test_a_story_page_has_open_graph_and_twitter_tags(client, make_article):
    """Ensure a story's page names its headline, how many reports and outlets, and the first report's lead."""
    from parley.stories.models import Membership
    from parley.stories.services import place_pending
    from parley.stories.tests.test_placing import RESULTS, RESULTS_AGAIN

    base = timezone.now() - timedelta(days=1)
    first = make_article(title="Home Depot cuts its sales forecast as third-quarter sales miss", body=RESULTS,
                         outlet="First Wire", published_at=base)
    second = make_article(title="Home Depot shares fall after retailer trims its forecast", body=RESULTS_AGAIN,
                          outlet="Second Paper", published_at=base + timedelta(hours=3))
    enrich_article(first)
    enrich_article(second)
    place_pending()
    story = Membership.objects.get(article=first).story
    first.refresh_from_db()
    answer = client.get(story.get_absolute_url())
    assert answer.status_code == 200 and story.article_count == 2
    tags = meta(answer.content.decode())
    assert tags["og:type"] == "article" and tags["og:title"] == story.title and tags["twitter:card"] == "summary"
    assert tags["og:url"] == f"http://testserver{story.get_absolute_url()}"
    assert tags["og:description"].startswith("2 reports from 2 outlets. " + " ".join(first.lead.split())[:40])
