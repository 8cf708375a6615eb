"""Source endpoints, for staff: list with health, add."""
from datetime import datetime

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from parley.api.auth import AUTH
from parley.api.schemas import ErrorOut
from parley.sources.ingest import SourceError, add_source
from parley.sources.models import Source

router = Router(tags=["sources"])


class SourceOut(Schema):
    id: int
    url: str
    kind: str
    name: str
    full_text: bool
    paused: bool
    last_fetch_at: datetime | None
    last_status: int | None
    last_new: int
    last_updated: int
    last_unchanged: int
    consecutive_failures: int
    last_error: str
    next_check_at: datetime


class SourceIn(Schema):
    url: str
    name: str = ""
    interval: int | None = None  # seconds; null follows how often it publishes
    full_text: bool = False


def _staff(request):
    if not request.user.is_staff:
        raise HttpError(403, "only staff can manage sources")


@router.get("/sources", response={200: list[SourceOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut}, auth=AUTH)
def list_sources(request):
    """List every source with its health."""
    _staff(request)
    return Source.objects.order_by("id")


@router.post("/sources", response={201: SourceOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut}, auth=AUTH)
def create_source(request, payload: SourceIn):
    """Add a feed, a site (its feed is found) or an article page; it is checked by the workers."""
    _staff(request)
    try:
        return Status(201, add_source(payload.url, payload.name, payload.interval, payload.full_text))
    except SourceError as exc:
        raise HttpError(400, str(exc)) from None
