"""Discussion pages and form actions through Django's test client on the real database."""
import re
import xml.etree.ElementTree as ET

import pytest

from parley.discussion.models import Comment, ModerationAction
from parley.discussion.services import post_comment

pytestmark = pytest.mark.django_db


def test_anonymous_sees_prompt_and_reminder_not_form(client, article, alice):
    """Ensure an anonymous reader sees the comments, a sign-in prompt and the not-advice reminder."""
    post_comment(alice, article, "Visible to all")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Visible to all" in html and "Sign in</a> or" in html
    assert "not investment advice" in html and 'href="#disclaimer"' in html
    assert 'id="comment-form"' not in html


def test_form_posts_comment_and_reply(client, article, alice):
    """Ensure the no-JavaScript forms post a comment and a reply and land on them."""
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "Top level"})
    top = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#c{top.pk}")
    client.post(f"/a/{article.pk}/comments", {"text": "A reply", "parent": top.pk})
    reply = Comment.objects.get(parent=top)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'id="c{reply.pk}"' in html and "comment depth-1" in html


def test_refused_comment_keeps_the_text(client, article, alice):
    """Ensure a refused comment shows the reason and the reader's text to try again."""
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "x" * 10_001})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 10,000 characters" in html and "x" * 100 in html


def test_anonymous_post_goes_to_sign_in(client, article):
    """Ensure an anonymous POST stores nothing and is sent to sign in."""
    response = client.post(f"/a/{article.pk}/comments", {"text": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_missing_csrf_token_is_refused(article, alice):
    """Ensure a POST without the CSRF token is refused and stores nothing."""
    from django.test import Client
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/a/{article.pk}/comments", {"text": "Forged"}).status_code == 403
    assert not Comment.objects.exists()


def test_rate_limited_post_is_429_with_retry_after(client, article, reader):
    """Ensure the sixth comment in ten minutes from a new account gets a 429 page with Retry-After."""
    from django.utils import timezone
    newcomer = reader("fresh")
    newcomer.date_joined = timezone.now()
    newcomer.save()
    client.force_login(newcomer)
    for n in range(5):
        client.post(f"/a/{article.pk}/comments", {"text": f"Comment {n}"})
    response = client.post(f"/a/{article.pk}/comments", {"text": "Sixth <b>thoughts</b> on copper"},
                           HTTP_REFERER=f"http://testserver{article.get_absolute_url()}")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "5 comments per 10 minutes" in html
    # What the reader typed comes back (escaped), with a way back to the article.
    assert "Sixth &lt;b&gt;thoughts&lt;/b&gt; on copper</textarea>" in html
    assert f'href="http://testserver{article.get_absolute_url()}"' in html
    off_site = client.post(f"/a/{article.pk}/comments", {"text": "Seventh"}, HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in off_site.content.decode() and "Seventh</textarea>" in off_site.content.decode()


def test_a_vote_is_shown_changed_and_withdrawn(client, article, alice, bob):
    """Ensure the page shows the reader's own vote, a second click on it withdraws it, and the other
    button changes it, each counted once."""
    comment = post_comment(alice, article, "Vote")
    client.force_login(bob)
    client.post(f"/c/{comment.pk}/vote", {"value": "up"})
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Withdraw your up vote" in page and 'aria-pressed="true"' in page
    client.post(f"/c/{comment.pk}/vote", {"value": "down"})
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    client.post(f"/c/{comment.pk}/vote", {"value": "none"})
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    assert client.post(f"/c/{comment.pk}/vote", {"value": "sideways"}).status_code == 400


def test_queue_is_for_moderators_only(client, alice, moderator, article, bob):
    """Ensure readers get 403 on the queue and moderators see flagged comments."""
    from parley.discussion.services import flag
    comment = post_comment(alice, article, "Buy my course")
    flag(bob, comment, "spam")
    client.force_login(bob)
    assert client.get("/moderation/queue").status_code == 403
    client.force_login(moderator)
    assert "Buy my course" in client.get("/moderation/queue").content.decode()


def test_moderator_hides_through_form_and_log_is_public(client, article, alice, moderator):
    """Ensure a moderator hides a comment with a reason and anyone can read it in the log."""
    comment = post_comment(alice, article, "Rude words")
    client.force_login(moderator)
    client.post(f"/moderation/c/{comment.pk}/hide", {"reason": "Insults"})
    assert ModerationAction.objects.filter(action="hide", comment=comment).exists()
    client.logout()
    log = client.get("/moderation/log").content.decode()
    assert "Insults" in log and "mod" in log
    assert "Rude words" not in client.get(article.get_absolute_url()).content.decode()


def test_most_discussed_page_and_box(client, article, alice, bob):
    """Ensure the ranking shows on its page and in the box, with its explanation."""
    post_comment(alice, article, "One")
    post_comment(bob, article, "Two")
    for url in ("/most-discussed", "/most-discussed?window=7d", "/"):
        html = client.get(url).content.decode()
        assert article.title in html and "2 comments from 2 people" in html


@pytest.mark.parametrize("url", ["/most-discussed/feed.rss", "/most-discussed/feed.atom?window=7d"])
def test_most_discussed_feeds(client, article, alice, url):
    """Ensure the RSS and Atom feeds are well-formed and list the discussed article."""
    post_comment(alice, article, "Feed me")
    body = client.get(url).content
    ET.fromstring(body)
    assert article.title.encode() in body


def test_active_lists_latest_discussion_first(client, make_article, alice):
    """Ensure Active lists discussed articles only, latest comment first."""
    make_article(title="Quiet")
    first, second = make_article(title="First"), make_article(title="Second")
    post_comment(alice, first, "a")
    post_comment(alice, second, "b")
    html = client.get("/active").content.decode()
    listing = html[html.index("<main"):]
    assert listing.index("Second") < listing.index("First") and "Quiet" not in listing


def test_sign_up_then_profile_lists_comments(client, article):
    """Ensure signing up logs the reader in and their profile lists their comments."""
    response = client.post("/accounts/signup/", {"username": "newbie", "password1": "long-enough-pass-42",
                                                 "password2": "long-enough-pass-42"})
    assert response.status_code == 302
    client.post(f"/a/{article.pk}/comments", {"text": "My first"})
    assert "My first" in client.get("/u/newbie/").content.decode()


def test_login_limited_per_account(client, alice):
    """Ensure the fifth sign-in attempt in a minute for one account gets a 429, each from its own address
    (so the per-address limit cannot be what refuses it)."""
    for n in range(4):
        assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"},
                           REMOTE_ADDR=f"203.0.113.{n}").status_code == 200
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60


def test_passwords_hashed_with_argon2(client):
    """Ensure new passwords are stored as Argon2 hashes."""
    from django.contrib.auth.models import User
    client.post("/accounts/signup/", {"username": "hashme", "password1": "long-enough-pass-42",
                                      "password2": "long-enough-pass-42"})
    assert User.objects.get(username="hashme").password.startswith("argon2")


def test_password_reset_sends_mail(client, mailoutbox, alice):
    """Ensure a reset request mails a link that opens the new-password form."""
    alice.email = "alice@example.com"
    alice.set_password("an-old-password-77")  # Django mails no link to accounts without a usable password
    alice.save()
    alice.profile.verified_email = alice.email  # and Parley none to an address not confirmed
    alice.profile.save()
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    assert "new password" in client.get(link, follow=True).content.decode().lower()


@pytest.mark.parametrize("parent", ["abc", "-1", "1e9", "99999999999999999999999", "１２"])
def test_a_malformed_parent_is_refused_not_a_server_error(client, article, alice, parent):
    """Ensure a reply to a parent that is not a comment id gets the refusal page with the text kept, never a 500."""
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "Kept words", "parent": parent})
    assert response.status_code == 400 and "does not exist" in response.content.decode()
    assert "Kept words" in response.content.decode()


