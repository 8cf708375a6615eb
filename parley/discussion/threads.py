"""Turn an article's comments into the rows of a nested thread, in the order a reader chose."""
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from parley.articles.models import Article
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
THREAD_PAGE_SIZE = 50  # top-level comments per page, each with all its replies


class Shown(NamedTuple):
    """One comment of a cached thread: what the per-viewer controls need, and its shared HTML.

    Plain values, not model instances, so a cached thread of hundreds of comments loads in a
    fraction of a millisecond.
    """
    pk: int
    depth: int
    top: int  # the position of its top-level comment in the thread, from 0
    author_id: int
    is_hidden: bool
    is_deleted: bool
    body_markdown: str  # for its author's Edit form
    head: str

    @property
    def removed(self) -> bool:
        return self.is_deleted or self.is_hidden


def cached_thread(article, sort: str = DEFAULT_SORT, moderator: bool = False) -> list[Shown]:
    """Return the thread's comments, each with its shared HTML drawn once per discussion version.

    The key carries `article.discussion_version`, which every discussion write moves in its own
    transaction, so a reader never gets a thread older than the last write they could see. What
    differs per viewer (their own vote, edit, flag and moderation controls, CSRF tokens) is drawn
    on top, in `discussion/_thread.html`.
    """
    from django.core.cache import cache
    from django.template import engines

    sort = sort if sort in SORTS else DEFAULT_SORT
    # The shared HTML carries times in the reader's zone: one entry per zone in use.
    key = f"thread:{article.pk}:{article.discussion_version}:{sort}:{int(moderator)}:{timezone.get_current_timezone_name()}"
    found = cache.get(key)
    if found is None:
        head = engines["jinja2"].env.get_template("discussion/_comment_head.html").module.head
        found, top = [], -1
        for row in thread(article, sort, moderator=moderator):
            c = row.comment
            if row.depth == 0 or not found:
                top += 1
            found.append(Shown(c.pk, row.depth, top, c.author_id, c.is_hidden, c.is_deleted, c.body_markdown,
                               str(head(c, moderator))))
        cache.set(key, found, THREAD_CACHE_SECONDS)
    return found


def page_count(rows: list[Shown]) -> int:
    """How many pages of THREAD_PAGE_SIZE top-level comments the thread has (at least one)."""
    return max(1, -(-(rows[-1].top + 1) // THREAD_PAGE_SIZE)) if rows else 1


def thread_page(rows: list[Shown], page: int) -> list[Shown]:
    """The rows under the page's top-level comments (pages count from 1)."""
    first = (page - 1) * THREAD_PAGE_SIZE
    start = bisect_left(rows, first, key=lambda r: r.top)
    end = bisect_left(rows, first + THREAD_PAGE_SIZE, key=lambda r: r.top)
    return rows[start:end]


def comment_location(comment, sort: str = DEFAULT_SORT, moderator: bool = False) -> str:
    """The article URL, with the thread page that shows this comment, and its anchor."""
    article = Article.objects.get(pk=comment.article_id)  # fresh: its discussion version may have moved
    rows = cached_thread(article, sort, moderator=moderator)
    page = next((row.top // THREAD_PAGE_SIZE + 1 for row in rows if row.pk == comment.pk), 1)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{article.get_absolute_url()}{query}#c{comment.pk}"
