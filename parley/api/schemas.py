"""One response schema per model."""
from datetime import datetime

from ninja import Schema


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
    published_at: datetime
    date_inferred: bool
    comment_count: int
    is_sample: bool
    link: str

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