@pytest.mark.parametrize("path", ["/moderation/c/{pk}/explode", "/moderation/u/alice/explode"])
def test_an_unknown_moderation_action_is_404(client, article, alice, moderator, path):
    """Ensure an action that does not exist is a 404 for readers and moderators alike, never a 500."""
    from parley.discussion.services import post_comment
    comment = post_comment(alice, article, "A comment")
    for who in (alice, moderator):
        client.force_login(who)
        assert client.post(path.format(pk=comment.pk), {"reason": "x"}).status_code == 404


def test_a_hidden_comment_stays_visible_to_moderators_with_restore(client, article, alice, moderator):
    """Ensure a hidden comment with no replies is gone for readers but shown to moderators with a
    Restore control, and restoring it from there brings it back."""
    from parley.discussion.services import hide_comment
    comment = post_comment(alice, article, "Borderline words")
    hide_comment(moderator, comment, "Off topic")
    assert "Borderline words" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert "Borderline words" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(moderator)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Borderline words" in page and f"/moderation/c/{comment.pk}/restore" in page
    client.post(f"/moderation/c/{comment.pk}/restore", {"reason": "On reflection, fine"})
    client.force_login(alice)  # a signed-in page is never the cached anonymous one
    assert "Borderline words" in client.get(article.get_absolute_url()).content.decode()


def test_a_suspended_reader_sees_why_instead_of_the_form(client, article, alice, moderator):
    """Ensure a suspended reader gets the moderators' reason where the comment form would be."""
    from parley.discussion.services import suspend_user
    suspend_user(moderator, alice, "Spam links, three times")
    client.force_login(alice)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your account is suspended" in page and "Spam links, three times" in page
    assert 'id="comment-form"' not in page


def test_the_queue_is_paged(client, article, reader, moderator, monkeypatch):
    """Ensure the moderation queue shows every flagged comment across pages, most flagged first."""
    from parley.discussion import views
    from parley.discussion.services import flag
    monkeypatch.setattr(views, "QUEUE_SIZE", 2)
    author, flaggers = reader("author"), [reader(f"f{n}") for n in range(3)]
    comments = [post_comment(author, article, f"Flag me {n}") for n in range(3)]
    for n, comment in enumerate(comments):
        for who in flaggers[:n + 1]:
            flag(who, comment, "spam")
    client.force_login(moderator)
    first, second = client.get("/moderation/queue").content.decode(), client.get("/moderation/queue?page=2").content.decode()
    assert "Flag me 2" in first and "Flag me 1" in first and "Flag me 0" not in first
    assert "Flag me 0" in second and "3 flagged comments" in first


