"""Turn an article's comments into the rows of a nested thread, in the order a reader chose."""
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

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


@dataclass(frozen=True)
class Discussion:
    """The articles whose comments make one discussion, a key that moves with any write to it, and
    the article that stands for it in rankings (a story's first report)."""

    articles: tuple[int, ...]
    version: str
    lead: int

    @property
    def shared(self) -> bool:
        return len(self.articles) > 1


def alone(article) -> Discussion:
    """An article's own discussion: its comments only."""
    return Discussion((article.pk,), f"a{article.pk}:{article.discussion_version}", article.pk)


def _each_alone(ids) -> dict[int, Discussion]:
    return {pk: Discussion((pk,), "", pk) for pk in ids}


_discussion_of, _discussions_of = alone, _each_alone


def share_discussions(of, of_many) -> None:
    """Let a higher layer say which articles share one discussion (stories: one per event). `of`
    takes an article and returns its Discussion; `of_many` takes article ids and returns {id:
    Discussion} (its versions may be empty: rankings need only the articles and the lead). Set once,
    when the apps are ready."""
    global _discussion_of, _discussions_of
    _discussion_of, _discussions_of = of, of_many


def discussion_of(article) -> Discussion:
    return _discussion_of(article)


def discussions_of(ids) -> dict[int, Discussion]:
    return _discussions_of(list(ids))


def thread(article, sort: str = DEFAULT_SORT, moderator: bool = False,
           discussion: Discussion | None = None) -> list[ThreadRow]:
    """Return the comments of the article's discussion depth-first, siblings in `sort` order (with
    a story, the comments on all of its articles: each keeps the article it was written on).

    Removed comments stay as tombstones where they have live replies, so the thread keeps its
    shape; a removed comment with no live reply below it is left out, except that a moderator
    sees every hidden comment (to restore it). `discussion` saves asking discussion_of() again.
    """
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return _rows(_comments(article, discussion), key, moderator)


def _comments(article, discussion: Discussion | None = None) -> list[Comment]:
    ids = (discussion or discussion_of(article)).articles
    return list(Comment.objects.filter(article_id__in=ids).select_related("author", "article__outlet"))


def _children(comments) -> dict:
    """{parent id (None for the top): its replies}."""
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)
    return children


def _rows(comments: list[Comment], key, moderator: bool) -> list[ThreadRow]:
    children = _children(comments)
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


def _walk(comments: list[Comment], key) -> list[Comment]:
    """Every comment depth-first, removed ones included: the order the thread's rows are a part of."""
    children = _children(comments)
    order, stack = [], sorted(children[None], key=key, reverse=True)
    while stack:
        comment = stack.pop()
        order.append(comment)
        stack.extend(sorted(children[comment.pk], key=key, reverse=True))
    return order


@dataclass(frozen=True)
class ThreadCursor:
    """Where a page of a thread ended: the last comment it showed, in one article's thread under one
    sort. Signed, so a cursor this site did not issue is told apart from one whose place is gone."""

    article: int
    sort: str
    after: int

    SALT = "parley.discussion.thread-cursor"

    def encode(self) -> str:
        return signing.dumps([self.article, self.sort, self.after], salt=self.SALT)

    @classmethod
    def decode(cls, token: str) -> "ThreadCursor | None":
        """Return the cursor a token names, or None for a token this site did not sign."""
        try:
            article, sort, after = signing.loads(token, salt=cls.SALT)
            return cls(int(article), str(sort), int(after))
        except (signing.BadSignature, ValueError, TypeError):
            return None


def thread_after(article, sort: str, after: int | None, limit: int,
                 moderator: bool = False) -> tuple[list[ThreadRow], ThreadCursor | None] | None:
    """One page of the article's thread (see thread()): up to `limit` rows after comment `after`, and
    the cursor of the next page (None on the last). Pages follow one depth-first order, so a reply
    cut from its parent by a page's end opens the next; a comment removed since the last page still
    marks the place. None when `after` is not in this discussion (a moderator split it off since)."""
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    comments = _comments(article)
    rows = _rows(comments, key, moderator)
    start = 0
    if after is not None:
        place = {comment.pk: n for n, comment in enumerate(_walk(comments, key))}
        if after not in place:
            return None
        # The rows are the walk with pruned comments left out, so their places only grow.
        start = bisect_right(rows, place[after], key=lambda row: place[row.comment.pk])
    page = rows[start:start + limit]
    more = bool(page) and len(rows) > start + limit
    return page, ThreadCursor(article.pk, sort, page[-1].comment.pk) if more else None


THREAD_CACHE_SECONDS = 600  # an entry is replaced by a new version long before; this only bounds memory
THREAD_PAGE_SIZE = 50  # top-level comments per page, each with all its replies


def tops(rows: list[ThreadRow]) -> list[int]:
    """Each row's top-level comment's position in the thread, from 0 (what pages are cut by)."""
    found, top = [], -1
    for row in rows:
        if row.depth == 0 or not found:
            top += 1
        found.append(top)
    return found


def _placed(article, sort: str, moderator: bool) -> dict[int, int]:
    """{comment id: its top-level comment's position}, kept per discussion version like the page's thread."""
    discussion = discussion_of(article)
    key = f"thread-tops:{discussion.version}:{sort}:{int(moderator)}"
    found = cache.get(key)
    if found is None:
        rows = thread(article, sort, moderator=moderator, discussion=discussion)
        found = {row.comment.pk: top for row, top in zip(rows, tops(rows), strict=True)}
        cache.set(key, found, THREAD_CACHE_SECONDS)
    return found


def page_count(rows) -> int:
    """How many pages of THREAD_PAGE_SIZE top-level comments the thread has (at least one)."""
    return max(1, -(-(rows[-1].top + 1) // THREAD_PAGE_SIZE)) if rows else 1


def thread_page(rows: list, page: int) -> list:
    """The rows (anything with `.top`) under the page's top-level comments (pages count from 1)."""
    first = (page - 1) * THREAD_PAGE_SIZE
    start = bisect_left(rows, first, key=lambda r: r.top)
    end = bisect_left(rows, first + THREAD_PAGE_SIZE, key=lambda r: r.top)
    return rows[start:end]


def comment_location(comment, sort: str = DEFAULT_SORT, moderator: bool = False) -> str:
    """The URL of the comment's article, with the thread page that shows this comment, and its anchor."""
    article = Article.with_conversations.get(pk=comment.article_id)  # fresh: its discussion version may have moved
    top = _placed(article, sort if sort in SORTS else DEFAULT_SORT, moderator).get(comment.pk, 0)
    page = top // THREAD_PAGE_SIZE + 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{article.get_absolute_url()}{query}#c{comment.pk}"
