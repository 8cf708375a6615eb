"""The writes of a discussion: post, edit, delete, vote, flag, moderate; counters move with them.

Each public function checks its input first (raising DiscussionError with a reader-facing message)
and then does all of its writes, counters and Most Discussed buckets included, in one transaction.
"""
import math
import unicodedata
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from parley.accounts.models import Profile
from parley.accounts.ratelimit import Limit, check_all
from parley.accounts.setup import MODERATORS
from parley.articles.models import Article
from parley.discussion import signals
from parley.discussion.conversations import record_tickers
from parley.discussion.mentions import TooManyMentions, mentions_after_edit, render_comment
from parley.discussion.models import Comment, Flag, ModerationAction, Participation, Vote
from parley.discussion.ranking import rebuild_heat, refresh_heat

MAX_COMMENT_CHARS = 10_000
# Replies deeper than this continue at this depth, so threads stay readable on a phone.
MAX_DEPTH = 6
# Edits inside this grace period fix typos silently; later ones are marked "edited".
EDIT_GRACE = timedelta(minutes=10)
# A deleted comment can be brought back by its author for this long; its text is blanked after.
UNDO_DELETE = timedelta(minutes=10)
# New accounts are where spam comes from; their limits are tighter for their first day.
NEW_ACCOUNT_AGE = timedelta(hours=24)
NEW_ACCOUNT_LIMITS = [Limit(5, 600, "5 comments per 10 minutes for new accounts"),
                      Limit(20, 86400, "20 comments a day for new accounts")]
ACCOUNT_LIMITS = [Limit(10, 60, "10 comments a minute")]
# Edits have their own budget, so fixing typos never costs a reader their next comment; each edit
# redraws the thread for everyone, and what it may add in mentions is capped over the comment's life.
EDIT_LIMITS = [Limit(10, 600, "10 edits per 10 minutes"), Limit(50, 86400, "50 edits a day")]
WILSON_Z = 1.281551565545  # 80% confidence, as Reddit's "best" sort uses


class DiscussionError(ValueError):
    """A discussion action that cannot be done, with the reason a reader should see."""


class NotAllowed(DiscussionError):
    """The reader may not do this (not theirs, not a moderator, suspended): 403 in the API."""


class Conflict(DiscussionError):
    """Already done, or the row is not in the state the action needs: 409 in the API."""


def is_moderator(user) -> bool:
    """Tell whether a user may moderate (staff, or a member of the Moderators group). Asked once per user
    object: the answer is kept on it, so a request (one request.user) asks the database at most once."""
    if not (user and user.is_authenticated):
        return False
    known = getattr(user, "_parley_moderates", None)
    if known is None:
        known = user.is_staff or user.groups.filter(name=MODERATORS).exists()
        user._parley_moderates = known
    return known


def wilson_lower_bound(up: int, down: int) -> float:
    """Return the lower bound of the Wilson score interval of the share of upvotes."""
    n = up + down
    if n == 0:
        return 0.0
    p, z = up / n, WILSON_Z
    return (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)


def _hour(when):
    return when.replace(minute=0, second=0, microsecond=0)


def _check_author(user) -> None:
    if not user or not user.is_authenticated:
        raise DiscussionError("Sign in to take part in discussions.")
    if not user.is_active:
        raise NotAllowed("This account is disabled.")
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.is_suspended:
        raise NotAllowed("Your account is suspended and cannot post, vote or flag.")


# Letters that draw nothing (fillers), and the braille blank: text made of them looks empty.
INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_visible_text(text: str) -> bool:
    """Tell whether text shows at least one character: not only spaces, zero-width and format
    characters, lone combining marks or filler letters."""
    return any(not unicodedata.category(ch).startswith(("Z", "C", "Mn", "Me")) and ch not in INVISIBLE_LETTERS
               for ch in text)


def check_post_comment(user, article: Article, text: str, parent: Comment | None) -> str:
    """Validate a new comment and return its text, stripped; raise DiscussionError otherwise."""
    _check_author(user)
    text = (text or "").strip()
    if not has_visible_text(text):
        raise DiscussionError("A comment needs at least one visible character.")
    if len(text) > MAX_COMMENT_CHARS:
        raise DiscussionError(f"A comment can be at most {MAX_COMMENT_CHARS:,} characters (this one has {len(text):,}).")
    if parent is not None:
        if parent.article_id != article.pk:
            raise DiscussionError("That reply belongs to a comment on another article.")
        if parent.is_deleted or parent.is_hidden:
            raise DiscussionError("That comment was removed; it cannot be replied to.")
    return text


