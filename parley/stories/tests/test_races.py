"""A split racing a comment, with real threads on the real database: whichever commits first, the
comment ends on its article, in the discussion that article is in afterwards, and counted there."""
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from parley.accounts.setup import MODERATORS
from parley.articles.models import Article
from parley.discussion.services import post_comment
from parley.discussion.threads import thread
from parley.enrichment.services import enrich_article
from parley.stories import moderation
from parley.stories.models import Membership
from parley.stories.queries import comments_in
from parley.stories.services import place_pending
from parley.stories.tests.test_placing import RESULTS, RESULTS_AGAIN


def _together(*works):
    """Run each work on its own thread, released at once; re-raise the first failure."""
    barrier = threading.Barrier(len(works))
    errors = []

    def run(work):
        try:
            barrier.wait(timeout=30)
            work()
        except Exception as exc:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]


@pytest.mark.django_db(transaction=True)
def test_a_split_racing_a_comment_loses_nothing(make_article):
    mod = User.objects.create_user("mod")
    mod.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    reader = User.objects.create_user("reader")
    base = timezone.now() - timedelta(days=30)
    for round_ in range(3):  # eight days apart: no round's reports match another's
        first = make_article(title="Home Depot cuts its sales forecast as third-quarter sales miss", body=RESULTS,
                             published_at=base + timedelta(days=8 * round_), outlet=f"First {round_}")
        second = make_article(title="Home Depot shares fall after retailer trims its forecast", body=RESULTS_AGAIN,
                              published_at=base + timedelta(days=8 * round_, hours=2), outlet=f"Second {round_}")
        for stored in (first, second):
            enrich_article(stored)
        place_pending()
        story = Membership.objects.get(article=first).story
        assert Membership.objects.get(article=second).story == story

        text = f"Posted during the split, round {round_}"
        _together(lambda a=second: moderation.split(mod, a, "Race"),
                  lambda a=second, t=text: post_comment(reader, a, t, enforce_limits=False))

        second = Article.objects.get(pk=second.pk)
        comment = second.comments.get()
        alone = Membership.objects.get(article=second).story
        assert alone != story and Membership.objects.get(article=second).split_from == story
        assert [r.comment.pk for r in thread(second)] == [comment.pk]  # its discussion is its own now
        assert comment.pk not in [r.comment.pk for r in thread(first)]
        assert second.comment_count == 1 and comments_in(story) == 0 and comments_in(alone) == 1
