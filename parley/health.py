"""Is Parley up, and is it ready? Two endpoints for load balancers and operators.

`/healthz` is liveness: it touches nothing (no database, no cache, no session), so no writer, lock
or neighbour can block it. `/readyz` is readiness: it asks each dependency and reports them all as
JSON. It answers 503 only when this node cannot serve (the database is out of reach); a cache that
is down, a mail queue that waits and a worker not heard from make it "degraded" (200): the site
still serves, and an operator reads why.
"""
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from parley.outgoing.delivery import queue_state
from parley.sources.models import WorkerBeat

MAIL_LATE = 900  # seconds: a mail waiting longer means the sender or the server is in trouble


def healthz(request):
    """Answer "ok": a liveness check, and the floor that page benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"state": "ok", "engine": connection.vendor}
    except DatabaseError as error:
        return {"state": "down", "engine": connection.vendor, "error": type(error).__name__}


def _caches() -> dict:
    found = {}
    for alias in settings.CACHES:
        cache = caches[alias]
        if hasattr(cache, "available"):  # Redis (parley.cache): ask it
            found[alias] = {"state": "ok" if cache.available() else "down", "backend": "redis"}
        else:  # in this process or in the database: up when the process and the database are
            found[alias] = {"state": "ok", "backend": settings.CACHES[alias]["BACKEND"].rsplit(".", 1)[-1]}
    return found


def _mail() -> dict:
    state = queue_state()
    return {"state": "late" if state["oldest_seconds"] > MAIL_LATE else "ok", **state}


def worker_state(now=None) -> dict:
    """The most recently heard-from worker: "ok", "stuck" (no beat for WorkerBeat.STUCK_AFTER),
    "stopped" (the last one said goodbye) or "none" (never seen: no worker runs, or only from cron)."""
    now = now or timezone.now()
    beat = WorkerBeat.objects.order_by("-beat_at").first()
    if beat is None:
        return {"state": "none"}
    silent = round((now - beat.beat_at).total_seconds())
    state = ("stopped" if beat.stopped_at else "stuck" if silent > WorkerBeat.STUCK_AFTER else "ok")
    return {"state": state, "worker": beat.worker, "doing": beat.doing, "last_beat_seconds": silent}


@never_cache
def readyz(request):
    checks = {"database": _database(), "cache": _caches()}
    if checks["database"]["state"] == "ok":
        try:
            checks["mail"] = _mail()
            checks["worker"] = worker_state()
        except DatabaseError:
            checks["database"] = {"state": "down", "engine": connection.vendor, "error": "DatabaseError"}
    if checks["database"]["state"] != "ok":
        status = "down"
    elif (any(c["state"] != "ok" for c in checks["cache"].values()) or checks["mail"]["state"] != "ok"
          or checks["worker"]["state"] != "ok"):
        status = "degraded"
    else:
        status = "ok"
    response = JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)
    if status == "down":
        response["Retry-After"] = "5"
    return response