def _rate_limit(user) -> None:
    new = timezone.now() - user.date_joined < NEW_ACCOUNT_AGE
    check_all([(f"comment-{n}", str(user.pk), limit) for n, limit in
               enumerate(NEW_ACCOUNT_LIMITS if new else ACCOUNT_LIMITS)])


def _count(comment: Comment, sign: int) -> None:
    """Move the article's counters and the participation bucket by one visible comment (+1 or -1)."""
    article_id, user_id = comment.article_id, comment.author_id
    hour = _hour(comment.created_at)
    if sign > 0:
        bucket, created = Participation.objects.get_or_create(
            article_id=article_id, user_id=user_id, hour=hour, defaults={"comments": 1, "last_at": comment.created_at})
        if not created:
            Participation.objects.filter(pk=bucket.pk).update(
                comments=F("comments") + 1, last_at=max(bucket.last_at, comment.created_at))
    else:
        Participation.objects.filter(article_id=article_id, user_id=user_id, hour=hour, comments__gt=0).update(
            comments=F("comments") - 1)
    visible = Comment.objects.visible().filter(article_id=article_id)
    stats = visible.aggregate(n=Count("id"), people=Count("author", distinct=True), last=Max("created_at"))
    last = stats["last"] or Article.with_conversations.values_list("published_at", flat=True).get(pk=article_id)
    Article.with_conversations.filter(pk=article_id).update(
        comment_count=stats["n"], participant_count=stats["people"], last_activity_at=last,
        discussion_version=F("discussion_version") + 1)
    refresh_heat(article_id)


@transaction.atomic
def post_comment(user, article: Article, text: str, parent: Comment | None = None, *,
                 at=None, enforce_limits: bool = True) -> Comment:
    """Post a comment (or a reply) and move the article's counters in the same transaction.

    `at` backdates the comment and `enforce_limits=False` skips rate limits: both for loading
    sample or migrated discussions, never for a reader's request.
    """
    text = check_post_comment(user, article, text, parent)
    if enforce_limits:
        _rate_limit(user)
    # Locking the article row serialises comment writes per article, so its counters stay exact.
    Article.with_conversations.select_for_update().filter(pk=article.pk).first()
    rendered = _render(text)
    comment = Comment.objects.create(
        article=article, author=user, parent=parent,
        depth=min(parent.depth + 1, MAX_DEPTH) if parent else 0,
        body_markdown=text, body_html=rendered.html, mentions=rendered.keys, created_at=at or timezone.now(),
    )
    _count(comment, +1)
    record_tickers(comment, rendered.tickers)
    signals.comment_posted.send(sender=Comment, comment=comment,  # following queues who is told
                                mentioned=[pk for pk, _ in rendered.mentioned])
    comment.unknown_mentions = rendered.unknown
    return comment


def _render(text: str):
    try:
        return render_comment(text)
    except TooManyMentions as exc:
        raise DiscussionError(str(exc)) from None


def _own_live_comment(user, comment: Comment) -> None:
    _check_author(user)
    if comment.author_id != user.pk:
        raise NotAllowed("Only the author can change this comment.")
    if comment.is_deleted:
        raise DiscussionError("This comment was deleted.")
    if comment.is_hidden:
        raise DiscussionError("This comment was hidden by a moderator.")


