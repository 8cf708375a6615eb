"""Across processes: two workers deliver each notification once; two `parley digest` runs started
together send each reader's digest once. Real processes on the test database (SQLite or PostgreSQL)."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.accounts.models import Profile
from parley.articles.services import ArticleDraft, store_article
from parley.discussion import services
from parley.enrichment.services import enrich_articles
from parley.following.models import Digest, Event, Follow, Notification
from parley.outgoing.models import Mail
from tests.processes import run_together

DEADLINE = 120  # seconds for both processes, start to finish
REPLIES, ARTICLES, READERS = 300, 12, 600


def fresh_articles(n, symbol="BA", company="Boeing"):
    now = timezone.now()
    stored = [store_article(ArticleDraft(
        title=f"{company} story {k}", outlet="Wire", published_at=now - timedelta(minutes=k),
        paragraphs=[f"{company} (NYSE: {symbol}) said on Tuesday that deliveries rose by {k} planes."])).article
        for k in range(n)]
    enrich_articles(stored)
    return stored


@pytest.mark.django_db(transaction=True)
def test_two_workers_deliver_each_reply_mention_and_article_once(tmp_path):
    """Ensure two `parley worker --once` started together turn 300 replies (each also a mention) and
    12 fresh articles into exactly one notification each (grouped articles count 12, not 24)."""
    alice, bob, carol, dave = (User.objects.create_user(n, date_joined=timezone.now() - timedelta(days=30))
                               for n in ("alice", "bob", "carol", "dave"))
    Follow.objects.create(user=dave, kind="ticker", key="BA")
    articles = fresh_articles(ARTICLES)
    Follow.objects.create(user=dave, kind="article", key=str(articles[0].pk))
    roots = [services.post_comment(alice, articles[0], f"Point {k}.", enforce_limits=False) for k in range(REPLIES)]
    replies = [services.post_comment(bob, articles[0], f"@carol look at this, {k}", parent=root, enforce_limits=False)
               for k, root in enumerate(roots)]
    assert Event.objects.filter(done_at__isnull=True).count() == ARTICLES + 2 * REPLIES
    assert Notification.objects.count() == 0

    run_together(tmp_path, [["worker", "--once", "--processes", "1"]] * 2, deadline=DEADLINE)

    assert Event.objects.filter(done_at__isnull=True).count() == 0 and not Event.objects.exclude(error="").exists()
    reply_notes = Notification.objects.filter(user=alice, kind="reply")
    assert sorted(reply_notes.values_list("comment_id", flat=True)) == sorted(r.pk for r in replies)
    mention_notes = Notification.objects.filter(user=carol, kind="mention")
    assert sorted(mention_notes.values_list("comment_id", flat=True)) == sorted(r.pk for r in replies)
    [grouped] = Notification.objects.filter(user=dave, kind="articles")
    assert grouped.count == ARTICLES
    [discussion] = Notification.objects.filter(user=dave, kind="discussion")
    assert discussion.count == 2 * REPLIES
    assert Notification.objects.filter(user=bob).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_reader_one_mail(tmp_path):
    """Ensure two `parley digest` processes started together send each of 600 readers one digest
    (more readers than a database cursor fetches at once: an open cursor once locked SQLite), through
    the mail queue, each mail once though both send the queue."""
    fresh_articles(3)
    for n in range(READERS):
        user = User.objects.create_user(f"reader{n}", email=f"reader{n}@example.com")
        Profile.objects.update_or_create(user=user, defaults={"verified_email": user.email})
        Follow.objects.create(user=user, kind="ticker", key="BA")
    unverified = User.objects.create_user("unverified", email="unverified@example.com")
    Follow.objects.create(user=unverified, kind="ticker", key="BA")

    run_together(tmp_path, [["digest"]] * 2, deadline=DEADLINE, PARLEY_EMAIL_URL=f"file://{tmp_path / 'mail'}")
    # Both runs also send the queue (cron alone delivers), each mail once; a later `mail send` finds nothing.
    assert Mail.objects.filter(sent_at=None).count() == 0
    run_together(tmp_path, [["mail", "send"]] * 2, deadline=DEADLINE, PARLEY_EMAIL_URL=f"file://{tmp_path / 'mail'}")

    sent = [line.split(":", 1)[1].strip() for path in (tmp_path / "mail").iterdir()
            for line in path.read_text().splitlines() if line.startswith("To:")]
    assert sorted(sent) == sorted(f"reader{n}@example.com" for n in range(READERS))
    assert Digest.objects.filter(status="sent").count() == READERS
    assert Mail.objects.filter(sent_at=None).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_creating_one_readers_group_at_once_both_count(monkeypatch):
    """Ensure two workers delivering two comments of one discussion at the same moment, both about
    to create the same follower's unread group, leave one group counting both comments.

    The first delivery is held open after writing; the second then waits on the unique index and,
    when the first commits, fails and is delivered again. SQLite takes one writer at a time, so
    only PostgreSQL can meet this race."""
    import threading

    from django.db import connection

    from parley.following import events

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two deliveries never overlap there")
    bob, dave = (User.objects.create_user(n, date_joined=timezone.now() - timedelta(days=30)) for n in ("bob", "dave"))
    [article] = fresh_articles(1)
    Event.objects.all().delete()
    Follow.objects.create(user=dave, kind="article", key=str(article.pk))
    first = services.post_comment(bob, article, "One.")
    services.post_comment(bob, article, "Two.")
    one, two = Event.objects.order_by("id").values_list("id", flat=True)
    written, release = threading.Event(), threading.Event()
    real = events.HANDLERS["comment"]

    def held(event):
        count = real(event)
        if event.comment_id == first.pk:
            written.set()
            release.wait(20)  # keep the transaction open until the other delivery is waiting
        return count

    monkeypatch.setitem(events.HANDLERS, "comment", held)
    results = {}

    def deliver(pk):
        try:
            results[pk] = events.deliver_event(pk)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            results[pk] = exc
        finally:
            connection.close()

    holder = threading.Thread(target=deliver, args=(one,))
    holder.start()
    assert written.wait(20)
    second = threading.Thread(target=deliver, args=(two,))
    second.start()
    second.join(1.0)  # it is waiting on the unique index now
    release.set()
    holder.join(20)
    second.join(20)
    assert results == {one: True, two: True}
    [group] = Notification.objects.filter(user=dave, kind="discussion")
    assert group.count == 2
