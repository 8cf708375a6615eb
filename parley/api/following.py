"""The reader's own endpoints under /me: who they are, what they follow, their feed, their
notifications. Nothing here shows one reader's follows to another."""
from datetime import datetime
from typing import Annotated

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from parley.accounts.models import ApiToken, Profile
from parley.api.articles import check_limit, cursor_of
from parley.api.auth import AUTH
from parley.api.schemas import ArticleSummaryOut, ErrorOut
from parley.discussion.models import Comment
from parley.discussion.services import is_moderator
from parley.following import follows
from parley.following.feed import my_feed
from parley.following.inbox import describe_all, inbox_page, mark_read, target_url, unread_count
from parley.following.models import Follow

router = Router(tags=["following"], auth=AUTH)


class MeOut(Schema):
    username: str
    date_joined: datetime
    comments: int  # comments of yours readers can see (not deleted, not hidden)
    follows: int
    following: dict[str, list[str]]  # what you follow, by kind: {"ticker": ["BA"], "person": ["jerome-powell"]}
    unread_notifications: int
    api_tokens: int
    moderator: bool
    suspended: bool


class FollowIn(Schema):
    kind: str  # ticker, person, topic, outlet or article
    key: str  # BA, a person's or topic's name or slug, an outlet's slug, an article's id


class FollowOut(Schema):
    kind: str
    key: str
    label: str
    link: str | None
    created_at: datetime


class FeedItemOut(Schema):
    article: ArticleSummaryOut
    because: list[str]  # what the reader follows that put it here: "$BA", "Jerome Powell"


class FeedPage(Schema):
    items: list[FeedItemOut]
    next: str | None


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    count: int
    link: str
    unread: bool
    updated_at: datetime


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


MAX_ID = 2**63 - 1  # the database's integer; larger ids name nothing


class ReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(None, max_length=1000)  # none: all


class ReadOut(Schema):
    marked: int


def _out(follow: Follow, described) -> dict:
    item = described[follow.kind, follow.key]
    return {"kind": follow.kind, "key": follow.key, "label": item.label, "link": item.url, "created_at": follow.created_at}


@router.get("/me", response={200: MeOut, 400: ErrorOut, 401: ErrorOut})
def me(request):
    """Who you are: your name, when you joined, your counts and what you follow."""
    user = request.user
    following = {}
    for kind, key in Follow.objects.filter(user=user).order_by("kind", "key").values_list("kind", "key"):
        following.setdefault(kind, []).append(key)
    profile = Profile.objects.filter(user=user).first()
    return {"username": user.username, "date_joined": user.date_joined,
            "comments": Comment.objects.visible().filter(author=user).count(),
            "follows": sum(len(keys) for keys in following.values()), "following": following,
            "unread_notifications": unread_count(user), "api_tokens": ApiToken.objects.filter(user=user).count(),
            "moderator": is_moderator(user), "suspended": bool(profile and profile.is_suspended)}


@router.get("/me/follows", response={200: list[FollowOut], 400: ErrorOut, 401: ErrorOut})
def list_follows(request):
    """What you follow (only you can see it)."""
    rows = list(Follow.objects.filter(user=request.user).order_by("kind", "key"))
    described = follows.describe((f.kind, f.key) for f in rows)
    return [_out(f, described) for f in rows]


@router.post("/me/follows", response={200: FollowOut, 201: FollowOut, 400: ErrorOut, 401: ErrorOut})
def add_follow(request, payload: FollowIn):
    """Follow a ticker, person, topic, outlet or article's discussion (201; 200 when already followed)."""
    try:
        follow, created = follows.follow(request.user, payload.kind, payload.key)
    except follows.FollowError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201 if created else 200, _out(follow, follows.describe([(follow.kind, follow.key)])))


@router.delete("/me/follows/{kind}/{key}", response={204: None, 400: ErrorOut, 404: ErrorOut, 401: ErrorOut})
def remove_follow(request, kind: str, key: str):
    """Stop following (also what was since deleted)."""
    if not follows.unfollow(request.user, kind, key):
        raise HttpError(404, "You do not follow that.")
    return Status(204, None)


@router.get("/me/feed", response={200: FeedPage, 400: ErrorOut, 401: ErrorOut})
def feed(request, cursor: str | None = None, limit: int = 20):
    """Articles about what you follow, newest first; pass `next` back as `cursor` for more."""
    check_limit(limit)
    page = my_feed(request.user, after=cursor_of(cursor), size=limit)
    return {"items": [{"article": item.article, "because": [label for _, _, label in item.reasons]} for item in page.rows],
            "next": page.older.encode() if page.older else None}


@router.get("/me/notifications", response={200: InboxOut, 400: ErrorOut, 401: ErrorOut})
def notifications(request, page: int = 1):
    """Your notifications, latest activity first, 30 a page, with the unread count."""
    rows, _ = inbox_page(request.user, max(1, min(page, 50)))
    return {"unread": unread_count(request.user), "items": [
        {"id": n.pk, "kind": n.kind, "text": text, "count": n.count,
         "link": target_url(n), "unread": n.read_at is None, "updated_at": n.updated_at}
        for n, text in zip(rows, describe_all(rows), strict=True)]}


@router.post("/me/notifications/read", response={200: ReadOut, 400: ErrorOut, 401: ErrorOut})
def read(request, payload: ReadIn):
    """Mark the given notifications (or, without ids, all) read."""
    return {"marked": mark_read(request.user, payload.ids)}
