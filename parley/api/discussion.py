"""Discussion endpoints: threads, comment writes, votes, flags, Most Discussed and Active."""
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from parley.api.articles import check_limit, cursor_of
from parley.api.auth import AUTH
from parley.api.schemas import (
    ArticlePage,
    CommentEdit,
    CommentIn,
    CommentOut,
    CommentPage,
    DiscussedOut,
    ErrorOut,
    FlagIn,
    VoteIn,
)
from parley.articles.models import Article
from parley.articles.queries import page_of
from parley.discussion import services
from parley.discussion.models import Comment
from parley.discussion.ranking import DEFAULT_WINDOW, WINDOWS, most_discussed
from parley.discussion.threads import DEFAULT_SORT, SORTS, ThreadCursor, thread_after

router = Router(tags=["discussion"])
WRITE = {200: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


@router.get("/articles/{article_id}/comments", response={200: CommentPage, 400: ErrorOut, 404: ErrorOut})
def article_comments(request, article_id: int, sort: str = DEFAULT_SORT, cursor: str | None = None, limit: int = 20):
    """Return a page of an article's thread depth-first (best, newest or oldest first among
    siblings); pass `next` back as `cursor`, with the same sort, for the page after."""
    check_limit(limit)
    if sort not in SORTS:
        raise HttpError(400, f"sort must be one of {', '.join(SORTS)}")
    after = ThreadCursor.decode(cursor) if cursor else None
    if cursor and after is None:
        raise HttpError(400, "cursor is not one this API issued; pass the `next` of the page before, unchanged")
    if after is not None and (after.article, after.sort) != (article_id, sort):
        raise HttpError(400, f"cursor continues the comments of article {after.article} sorted by {after.sort}; "
                             "ask for those, or start again without a cursor")
    article = get_object_or_404(Article, pk=article_id)
    found = thread_after(article, sort, after.after if after else None, limit)
    if found is None:
        raise HttpError(400, "the comment this cursor continues from has left this discussion (a moderator "
                             "moved it); start again without a cursor")
    rows, following = found
    return {"items": [row.comment for row in rows], "next": following.encode() if following else None}


@router.post("/articles/{article_id}/comments", response=WRITE, auth=AUTH)
def post_comment(request, article_id: int, payload: CommentIn):
    """Post a comment, or a reply when `parent` is given."""
    article = get_object_or_404(Article, pk=article_id)
    parent_id = payload.parent_id if payload.parent_id is not None else payload.parent
    parent = get_object_or_404(Comment, pk=parent_id) if parent_id is not None else None
    return services.post_comment(request.user, article, payload.text, parent)


def _comment(comment_id: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author"), pk=comment_id)


@router.patch("/comments/{comment_id}", response=WRITE, auth=AUTH)
def edit_comment(request, comment_id: int, payload: CommentEdit):
    """Replace the text of one's own comment."""
    return services.edit_comment(request.user, _comment(comment_id), payload.text)


@router.delete("/comments/{comment_id}", response=WRITE, auth=AUTH)
def delete_comment(request, comment_id: int):
    """Delete one's own comment (a tombstone stays in the thread)."""
    return services.delete_comment(request.user, _comment(comment_id))


@router.post("/comments/{comment_id}/vote", response=WRITE, auth=AUTH)
def vote(request, comment_id: int, payload: VoteIn):
    """Vote a comment up or down, once."""
    value = {"up": 1, "down": -1, "none": 0}.get(payload.value)
    if value is None:
        raise HttpError(400, "value must be up, down or none")
    return services.vote(request.user, _comment(comment_id), value)


@router.post("/comments/{comment_id}/flag", response={200: ErrorOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
             auth=AUTH)
def flag(request, comment_id: int, payload: FlagIn):
    """Flag a comment for the moderators, once."""
    services.flag(request.user, _comment(comment_id), payload.reason, payload.note)
    return {"detail": "flagged"}


@router.get("/most-discussed", response={200: list[DiscussedOut], 400: ErrorOut})
def most_discussed_list(request, window: str = DEFAULT_WINDOW, limit: int = 10):
    """Return Most Discussed for a window (24h or 7d), each entry with its explanation."""
    check_limit(limit)
    if window not in WINDOWS:
        raise HttpError(400, f"window must be one of {', '.join(WINDOWS)}")
    return most_discussed(window, limit=limit)


@router.get("/active", response={200: ArticlePage, 400: ErrorOut})
def active(request, cursor: str | None = None, limit: int = 20):
    """Return discussed articles, latest comment first."""
    check_limit(limit)
    rows, following = page_of(Article.objects.active().prefetch_related("membership__story"), cursor_of(cursor), limit,
                              field="last_activity_at")
    return {"items": rows, "next": following.encode() if following else None}
