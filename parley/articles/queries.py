"""The named listings of articles, shared by pages, the API and feeds."""
import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Q

PAGE_SIZE = 20
# Listings show headlines, not bodies: loading only what a list row shows keeps them cheap.
LISTING_FIELDS = ("title", "slug", "url", "byline", "published_at", "date_inferred", "is_sample", "comment_count",
                  "last_activity_at", "outlet__name", "outlet__slug", "outlet__homepage")
MOST_DISCUSSED_SIZE = 10


@dataclass(frozen=True)
class Cursor:
    """A keyset position in the newest-first order: the last row a page showed."""

    published_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.published_at.isoformat()}|{self.id}".encode()
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

    def after(self, cursor: Cursor | None):
        """Return the rows that come after a cursor in newest-first order."""
        if cursor is None:
            return self
        return self.filter(
            Q(published_at__lt=cursor.published_at) | Q(published_at=cursor.published_at, id__lt=cursor.id)
        )

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

    def most_discussed(self, limit: int = MOST_DISCUSSED_SIZE):
        """Return the articles with the most comments, ties broken by latest activity (publication at first).

        Until discussions land this ranks by the stored comment counter alone, zeros included:
        a quiet site shows its newest articles with an honest "0 comments".
        """
        return self.select_related("outlet").only(*LISTING_FIELDS).order_by(
            "-comment_count", "-last_activity_at", "-id")[:limit]


def page_of(queryset, cursor: Cursor | None, size: int = PAGE_SIZE):
    """Return (rows, next_cursor) for one keyset page of a newest-first queryset."""
    rows = list(queryset.after(cursor)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    following = Cursor(rows[-1].published_at, rows[-1].id) if more and rows else None
    return rows, following
