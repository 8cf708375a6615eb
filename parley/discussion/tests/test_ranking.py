"""Most Discussed: the documented formula, checked on comments posted through the service."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.discussion import services
from parley.discussion.ranking import most_discussed
from parley.discussion.services import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def say(user, article, at, n=1):
    for _ in range(n):
        post_comment(user, article, "A view", at=at, enforce_limits=False)


def titles(window="24h", now=None):
    return [entry.article.title for entry in most_discussed(window, now=now)]


def test_distinct_people_beat_one_loud_reader(make_article, reader, now):
    """Ensure one reader's ten comments count as three, below four readers' one each."""
    loud, crowd = make_article(title="Loud"), make_article(title="Crowd")
    say(reader("shouty"), loud, now, 10)
    for n in range(4):
        say(reader(f"p{n}"), crowd, now)
    assert titles(now=now) == ["Crowd", "Loud"]


def test_recent_comments_weigh_more(make_article, reader, now):
    """Ensure two comments now outrank three from twenty hours ago (half-life six hours)."""
    fresh, stale = make_article(title="Fresh"), make_article(title="Stale")
    for n in range(3):
        say(reader(f"old{n}"), stale, now - timedelta(hours=20))
    for n in range(2):
        say(reader(f"new{n}"), fresh, now)
    assert titles(now=now) == ["Fresh", "Stale"]


def test_window_excludes_older_comments(make_article, reader, now):
    """Ensure a comment from two days ago counts in the 7-day window only."""
    say(reader("a"), make_article(title="Tuesday"), now - timedelta(days=2))
    assert titles("24h", now) == [] and titles("7d", now) == ["Tuesday"]


def test_hidden_and_deleted_comments_do_not_count(make_article, reader, moderator, now):
    """Ensure removed comments leave the ranking."""
    article = make_article(title="Removed")
    author = reader("a")
    first = post_comment(author, article, "x", enforce_limits=False)
    second = post_comment(reader("b"), article, "y", enforce_limits=False)
    services.delete_comment(author, first)
    services.hide_comment(moderator, second, "Spam")
    assert titles() == []


def test_ties_broken_by_latest_activity(make_article, reader, now):
    """Ensure equal scores rank the article with the later comment first."""
    earlier, later = make_article(title="Earlier"), make_article(title="Later")
    hour = (now - timedelta(hours=1)).replace(minute=10, second=0, microsecond=0)  # wholly in the past
    say(reader("a"), earlier, hour)
    say(reader("b"), later, hour + timedelta(minutes=5))
    assert titles(now=hour + timedelta(minutes=20)) == ["Later", "Earlier"]


def test_entry_explains_itself(make_article, reader, now):
    """Ensure each entry says how many comments from how many people in which window."""
    article = make_article(title="Explained")
    say(reader("a"), article, now, 2)
    say(reader("b"), article, now)
    (entry,) = most_discussed("24h", now=now)
    assert entry.explanation == "3 comments from 2 people in the last 24 hours"
    (entry,) = most_discussed("7d", now=now)
    assert entry.explanation == "3 comments from 2 people in the last 7 days"


def test_candidate_search_matches_full_scan(make_article, reader, now, monkeypatch):
    """Ensure reading the hottest rows first gives exactly the ranking a full scan of the window gives."""
    from parley.discussion import ranking
    monkeypatch.setattr(ranking, "FIRST_CANDIDATES", 1)
    people = [reader(f"r{n}") for n in range(6)]
    for n in range(8):
        article = make_article(title=f"Story {n}")
        for k in range(n % 4 + 1):
            say(people[k], article, now - timedelta(hours=(n * 3) % 23))
    full = sorted(ranking.scores("24h", now).items(), key=lambda kv: (kv[1][0], kv[1][3], kv[0]), reverse=True)
    assert [e.article.pk for e in most_discussed("24h", limit=5, now=now)] == [pk for pk, _ in full[:5]]


def test_recount_rebuilds_heat(make_article, reader, now):
    """Ensure `recount` restores the ranking after its heat rows were lost."""
    from parley.discussion.models import Heat
    from parley.discussion.services import recount
    say(reader("a"), make_article(title="Kept hot"), now)
    Heat.objects.all().delete()
    assert titles(now=now) == []
    recount()
    assert titles(now=now) == ["Kept hot"]


def test_stale_heat_is_pruned_and_never_read(make_article, reader, now):
    """Ensure Heat rows of articles whose comments all left the window are deleted by prune_heat(),
    while rows that can still hold a score stay."""
    from parley.discussion.models import Heat
    from parley.discussion.ranking import prune_heat
    say(reader("old"), make_article(title="Old news"), now - timedelta(hours=1))
    say(reader("new"), make_article(title="Fresh"), now)
    later = now + timedelta(days=8)  # past both windows for the first, and the second too
    assert Heat.objects.count() == 4
    assert prune_heat(now + timedelta(hours=2)) == 0
    assert prune_heat(later) == 4 and titles(now=later) == []


def test_the_candidate_search_widens_when_the_hottest_rows_have_cooled(make_article, reader, now, monkeypatch):
    """Ensure an article with one fresh comment wins over five whose stored heat is higher but whose
    comments have all left the window: the first candidates hold no score, so the search must read on."""
    from parley.discussion import ranking
    monkeypatch.setattr(ranking, "FIRST_CANDIDATES", 1)  # with limit 1, the first look reads 4 rows
    people = [reader(f"p{n}") for n in range(6)]
    for n in range(5):
        loud = make_article(title=f"Yesterday {n}")
        for person in people:
            say(person, loud, now - timedelta(hours=23), n=3)
    say(people[0], make_article(title="Fresh"), now)
    later = now + timedelta(hours=2)  # yesterday's comments are 25 hours old: out of the 24-hour window
    assert [e.article.title for e in most_discussed("24h", limit=1, now=later)] == ["Fresh"]