@transaction.atomic
def edit_comment(user, comment: Comment, text: str) -> Comment:
    """Replace a comment's text; after the grace period it shows as edited.

    Edits are limited per reader (EDIT_LIMITS, apart from the comment limits), and the names a comment
    mentions count over all its versions (at most MAX_MENTIONS): a name mentioned before is not told
    again, and no series of edits tells more readers than one comment may."""
    comment = _locked(comment)
    _own_live_comment(user, comment)
    text = (text or "").strip()
    if not has_visible_text(text):
        raise DiscussionError("A comment needs at least one visible character; delete it instead.")
    if len(text) > MAX_COMMENT_CHARS:
        raise DiscussionError(f"A comment can be at most {MAX_COMMENT_CHARS:,} characters.")
    check_all([(f"edit-{n}", str(user.pk), limit) for n, limit in enumerate(EDIT_LIMITS)])
    now = timezone.now()
    rendered = _render(text)
    try:
        comment.mentions = mentions_after_edit(comment.mentions, rendered)
    except TooManyMentions as exc:
        raise DiscussionError(str(exc)) from None
    comment.body_markdown, comment.body_html = text, rendered.html
    if now - comment.created_at > EDIT_GRACE:
        comment.edited_at = now
    comment.save(update_fields=["body_markdown", "body_html", "mentions", "edited_at"])
    record_tickers(comment, rendered.tickers)
    _touch(comment.article_id)
    signals.comment_edited.send(sender=Comment, comment=comment, mentioned=[pk for pk, _ in rendered.mentioned])
    comment.unknown_mentions = rendered.unknown
    return comment


@transaction.atomic
def delete_comment(user, comment: Comment) -> Comment:
    """Delete one's own comment, leaving a tombstone so its replies keep their place.

    Its text stays (never shown) for UNDO_DELETE, so its author can undo a slip (undelete_comment);
    purge_deleted() blanks it after."""
    comment = _locked(comment)
    _own_live_comment(user, comment)
    comment.is_deleted, comment.deleted_at = True, timezone.now()
    comment.save(update_fields=["is_deleted", "deleted_at"])
    _count(comment, -1)
    signals.comment_withdrawn.send(sender=Comment, comment=comment)
    return comment


def can_undelete(comment: Comment, now=None) -> bool:
    """Whether the comment's deletion can still be undone (by its author)."""
    return (comment.is_deleted and not comment.is_hidden and comment.deleted_at is not None
            and bool(comment.body_markdown) and (now or timezone.now()) - comment.deleted_at < UNDO_DELETE)


@transaction.atomic
def undelete_comment(user, comment: Comment) -> Comment:
    """Bring back one's own comment deleted less than UNDO_DELETE ago, as it was (its votes too).
    Readers told of it before the delete are not told again."""
    comment = _locked(comment)
    _check_author(user)
    if comment.author_id != user.pk:
        raise NotAllowed("Only the author can bring this comment back.")
    if not comment.is_deleted:
        raise Conflict("This comment is not deleted.")
    if not can_undelete(comment):
        raise DiscussionError(f"A deleted comment can be brought back for {UNDO_DELETE.seconds // 60} minutes "
                              "only; this one is gone.")
    comment.is_deleted, comment.deleted_at = False, None
    comment.save(update_fields=["is_deleted", "deleted_at"])
    _count(comment, +1)
    return comment


def recently_deleted(user, article_ids) -> list[Comment]:
    """The reader's own comments on these articles whose deletion can still be undone, newest first,
    each with `undo_until`: what their thread offers to bring back, on every view until the time is up."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    found = [c for c in Comment.objects.filter(author=user, is_deleted=True, deleted_at__gt=now - UNDO_DELETE)
             .order_by("-deleted_at") if can_undelete(c, now)]
    if found:  # `article_ids` is a function: asked only when there is something to offer
        ids = article_ids()
        found = [c for c in found if c.article_id in ids]
    for comment in found:
        comment.undo_until = comment.deleted_at + UNDO_DELETE
    return found


def purge_deleted(now=None) -> int:
    """Blank the text of comments deleted longer than UNDO_DELETE ago (the worker runs this); return how many."""
    cutoff = (now or timezone.now()) - UNDO_DELETE
    stale = Comment.objects.filter(is_deleted=True, deleted_at__lt=cutoff).exclude(body_markdown="")
    return stale.update(body_markdown="", body_html="")


def _touch(article_id: int) -> None:
    """Say the thread changed (a new cached thread is drawn); call inside the write's transaction."""
    Article.with_conversations.filter(pk=article_id).update(discussion_version=F("discussion_version") + 1)


