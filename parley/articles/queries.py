"""The named listings of articles, shared by pages, the API and feeds."""
import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Q

PAGE_SIZE = 20
# Listings show headlines, not bodies: loading only what a list row shows keeps them cheap.
LISTING_FIELDS = ("title", "slug", "url", "byline", "lead", "published_at", "date_inferred", "date_unknown", "is_sample", "comment_count",
                  "participant_count", "last_activity_at", "outlet__name", "outlet__slug", "outlet__homepage")


@dataclass(frozen=True)
class Cursor:
    """A keyset position in a (time, id) descending order: the last row a page showed."""

    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor | None":
        """Return the cursor a token names, or None for a token that is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            when, pk = raw.split("|")
            parsed = datetime.fromisoformat(when)
            if parsed.tzinfo is None:
                return None
            return cls(parsed, int(pk))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


class ArticleQuerySet(models.QuerySet):
    def newest(self):
        """Return articles newest first, in the order keyset pagination walks."""
        return self.select_related("outlet").only(*LISTING_FIELDS).order_by("-published_at", "-id")

    def after(self, cursor: Cursor | None, field: str = "published_at"):
        """Return the rows that come after a cursor in (field, id) descending order."""
        if cursor is None:
            return self
        return self.filter(Q(**{f"{field}__lt": cursor.at}) | Q(**{field: cursor.at, "id__lt": cursor.id}))

    def before(self, cursor: Cursor, field: str = "published_at"):
        """Return the rows that come before a cursor in (field, id) descending order (newer ones)."""
        return self.filter(Q(**{f"{field}__gt": cursor.at}) | Q(**{field: cursor.at, "id__gt": cursor.id}))

    def filtered(self, outlet: str | None = None, since: datetime | None = None, until: datetime | None = None):
        """Return articles of one outlet (by slug) and/or published within [since, until)."""
        qs = self
        if outlet:
            qs = qs.filter(outlet__slug=outlet)
        if since:
            qs = qs.filter(published_at__gte=since)
        if until:
            qs = qs.filter(published_at__lt=until)
        return qs

    def active(self):
        """Return discussed articles, the one with the latest comment first."""
        return self.filter(comment_count__gt=0).select_related("outlet").only(*LISTING_FIELDS).order_by(
            "-last_activity_at", "-id")


def page_of(queryset, cursor: Cursor | None, size: int = PAGE_SIZE, field: str = "published_at"):
    """Return (rows, next_cursor) for one keyset page of a queryset ordered by (field, id) descending."""
    rows = list(queryset.after(cursor, field)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    following = Cursor(getattr(rows[-1], field), rows[-1].id) if more and rows else None
    return rows, following


@dataclass
class Page:
    """One keyset page of a listing, with cursors both ways (None where there is nothing more)."""

    rows: list
    newer: Cursor | None
    older: Cursor | None


def page_both_ways(queryset, after: Cursor | None, before: Cursor | None, size: int = PAGE_SIZE,
                   field: str = "published_at") -> Page:
    """Return the page after `after` (older rows) or, given `before`, the page just before it (newer rows).

    The queryset is ordered by (field, id) descending; a `before` page is read ascending from the
    cursor and turned round, so both directions use the same index.
    """
    if before is not None:
        rows = list(queryset.before(before, field).reverse()[: size + 1])
        newer = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, _mark(rows[0], field) if newer and rows else None, _mark(rows[-1], field) if rows else None)
    rows, following = page_of(queryset, after, size, field)
    return Page(rows, _mark(rows[0], field) if after is not None and rows else None, following)


def _mark(row, field: str) -> Cursor:
    return Cursor(getattr(row, field), row.id)
