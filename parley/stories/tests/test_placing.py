"""Placing articles in stories, on articles stored and enriched by the real pipeline."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.enrichment.services import enrich_article
from parley.stories.models import Membership, Story
from parley.stories.services import place, place_pending

pytestmark = pytest.mark.django_db

RESULTS = ("Home Depot (NYSE: HD) reported third-quarter sales of $27.2 billion on Tuesday, up 3.5% from a year "
           "earlier, and chief executive Craig Menear said the company would cut its full-year sales forecast. "
           "Shares of Home Depot fell 5% in early trading after the results.\n\n"
           "Analysts had expected sales of $27.5 billion for the quarter.")
RESULTS_AGAIN = ("Home Depot Inc (NYSE: HD) said third-quarter sales rose 3.5% to $27.2 billion, and the home "
                 "improvement retailer cut its full-year sales forecast. Chief executive Craig Menear said spending on "
                 "projects had slowed; the shares fell 5% on Tuesday morning.\n\nWall Street expected $27.5 billion.")
OTHER_EVENT = ("Home Depot (NYSE: HD) said on Thursday it would buy HD Supply for $8 billion, bringing back the "
               "maintenance supplies business it sold in 2007. The deal is expected to close next month.\n\n"
               "Craig Menear called it a good fit for professional customers.")


@pytest.fixture
def article(make_article):
    base = timezone.now() - timedelta(days=1)

    def make(title, body, hours=0, **extra):
        stored = make_article(title=title, body=body, published_at=base + timedelta(hours=hours), **extra)
        enrich_article(stored)
        return stored
    return make


def test_two_reports_of_one_earnings_release_share_a_story_with_evidence(article):
    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS)
    second = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3,
                     outlet="Other Wire")
    assert place_pending() == 2
    one, two = Membership.objects.get(article=first), Membership.objects.get(article=second)
    assert one.story_id == two.story_id and one.evidence == {}
    assert two.evidence["matched"] == first.pk and two.evidence["hours_apart"] == 3.0
    assert "$HD" in two.evidence["shared_names"] and two.evidence["text"] > 0.3
    story = Story.objects.get()
    assert story.article_count == 2 and story.first_article_id == first.pk and story.title == first.title


def test_one_company_two_events_in_one_week_are_two_stories(article):
    article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS)
    article("Home Depot to buy back HD Supply in $8 billion deal", OTHER_EVENT, hours=48)
    place_pending()
    assert Story.objects.count() == 2


FIGHT = ("Myles Garrett of the Cleveland Browns was suspended indefinitely on Friday after he pulled off Mason "
         "Rudolph's helmet and struck the Pittsburgh Steelers quarterback with it in the final seconds of Thursday's "
         "game.\n\nThe league also fined both teams.")
FIGHT_OPINION = ("Should what Myles Garrett did to Mason Rudolph on Thursday night be a matter for the police? "
                 "Swinging a helmet at an opponent's head would be assault on any street.\n\n"
                 "Football has long policed its own violence, and the helmet fight tests that.")
OTHER_GAME = ("Mason Rudolph threw two touchdown passes and Myles Garrett had a sack as the Steelers and Browns "
              "opened their season series in October.\n\nBoth teams rested starters late in the game.")


def test_two_people_named_in_both_join_reports_in_other_words_and_a_game_a_month_earlier_stays_apart(article):
    news = article("Browns' Myles Garrett suspended for helmet attack on Mason Rudolph", FIGHT)
    opinion = article("Opinion | Is football violence a crime?", FIGHT_OPINION, hours=20, outlet="Opinion Desk")
    earlier = article("Steelers edge Browns as Rudolph throws two touchdowns", OTHER_GAME, hours=-24 * 30)
    place_pending()
    assert Membership.objects.get(article=opinion).story_id == Membership.objects.get(article=news).story_id
    assert Membership.objects.get(article=opinion).evidence["rule"] == "people"
    assert Membership.objects.get(article=earlier).story.article_count == 1


def test_copies_of_one_press_release_are_one_story_marked_syndicated(article):
    copies = [article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, hours=n,
                      outlet=f"Paper {n}") for n in range(12)]
    place_pending()
    assert Story.objects.count() == 1 and Story.objects.get().article_count == 12
    assert Membership.objects.filter(syndicated=True).count() == 11
    assert Membership.objects.get(article=copies[0]).syndicated is False


def test_an_earlier_report_placed_late_becomes_the_first(article):
    later = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3)
    place(later)
    earlier = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, outlet="Early Wire")
    place(earlier)
    story = Story.objects.get()
    assert story.first_article_id == earlier.pk and story.first_reported_at == earlier.published_at
    assert story.article_count == 2


def test_no_names_and_a_one_word_title_stand_alone_and_placing_twice_changes_nothing(article):
    lone = article("Markets", "Stocks moved today.")
    twin = article("Markets", "Stocks moved today.", hours=1, outlet="Other Wire")
    first = place(lone)
    assert place(lone) == first and Story.objects.count() == 1
    place(twin)  # identical words but nothing named: candidates come from shared names only
    assert Story.objects.count() == 2


def test_the_real_guardian_feed_groups_the_state_of_the_union_and_nothing_else(shared):
    """The Guardian's feed of 31 Jan 2018: its State of the Union reports join one another; no two
    articles about different events share a story."""
    from parley.articles.models import Article
    from parley.sources.services import import_path

    import_path([str(shared / "corpus" / "feeds" / "guardian.rss")])
    for stored in Article.objects.all():
        enrich_article(stored)
    place_pending(limit=1000)
    grouped = [s for s in Story.objects.all() if s.article_count > 1]
    assert grouped, "no story formed"
    for story in grouped:
        titles = [m.article.title for m in story.members.select_related("article")]
        assert all("State of the Union" in t or "Trump" in t for t in titles), titles


def test_the_api_names_each_articles_story_and_null_while_it_stands_alone(article, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS)
    second = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3,
                     outlet="Other Wire")
    alone = article("Home Depot to buy back HD Supply in $8 billion deal", OTHER_EVENT, hours=48)
    place_pending()
    story = Membership.objects.get(article=first).story_id
    items = {row["id"]: row["story"] for row in client.get("/api/v1/articles").json()["items"]}
    assert items == {first.pk: story, second.pk: story, alone.pk: None}
    assert client.get(f"/api/v1/articles/{second.pk}").json()["story"] == story
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/articles?limit=1")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/articles?limit=3")
    assert len(many) == len(few)  # the stories come with the articles, not a query each


def test_the_demos_reports_group_by_event_and_never_across_companies():
    """The demo covers twenty invented events, most by several outlets, quoting the same few analysts
    and sharing stock phrases: each story holds one company's one event, and most events with several
    reports are one story. (It once put two companies' news in one story, through an analyst both quoted.)"""
    from django.core.management import call_command

    from parley.articles.demo import COMPANIES, EVENTS
    from parley.articles.models import Article
    from parley.enrichment.services import enrich_articles

    call_command("demo")
    enrich_articles(Article.objects.filter(is_sample=True))
    place_pending(limit=1000)

    def event_of(title):
        return (next(c for c in COMPANIES if title.startswith(c)), next(t for t in EVENTS if title.endswith(t)))

    reports_of: dict[tuple, int] = {}
    for title in Article.objects.values_list("title", flat=True):
        reports_of[event_of(title)] = reports_of.get(event_of(title), 0) + 1
    stories_of: dict[tuple, set] = {}
    for story in Story.objects.all():
        events = {event_of(m.article.title) for m in story.members.select_related("article")}
        assert len(events) == 1, f"story {story.pk} mixes {events}"
        stories_of.setdefault(events.pop(), set()).add(story.pk)
    covered = [event for event, n in reports_of.items() if n > 1]
    whole = [event for event in covered if len(stories_of[event]) == 1]
    assert len(whole) >= 0.8 * len(covered), f"{len(whole)} of {len(covered)} events with several reports are one story"


def test_what_matching_saw_of_a_candidate_is_seen_again_once_its_facts_change(article):
    from parley.enrichment.models import Fact
    from parley.stories.services import _seen_of

    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS)
    (before,) = _seen_of([first.pk])
    assert _seen_of([first.pk])[0] is before  # kept while nothing changed
    Fact.objects.filter(article=first, kind="person").delete()  # as a moderator's correction does
    (after,) = _seen_of([first.pk])
    assert "Craig Menear" in before.names and "Craig Menear" not in after.names