def _locked(comment: Comment) -> Comment:
    """Return the comment as it is now, locked with its article for the rest of the transaction.

    Every write decides on this fresh row, never on one read before the lock: a double submit of
    delete or hide then finds the work done and counts nothing twice.
    """
    Article.with_conversations.select_for_update().filter(pk=comment.article_id).first()
    list(Comment.objects.select_for_update().filter(pk=comment.pk).values_list("pk"))
    comment.refresh_from_db()  # the caller's object, so what it holds is what was written
    return comment


NO_VOTE = 0


@transaction.atomic
def vote(user, comment: Comment, value: int) -> Comment:
    """Vote a comment up (+1) or down (-1), change that vote, or withdraw it (0); the comment's
    counters and best-sort score move with it."""
    _check_author(user)
    if value not in (Vote.UP, Vote.DOWN, NO_VOTE):
        raise DiscussionError("A vote is up, down or none.")
    comment = _locked(comment)
    if comment.author_id == user.pk:
        raise NotAllowed("You cannot vote on your own comment.")
    existing = Vote.objects.filter(comment=comment, voter=user).first()
    old = existing.value if existing else NO_VOTE
    if value == old:
        return comment
    if value != NO_VOTE and (comment.is_deleted or comment.is_hidden):
        raise DiscussionError("This comment was removed.")
    if value == NO_VOTE:
        existing.delete()
    elif existing:
        existing.value = value
        existing.save(update_fields=["value"])
    else:
        Vote.objects.create(comment=comment, voter=user, value=value)
    comment.upvotes += (value == Vote.UP) - (old == Vote.UP)
    comment.downvotes += (value == Vote.DOWN) - (old == Vote.DOWN)
    comment.best_score = wilson_lower_bound(comment.upvotes, comment.downvotes)
    comment.save(update_fields=["upvotes", "downvotes", "best_score"])
    _touch(comment.article_id)
    return comment


def votes_of(user, comments) -> dict[int, int]:
    """Return {comment id: +1 or -1} of the reader's own votes among these comments."""
    if not user.is_authenticated:
        return {}
    return dict(Vote.objects.filter(voter=user, comment__in=[c.pk for c in comments]).values_list("comment_id", "value"))


def flags_of(user, comments) -> set[int]:
    """Return the ids of the comments among these that the reader has flagged and the moderators
    have not yet dealt with (their Flag control then says "Flagged")."""
    if not user.is_authenticated or not comments:
        return set()
    return set(Flag.objects.filter(flagger=user, comment__in=[c.pk for c in comments], resolved_at__isnull=True)
               .values_list("comment_id", flat=True))


@transaction.atomic
def flag(user, comment: Comment, reason: str, note: str = "") -> Flag:
    """Report a comment to the moderators, once per reader."""
    _check_author(user)
    if reason not in dict(Flag.REASONS):
        raise DiscussionError("Choose a reason for the flag.")
    comment = _locked(comment)
    if comment.author_id == user.pk:
        raise NotAllowed("You cannot flag your own comment.")
    try:
        with transaction.atomic():
            created = Flag.objects.create(comment=comment, flagger=user, reason=reason, note=(note or "")[:500],
                                           text=comment.body_markdown)
    except IntegrityError:
        raise Conflict("You have already flagged this comment.") from None
    Comment.objects.filter(pk=comment.pk).update(open_flags=F("open_flags") + 1)
    return created


def _check_moderator(moderator, reason: str) -> str:
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can do that.")
    reason = (reason or "").strip()
    if not reason:
        raise DiscussionError("Say why: the moderation log is public.")
    return reason


def _resolve_flags(comment: Comment) -> None:
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=timezone.now())
    Comment.objects.filter(pk=comment.pk).update(open_flags=0)


@transaction.atomic
def hide_comment(moderator, comment: Comment, reason: str) -> ModerationAction:
    """Hide a comment from readers, resolve its flags and log why."""
    reason = _check_moderator(moderator, reason)
    comment = _locked(comment)
    if comment.is_hidden:
        raise Conflict("This comment is already hidden.")
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    if not comment.is_deleted:
        _count(comment, -1)
    signals.comment_withdrawn.send(sender=Comment, comment=comment)  # a hidden comment notifies no one
    _resolve_flags(comment)
    return ModerationAction.objects.create(moderator=moderator, action=ModerationAction.HIDE, comment=comment,
                                           target_user_id=comment.author_id, reason=reason)


