"""Most Discussed says why each entry ranks where it does: how many comments, from how many people,
and when (what sets their weight), on the box every page shows and on /most-discussed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.discussion.ranking import ago, most_discussed
from parley.discussion.services import post_comment

pytestmark = pytest.mark.django_db


def say(user, article, at, n=1):
    for _ in range(n):
        post_comment(user, article, "A view", at=at, enforce_limits=False)


@pytest.fixture
def busy_and_fresh(make_article, reader):
    """ "Busy": 12 comments from 7 people three days ago; "Fresh": 5 from 4 people just now."""
    now = timezone.now()
    busy, fresh = make_article(title="Busy three days ago"), make_article(title="Fresh this hour")
    for n in range(7):
        say(reader(f"old{n}"), busy, now - timedelta(days=3, minutes=n), n=2 if n < 5 else 1)
    for n in range(4):
        say(reader(f"new{n}"), fresh, now - timedelta(minutes=5), n=2 if n == 0 else 1)
    return now


def test_fewer_fresh_comments_outrank_many_old_ones_and_say_when(busy_and_fresh):
    """Ensure 5 comments from 4 people in the last hour rank above 12 from 7 people three days ago,
    and each entry's reason says how many, from how many, and mostly when."""
    ranked = most_discussed("7d", now=busy_and_fresh)
    assert [e.article.title for e in ranked] == ["Fresh this hour", "Busy three days ago"]
    assert [e.reason for e in ranked] == ["5 comments from 4 people, mostly in the last hour",
                                          "12 comments from 7 people, mostly 3 days ago"]


def test_the_page_and_the_box_show_the_reasons(client, busy_and_fresh):
    """Ensure /most-discussed?window=7d lists both reasons in rank order with how the weight halves,
    and the box (the last 24 hours) shows the fresh one's reason and the same rule."""
    page = client.get("/most-discussed?window=7d").content.decode()
    fresh = page.index("5 comments from 4 people, mostly in the last hour")
    assert fresh < page.index("12 comments from 7 people, mostly 3 days ago")
    assert "(one from 42 hours ago counts half)" in page
    home = client.get("/").content.decode()
    box = home[home.index('<aside class="most-discussed"'):]
    box = box[:box.index("</aside>")]
    assert "5 comments from 4 people, mostly in the last hour" in box and "Busy three days ago" not in box
    assert "Newer comments count for more: one from 6 hours ago counts half." in box


def test_a_reason_says_when_one_readers_comments_are_capped(make_article, reader):
    """Ensure an entry where a reader wrote more than three comments says only three of each count."""
    now = timezone.now()
    article = make_article(title="Argued")
    say(reader("loud"), article, now - timedelta(hours=5), n=5)
    say(reader("calm"), article, now - timedelta(hours=5))
    [entry] = most_discussed("24h", now=now)
    assert entry.reason == "6 comments from 2 people, mostly 5 hours ago (at most 3 from each person count)"


def test_one_comment_is_not_mostly_anything(make_article, reader):
    """Ensure a lone comment reads "1 comment from 1 person, 3 hours ago"."""
    now = timezone.now()
    say(reader("solo"), make_article(title="Quiet"), now - timedelta(hours=3))
    [entry] = most_discussed("24h", now=now)
    assert entry.reason == "1 comment from 1 person, 3 hours ago"


@pytest.mark.parametrize("hours, words", [(0.2, "in the last hour"), (1.2, "an hour ago"), (5, "5 hours ago"),
                                          (30, "30 hours ago"), (50, "2 days ago"), (24 * 6.6, "7 days ago")])
def test_ages_in_words(hours, words):
    """Ensure ages read as a reader says them."""
    assert ago(timedelta(hours=hours)) == words
