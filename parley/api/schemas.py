"""One response schema per model."""
from datetime import datetime

from ninja import Schema
from pydantic import Field

from parley.stories.queries import story_of


class OutletOut(Schema):
    id: int
    name: str
    slug: str
    homepage: str


class ArticleSummaryOut(Schema):
    id: int
    title: str
    outlet: OutletOut | None
    byline: str
    url: str
    published_at: datetime | None  # null when the source gave no date Parley could read
    date_inferred: bool
    date_unknown: bool
    comment_count: int
    is_sample: bool
    link: str
    story: int | None = None  # the story (one event, several outlets) it is part of; null while it stands alone

    @staticmethod
    def resolve_story(obj):
        return story_of(obj)

    @staticmethod
    def resolve_published_at(obj):
        return None if obj.date_unknown else obj.published_at

    @staticmethod
    def resolve_link(obj):
        return obj.get_absolute_url()


class ArticleOut(ArticleSummaryOut):
    summary: str
    body_html: str
    body_text: str
    disclaimer: str | None = None

    @staticmethod
    def resolve_disclaimer(obj):
        shown = obj.disclaimer_to_show()
        return shown.text if shown else None


class ArticlePage(Schema):
    items: list[ArticleSummaryOut]
    next: str | None  # cursor for the following page, or null on the last one


class ErrorOut(Schema):
    detail: str


class CommentOut(Schema):
    id: int
    article_id: int
    parent_id: int | None
    depth: int
    author: str | None  # null once removed
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    removed: str | None  # "deleted" or "hidden"
    upvotes: int
    downvotes: int

    @staticmethod
    def resolve_author(obj):
        return None if (obj.is_deleted or obj.is_hidden) else obj.author.username

    @staticmethod
    def resolve_body_html(obj):
        return "" if (obj.is_deleted or obj.is_hidden) else obj.body_html

    @staticmethod
    def resolve_removed(obj):
        return "hidden" if obj.is_hidden else ("deleted" if obj.is_deleted else None)


class CommentPage(Schema):
    items: list[CommentOut]  # depth-first: each comment followed by its replies
    next: str | None  # cursor for the following page, or null on the last one


class CommentIn(Schema):
    text: str
    parent_id: int | None = None  # as CommentOut names it; a reply when given
    parent: int | None = Field(None, description="Old name of parent_id, still read.")


class CommentEdit(Schema):
    text: str


class VoteIn(Schema):
    value: str  # "up", "down" or "none" (withdraw)


class FlagIn(Schema):
    reason: str  # spam, abuse, off-topic, misleading, other
    note: str = ""


class DiscussedOut(Schema):
    article: ArticleSummaryOut
    score: float
    comments: int
    participants: int
    last_comment_at: datetime
    explanation: str

    @staticmethod
    def resolve_last_comment_at(obj):
        return obj.last_at


class StoryOut(Schema):
    id: int
    title: str
    link: str
    article_count: int
    outlet_count: int
    first_reported_at: datetime
    last_article_at: datetime
    first_article: ArticleSummaryOut | None

    @staticmethod
    def resolve_link(obj):
        return obj.get_absolute_url()


class StoryPage(Schema):
    items: list[StoryOut]
    next: str | None  # cursor for the following page, or null on the last one


class MemberOut(Schema):
    article: ArticleSummaryOut
    evidence: dict  # why it joined: rule, matched (article id), text, hours_apart, shared_names, shared_figures, shared_quotes
    why: str  # the same in words; empty for the story's first article
    syndicated: bool
    placed_by: str

    @staticmethod
    def resolve_why(obj):
        return obj.why()


class SharedOut(Schema):
    kind: str
    key: str
    text: str
    reports: int


class StoryDetailOut(StoryOut):
    articles: list[MemberOut]  # earliest first, one page of them (page, pages)
    page: int
    pages: int
    shared: list[SharedOut]  # what two or more of its articles name, most often named first