@transaction.atomic
def restore_comment(moderator, comment: Comment, reason: str) -> ModerationAction:
    """Show a hidden comment again and log why."""
    reason = _check_moderator(moderator, reason)
    comment = _locked(comment)
    if not comment.is_hidden:
        raise Conflict("This comment is not hidden.")
    comment.is_hidden = False
    comment.save(update_fields=["is_hidden"])
    if not comment.is_deleted:
        _count(comment, +1)
    return ModerationAction.objects.create(moderator=moderator, action=ModerationAction.RESTORE, comment=comment,
                                           target_user_id=comment.author_id, reason=reason)


@transaction.atomic
def dismiss_flags(moderator, comment: Comment, reason: str) -> ModerationAction:
    """Resolve a comment's flags without hiding it, and log why."""
    reason = _check_moderator(moderator, reason)
    _resolve_flags(comment)
    return ModerationAction.objects.create(moderator=moderator, action=ModerationAction.DISMISS, comment=comment,
                                           target_user_id=comment.author_id, reason=reason)


@transaction.atomic
def suspend_user(moderator, user, reason: str) -> ModerationAction:
    """Stop a reader from posting, voting and flagging, and log why."""
    reason = _check_moderator(moderator, reason)
    if user.pk == moderator.pk:
        raise DiscussionError("Moderators cannot suspend themselves.")
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if profile.is_suspended:
        raise Conflict(f"{user.username} is already suspended.")
    profile.suspended_at, profile.suspended_reason = timezone.now(), reason
    profile.save(update_fields=["suspended_at", "suspended_reason"])
    signals.author_suspended.send(sender=Comment, user=user)  # their unread replies and mentions reach no one
    return ModerationAction.objects.create(moderator=moderator, action=ModerationAction.SUSPEND,
                                           target_user=user, reason=reason)


@transaction.atomic
def unsuspend_user(moderator, user, reason: str) -> ModerationAction:
    """Lift a reader's suspension and log why."""
    reason = _check_moderator(moderator, reason)
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if not profile.is_suspended:
        raise Conflict(f"{user.username} is not suspended.")
    profile.suspended_at, profile.suspended_reason = None, ""
    profile.save(update_fields=["suspended_at", "suspended_reason"])
    return ModerationAction.objects.create(moderator=moderator, action=ModerationAction.UNSUSPEND,
                                           target_user=user, reason=reason)


@transaction.atomic
def recount(article_ids=None) -> int:
    """Rebuild comment counters, participation buckets and heat from the comments; return articles fixed."""
    fixed = 0
    articles = Article.with_conversations.all()
    articles = articles if article_ids is None else articles.filter(pk__in=article_ids)
    bucket_scope = Participation.objects.all() if article_ids is None else Participation.objects.filter(
        article_id__in=article_ids)
    bucket_scope.delete()
    visible = Comment.objects.visible()
    if article_ids is not None:
        visible = visible.filter(article_id__in=article_ids)
    buckets = {}
    for article_id, user_id, created_at in visible.values_list("article_id", "author_id", "created_at").iterator():
        key = (article_id, user_id, _hour(created_at))
        n, last = buckets.get(key, (0, created_at))
        buckets[key] = (n + 1, max(last, created_at))
    Participation.objects.bulk_create(
        [Participation(article_id=a, user_id=u, hour=h, comments=n, last_at=last) for (a, u, h), (n, last) in buckets.items()],
        batch_size=2000)
    stats = {row["article_id"]: row for row in visible.values("article_id").annotate(
        n=Count("id"), people=Count("author", distinct=True), last=Max("created_at"))}
    rebuild_heat()
    for article in articles.only("id", "published_at", "comment_count", "participant_count", "last_activity_at").iterator():
        row = stats.get(article.pk, {"n": 0, "people": 0, "last": None})
        want = (row["n"], row["people"], row["last"] or article.published_at)
        if (article.comment_count, article.participant_count, article.last_activity_at) != want:
            Article.with_conversations.filter(pk=article.pk).update(
                comment_count=want[0], participant_count=want[1], last_activity_at=want[2])
            fixed += 1
    return fixed

