"""The site's own 403, 404, 500 and 503 pages: the header, a plain sentence, a way home.

The 500 page is drawn without touching the database or the session (`bare`), since whatever
failed may be the database itself; if even that fails, a fixed page is sent. A database that is
busy (SQLite held by another writer past PARLEY_DB_WAIT) or unreachable is not a bug: the reader
gets 503 with Retry-After instead, as HTML or, under /api/, as JSON.
"""
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render

log = logging.getLogger("parley")

FALLBACK_500 = ("<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
                "<h1>Something went wrong on our side</h1><p><a href=\"/\">Back to the front page</a></p></html>")


def not_found(request, exception=None):
    return render(request, "errors/404.html", {"path": request.path}, status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


RETRY_AFTER = 5  # seconds: a busy writer or a restarting database is usually back by then
BUSY_REASON = "The database is busy or out of reach right now."
# OperationalErrors that are our own mistakes, not a database away: those stay 500s.
NOT_AVAILABILITY = ("no such table", "no such column", "syntax error", "has no column")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception means the database could not be reached or was held by another writer."""
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and not any(m in str(exc).lower() for m in NOT_AVAILABILITY)


def unavailable(request):
    """503 with Retry-After, drawn without the database."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": f"{BUSY_REASON} Try again in {RETRY_AFTER} seconds."}, status=503)
    else:
        try:
            request.parley_bare = True  # parley.web.viewer asks nothing for a bare page
            response = render(request, "errors/503.html", {"bare": True, "reason": BUSY_REASON,
                                                           "retry_after": RETRY_AFTER}, status=503)
        except Exception:
            log.exception("the 503 page itself failed")
            response = HttpResponseServerError(FALLBACK_500, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):  # Django calls this inside its except block
        log.warning("database unavailable for %s %s: %s", request.method, request.path, sys.exc_info()[1])
        return unavailable(request)
    try:
        request.parley_bare = True
        return render(request, "errors/500.html", {"bare": True}, status=500)
    except Exception:
        log.exception("the 500 page itself failed")
        return HttpResponseServerError(FALLBACK_500)
