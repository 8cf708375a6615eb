"""An article's thread as its page draws it: each comment's shared HTML (author, time, text, score)
drawn once per discussion version and cached; what differs per viewer is drawn on top in
discussion/_thread.html. The thread's order and shape come from parley.discussion.threads; an
article in a story shows the story's one discussion (parley.stories.queries.discussion_of)."""
from typing import NamedTuple

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.template import engines
from django.utils import timezone

from parley.articles.paging import page_number
from parley.discussion.models import Flag
from parley.discussion.services import UNDO_DELETE, flags_of, recently_deleted, votes_of
from parley.discussion.threads import (
    DEFAULT_SORT,
    SORTS,
    THREAD_CACHE_SECONDS,
    discussion_of,
    page_count,
    thread,
    thread_page,
    tops,
)


class Note(NamedTuple):
    """A message for the reader, drawn where its action happened: beside a comment (`at-c<id>` in the
    message's extra tags), at the top of the discussion (`at-thread`), or else at the top of the page.
    """
    text: str
    tags: str

    def __str__(self):
        return self.text


def _tagged(tags: list[str], prefix: str) -> str | None:
    return next((tag[len(prefix):] for tag in tags if tag.startswith(prefix)), None)


def place_notes(request, shown: set[int]) -> tuple[dict[int, list[Note]], list[Note]]:
    """Take the request's messages: return ({comment id: notes beside it}, notes for the top of the
    discussion) and leave the rest, and those about comments not on this page, to the page's top
    (parley.jinja.page_notes)."""
    beside, top, rest = {}, [], []
    for message in get_messages(request):
        tags = (message.extra_tags or "").split()
        note = Note(str(message), message.level_tag)
        at = _tagged(tags, "at-") or ""
        if at == "thread":
            top.append(note)
        elif at[1:].isdigit() and int(at[1:]) in shown:
            beside.setdefault(int(at[1:]), []).append(note)
        else:
            rest.append(note)
    request.parley_page_notes = rest
    return beside, top


class Shown(NamedTuple):
    """One comment of a cached thread: what the per-viewer controls need, and its shared HTML.

    Plain values, not model instances, so a cached thread of hundreds of comments loads in a
    fraction of a millisecond.
    """
    pk: int
    depth: int
    top: int  # the position of its top-level comment in the thread, from 0
    author_id: int
    article_id: int  # the article it was written on (a story's thread holds several): replies go there
    is_hidden: bool
    is_deleted: bool
    body_markdown: str  # for its author's Edit form
    head: str

    @property
    def removed(self) -> bool:
        return self.is_deleted or self.is_hidden


def cached_thread(article, sort: str = DEFAULT_SORT, moderator: bool = False) -> list[Shown]:
    """Return the thread's comments, each with its shared HTML drawn once per discussion version.

    The key carries the discussion's version (`article.discussion_version`, or with a story its
    articles' and its own), which every discussion write moves in its own transaction, so a reader
    never gets a thread older than the last write they could see. What
    differs per viewer (their own vote, edit, flag and moderation controls, CSRF tokens) is drawn
    on top, in `discussion/_thread.html`.
    """
    sort = sort if sort in SORTS else DEFAULT_SORT
    # The shared HTML carries times in the reader's zone: one entry per zone in use.
    discussion = discussion_of(article)
    key = f"thread:{discussion.version}:{sort}:{int(moderator)}:{timezone.get_current_timezone_name()}"
    found = cache.get(key)
    if found is None:
        head = engines["jinja2"].env.get_template("discussion/_comment_head.html").module.head
        rows = thread(article, sort, moderator=moderator, discussion=discussion)
        found = [Shown(row.comment.pk, row.depth, top, row.comment.author_id, row.comment.article_id,
                       row.comment.is_hidden, row.comment.is_deleted,
                       "" if row.removed else row.comment.body_markdown,
                       str(head(row.comment, moderator, discussion.shared)))
                 for row, top in zip(rows, tops(rows), strict=True)]
        cache.set(key, found, THREAD_CACHE_SECONDS)
    return found


def thread_context(request, article, moderates: bool, comments: int) -> dict:
    """What discussion/_thread.html draws: one page of the article's discussion (with a story, the
    whole story's) in the reader's sort, their votes, and the heading's count of `comments`. With no
    article (a company conversation nobody has started), an empty thread with its form."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    # A moderator sees hidden comments even when none is visible, to restore them.
    rows = cached_thread(article, sort, moderator=moderates) if article and (comments or moderates) else []
    pages = page_count(rows)
    cpage = page_number(request, pages, "cpage")
    rows = thread_page(rows, cpage)
    beside, top = place_notes(request, {row.pk for row in rows})
    return {"thread": rows, "thread_page": cpage, "thread_pages": pages, "my_votes": votes_of(request.user, rows),
            "my_flags": flags_of(request.user, rows), "comment_notes": beside, "thread_notes": top,
            # asked only when the reader deleted something in the last minutes (then which discussion it was in)
            "recently_deleted": recently_deleted(request.user, lambda: set(discussion_of(article).articles)
                                                 if article else set()),
            "undo_minutes": UNDO_DELETE.seconds // 60,
            "sort": sort, "sorts": list(SORTS), "flag_reasons": Flag.REASONS, "discussion_total": comments}
