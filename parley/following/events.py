"""The outbox: changes write an Event in their own transaction; workers turn events into
notifications in the background, each event exactly once.

Design: fan-out on write, grouped. A comment notifies its parent's author, the readers it mentions
and the readers who follow its discussion; an article notifies the followers of its tickers and
people. Each is one set-based INSERT … SELECT (and one UPDATE for groups already unread), so a
ticker with 10,000 followers costs two statements, not 10,000 (bench/following.py). Grouping keeps
the inbox to one row per thing while unread ("5 new articles about $BA").

Exactly once: a worker claims an event with a conditional UPDATE (done_at IS NULL) inside the
transaction that writes its notifications. A second worker's UPDATE waits for that transaction and
then matches nothing; a crash rolls both back, and the event is taken again.
"""
import logging
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from parley.accounts.models import Block, Profile
from parley.core import leases
from parley.discussion.mentions import render_comment
from parley.discussion.models import Comment
from parley.enrichment.models import Subject
from parley.following.models import Event, Follow, Notification, Preferences
from parley.stories.queries import shared_story_id

log = logging.getLogger("parley.following")

# Only articles published this recently, by a date that was read, notify: re-enriching or importing
# an archive must not flood inboxes with old news, and an article whose date nobody could read is
# never news (its stored time is when it was found).
FRESH = timedelta(days=2)
BATCH = 500
KEEP_DELIVERED = timedelta(days=14)  # delivered events are kept this long (failed ones too, for the admin)
NOTIFYING_SUBJECTS = ("ticker", "person")


def comment_posted(sender, comment: Comment, mentioned: list[int], **kwargs) -> None:
    """Queue the notifications of a new comment (discussion's signal, sent inside the transaction that stored it)."""
    Event.objects.create(kind=Event.COMMENT, article_id=comment.article_id, comment=comment, mentioned=mentioned)


def comment_edited(sender, comment: Comment, mentioned: list[int], **kwargs) -> None:
    """Queue the mentions an edit added (a reader mentioned before is not told again): discussion's signal."""
    Event.objects.create(kind=Event.EDIT, article_id=comment.article_id, comment=comment, mentioned=mentioned)


def _fresh(article) -> bool:
    """Whether an article is news enough to tell followers of: published lately, by a date that was read."""
    return not article.date_unknown and article.published_at >= timezone.now() - FRESH


def article_joined(sender, article, story, **kwargs) -> None:
    """Queue the news of a story's new report to the story's followers (stories' signal, sent inside
    the transaction that placed it). Only fresh reports, as for articles about what one follows."""
    if _fresh(article):
        Event.objects.create(kind=Event.JOINED, article=article)


def story_merged(sender, source, into, **kwargs) -> None:
    """Who followed a merged story follows the story it joined (stories' signal)."""
    already = Follow.objects.filter(kind=Follow.STORY, key=str(into.pk)).values("user_id")
    Follow.objects.filter(kind=Follow.STORY, key=str(source.pk)).exclude(user_id__in=already).update(key=str(into.pk))
    Follow.objects.filter(kind=Follow.STORY, key=str(source.pk)).delete()


def article_understood(sender, article, **kwargs) -> None:
    """Queue the news of a fresh article to the followers of its subjects: enrichment's signal, sent
    inside the transaction that stored them."""
    if _fresh(article):
        Event.objects.create(kind=Event.ARTICLE, article=article)


def withdraw(sender, comment: Comment, **kwargs) -> int:
    """Take back what a comment that was hidden or deleted told: its unread reply and mention
    notifications, and its place in the unread "N new comments" groups it counted in. Return the
    notifications removed or shrunk. Before delivery there is nothing to take back: the worker
    skips a comment that is no longer visible."""
    direct = Notification.objects.filter(comment=comment, kind__in=[Notification.REPLY, Notification.MENTION])
    told = set(direct.values_list("user_id", flat=True))
    deleted, _ = direct.filter(read_at__isnull=True).delete()
    delivered_at = (Event.objects.filter(comment=comment, kind=Event.COMMENT, done_at__isnull=False, error="")
                    .values_list("done_at", flat=True).first())
    if delivered_at is None:
        return deleted
    # The groups it counted in: unread, about its article, in being when it was delivered (delivery
    # stamps what it creates and grows with the event's time), and not of readers it skipped.
    counted = (Notification.objects.filter(kind=Notification.DISCUSSION, group_key=f"discussion:{comment.article_id}",
                                           read_at__isnull=True, created_at__lte=delivered_at)
               .exclude(user_id__in=told | {comment.author_id})
               .exclude(user_id__in=Block.objects.filter(blocked_id=comment.author_id).values("blocker_id")))
    emptied, _ = counted.filter(count__lte=1).delete()
    shrunk = counted.filter(count__gt=1).update(count=F("count") - 1)
    return deleted + emptied + shrunk


def process_events(limit: int = BATCH) -> int:
    """Deliver up to `limit` pending events, oldest first; return how many this worker delivered."""
    pending = list(Event.objects.filter(done_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit])
    return sum(deliver_event(pk) for pk in pending)


