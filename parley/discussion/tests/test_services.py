"""Discussion services on the real database: comments, counters, votes, flags, moderation, limits."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.accounts.ratelimit import RateLimited
from parley.discussion import services
from parley.discussion.models import Comment, Flag, ModerationAction, Participation
from parley.discussion.services import DiscussionError, post_comment
from parley.discussion.threads import thread

pytestmark = pytest.mark.django_db


def counters(article):
    article.refresh_from_db()
    return article.comment_count, article.participant_count


def test_post_moves_counters(article, alice, bob):
    """Ensure each visible comment and each distinct participant is counted on the article."""
    post_comment(alice, article, "First")
    post_comment(alice, article, "Second")
    last = post_comment(bob, article, "Third")
    assert counters(article) == (3, 2)
    assert article.last_activity_at == last.created_at


@pytest.mark.parametrize("text, message", [
    ("", "at least one visible character"), ("   \n ", "at least one visible character"),
    ("\u200b\u200b\u200b", "at least one visible character"), ("\u3164\u2800 \u200d", "at least one visible character"),
    ("\u0301\u0301", "at least one visible character"), ("\ufeff\u2060\u00ad", "at least one visible character"), ("x" * 10_001, "at most 10,000 characters"),
])
def test_bad_text_is_refused(article, alice, text, message):
    """Ensure empty and over-long comments are refused and nothing is stored."""
    with pytest.raises(DiscussionError, match=message):
        post_comment(alice, article, text)
    assert not Comment.objects.exists() and counters(article) == (0, 0)


def test_anonymous_is_refused(article):
    """Ensure an anonymous reader cannot post."""
    from django.contrib.auth.models import AnonymousUser
    with pytest.raises(DiscussionError, match="Sign in"):
        post_comment(AnonymousUser(), article, "Hello")


def test_parent_from_another_article_is_refused(article, make_article, alice):
    """Ensure a reply cannot point at a comment on another article."""
    elsewhere = post_comment(alice, make_article(title="Other"), "Elsewhere")
    with pytest.raises(DiscussionError, match="another article"):
        post_comment(alice, article, "Reply", elsewhere)


def test_reply_to_deleted_comment_is_refused(article, alice, bob):
    """Ensure nobody can reply to a deleted comment."""
    gone = post_comment(alice, article, "Soon gone")
    services.delete_comment(alice, gone)
    with pytest.raises(DiscussionError, match="removed"):
        post_comment(bob, article, "Reply", gone)


def test_markdown_is_rendered_safely(article, alice):
    """Ensure Markdown renders, raw HTML is escaped and links are nofollow ugc."""
    comment = post_comment(alice, article, "**bold** <script>alert(1)</script> [x](https://example.com) [y](javascript:alert(2))")
    html = comment.body_html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'rel="nofollow ugc noopener"' in html and 'href="javascript' not in html


def test_replies_beyond_depth_limit_continue_flat(article, alice, bob):
    """Ensure reply depth stops growing at MAX_DEPTH."""
    parent = None
    for n in range(services.MAX_DEPTH + 3):
        parent = post_comment(alice if n % 2 else bob, article, f"Level {n}", parent)
    assert parent.depth == services.MAX_DEPTH
    assert [row.depth for row in thread(article, "oldest")][-3:] == [services.MAX_DEPTH] * 3


def test_edit_inside_grace_period_is_silent(article, alice):
    """Ensure a quick fix does not mark the comment as edited, and the text is re-rendered."""
    comment = services.edit_comment(alice, post_comment(alice, article, "Teh"), "The *fix*")
    assert comment.edited_at is None and "<em>fix</em>" in comment.body_html


def test_edit_after_grace_period_shows_edited(article, alice):
    """Ensure an edit after ten minutes marks the comment as edited."""
    comment = post_comment(alice, article, "Old", at=timezone.now() - timedelta(minutes=11), enforce_limits=False)
    assert services.edit_comment(alice, comment, "New").edited_at is not None


def test_only_author_edits_and_deletes(article, alice, bob):
    """Ensure another reader cannot edit or delete a comment."""
    comment = post_comment(alice, article, "Mine")
    with pytest.raises(DiscussionError, match="Only the author"):
        services.edit_comment(bob, comment, "Yours")
    with pytest.raises(DiscussionError, match="Only the author"):
        services.delete_comment(bob, comment)


def test_delete_leaves_tombstone_only_where_replies_live(article, alice, bob):
    """Ensure a deleted comment with replies stays as a tombstone and one without disappears."""
    parent = post_comment(alice, article, "Parent")
    post_comment(bob, article, "Reply", parent)
    lonely = post_comment(alice, article, "Lonely")
    services.delete_comment(alice, parent)
    services.delete_comment(alice, lonely)
    rows = thread(article, "oldest")
    assert [(r.comment.pk, r.removed) for r in rows] == [(parent.pk, True), (rows[1].comment.pk, False)]
    assert counters(article) == (1, 1)


def test_one_vote_per_reader_changed_or_withdrawn_never_own(article, alice, bob):
    """Ensure a reader holds one vote per comment, which a second vote changes and 0 withdraws,
    repeating it changes nothing, and nobody votes on their own comment."""
    comment = post_comment(alice, article, "Vote me")
    services.vote(bob, comment, 1)
    services.vote(bob, comment, 1)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (1, 0) and comment.best_score > 0
    services.vote(bob, comment, -1)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    services.vote(bob, comment, 0)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, comment.best_score) == (0, 0, 0)
    with pytest.raises(DiscussionError, match="own comment"):
        services.vote(alice, comment, 1)


def test_best_sort_uses_wilson_lower_bound(article, reader, alice):
    """Ensure 10 up / 1 down outranks 1 up / 0 down under the best sort."""
    many, one = post_comment(alice, article, "Many votes"), post_comment(alice, article, "One vote")
    voters = [reader(f"v{n}") for n in range(11)]
    for n, voter in enumerate(voters[:10]):
        services.vote(voter, many, 1 if n else -1)
    services.vote(voters[10], one, 1)
    assert [r.comment.pk for r in thread(article, "best")][:2] == [many.pk, one.pk]
    assert services.wilson_lower_bound(1, 0) < services.wilson_lower_bound(9, 1)


def test_flag_once_and_moderator_hides(article, alice, bob, moderator):
    """Ensure flags are counted once per reader and hiding resolves them, lowers counters and logs."""
    comment = post_comment(alice, article, "Spam spam")
    services.flag(bob, comment, "spam")
    with pytest.raises(DiscussionError, match="already flagged"):
        services.flag(bob, comment, "abuse")
    comment.refresh_from_db()
    assert comment.open_flags == 1
    services.hide_comment(moderator, comment, "Advertising")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.open_flags == 0
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert counters(article) == (0, 0)
    entry = ModerationAction.objects.get()
    assert (entry.moderator, entry.action, entry.reason) == (moderator, "hide", "Advertising")


def test_restore_brings_comment_back(article, alice, moderator):
    """Ensure restoring a hidden comment counts it again."""
    comment = post_comment(alice, article, "Back soon")
    services.hide_comment(moderator, comment, "Checking")
    services.restore_comment(moderator, comment, "It was fine")
    assert counters(article) == (1, 1)


def test_moderation_needs_moderator_and_reason(article, alice, bob, moderator):
    """Ensure readers cannot moderate and moderators must give a reason."""
    comment = post_comment(alice, article, "Hmm")
    with pytest.raises(DiscussionError, match="Only moderators"):
        services.hide_comment(bob, comment, "Because")
    with pytest.raises(DiscussionError, match="Say why"):
        services.hide_comment(moderator, comment, "  ")


def test_suspended_reader_cannot_post_vote_or_flag(article, alice, bob, moderator):
    """Ensure a suspension stops posting, voting and flagging until it is lifted."""
    comment = post_comment(alice, article, "Hi")
    services.suspend_user(moderator, bob, "Repeated abuse")
    for action in (lambda: post_comment(bob, article, "Let me in"), lambda: services.vote(bob, comment, 1),
                   lambda: services.flag(bob, comment, "spam")):
        with pytest.raises(DiscussionError, match="suspended"):
            action()
    services.unsuspend_user(moderator, bob, "Appeal accepted")
    post_comment(bob, article, "Thanks")
    assert [a.action for a in ModerationAction.objects.order_by("id")] == ["suspend", "unsuspend"]


def test_new_account_limit(article, reader):
    """Ensure an account younger than a day posts at most 5 comments in 10 minutes."""
    newcomer = reader("newcomer")
    newcomer.date_joined = timezone.now()
    newcomer.save()
    for n in range(5):
        post_comment(newcomer, article, f"Comment {n}")
    with pytest.raises(RateLimited) as caught:
        post_comment(newcomer, article, "One too many")
    assert 0 < caught.value.retry_after <= 600
    assert Comment.objects.count() == 5


def test_established_account_limit(article, alice):
    """Ensure an established account posts at most 10 comments a minute."""
    for n in range(10):
        post_comment(alice, article, f"Comment {n}")
    with pytest.raises(RateLimited):
        post_comment(alice, article, "Eleven")


def test_edits_are_limited(article, alice):
    """Ensure a reader edits at most 10 times in 10 minutes (edits were unlimited: one comment was
    edited 99 times in 225 s), the refused edit changes nothing, and posting keeps its own budget."""
    comment = post_comment(alice, article, "Version 0")
    for n in range(1, 11):
        services.edit_comment(alice, comment, f"Version {n}")
    with pytest.raises(RateLimited) as caught:
        services.edit_comment(alice, comment, "Version 11")
    assert 0 < caught.value.retry_after <= 600
    comment.refresh_from_db()
    assert comment.body_markdown == "Version 10"
    post_comment(alice, article, "A new comment is still allowed")


def test_participation_buckets_follow_visibility(article, alice, bob):
    """Ensure buckets count visible comments only, as deletes happen."""
    kept = post_comment(alice, article, "Kept")
    gone = post_comment(bob, article, "Gone")
    services.delete_comment(bob, gone)
    assert {(p.user_id, p.comments) for p in Participation.objects.all()} == {(alice.pk, 1), (bob.pk, 0)}
    assert kept.pk


def test_recount_repairs_counters_and_buckets(article, alice, bob):
    """Ensure `recount` restores exact counters and buckets after they were corrupted."""
    post_comment(alice, article, "One")
    post_comment(bob, article, "Two")
    type(article).objects.filter(pk=article.pk).update(comment_count=99, participant_count=0)
    Participation.objects.all().delete()
    assert services.recount() == 1
    assert counters(article) == (2, 2)
    assert sum(Participation.objects.values_list("comments", flat=True)) == 2


def test_a_double_submit_is_decided_on_the_row_as_it_is_now(article, alice, bob, moderator):
    """Ensure two requests that loaded a comment before either wrote (a double submit) count once:
    the second delete and the second hide find the work done, and the counters move once."""
    post_comment(bob, article, "Stays")
    goes, hidden = post_comment(alice, article, "Goes"), post_comment(alice, article, "Hidden")
    first, second = Comment.objects.get(pk=goes.pk), Comment.objects.get(pk=goes.pk)
    services.delete_comment(alice, first)
    with pytest.raises(DiscussionError):
        services.delete_comment(alice, second)
    first, second = Comment.objects.get(pk=hidden.pk), Comment.objects.get(pk=hidden.pk)
    services.hide_comment(moderator, first, "Off topic")
    with pytest.raises(DiscussionError, match="already hidden"):
        services.hide_comment(moderator, second, "Off topic")
    assert counters(article) == (1, 1)
