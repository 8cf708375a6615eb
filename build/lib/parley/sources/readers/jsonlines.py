"""Read JSON Lines for bulk loads: one article a line.

Fields: `title` (required), `published` (required, ISO 8601), `body` (required: plain text with
paragraphs separated by blank lines, or `body_html` instead), `outlet`, `url`, `byline`, `summary`.
"""
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from django.utils import timezone

from parley.articles.services import ArticleDraft
from parley.sources.readers import Unreadable

TEXT_FIELDS = ("title", "published", "body", "body_html", "outlet", "url", "byline", "summary")


def read_record(line: str, origin: str) -> ArticleDraft:
    """Return the article one JSON line describes; raise Unreadable naming what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise Unreadable("nested too deeply to read") from None
    except ValueError as exc:
        if "digits" in str(exc):  # Python's guard against quadratic int parsing
            raise Unreadable("holds a number over 4,300 digits long") from None
        raise Unreadable(f"cannot be read: {exc}") from None
    if not isinstance(record, dict):
        raise Unreadable("a line must be a JSON object")
    for name in TEXT_FIELDS:
        if name in record and record[name] is not None and not isinstance(record[name], str):
            raise Unreadable(f"field '{name}' must be a string, not {type(record[name]).__name__}")
    for name in ("title", "published"):
        if not (record.get(name) or "").strip():
            raise Unreadable(f"missing field '{name}'")
    if not (record.get("body") or record.get("body_html") or "").strip():
        raise Unreadable("missing field 'body' (or 'body_html')")
    try:
        published = datetime.fromisoformat(record["published"].strip().replace("Z", "+00:00"))
        if published.tzinfo is None:
            published = timezone.make_aware(published, timezone.get_current_timezone())
        published.astimezone(UTC)  # 0001-01-01T00:00+01:00 has no UTC time: refuse it here, not at storing
    except (ValueError, OverflowError):
        raise Unreadable(f"field 'published' is not an ISO 8601 date Parley can store: {record['published'][:40]!r}") from None
    return ArticleDraft(
        title=record["title"], published_at=published, outlet=record.get("outlet") or "",
        url=record.get("url") or "", byline=record.get("byline") or "", summary=record.get("summary") or "",
        paragraphs=(record.get("body") or "").split("\n\n") if not record.get("body_html") else [],
        html=record.get("body_html") or "", origin=origin,
    )


def read_json_lines(text: str, origin: str) -> Iterator[tuple[int, ArticleDraft | Unreadable]]:
    """Yield (line number, draft or the reason it was refused) for each non-blank line; never raises,
    so one bad line never hides the lines after it."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, read_record(line, f"{origin}:{number}")
        except Unreadable as exc:
            yield number, exc
        except Exception as exc:  # a reader bug: this line fails with the reason, the rest still import
            yield number, Unreadable(f"cannot be read ({type(exc).__name__}: {exc})")
