"""A reader's inbox: notifications in words, where each leads, reading them, the unread count."""
from django.utils import timezone

from parley.articles.models import url_for
from parley.enrichment.names import names_of
from parley.following.models import Notification
from parley.stories.models import Story

INBOX_PAGE = 30
UNREAD_CAP = 99  # the header says "99+" past this; counting further is work nobody reads


def describe_notification(note: Notification, names: dict[str, str] | None = None) -> str:
    """A notification in words; `names` ({person slug: name}, from person_names) saves a query each."""
    title = note.article.title if note.article_id and note.article else "an article"
    who = note.actor.username if note.actor_id and note.actor else "Someone"
    if note.kind == Notification.REPLY:
        return f"{who} replied to your comment on “{title}”"
    if note.kind == Notification.MENTION:
        return f"{who} mentioned you on “{title}”"
    if note.kind == Notification.DISCUSSION:
        return f"{note.count} new comment{'s' if note.count != 1 else ''} on “{title}”"
    if note.kind == Notification.STORY:
        parts = [f"{n} new {word}{'s' if n != 1 else ''}" for n, word in ((note.new_articles, "report"),
                                                                           (note.count, "comment")) if n]
        story = (names if names is not None else story_titles([note])).get(note.group_key, title)
        return f"{' and '.join(parts) or 'News'} in the story “{story}”"
    kind, _, key = note.group_key.partition(":")
    if kind == "ticker":
        about = f"${key}"
    else:
        about = (names if names is not None else person_names([note])).get(key, key)
    return f"{note.count} new article{'s' if note.count != 1 else ''} about {about}"


def story_titles(notes) -> dict[str, str]:
    """{"story:<id>": its headline} for these notifications, in one query."""
    ids = [int(note.group_key.partition(":")[2]) for note in notes if note.kind == Notification.STORY]
    return {f"story:{pk}": title for pk, title in Story.objects.filter(pk__in=ids).values_list("pk", "title")}


def person_names(notes) -> dict[str, str]:
    """{slug: name} of the people these notifications are about, in one query."""
    slugs = {note.group_key.partition(":")[2] for note in notes
             if note.kind == Notification.ARTICLES and note.group_key.startswith("person:")}
    return names_of("person", slugs)


def describe_all(notes) -> list[str]:
    """Each notification in words, naming the people they are about with one query for all."""
    names = person_names(notes) | story_titles(notes)
    return [describe_notification(note, names) for note in notes]


def target_url(note: Notification) -> str:
    """Where a notification leads: the comment, the discussion from the first unread comment, the
    first new article about a followed ticker or person (the page of the ticker or person, the
    others being there, is subject_url), or the story."""
    if note.kind in (Notification.REPLY, Notification.MENTION, Notification.DISCUSSION) and note.comment_id:
        return url_for("comment-link", note.comment_id)
    if note.kind == Notification.ARTICLES:
        return note.article.get_absolute_url() if note.article_id else subject_url(note)
    if note.kind == Notification.STORY:
        return url_for("story-by-id", int(note.group_key.partition(":")[2]))
    return note.article.get_absolute_url() if note.article_id else "/"


def subject_url(note: Notification) -> str | None:
    """The page of the ticker or person a "new articles about" notification is about (None for other kinds)."""
    if note.kind != Notification.ARTICLES:
        return None
    kind, _, key = note.group_key.partition(":")
    return url_for("ticker" if kind == "ticker" else "person", key)


def inbox_page(user, page: int):
    """One page of a reader's notifications, latest activity first."""
    start = (page - 1) * INBOX_PAGE
    rows = list(Notification.objects.filter(user=user).select_related("article", "actor")
                .order_by("-updated_at", "-id")[start:start + INBOX_PAGE + 1])
    return rows[:INBOX_PAGE], len(rows) > INBOX_PAGE


def unread_count(user) -> int:
    """Unread notifications, counted up to UNREAD_CAP + 1 (through the partial unread index)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True)[:UNREAD_CAP + 1].count()


def mark_read(user, ids=None) -> int:
    """Mark some (or all) of a reader's notifications read; return how many changed. Others' ids are ignored."""
    scope = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        scope = scope.filter(pk__in=list(ids))
    return scope.update(read_at=timezone.now())
