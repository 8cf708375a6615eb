"""Liveness and readiness, the worker's heartbeat, a Redis that answers slowly, and input too large
to hold: each neighbour's trouble is bounded and visible to an operator."""
import json
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from parley.cache import CacheUnavailable, TolerantRedisCache
from parley.jobs.worker import Worker
from parley.outgoing.models import Mail
from parley.sources.models import WorkerBeat
from tests.test_many_machines import redis_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


def test_healthz_touches_nothing(client, django_assert_num_queries):
    """Ensure the liveness check runs no query: no writer or lock can hold it up."""
    with django_assert_num_queries(0):
        assert client.get("/healthz").content == b"ok"


def test_readyz_reports_each_dependency_and_what_is_wrong(client):
    """Ensure readiness names the database, caches, the mail queue and the worker, and says
    "degraded" (still 200) when mail waits too long or no worker is alive."""
    status, body = ready(client)
    assert status == 200 and body["checks"]["database"]["state"] == "ok"
    assert body["checks"]["worker"] == {"state": "none"} and body["status"] == "degraded"

    now = timezone.now()
    WorkerBeat.objects.create(worker="host:1:abc", started_at=now, beat_at=now, doing="idle")
    status, body = ready(client)
    assert body["status"] == "ok" and body["checks"]["worker"]["state"] == "ok"

    Mail.objects.create(to="a@example.com", subject="Hello", message=b"", created_at=now - timedelta(hours=1))
    status, body = ready(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["checks"]["mail"]["state"] == "late" and body["checks"]["mail"]["waiting"] == 1

    Mail.objects.all().delete()
    WorkerBeat.objects.update(beat_at=now - timedelta(seconds=WorkerBeat.STUCK_AFTER + 60))
    status, body = ready(client)
    assert body["status"] == "degraded" and body["checks"]["worker"]["state"] == "stuck"


@pytest.mark.django_db(transaction=True)  # the worker closes stale connections between rounds
def test_a_worker_run_beats_and_says_goodbye(settings):
    """Ensure a worker records its heartbeat while it runs and marks itself stopped when it ends."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Worker(batch=1).run(once=True)
    beat = WorkerBeat.objects.get()
    assert beat.stopped_at is not None and beat.doing == "stopped"


def test_sources_list_says_when_the_worker_is_stuck_or_stopped(capsys):
    """Ensure `parley sources list` ends with a line on the worker: none yet, ok, stuck, stopped."""
    def line():
        call_command("sources", "list")
        return capsys.readouterr().out.strip().splitlines()[-1]

    assert "none has run yet" in line()
    now = timezone.now()
    WorkerBeat.objects.create(worker="host:1:abc", started_at=now, beat_at=now, doing="checking 3 sources")
    assert line().startswith("Worker: ok")
    WorkerBeat.objects.update(beat_at=now - timedelta(minutes=30))
    assert "STUCK OR GONE" in line() and "checking 3 sources" in line()
    WorkerBeat.objects.update(stopped_at=now)
    assert "STOPPED" in line()


def test_a_redis_that_answers_slowly_costs_a_read_its_timeout_then_nothing(redis_url):  # noqa: F811
    """Ensure that while Redis sleeps (DEBUG SLEEP: the real server, busy), a read misses within its
    socket timeout, the next reads skip Redis at once, and add() says the cache is unavailable so
    rate limits count elsewhere; and that it is used again once it answers."""
    from parley.conf import cache_config

    config = cache_config(redis_url)
    cache = TolerantRedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    cache.set("k", "v")
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    sleeper = threading.Thread(target=subprocess.run, args=(["redis-cli", "-p", port, "DEBUG", "SLEEP", "4"],),
                               kwargs={"capture_output": True, "timeout": 30})
    sleeper.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert cache.get("k", "missed") == "missed"
    assert time.monotonic() - started < 3  # the socket timeout, not the 4 s sleep
    started = time.monotonic()
    assert cache.get("k", "missed") == "missed" and time.monotonic() - started < 0.1  # not tried again yet
    with pytest.raises(CacheUnavailable):
        cache.add("slot", 1)
    sleeper.join()
    cache._down_until = 0  # the pause has passed
    assert cache.get("k") == "v" and cache.available()


def test_a_10_mb_email_field_is_refused_whole(django_user_model):
    """Ensure a 10 MB settings form is refused with 400 before any view reads it, and nothing changes."""
    user = django_user_model.objects.create_user("alice", "alice@example.com", "correct-horse-battery-42")
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    answer = browser.post("/accounts/settings/", {"email": "a" * 10_000_000 + "@example.com"})
    assert answer.status_code == 400
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_caches_in_the_settings_use_the_tolerant_backend_for_redis():
    from parley.conf import cache_config

    config = cache_config("redis://127.0.0.1:6379/0")
    assert config["BACKEND"] == "parley.cache.TolerantRedisCache"
    assert config["OPTIONS"]["socket_timeout"] <= 1 and config["OPTIONS"]["socket_connect_timeout"] <= 1
    assert set(caches) == {"default", "shared"}
