"""A "new article about $BA" notification opens the article (the first new one of a group), in the
inbox and in the digest; the ticker's page, listing them all, is one more link beside a group."""
import pytest
from django.core import mail as outbox

from parley.following.digest import send_due
from parley.following.models import Follow, Notification, Preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(reader):
    alice = reader("alice", email="alice@example.com", verified=True)
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    return alice


def test_a_new_article_notification_opens_the_article(client, follower, about, deliver):
    """Ensure opening "1 new article about $BA" from the inbox leads to that article, not /t/BA/."""
    article = about("BA", title="Boeing wins an order")
    deliver()
    [note] = Notification.objects.filter(user=follower, kind=Notification.ARTICLES)
    client.force_login(follower)
    inbox = client.get("/inbox/").content.decode()
    assert "1 new article about $BA" in inbox and "see all" not in inbox
    opened = client.post(f"/inbox/{note.pk}/open")
    assert opened.status_code == 302 and opened["Location"] == article.get_absolute_url()
    assert client.get(opened["Location"]).status_code == 200


def test_a_group_of_new_articles_opens_the_first_and_links_to_them_all(client, follower, about, deliver):
    """Ensure "2 new articles about $BA" opens the first of them, and the inbox also links to $BA's
    page, where both are."""
    first = about("BA", title="Boeing wins an order", minutes_ago=5)
    deliver()
    second = about("BA", title="Boeing raises its forecast")
    deliver()
    [note] = Notification.objects.filter(user=follower, kind=Notification.ARTICLES)
    assert note.count == 2
    client.force_login(follower)
    inbox = client.get("/inbox/").content.decode()
    assert '<a class="meta" href="/t/BA/" aria-label="See all: 2 new articles about $BA">see all 2</a>' in inbox
    assert client.get(f"/inbox/{note.pk}/open")["Location"] == first.get_absolute_url()
    ticker = client.get("/t/BA/").content.decode()
    assert first.title in ticker and second.title in ticker


def test_a_mailed_new_article_notification_links_to_the_article(follower, about, deliver):
    """Ensure a reader who gets new-article notifications by mail finds, in the digest, a link to
    the article with its outlet and first line."""
    Preferences.objects.create(user=follower, articles=Preferences.EMAIL)
    article = about("BA", title="Boeing wins an order", outlet="Harbor Wire")
    deliver()
    send_due()
    [message] = outbox.outbox
    body = message.body
    section = body.split("For you\n-------\n", 1)[1].split("From what you follow", 1)[0]
    assert "* 1 new article about $BA\n  Harbor Wire · " in section
    assert "“Boeing wins an order” Boeing (NYSE: BA) said on Tuesday" in section
    assert f"http://127.0.0.1:8000{article.get_absolute_url()}" in section
