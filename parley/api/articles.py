"""Article and outlet endpoints."""
from datetime import UTC, datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from parley.api.schemas import ArticleOut, ArticlePage, ErrorOut, OutletOut
from parley.articles.models import Article, Outlet
from parley.articles.queries import Cursor, page_of
from parley.articles.search import matching_ids
from parley.enrichment.models import Enrichment, Fact
from parley.web.finder import CAP, Filters, understand

router = Router(tags=["articles"])
MAX_LIMIT = 100


class ArticleFilters(Schema):
    outlet: str | None = None  # outlet slug
    since: str | None = None  # ISO 8601; without an offset it is UTC, a date alone is its midnight UTC
    until: str | None = None
    q: str | None = None  # web-search syntax, as on the search page; $BA, BA or "Boeing" also find the company's articles
    ticker: str | None = None  # only articles that mention this ticker
    topic: str | None = None  # only articles with this topic (its name or slug)
    cursor: str | None = None
    limit: int = 20


def moment(value: str | None, name: str) -> datetime | None:
    """Return an ISO 8601 date or date-time as an aware UTC moment (UTC when it names no offset);
    raise a 400 naming the parameter for anything else, the calendar's edges included."""
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise HttpError(400, f"{name} must be an ISO 8601 date or date-time between years 1 and 9999 in UTC "
                             "(e.g. 2025-11-25 or 2025-11-25T09:30:00+01:00)") from None


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}")


def cursor_of(token: str | None) -> Cursor | None:
    cursor = Cursor.decode(token) if token else None
    if token and cursor is None:
        raise HttpError(400, "cursor is not one this API issued")
    return cursor


STORY = "membership__story"  # each article's story, two queries a page (schemas.ArticleSummaryOut.story)


@router.get("/articles", response={200: ArticlePage, 400: ErrorOut})
def list_articles(request, filters: Query[ArticleFilters]):
    """List articles newest first, filtered by outlet, ticker, topic, date range and search query."""
    check_limit(filters.limit)
    cursor = cursor_of(filters.cursor)
    since, until = moment(filters.since, "since"), moment(filters.until, "until")
    qs = Filters(filters.outlet, (filters.ticker or "").lstrip("$") or None, filters.topic, since, until).apply(
        Article.objects.all())
    if filters.q:
        understood = understand(filters.q)
        ids = set(matching_ids(understood.text)) if understood.text else set()
        if understood.symbol:
            ids |= set(Fact.objects.filter(kind="ticker", key=understood.symbol).values_list("article_id", flat=True)[:CAP])
        qs = qs.filter(id__in=ids)
    rows, following = page_of(qs.newest().prefetch_related(STORY), cursor, filters.limit)
    return {"items": rows, "next": following.encode() if following else None}


@router.get("/articles/{article_id}", response={200: ArticleOut, 400: ErrorOut, 404: ErrorOut})
def get_article(request, article_id: int):
    """Return one article with its body and the disclaimer shown beside it."""
    return get_object_or_404(Article.objects.select_related("outlet", "outlet__disclaimer", STORY), pk=article_id)


@router.get("/outlets", response={200: list[OutletOut], 400: ErrorOut}, tags=["outlets"])
def list_outlets(request):
    """List every outlet."""
    return Outlet.objects.order_by("name")


class FactOut(Schema):
    kind: str
    key: str
    text: str
    value: dict
    start: int
    end: int
    confidence: float


class ArticleFactsOut(Schema):
    article_id: int
    enriched_at: datetime | None
    error: str
    truncated: bool
    facts: list[FactOut]


@router.get("/articles/{article_id}/facts", response={200: ArticleFactsOut, 400: ErrorOut, 404: ErrorOut},
            tags=["enrichment"])
def article_facts(request, article_id: int):
    """Return everything Parley knows about one article: tickers, people, organisations, places,
    quotes with speakers, money figures and topics, each with its character span in body_text."""
    article = get_object_or_404(Article, pk=article_id)
    state = Enrichment.objects.filter(article=article).first()
    current = bool(state) and state.describes(article)  # facts of an older text are withheld
    return {"article_id": article.pk, "enriched_at": state.enriched_at if current else None,
            "error": state.error if current else "", "truncated": state.truncated if current else False,
            "facts": list(Fact.objects.filter(article=article).order_by("start", "id")) if current else []}
