"""Following in headless Chromium: the follow button without script, the inbox and its unread count,
and the one-click unsubscribe from a digest's link."""
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail as outbox

from parley.accounts.models import Profile
from parley.discussion import services
from parley.enrichment.services import enrich_article
from parley.following.digest import send_due
from parley.following.events import process_events
from parley.following.models import Follow, Preferences
from tests.test_discussion_browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, name):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector(f"nav.account a.me:text('{name}')")


@pytest.fixture
def boeing(make_article):
    from django.utils import timezone

    article = make_article(title="Boeing raises its delivery goal", published_at=timezone.now(),
                           body="Boeing (NYSE: BA) raised its delivery goal on Tuesday.")
    enrich_article(article)
    return article


def test_follow_without_script_then_inbox_counts_and_marks_read(live_server, browser, boeing):
    """Ensure a reader with JavaScript off follows $BA and a discussion from their pages, sees the
    article in their feed, and reads a reply from the inbox, the header count going down."""
    User.objects.create_user("alice", password=PASSWORD)
    bob = User.objects.create_user("bob", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "alice")
        page.goto(f"{live_server.url}/t/BA/")
        page.click("form.follow button:text('Follow $BA')")
        assert page.url.endswith("/t/BA/")
        assert "You follow $BA" in page.locator(".messages").inner_text()
        assert page.locator("form.follow button").inner_text() == "Following $BA"
        page.goto(f"{live_server.url}/feed/")
        assert page.locator("ol.articles li .why").first.inner_text() == "You follow $BA"
        page.goto(live_server.url + boeing.get_absolute_url())
        page.click("form.follow button:text('Follow this discussion')")
        page.fill("#comment-text", "Ambitious goal.")
        page.click("#comment-form button[type=submit]")
        mine = page.locator("li.comment").first.get_attribute("id")

        services.post_comment(bob, boeing, "Doable, @alice.", parent=services.Comment.objects.get(pk=int(re.sub(r"\D", "", mine))))
        process_events()
        page.goto(live_server.url + "/")
        # The reply, and the article about $BA (followed before it was delivered).
        assert page.locator("a.inbox-link .count").inner_text() == "2"
        page.click("a.inbox-link")
        inbox = page.locator("ul.inbox").inner_text()
        assert "bob replied to your comment on" in inbox and "1 new article about $BA" in inbox
        page.click("ul.inbox li.unread button:text-matches('bob replied')")
        assert "/a/" in page.url and "Doable" in page.content()
        assert page.locator("a.inbox-link .count").inner_text() == "1"
        page.goto(f"{live_server.url}/inbox/")
        page.click("main form button:text('Mark all read')")
        assert page.locator("a.inbox-link .count").count() == 0
        page.goto(f"{live_server.url}/watchlist/")
        assert "$BA" in page.locator("ul.watchlist").first.inner_text()
        assert Follow.objects.filter(user__username="alice").count() == 2
    finally:
        context.close()


def test_unsubscribe_from_a_digest_link_without_signing_in(live_server, page, boeing):
    alice = User.objects.create_user("alice", email="alice@example.com", password=PASSWORD)
    Profile.objects.update_or_create(user=alice, defaults={"verified_email": alice.email})
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    assert send_due().sent == 1
    link = re.search(r"Stop digests from Parley with one click: (\S+)", outbox.outbox[0].body).group(1)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert page.locator("h1").inner_text() == "Stop e-mail from Parley?"
    page.click("main form button:text('Unsubscribe')")
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    assert Preferences.objects.get(user=alice).digest == "off"
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url)[:-4] + "dead/")
    assert page.locator("h1").inner_text() == "This link is not valid"
