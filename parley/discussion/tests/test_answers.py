"""Every comment action answers where it happened, and the thread's controls show their new state:
the answer beside the comment, Flagged after a flag, Delete asking first and then offering Undo,
suspended readers shown no controls, moderators sent back to their queue. Django's test client on
the real database; the browser tests (tests/test_discussion_browser.py) check the same on screen."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.discussion.models import Comment, ModerationAction
from parley.discussion.services import UNDO_DELETE, flag, post_comment, purge_deleted, suspend_user

pytestmark = pytest.mark.django_db


def _item(html: str, pk: int) -> str:
    """The HTML of one comment's list item in a thread page."""
    start = html.index(f'id="c{pk}"')
    end = html.find('<li class="comment', start)
    return html[start:end if end > 0 else html.index("</ol>", start)]


def _top_messages(html: str) -> str:
    found = re.search(r'<ul class="messages">.*?</ul>', html, re.S)
    return found.group(0) if found else ""


def test_a_vote_answers_beside_the_comment_not_at_the_top(client, article, alice, bob):
    comment = post_comment(alice, article, "Copper will rebound")
    client.force_login(bob)
    response = client.post(f"/c/{comment.pk}/vote", {"value": "up"})
    assert response["Location"].endswith(f"#c{comment.pk}")
    html = client.get(response["Location"]).content.decode()
    assert "Vote counted." in _item(html, comment.pk) and 'role="status"' in _item(html, comment.pk)
    assert "Vote counted." not in _top_messages(html)


def test_flag_answers_beside_the_comment_and_the_control_says_flagged(client, article, alice, bob):
    comment = post_comment(alice, article, "Buy now, guaranteed 50%")
    client.force_login(bob)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<summary>Flag</summary>" in _item(html, comment.pk)
    response = client.post(f"/c/{comment.pk}/flag", {"reason": "misleading"})
    item = _item(client.get(response["Location"]).content.decode(), comment.pk)
    assert "Thanks: the moderators will look at it." in item
    assert "Flagged" in item and "<summary>Flag</summary>" not in item
    # flagging again (a second tab) is refused, beside the comment too
    response = client.post(f"/c/{comment.pk}/flag", {"reason": "spam"})
    assert "already flagged" in _item(client.get(response["Location"]).content.decode(), comment.pk)


def test_unknown_mention_warning_is_beside_the_new_comment(client, article, alice):
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "Ask @nobody_here about it"})
    comment = Comment.objects.get()
    assert "No reader is called @nobody_here" in _item(client.get(response["Location"]).content.decode(), comment.pk)


def test_delete_asks_first_then_offers_undo_and_undo_brings_it_back(client, article, alice, bob):
    comment = post_comment(alice, article, "A slip of the finger")
    post_comment(bob, article, "Another view")
    client.force_login(alice)
    item = _item(client.get(article.get_absolute_url()).content.decode(), comment.pk)
    assert "<summary>Delete</summary>" in item and "Delete this comment?" in item  # a confirmation first
    response = client.post(f"/c/{comment.pk}/delete")
    assert response["Location"].endswith("#discussion")
    html = client.get(response["Location"]).content.decode()
    assert "Comment deleted." in html and f"/c/{comment.pk}/undelete" in html
    assert "A slip of the finger" not in html[html.index('<ol class="thread">'):]
    # the offer stays on every later view of the discussion while it lasts, for its author only
    html = client.get(article.get_absolute_url() + "?sort=newest").content.decode()
    assert "You deleted your comment “A slip of the finger”" in html and f"/c/{comment.pk}/undelete" in html
    client.force_login(bob)
    assert f"/c/{comment.pk}/undelete" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(alice)
    article.refresh_from_db()
    assert article.comment_count == 1
    response = client.post(f"/c/{comment.pk}/undelete")
    html = client.get(response["Location"]).content.decode()
    assert "A slip of the finger" in _item(html, comment.pk) and "Comment restored." in _item(html, comment.pk)
    article.refresh_from_db()
    assert article.comment_count == 2


def test_undo_ends_after_its_time_and_the_text_is_then_purged(client, article, alice, bob):
    comment = post_comment(alice, article, "Gone for good")
    client.force_login(alice)
    client.post(f"/c/{comment.pk}/delete")
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now() - UNDO_DELETE - timedelta(seconds=1))
    response = client.post(f"/c/{comment.pk}/undelete")
    html = client.get(response["Location"]).content.decode()
    assert "can be brought back for 10 minutes only" in html
    assert purge_deleted() == 1
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body_markdown == "" and comment.body_html == ""
    # only its author can undo, and never someone else's
    other = post_comment(bob, article, "Bob's")
    client.force_login(bob)
    client.post(f"/c/{other.pk}/delete")
    client.force_login(alice)
    client.post(f"/c/{other.pk}/undelete")
    assert Comment.objects.get(pk=other.pk).is_deleted


def test_a_suspended_reader_sees_no_controls_they_cannot_use(client, article, alice, bob, moderator):
    comment = post_comment(alice, article, "Something to reply to")
    suspend_user(moderator, bob, "Spam links")
    client.force_login(bob)
    html = client.get(article.get_absolute_url()).content.decode()
    item = _item(html, comment.pk)
    assert "account is suspended" in html
    assert "Reply" not in item and "/vote" not in item and "Flag" not in item


