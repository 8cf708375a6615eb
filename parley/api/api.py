"""`/api/v1/`: articles and outlets, read through the same named queries as the pages."""
from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError

from parley.api.schemas import ArticleOut, ArticlePage, ErrorOut, OutletOut
from parley.articles.models import Article, Outlet
from parley.articles.queries import Cursor, page_of
from parley.articles.search import matching_ids

api = NinjaAPI(title="Parley API", version="1", urls_namespace="api-v1",
               description="Financial news with community discussion. Lists are newest first, keyset-paginated.")
MAX_LIMIT = 100


class ArticleFilters(Schema):
    outlet: str | None = None  # outlet slug
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None  # web-search syntax, as on the search page
    cursor: str | None = None
    limit: int = 20


@api.get("/articles", response={200: ArticlePage, 400: ErrorOut}, tags=["articles"])
def list_articles(request, filters: Query[ArticleFilters]):
    """List articles newest first, filtered by outlet, date range and search query."""
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}")
    cursor = Cursor.decode(filters.cursor) if filters.cursor else None
    if filters.cursor and cursor is None:
        raise HttpError(400, "cursor is not one this API issued")
    for name in ("since", "until"):
        value = getattr(filters, name)
        if value is not None and value.tzinfo is None:
            raise HttpError(400, f"{name} must carry a time zone (e.g. 2025-11-25T00:00:00Z)")
    qs = Article.objects.filtered(filters.outlet, filters.since, filters.until)
    if filters.q:
        qs = qs.filter(id__in=matching_ids(filters.q))
    rows, following = page_of(qs.newest(), cursor, filters.limit)
    return {"items": rows, "next": following.encode() if following else None}


@api.get("/articles/{article_id}", response={200: ArticleOut, 404: ErrorOut}, tags=["articles"])
def get_article(request, article_id: int):
    """Return one article with its body and the disclaimer shown beside it."""
    return get_object_or_404(Article.objects.select_related("outlet", "outlet__disclaimer"), pk=article_id)


@api.get("/outlets", response=list[OutletOut], tags=["outlets"])
def list_outlets(request):
    """List every outlet."""
    return Outlet.objects.order_by("name")
