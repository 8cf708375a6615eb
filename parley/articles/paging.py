"""Page numbers, ids from URLs and keyset pagers: what every listing page of every app uses."""
from parley.articles.queries import Cursor, page_both_ways


def page_number(request, last: int, name: str = "page") -> int:
    """A page number from the query string, kept within 1..last; anything that is not a number is 1."""
    try:
        return min(max(1, int(request.GET.get(name, "1"))), last)
    except ValueError:
        return 1


def id_param(raw: str) -> int | None:
    """A row id from a form or URL value: ASCII digits that fit the database's integer, else None."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def pager_links(page) -> dict:
    """A keyset page's links both ways, as the pager template takes them."""
    return {"next_cursor": page.older.encode() if page.older else None,
            "prev_cursor": page.newer.encode() if page.newer else None}


def listing_page(request, queryset, field: str = "published_at") -> dict:
    """The rows of a listing page and its links both ways (?after= older, ?before= newer)."""
    page = page_both_ways(queryset, Cursor.decode(request.GET.get("after", "")),
                          Cursor.decode(request.GET.get("before", "")), field=field)
    return {"articles": page.rows, **pager_links(page)}