def test_a_hidden_comment_offers_one_restore_with_a_labelled_reason(client, article, alice, moderator):
    from parley.discussion.services import hide_comment
    comment = post_comment(alice, article, "Rude words")
    hide_comment(moderator, comment, "Abuse")
    client.force_login(moderator)
    item = _item(client.get(article.get_absolute_url()).content.decode(), comment.pk)
    assert item.count("<summary>Restore</summary>") == 1
    assert f'<label for="restore-reason-{comment.pk}">' in item and f'id="restore-reason-{comment.pk}"' in item


def test_queue_keeps_the_flagged_text_and_moderators_go_back_to_it(client, article, alice, bob, moderator):
    comment = post_comment(alice, article, "Original rude words")
    flag(bob, comment, "abuse")
    Comment.objects.filter(pk=comment.pk).update(body_markdown="Polite now", body_html="<p>Polite now</p>")
    client.force_login(moderator)
    html = client.get("/moderation/queue").content.decode()
    assert "Edited after it was flagged" in html and "Original rude words" in html and "Polite now" in html
    assert f'<label for="hide-{comment.pk}">' in html and f'<label for="dismiss-{comment.pk}">' in html
    response = client.post(f"/moderation/c/{comment.pk}/hide", {"reason": "Was abusive", "next": "/moderation/queue"})
    assert response["Location"] == "/moderation/queue"
    html = client.get("/moderation/queue").content.decode()
    assert "Hidden; it is in the moderation log." in html and "Nothing is flagged." in html
    # `next` never leaves the site
    other = post_comment(alice, article, "Another")
    flag(bob, other, "spam")
    response = client.post(f"/moderation/c/{other.pk}/dismiss", {"reason": "Fine", "next": "https://evil.example/"})
    assert response["Location"].endswith(f"#c{other.pk}")


def test_the_log_names_who_acted_and_on_whom(client, article, alice, bob, moderator):
    comment = post_comment(alice, article, "Rude words")
    from parley.discussion.services import hide_comment
    hide_comment(moderator, comment, "Abuse")
    suspend_user(moderator, bob, "Spam links")
    html = client.get("/moderation/log").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "mod suspended bob." in text and "Why: Spam links" in text
    assert "mod hid a comment by alice on Copper slips as stocks climb." in text
    assert "by bob" not in text  # the suspended reader never reads as the one who acted
    assert ModerationAction.objects.count() == 2


def test_a_permalink_to_a_removed_comment_says_why_it_is_not_there(client, article, alice, bob, moderator):
    from parley.discussion.services import hide_comment
    comment = post_comment(alice, article, "Rude words")
    hide_comment(moderator, comment, "Abuse")
    client.force_login(bob)
    response = client.get(f"/c/{comment.pk}")
    assert response["Location"].endswith("#discussion")
    assert "removed by a moderator" in client.get(response["Location"]).content.decode()
    client.force_login(moderator)  # a moderator still lands on it
    assert client.get(f"/c/{comment.pk}")["Location"].endswith(f"#c{comment.pk}")


def test_suspending_from_a_profile_asks_for_a_labelled_reason_and_says_who(client, bob, moderator):
    client.force_login(moderator)
    html = client.get("/u/bob/").content.decode()
    assert "<summary>Suspend bob…</summary>" in html and '<label for="suspend-reason">' in html
    response = client.post("/moderation/u/bob/suspend", {"reason": "Spam links"})
    html = client.get(response["Location"]).content.decode()
    assert "Suspended bob; it is in the moderation log." in html and "suspended</strong>: Spam links" in html


def test_parley_moderator_makes_lists_and_removes_moderators(bob):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from parley.discussion.services import is_moderator
    out = StringIO()
    call_command("moderator", "bob", stdout=out)
    assert "bob is a moderator" in out.getvalue()
    bob.refresh_from_db()
    assert is_moderator(bob)
    call_command("moderator", stdout=out)
    assert "Moderators: bob" in out.getvalue()
    call_command("moderator", "bob", "--remove", stdout=out)
    bob = type(bob).objects.get(pk=bob.pk)
    assert not is_moderator(bob)
    with pytest.raises(CommandError, match="No reader is called 'nobody'"):
        call_command("moderator", "nobody")


def test_signing_up_from_a_discussion_comes_back_to_it_and_says_so(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    signup = f"/accounts/signup/?next={article.get_absolute_url()}"
    assert signup in html
    response = client.post(signup, {"username": "newbie", "password1": "correct-horse-battery-42",
                                     "password2": "correct-horse-battery-42"})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert "Welcome, newbie: you are signed in." in client.get(response["Location"]).content.decode()


def test_feeds_are_links_a_reader_can_see_and_previews_name_a_reply(client, article, alice):
    html = client.get("/t/BA/").content.decode()
    assert '<a href="/t/BA/feed.rss">RSS</a> · <a href="/t/BA/feed.atom">Atom</a>' in html
    outlet = client.get(article.outlet.get_absolute_url()).content.decode()
    assert "feed.atom\">Atom</a>" in outlet
    parent = post_comment(alice, article, "Top")
    client.force_login(alice)
    html = client.post(f"/a/{article.pk}/comments", {"text": "Re", "parent": parent.pk, "preview": "1"}).content.decode()
    assert "<h1>Preview of your reply</h1>" in html and ">Post reply</button>" in html


def test_a_refused_delete_is_told_beside_the_comment(client, article, alice, bob):
    comment = post_comment(alice, article, "Alice's words")
    client.force_login(bob)
    response = client.post(f"/c/{comment.pk}/delete")
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert "Only the author can change this comment." in _item(client.get(response["Location"]).content.decode(), comment.pk)
