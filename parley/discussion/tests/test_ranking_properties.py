"""Most Discussed equals the full scan of the window, whatever the comment times: a property test
across hour boundaries with more articles than the first candidate batch."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.articles.models import Article
from parley.discussion import ranking
from parley.discussion.models import Comment, Heat, Participation
from parley.discussion.services import post_comment

pytestmark = pytest.mark.django_db

# Per article: who comments (one of 4 readers) and how many minutes before the base moment.
COMMENTS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 26 * 60)), min_size=1, max_size=4)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(per_article=st.lists(COMMENTS, min_size=6, max_size=9), later=st.integers(0, 8 * 60),
       window=st.sampled_from(["24h", "7d"]))
def test_most_discussed_equals_the_full_scan(make_article, reader, monkeypatch, per_article, later, window):
    """Ensure most_discussed() at any moment after the writes ranks exactly as scoring every article does."""
    monkeypatch.setattr(ranking, "FIRST_CANDIDATES", 2)  # so the early stop and the widening both run
    Comment.objects.all().delete()
    Participation.objects.all().delete()
    Heat.objects.all().delete()
    Article.objects.all().delete()
    people = [User.objects.filter(username=f"p{n}").first() or reader(f"p{n}") for n in range(4)]
    base = timezone.now()
    for n, comments in enumerate(per_article):
        article = make_article(title=f"Story {n}", url=f"https://wire.example/{n}")
        for who, minutes in comments:
            post_comment(people[who], article, "A view", at=base - timedelta(minutes=minutes), enforce_limits=False)
    moment = timezone.now() + timedelta(minutes=later)
    full = sorted(ranking.scores(window, moment).items(), key=lambda kv: (kv[1][0], kv[1][3], kv[0]), reverse=True)
    # limit 1 reads 4 candidates first (of 6 to 9 articles), so the early stop decides.
    got = [e.article.pk for e in ranking.most_discussed(window, limit=1, now=moment)]
    assert got == [pk for pk, _ in full[:1]]


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(minute=st.integers(0, 59), ago=st.lists(st.integers(0, 30 * 60), min_size=1, max_size=5),
       later=st.integers(0, 10 * 60), window=st.sampled_from(["24h", "7d"]))
def test_stored_heat_bounds_every_later_score(make_article, reader, minute, ago, later, window):
    """Ensure the score stored at a write (at any minute of its hour) is at least the article's exact
    score at every later moment: the invariant that lets most_discussed() stop early."""
    Comment.objects.all().delete()
    Participation.objects.all().delete()
    Heat.objects.all().delete()
    Article.objects.all().delete()
    person = User.objects.filter(username="writer").first() or reader("writer")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    written = hour + timedelta(minutes=minute)
    article = make_article(title="Bound", url="https://wire.example/bound")
    for minutes in ago:
        post_comment(person, article, "A view", at=written - timedelta(minutes=minutes), enforce_limits=False)
    ranking.refresh_heat(article.pk, now=written)  # the heat as the last write, at `written`, leaves it
    moment = written + timedelta(minutes=later)
    exact = ranking.scores(window, moment, [article.pk]).get(article.pk, (0.0,))[0]
    heat = Heat.objects.filter(article=article, window=window).values_list("log_heat", flat=True).first()
    bound = 2 ** (heat - (moment - ranking.EPOCH).total_seconds() / ranking._half_life(window)) if heat else 0.0
    assert exact <= bound * (1 + 1e-9)
