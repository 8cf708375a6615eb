"""A story as readers and programs see it: its page, the home page, the API and the feeds."""
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.discussion.services import post_comment
from parley.enrichment.services import enrich_article
from parley.stories.models import Membership, Story
from parley.stories.queries import MEMBERS_PAGE
from parley.stories.services import place_pending
from parley.stories.tests.test_placing import OTHER_EVENT, RESULTS, RESULTS_AGAIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    base = timezone.now() - timedelta(days=1)

    def make(title, body, hours=0, outlet="Test Wire", **extra):
        stored = make_article(title=title, body=body, published_at=base + timedelta(hours=hours), outlet=outlet, **extra)
        enrich_article(stored)
        return stored
    return make


@pytest.fixture
def story(article):
    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, outlet="First Wire")
    second = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3,
                     outlet="Second Paper")
    alone = article("Home Depot to buy back HD Supply in $8 billion deal", OTHER_EVENT, hours=18, outlet="First Wire")
    place_pending()
    return Membership.objects.get(article=first).story, first, second, alone


def test_the_story_page_shows_who_reported_first_every_report_why_and_the_comments_of_all(story, client):
    found, first, second, _ = story
    reader = User.objects.create_user("reader")
    post_comment(reader, second, "The forecast cut matters more than the miss.")
    page = client.get(found.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "First reported by" in html and "First Wire" in html and first.title in html and second.title in html
    assert html.index(first.title) < html.index(second.title)  # the timeline runs earliest first
    assert "Why here: the same event told in like words; shared: " in html and "$HD" in html and "3 hours apart" in html
    assert "What the reports share" in html and "Craig Menear" in html
    figures = unescape(html[html.index("The figures, report by report"):])
    assert "$27.2 billion</strong>:\n      every report" in figures  # both gave the sales figure
    assert "The forecast cut matters more than the miss." in html and "Second Paper's report</a>" in unescape(html)


def test_comments_on_any_report_are_one_discussion_each_showing_its_report(story, client):
    found, first, second, alone = story
    reader = User.objects.create_user("reader")
    on_second = post_comment(reader, second, "Guidance cut is the story.")
    reply = post_comment(reader, first, "Agreed, and the miss is small.")
    client.force_login(reader)
    html = unescape(client.get(first.get_absolute_url()).content.decode())
    assert "Guidance cut is the story." in html and "Agreed, and the miss is small." in html
    assert "Second Paper's report</a>" in html and "First Wire's report</a>" in html
    assert "2 comments on its 2 reports" in html
    assert f'action="/a/{second.pk}/comments"' in html  # a reply to it is written where it was
    client.post(f"/a/{second.pk}/comments", {"text": "A reply from the first report's page", "parent": on_second.pk})
    answer = on_second.replies.get()
    assert answer.article_id == second.pk and reply.article_id == first.pk
    alone_html = client.get(alone.get_absolute_url()).content.decode()
    assert "Guidance cut is the story." not in alone_html  # another event's discussion stays its own


def test_old_and_short_story_addresses_resolve_and_an_unknown_story_is_404(story, client):
    found = story[0]
    assert client.get(f"/s/{found.pk}/").headers["Location"] == found.get_absolute_url()
    assert client.get(f"/s/{found.pk}/a-wrong-slug/").headers["Location"] == found.get_absolute_url()
    assert client.get("/s/999999/x/").status_code == 404


def test_home_shows_a_story_once_with_its_other_outlets_and_the_article_links_its_story(story, client):
    found, first, second, alone = story
    html = client.get("/").content.decode()
    assert second.title in html and first.title not in html  # the story's newest report stands for it
    assert "+1 outlet" in html and found.get_absolute_url() in html and alone.title in html
    outlet_page = client.get(first.outlet.get_absolute_url()).content.decode()
    assert first.title in outlet_page  # an outlet's page keeps all of its own reports
    article_page = client.get(first.get_absolute_url()).content.decode()
    assert "Part of a story" in article_page and found.get_absolute_url() in article_page


def test_a_hundred_copies_of_one_release_are_one_row_at_home_and_one_syndicated_line(article, client):
    for n in range(100):
        article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, hours=n / 10,
                outlet=f"Paper {n}")
    place_pending(limit=200)
    story = Story.objects.get()
    assert story.article_count == 100 and story.outlet_count == 100
    home = client.get("/").content.decode()
    assert home.count("Home Depot cuts its sales forecast") == 1 and "+99 outlets" in home
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.count('class="report"') == 1 and "(99 copies)" in page and "and 79 more" in page
    copies = page[page.index("syndicated-line"):]
    assert copies.count('<a href="/a/') == 20  # each copy shown leads to its article


def test_a_story_of_many_reports_pages_them(article, make_article, client):
    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS)
    place_pending()
    story = Membership.objects.get(article=first).story
    others = [make_article(title=f"Report {n}", published_at=first.published_at + timedelta(minutes=n + 1),
                           body=f"Report number {n}.") for n in range(MEMBERS_PAGE + 5)]
    Membership.objects.bulk_create(Membership(article=a, story=story, evidence={"rule": "event"}) for a in others)
    Story.objects.filter(pk=story.pk).update(article_count=len(others) + 1)
    last = client.get(story.get_absolute_url() + "?page=2").content.decode()
    assert f"Report {MEMBERS_PAGE + 4}" in last and "Report 0<" not in last and "Page 2 of 2" in last
    api = client.get(f"/api/v1/stories/{story.pk}?page=2").json()
    assert api["pages"] == 2 and len(api["articles"]) == 6
    assert client.get(f"/api/v1/stories/{story.pk}?page=3").status_code == 400


