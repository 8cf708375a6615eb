"""Turn an article's comments into the rows of a nested thread, in the order a reader chose."""
from collections import defaultdict
from dataclasses import dataclass

from parley.discussion.models import Comment

SORTS = {
    "best": lambda c: (-c.best_score, -c.upvotes, c.created_at, c.pk),
    "newest": lambda c: (-c.created_at.timestamp(), -c.pk),
    "oldest": lambda c: (c.created_at, c.pk),
}
DEFAULT_SORT = "best"


@dataclass
class ThreadRow:
    comment: Comment
    depth: int

    @property
    def removed(self) -> bool:
        return self.comment.is_deleted or self.comment.is_hidden


def thread(article, sort: str = DEFAULT_SORT, moderator: bool = False) -> list[ThreadRow]:
    """Return the article's comments depth-first, siblings in `sort` order.

    Removed comments stay as tombstones where they have live replies, so the thread keeps its
    shape; a removed comment with no live reply below it is left out, except that a moderator
    sees every hidden comment (to restore it).
    """
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    comments = list(Comment.objects.filter(article=article).select_related("author"))
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)
    # A reply always has a larger id than its parent, so walking ids downwards sees children first.
    live_below = {}
    for comment in sorted(comments, key=lambda c: c.pk, reverse=True):
        live_below[comment.pk] = any(
            not (c.is_deleted or c.is_hidden) or live_below[c.pk] for c in children[comment.pk])

    rows = []
    stack = [(c, 0) for c in sorted(children[None], key=key, reverse=True)]
    while stack:
        comment, _ = stack.pop()
        if (comment.is_deleted or comment.is_hidden) and not live_below[comment.pk] \
                and not (moderator and comment.is_hidden and not comment.is_deleted):
            continue
        rows.append(ThreadRow(comment, comment.depth))
        stack.extend((c, 0) for c in sorted(children[comment.pk], key=key, reverse=True))
    return rows


THREAD_CACHE_SECONDS = 600  # an entry is replaced by a new version long before; this only bounds memory


def cached_thread(article, sort: str = DEFAULT_SORT, moderator: bool = False) -> tuple[list[ThreadRow], dict]:
    """Return (rows, {comment id: its shared HTML}) for the thread, drawn once per version.

    The key carries `article.discussion_version`, which every discussion write moves in its own
    transaction, so a reader never gets a thread older than the last write they could see. What
    differs per viewer (their own vote, edit, flag and moderation controls, CSRF tokens) is drawn
    on top, in `discussion/_thread.html`.
    """
    from django.core.cache import cache
    from django.template import engines
    from markupsafe import Markup

    sort = sort if sort in SORTS else DEFAULT_SORT
    key = f"thread:{article.pk}:{article.discussion_version}:{sort}:{int(moderator)}"
    found = cache.get(key)
    if found is None:
        rows = thread(article, sort, moderator=moderator)
        head = engines["jinja2"].env.get_template("discussion/_comment_head.html").module.head
        found = (rows, {row.comment.pk: str(head(row.comment, moderator)) for row in rows})
        cache.set(key, found, THREAD_CACHE_SECONDS)
    rows, heads = found
    return rows, {pk: Markup(html) for pk, html in heads.items()}
