"""Twenty clients posting fifty comments each over HTTP to one article on a live server."""
import json
import threading
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import User
from django.db.models import Sum

from parley.accounts.models import ApiToken
from parley.discussion.models import Comment, Participation

CLIENTS, POSTS = 20, 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_keep_counters_exact(live_server, make_article, settings):
    """Ensure 1,000 concurrent posts are all stored, counters exact, and no 'database is locked'."""
    settings.RATE_LIMITS_ENABLED = False  # this measures the database, not the limits
    article = make_article(title="Busy thread")
    keys = [ApiToken.issue(User.objects.create_user(f"client{n}"))[1] for n in range(CLIENTS)]
    url = f"{live_server.url}/api/v1/articles/{article.pk}/comments"
    failures = []

    def client(key):
        for n in range(POSTS):
            request = urllib.request.Request(url, data=json.dumps({"text": f"post {n}"}).encode(), method="POST",
                                             headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    if response.status != 200:
                        failures.append(response.status)
            except urllib.error.HTTPError as exc:
                failures.append(f"{exc.code}: {exc.read()[:200]!r}")

    threads = [threading.Thread(target=client, args=(key,)) for key in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert failures == []
    article.refresh_from_db()
    assert Comment.objects.filter(article=article).count() == CLIENTS * POSTS
    assert (article.comment_count, article.participant_count) == (CLIENTS * POSTS, CLIENTS)
    assert Participation.objects.filter(article=article).aggregate(n=Sum("comments"))["n"] == CLIENTS * POSTS