def test_the_api_lists_stories_newest_activity_first_and_shows_one_with_its_evidence(story, client, article):
    found, first, second, alone = story
    later_a = article("Lowe's beats estimates and raises its outlook", "Lowe's (NYSE: LOW) said on Wednesday its "
                      "quarterly profit of $1.8 billion beat estimates, and chief executive Marvin Ellison raised the "
                      "company's full-year outlook.", hours=20, outlet="First Wire")
    later_b = article("Lowe's raises outlook after profit beats estimates", "Lowe's Companies (NYSE: LOW) raised its "
                      "full-year outlook on Wednesday after quarterly profit of $1.8 billion beat estimates, chief "
                      "executive Marvin Ellison said.", hours=21, outlet="Second Paper")
    place_pending()
    newer = Membership.objects.get(article=later_a).story
    assert Membership.objects.get(article=later_b).story == newer
    listed = client.get("/api/v1/stories?limit=1").json()
    assert [s["id"] for s in listed["items"]] == [newer.pk] and listed["next"]
    following = client.get(f"/api/v1/stories?limit=1&cursor={listed['next']}").json()
    assert [s["id"] for s in following["items"]] == [found.pk] and following["next"] is None
    assert client.get("/api/v1/stories?cursor=nonsense").status_code == 400
    detail = client.get(f"/api/v1/stories/{found.pk}").json()
    assert detail["first_article"]["id"] == first.pk and detail["outlet_count"] == 2
    joined = detail["articles"][1]
    assert joined["article"]["id"] == second.pk and joined["article"]["story"] == found.pk
    assert joined["evidence"]["matched"] == first.pk and "$HD" in joined["evidence"]["shared_names"]
    assert "3 hours apart" in joined["why"] and detail["articles"][0]["why"] == ""
    assert {"kind": "ticker", "key": "HD", "text": "$HD", "reports": 2} in detail["shared"]
    assert not [s for s in detail["shared"] if s["kind"] == "money"]  # figures are by amount, on the page
    assert client.get("/api/v1/stories/999999").status_code == 404


def test_stories_have_rss_and_atom_feeds(story, client):
    found = story[0]
    atom = client.get("/stories.atom")
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
    assert found.get_absolute_url() in atom.content.decode() and "2 reports from 2 outlets" in atom.content.decode()
    rss = client.get("/stories.rss").content.decode()
    assert found.title in rss and story[3].title not in rss  # a lone article is not a story


def test_most_discussed_ranks_a_story_once_with_the_comments_on_all_its_reports(story, client):
    from parley.discussion.ranking import most_discussed

    found, first, second, alone = story
    readers = [User.objects.create_user(f"reader{n}") for n in range(3)]
    post_comment(readers[0], first, "On the first report.")
    post_comment(readers[1], second, "On the second report.")
    post_comment(readers[2], second, "Also on the second report.")
    post_comment(readers[2], alone, "On the buyback, which is another event.")
    post_comment(readers[0], alone, "And again on the buyback.")
    ranked = most_discussed()
    # Three comments on the story's two reports outrank two on the lone article; alone, neither
    # report's own comments would.
    assert [entry.article.pk for entry in ranked] == [first.pk, alone.pk]
    top = ranked[0]
    assert top.comments == 3 and top.participants == 3 and top.reports == 2
    assert "on 2 reports" in top.explanation
    box = client.get("/most-discussed").content.decode()
    assert box.count(first.title) == 1 and second.title not in box


def test_a_company_page_shows_a_story_once_with_its_other_outlets(story, client):
    found, first, second, alone = story
    # The latest-articles list shows the story once; the chart's day-by-day table lists every article.
    html = client.get("/t/HD/").content.decode().split("<h2>Latest articles</h2>", 1)[1]
    assert second.title in html and first.title not in html and alone.title in html
    assert "+1 outlet" in html and found.get_absolute_url() in html


def test_a_story_is_counted_again_as_its_reports_are_deleted_and_is_gone_with_the_last(story, client):
    from parley.articles.models import Article

    found, first, second, _ = story
    Article.objects.filter(pk=first.pk).delete()
    found.refresh_from_db()
    assert (found.article_count, found.first_article_id, found.title) == (1, second.pk, second.title)
    Article.objects.filter(pk=second.pk).delete()
    assert client.get(found.get_absolute_url()).status_code == 404


def test_a_discussed_article_joining_a_story_moves_its_comments_into_the_storys_rank(article):
    from parley.discussion.ranking import most_discussed

    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, outlet="First Wire")
    place_pending()
    late = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3,
                   outlet="Second Paper")
    reader = User.objects.create_user("reader")
    post_comment(reader, late, "Discussed before it was placed.")
    assert [e.article.pk for e in most_discussed()] == [late.pk]
    place_pending()
    assert [(e.article.pk, e.comments, e.reports) for e in most_discussed()] == [(first.pk, 1, 2)]