def test_discussion_admin_pages_open_for_staff(admin_client, article, alice):
    """Ensure comments, flags and moderation actions have admin lists (read-mostly)."""
    post_comment(alice, article, "In the admin")
    for model in ("comment", "flag", "moderationaction"):
        assert admin_client.get(f"/admin/discussion/{model}/").status_code == 200


def test_the_cached_thread_is_redrawn_after_every_kind_of_write(client, article, alice, bob, moderator):
    """Ensure a thread drawn once (and cached) shows each later vote, edit, reply, hide and delete."""
    from parley.discussion import services
    comment = post_comment(alice, article, "First words")
    client.force_login(bob)

    def page():
        article.refresh_from_db()
        return client.get(article.get_absolute_url()).content.decode()

    assert "▲ 0 ▼ 0" in page()
    services.vote(bob, comment, 1)
    assert "▲ 1 ▼ 0" in page()
    services.edit_comment(alice, comment, "Second words")
    assert "Second words" in page() and "First words" not in page()
    post_comment(bob, article, "A reply", comment)
    assert "A reply" in page()
    services.hide_comment(moderator, comment, "Off topic")
    assert "Second words" not in page() and "[removed by a moderator]" in page()


def test_long_thread_is_paged_by_top_level_comment(client, article, alice, bob, settings):
    """Ensure a long thread shows THREAD_PAGE_SIZE top-level comments per page, each with its replies,
    and permalinks, replies and odd page numbers all land on the page that shows the comment."""
    from parley.discussion.threads import THREAD_PAGE_SIZE

    settings.RATE_LIMITS_ENABLED = False
    tops = [post_comment(alice, article, f"Top comment number {n}") for n in range(THREAD_PAGE_SIZE * 2 + 3)]
    # "oldest" first is the order of posting; "best" with no votes is too (ties break by time).
    reply = post_comment(bob, article, "A reply on the second page", tops[THREAD_PAGE_SIZE + 1])
    url = article.get_absolute_url()

    first = client.get(url).content.decode()
    assert first.count('class="comment depth-0') == THREAD_PAGE_SIZE
    assert f'id="c{tops[0].pk}"' in first and f'id="c{tops[THREAD_PAGE_SIZE].pk}"' not in first
    assert "Page 1 of 3" in first and "cpage=2" in first and 'rel="prev"' not in first

    second = client.get(url + "?cpage=2").content.decode()
    assert second.count('class="comment depth-0') == THREAD_PAGE_SIZE
    assert f'id="c{reply.pk}"' in second and f'id="c{tops[THREAD_PAGE_SIZE].pk}"' in second
    assert 'rel="prev"' in second and 'rel="next"' in second

    last = client.get(url + "?cpage=3").content.decode()
    assert last.count('class="comment depth-0') == 3 and 'rel="next"' not in last
    for odd in ("abc", "0", "-4", "99999999999999999999"):  # clamped to a real page, never an error
        assert client.get(url, {"cpage": odd}).status_code == 200
    assert "Page 3 of 3" in client.get(url, {"cpage": "99"}).content.decode()

    # The permalink and the redirect after a reply both find the comment's page.
    assert client.get(reply.get_absolute_url())["Location"] == f"{url}?cpage=2#c{reply.pk}"
    assert client.get(tops[0].get_absolute_url())["Location"] == f"{url}#c{tops[0].pk}"
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "Another reply", "parent": tops[-1].pk})
    newest = Comment.objects.latest("pk")
    assert response["Location"] == f"{url}?cpage=3#c{newest.pk}"
    assert client.get("/c/999999").status_code == 404


def test_thread_forms_carry_a_working_csrf_token_and_anonymous_pages_set_no_cookie(article, alice, bob):
    """Ensure every form in a signed-in thread carries the CSRF token (drawn once per page) and it is
    accepted by a client that enforces CSRF; an anonymous reader gets no CSRF cookie (pages stay cacheable)."""
    from django.test import Client

    top = post_comment(alice, article, "First")
    anonymous = Client().get(article.get_absolute_url())
    assert "csrftoken" not in anonymous.cookies and "csrfmiddlewaretoken" not in anonymous.content.decode()

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    page = browser.get(article.get_absolute_url()).content.decode()
    html = page[page.index('id="discussion"'):]
    html = html[:html.index("</section>")]
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == html.count("<form method=\"post\"") >= 4 and len(set(tokens)) == 1
    assert f'action="/c/{top.pk}/vote"' in html and f'action="/a/{article.pk}/comments"' in html
    assert browser.post(f"/c/{top.pk}/vote", {"value": "up"}).status_code == 403  # no token: refused
    assert browser.post(f"/c/{top.pk}/vote", {"value": "up", "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert Comment.objects.get(pk=top.pk).upvotes == 1
