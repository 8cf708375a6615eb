"""Moderators merge and split stories, reversibly and in the public log; a corrected article leaves."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from parley.accounts.setup import MODERATORS
from parley.articles.models import Article
from parley.articles.services import ArticleDraft, store_article
from parley.discussion.models import ModerationAction
from parley.discussion.services import NotAllowed, post_comment, vote
from parley.discussion.threads import thread
from parley.enrichment.services import enrich_article
from parley.stories import moderation
from parley.stories.models import Membership, Story, StoryChange
from parley.stories.services import place_pending
from parley.stories.tests.test_placing import FIGHT, FIGHT_OPINION, OTHER_EVENT, RESULTS, RESULTS_AGAIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    base = timezone.now() - timedelta(days=2)

    def make(title, body, hours=0, outlet="Test Wire"):
        stored = make_article(title=title, body=body, published_at=base + timedelta(hours=hours), outlet=outlet)
        enrich_article(stored)
        return stored
    return make


@pytest.fixture
def mod(db):
    user = User.objects.create_user("mod")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    return user


@pytest.fixture
def two_stories(article):
    results = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, outlet="First Wire")
    again = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=3, outlet="Second Paper")
    fight = article("Browns' Myles Garrett suspended for helmet attack on Mason Rudolph", FIGHT, hours=1)
    opinion = article("Opinion | Is football violence a crime?", FIGHT_OPINION, hours=5, outlet="Opinion Desk")
    place_pending()
    story_of = {a.pk: Membership.objects.get(article=a).story for a in (results, again, fight, opinion)}
    assert story_of[results.pk] == story_of[again.pk] != story_of[fight.pk] == story_of[opinion.pk]
    return story_of[results.pk], story_of[fight.pk], (results, again, fight, opinion)


def test_a_merge_joins_discussions_in_time_order_keeps_votes_and_links_and_can_be_undone(two_stories, mod, client):
    earnings, fight_story, (results, again, fight, opinion) = two_stories
    reader = User.objects.create_user("reader")
    first = post_comment(reader, fight, "Suspension was deserved.")
    second = post_comment(reader, results, "Forecast cut, again.")
    vote(mod, first, 1)
    change = moderation.merge(mod, fight_story, earnings, "Testing a merge")
    fight_story.refresh_from_db()
    earnings.refresh_from_db()
    assert fight_story.merged_into_id == earnings.pk and earnings.article_count == 4
    assert earnings.first_article_id == results.pk  # the earliest report still comes first
    rows = thread(results, "oldest")
    assert [r.comment.pk for r in rows] == [first.pk, second.pk]
    assert rows[0].comment.upvotes == 1 and rows[0].comment.article_id == fight.pk  # votes and places kept
    assert client.get(fight_story.get_absolute_url()).headers["Location"] == f"/s/{earnings.pk}/"
    assert client.get(fight.get_absolute_url()).status_code == 200  # article addresses never change
    logged = ModerationAction.objects.get(action=ModerationAction.STORY)
    assert logged.reason == "Testing a merge" and logged.link == earnings.get_absolute_url()
    assert "merged story" in client.get("/moderation/log").content.decode()

    moderation.undo(mod, change, "It was two events")
    fight_story.refresh_from_db()
    assert fight_story.merged_into_id is None and fight_story.article_count == 2
    assert [r.comment.pk for r in thread(results, "oldest")] == [second.pk]
    assert client.get(fight_story.get_absolute_url()).status_code == 200
    with pytest.raises(moderation.StoryError, match="already undone"):
        moderation.undo(mod, change, "again")


def test_a_story_cannot_merge_into_itself_and_only_moderators_with_a_reason_merge(two_stories, mod):
    earnings, fight_story, _ = two_stories
    with pytest.raises(moderation.StoryError, match="into itself"):
        moderation.merge(mod, earnings, earnings, "oops")
    with pytest.raises(NotAllowed):
        moderation.merge(User.objects.create_user("reader"), fight_story, earnings, "I think so")
    with pytest.raises(moderation.StoryError, match="reason"):
        moderation.merge(mod, fight_story, earnings, "  ")
    assert StoryChange.objects.count() == 0 and Story.objects.get(pk=fight_story.pk).article_count == 2


def test_a_split_takes_the_article_and_its_comments_and_placing_never_puts_it_back(two_stories, mod, article):
    earnings, _, (results, again, _, _) = two_stories
    reader = User.objects.create_user("reader")
    on_again = post_comment(reader, again, "Different angle here.")
    moderation.split(mod, again, "Its own report")
    alone = Membership.objects.get(article=again).story
    earnings.refresh_from_db()
    assert alone != earnings and earnings.article_count == 1 and alone.article_count == 1
    assert on_again.pk not in [r.comment.pk for r in thread(results)]
    assert [r.comment.pk for r in thread(again)] == [on_again.pk]
    late = post_comment(reader, again, "Posted right after the split.")  # a comment just after goes with it
    assert late.pk in [r.comment.pk for r in thread(again)] and late.pk not in [r.comment.pk for r in thread(results)]
    place_pending()
    assert Membership.objects.get(article=again).story == alone
    with pytest.raises(moderation.StoryError, match="undo that split"):
        moderation.merge(mod, alone, earnings, "Back together")
    with pytest.raises(moderation.StoryError, match="nothing to split"):
        moderation.split(mod, again, "Again")


def test_undoing_a_split_puts_the_article_back_and_the_split_off_address_leads_there(two_stories, mod, client):
    earnings, _, (_, again, _, _) = two_stories
    placed = Membership.objects.get(article=again)
    change = moderation.split(mod, again, "Its own report")
    alone = Membership.objects.get(article=again).story
    moderation.undo(mod, change, "It was the same event")
    back = Membership.objects.get(article=again)
    assert back.story == earnings and Story.objects.get(pk=earnings.pk).article_count == 2
    assert (back.evidence, back.placed_by) == (placed.evidence, placed.placed_by)  # as it had been placed
    assert client.get(alone.get_absolute_url()).headers["Location"] == f"/s/{earnings.pk}/"
    assert client.get(f"/api/v1/stories/{alone.pk}").headers["Location"] == f"/api/v1/stories/{earnings.pk}"


def test_a_corrected_article_that_no_longer_reports_the_event_leaves_with_its_comments(two_stories):
    earnings, _, (results, again, _, _) = two_stories
    reader = User.objects.create_user("reader")
    comment = post_comment(reader, again, "Still about the forecast?")
    store_article(ArticleDraft(title="Home Depot to buy back HD Supply in $8 billion deal", outlet="Second Paper",
                               published_at=again.published_at, paragraphs=OTHER_EVENT.split("\n\n")), into=again)
    again = Article.objects.get(pk=again.pk)
    enrich_article(again)
    assert place_pending() == 1
    moved = Membership.objects.get(article=again)
    assert moved.story != earnings and Story.objects.get(pk=earnings.pk).article_count == 1
    assert [r.comment.pk for r in thread(again)] == [comment.pk]
    left = StoryChange.objects.get(kind=StoryChange.LEFT)
    assert left.other == earnings and left.article_id == again.pk and left.moderator is None
    assert place_pending() == 0  # placed as it is now: nothing more to do


def test_a_corrected_article_still_reporting_the_event_stays(two_stories):
    earnings, _, (results, again, _, _) = two_stories
    store_article(ArticleDraft(title="Home Depot shares fall after retailer trims its forecast", outlet="Second Paper",
                               published_at=again.published_at,
                               paragraphs=(RESULTS_AGAIN + " Updated with analysts' comments.").split("\n\n")),
                  into=again)
    again = Article.objects.get(pk=again.pk)
    enrich_article(again)
    assert place_pending() == 1
    assert Membership.objects.get(article=again).story == earnings and not StoryChange.objects.exists()


def test_moderators_merge_split_and_undo_from_the_story_page(two_stories, mod, client):
    earnings, fight_story, (_, again, _, _) = two_stories
    client.force_login(mod)
    page = client.get(earnings.get_absolute_url()).content.decode()
    assert "Split out" in page and "Merge this story" in page
    client.post(f"/s/{fight_story.pk}/merge", {"into": earnings.pk, "reason": "Same week"})
    assert Story.objects.get(pk=fight_story.pk).merged_into_id == earnings.pk
    change = StoryChange.objects.get()
    page = client.get(earnings.get_absolute_url()).content.decode()
    assert "Same week" in page and f"/s/change/{change.pk}/undo" in page
    client.post(f"/s/change/{change.pk}/undo", {"reason": "Not the same"})
    client.post(f"/s/split/{again.pk}", {"reason": "Own report"})
    assert Membership.objects.get(article=again).split_from_id == earnings.pk
    reader = User.objects.create_user("reader")
    client.force_login(reader)
    response = client.post(f"/s/{fight_story.pk}/merge", {"into": earnings.pk, "reason": "me too"}, follow=True)
    assert "Only moderators" in response.content.decode()
    assert Story.objects.get(pk=fight_story.pk).merged_into_id is None


def test_most_discussed_follows_merges_and_splits(two_stories, mod):
    from parley.discussion.ranking import most_discussed

    earnings, fight_story, (results, again, fight, opinion) = two_stories
    reader = User.objects.create_user("reader")
    post_comment(reader, again, "Forecast.")
    post_comment(reader, opinion, "Helmet.")
    assert sorted(e.article.pk for e in most_discussed()) == sorted([results.pk, fight.pk])  # each story's lead
    moderation.merge(mod, fight_story, earnings, "One week of news")
    assert [(e.article.pk, e.comments) for e in most_discussed()] == [(results.pk, 2)]
    moderation.split(mod, opinion, "Its own piece")
    assert sorted((e.article.pk, e.comments) for e in most_discussed()) == sorted([(results.pk, 1), (opinion.pk, 1)])


def test_followers_of_a_story_get_one_grouped_notification_of_new_reports_and_comments(article, mod, client):
    from parley.following.events import process_events
    from parley.following.follows import follow
    from parley.following.inbox import describe_all, target_url
    from parley.following.models import Notification

    base_hours = 24 + 20  # fresh: within the hours that notify
    first = article("Home Depot cuts its sales forecast as third-quarter sales miss", RESULTS, hours=base_hours,
                    outlet="First Wire")
    place_pending()
    story = Membership.objects.get(article=first).story
    fan, commenter = User.objects.create_user("fan"), User.objects.create_user("commenter")
    follow(fan, "story", str(story.pk))
    second = article("Home Depot shares fall after retailer trims its forecast", RESULTS_AGAIN, hours=base_hours + 1,
                     outlet="Second Paper")
    place_pending()
    assert Membership.objects.get(article=second).story == story
    post_comment(commenter, second, "Guidance matters more.")
    post_comment(commenter, first, "And the miss was small.")
    process_events()
    note = Notification.objects.get(user=fan)
    assert (note.kind, note.new_articles, note.count) == ("story", 1, 2)
    assert describe_all([note]) == [f"1 new report and 2 new comments in the story “{story.title}”"]
    assert target_url(note) == f"/s/{story.pk}/"
    client.force_login(fan)
    assert "Stories" in client.get("/watchlist/").content.decode()
    assert "Following this story" in client.get(story.get_absolute_url()).content.decode()