CONFLICT_RETRIES = 3


def deliver_event(pk: int) -> bool:
    """Deliver one event unless another worker has it; return whether this call delivered it.

    Two workers delivering two comments of one discussion at once may both create the same
    reader's unread group: the second insert then fails on the unique index once the first
    commits. Its transaction is rolled back whole and run again, and this time grows the group.
    """
    for attempt in range(CONFLICT_RETRIES):
        try:
            with transaction.atomic():
                if not leases.swap(Event.objects.filter(pk=pk), {"done_at__isnull": True}, {"done_at": timezone.now()}):
                    return False  # another worker has it
                event = Event.objects.select_related("comment", "comment__parent", "article").get(pk=pk)
                # Everything one delivery writes carries the claim's time (withdraw() relies on it).
                count = HANDLERS[event.kind](event)
                Event.objects.filter(pk=pk).update(delivered=count)
            return True
        except IntegrityError:
            if attempt == CONFLICT_RETRIES - 1:
                raise
            log.info("event %s met another worker's notification; delivering it again", pk)
        except DatabaseError:
            raise
        except Exception as exc:  # a bad event is recorded (admin, log) and never retried in a loop
            log.exception("event %s could not be delivered", pk)
            Event.objects.filter(pk=pk, done_at__isnull=True).update(
                done_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
            return False
    return False


def withdraw_subject(article, kind: str, key: str) -> int:
    """Take back what an article told the followers of a ticker or person it turned out not to be
    about (a moderator corrected the fact): its place in the unread "new articles about ..." groups
    it counted in. Before delivery there is nothing to take back: delivery reads the subjects then."""
    delivered_at = (Event.objects.filter(article=article, kind=Event.ARTICLE, done_at__isnull=False, error="")
                    .values_list("done_at", flat=True).first())
    if delivered_at is None:
        return 0
    counted = Notification.objects.filter(kind=Notification.ARTICLES, group_key=f"{kind}:{key}", read_at__isnull=True,
                                          created_at__lte=delivered_at)
    emptied, _ = counted.filter(count__lte=1).delete()
    return emptied + counted.filter(count__gt=1).update(count=F("count") - 1)


def on_fact_withdrawn(sender, article, kind: str, key: str, **kwargs) -> None:
    """parley.enrichment.corrections.fact_withdrawn: a corrected fact notifies no more."""
    if kind in NOTIFYING_SUBJECTS:
        withdraw_subject(article, kind, key)


def withdraw_from(sender, user, **kwargs) -> int:
    """Remove the unread reply and mention notifications a (now suspended) reader caused."""
    deleted, _ = Notification.objects.filter(actor=user, kind__in=[Notification.REPLY, Notification.MENTION],
                                             read_at__isnull=True).delete()
    return deleted


def prune(now=None) -> int:
    """Delete events delivered more than KEEP_DELIVERED ago; return how many."""
    cutoff = (now or timezone.now()) - KEEP_DELIVERED
    deleted, _ = Event.objects.filter(created_at__lt=cutoff, done_at__isnull=False).delete()
    return deleted


def _settings(user_ids, kind: str) -> dict[int, str]:
    chosen = dict(Preferences.objects.filter(user_id__in=user_ids).values_list("user_id", kind))
    default = Preferences._meta.get_field(kind).default
    return {uid: chosen.get(uid, default) for uid in user_ids}


def _tell(user_id: int, kind: str, comment: Comment, now) -> int:
    try:
        with transaction.atomic():
            Notification.objects.create(user_id=user_id, kind=kind, group_key=f"{kind}:{comment.pk}",
                                        article_id=comment.article_id, comment=comment, actor_id=comment.author_id,
                                        created_at=now, updated_at=now)
        return 1
    except IntegrityError:  # already told, unread
        return 0


def _blockers_of(author_id: int) -> set[int]:
    return set(Block.objects.filter(blocked_id=author_id).values_list("blocker_id", flat=True))


def _speaks(comment: Comment) -> bool:
    """Whether a comment may notify anyone: visible now, by an active reader who is not suspended."""
    if comment is None or comment.is_deleted or comment.is_hidden:
        return False
    if not comment.author.is_active:
        return False
    return not Profile.objects.filter(user_id=comment.author_id, suspended_at__isnull=False).exists()


def _mentioned(event: Event) -> list[int]:
    """The readers the comment mentioned, as resolved when it was written."""
    if event.mentioned is not None:
        return event.mentioned
    try:  # an event queued before events carried them (upgrades only; pruned within days)
        return [pk for pk, _ in render_comment(event.comment.body_markdown).mentioned]
    except ValueError:  # over the limit (an old comment): nobody is told
        return []


def on_comment(event: Event) -> int:
    comment = event.comment
    if not _speaks(comment):
        return 0
    author = comment.author_id
    blocked_by = _blockers_of(author)
    told, count = {author}, 0
    if comment.parent_id:
        parent_author = comment.parent.author_id
        if parent_author not in told | blocked_by and _settings([parent_author], "reply")[parent_author] != "off":
            count += _tell(parent_author, Notification.REPLY, comment, event.done_at)
        told.add(parent_author)  # a reply is news enough: not also a mention or a discussion update
    mentioned = [uid for uid in _mentioned(event) if uid not in told | blocked_by]
    for uid, choice in _settings(mentioned, "mention").items():
        if choice != "off":
            count += _tell(uid, Notification.MENTION, comment, event.done_at)
        told.add(uid)
    count += _fan_out(Notification.DISCUSSION, f"discussion:{comment.article_id}", Follow.ARTICLE,
                      str(comment.article_id), comment.article_id, comment, event.done_at, exclude=told, author=author)
    story = shared_story_id(comment.article_id)
    if story is not None:  # one discussion per story: its followers hear of comments on any of its reports
        count += _fan_out(Notification.STORY, f"story:{story}", Follow.STORY, str(story), comment.article_id, comment,
                          event.done_at, exclude=told, author=author)
    return count


def on_edit(event: Event) -> int:
    comment = event.comment
    if not _speaks(comment):
        return 0
    blocked_by = _blockers_of(comment.author_id)
    told = set(Notification.objects.filter(comment=comment).values_list("user_id", flat=True))
    told |= {comment.author_id, comment.parent.author_id if comment.parent_id else None}
    fresh = [uid for uid in _mentioned(event) if uid not in told | blocked_by]
    return sum(_tell(uid, Notification.MENTION, comment, event.done_at) for uid, choice in _settings(fresh, "mention").items()
               if choice != "off")


def on_article(event: Event) -> int:
    article = event.article
    subjects = Subject.objects.filter(article=article, kind__in=NOTIFYING_SUBJECTS).values_list("kind", "key")
    return sum(_fan_out(Notification.ARTICLES, f"{kind}:{key}", kind, key, article.pk, None, event.done_at)
               for kind, key in subjects)


def on_joined(event: Event) -> int:
    """One grouped notification per story: "2 new reports and 5 new comments in the story …"."""
    story = shared_story_id(event.article_id)
    if story is None:  # split off again before the news went out
        return 0
    return _fan_out(Notification.STORY, f"story:{story}", Follow.STORY, str(story), event.article_id, None,
                    event.done_at, counter="new_articles")


HANDLERS = {Event.COMMENT: on_comment, Event.EDIT: on_edit, Event.ARTICLE: on_article, Event.JOINED: on_joined}


def _fan_out(kind: str, group_key: str, follow_kind: str, follow_key: str, article_id: int,
             comment: Comment | None, at, exclude=(), author: int | None = None, counter: str = "count") -> int:
    """Tell every follower of one thing, in two statements: grow the unread group of those who have
    one (its `counter`: count, or a story's new_articles), and insert one for the rest. Readers who
    turned this kind off, who block the author, or who are in `exclude` are skipped. Return the
    notifications created or grown."""
    # Only our models' table names, a Preferences column (a notification kind's setting) and a
    # counter column are written into the SQL; every value is a parameter.
    assert kind in {k for k, _ in Notification.KINDS} and counter in ("count", "new_articles")
    n, f, p, b = (m._meta.db_table for m in (Notification, Follow, Preferences, Block))
    now = connection.ops.adapt_datetimefield_value(at)
    setting = Notification.SETTING.get(kind, kind)
    default = Preferences._meta.get_field(setting).default
    excluded = sorted({x for x in exclude if x is not None}) or [0]
    holes = ", ".join(["%s"] * len(excluded))
    who = (f"FROM {f} f WHERE f.kind = %s AND f.key = %s AND f.user_id NOT IN ({holes})"
           f" AND COALESCE((SELECT p.{setting} FROM {p} p WHERE p.user_id = f.user_id), %s) <> 'off'"
           + (f" AND NOT EXISTS (SELECT 1 FROM {b} b WHERE b.blocker_id = f.user_id AND b.blocked_id = %s)"
              if author else ""))
    who_params = [follow_kind, follow_key, *excluded, default, *([author] if author else [])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {n} SET {counter} = {counter} + 1, updated_at = %s WHERE read_at IS NULL AND group_key = %s"
            f" AND user_id IN (SELECT f.user_id {who})", [now, group_key, *who_params])
        grown = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {n} (user_id, kind, group_key, article_id, comment_id, actor_id, count, new_articles,"
            f" created_at, updated_at) SELECT f.user_id, %s, %s, %s, %s, %s, %s, %s, %s, %s {who}"
            f" AND NOT EXISTS (SELECT 1 FROM {n} n WHERE n.user_id = f.user_id AND n.group_key = %s"
            f" AND n.read_at IS NULL)",
            [kind, group_key, article_id, comment.pk if comment else None, author, int(counter == "count"),
             int(counter == "new_articles"), now, now, *who_params, group_key])
        return grown + cursor.rowcount
