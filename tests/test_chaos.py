"""Chaos: Parley served for real (`parley serve`) while a neighbour fails, with real parts only: an
SMTP server that hangs or refuses, a Redis stopped mid-run (Debian's redis-server), a SQLite
database held by another process. Each test asserts the site stays up (`/healthz`, home and an
article answer within a second or two), writes succeed or answer 503 with Retry-After, and nothing
is lost. PostgreSQL receiving NUL bytes is tests/test_unstorable_input.py; the API's contract with
NUL and out-of-range strings is tests/test_api_contract.py.
"""
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from parley.accounts.models import ApiToken
from parley.discussion.models import Comment
from parley.discussion.services import post_comment
from parley.following.models import Notification
from parley.outgoing.models import Mail
from tests.browser import Browser
from tests.serving import stop
from tests.smtpd import BadSmtp, refusing_port
from tests.test_many_machines import free_port, redis_url, wait_until_up  # noqa: F401 (redis_url is a fixture)
from tests.test_worker_kill import database_url

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-enough-password-77"
UP = 1.0  # seconds /healthz may take while a neighbour fails
PAGE = 2.0  # seconds home and an article may take (rendered uncached on a busy 2-core machine)
HANG = 15  # seconds the mail sender's conversation with the hanging server may last here


@contextlib.contextmanager
def served(tmp_path, worker: bool = False, database: str | None = None, **env_extra):
    """Run `parley serve` on a free port with these settings; yield its base URL; stop it after."""
    port = free_port()
    (tmp_path / "secret_key").write_text("chaos-test-key-" + "x" * 40)
    env = {**os.environ, "DATABASE_URL": database or database_url(), "PARLEY_DATA_DIR": str(tmp_path),
           "PARLEY_LOG_LEVEL": "WARNING", "PARLEY_PAGE_CACHE_SECONDS": "0", **env_extra}
    command = [sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
               "--no-access-log", *([] if worker else ["--no-worker"])]
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
    print(log.read_text(errors="replace")[-4000:])  # shown when a test fails


def wait_for(predicate, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def assert_site_up(browser: Browser, article) -> None:
    status, _, took, _ = browser.get("/healthz")
    assert status == 200 and took < UP, f"/healthz: {status} in {took:.2f} s"
    for path in ("/", article.get_absolute_url()):
        status, _, took, _ = browser.get(path)
        assert status == 200 and took < PAGE, f"{path}: {status} in {took:.2f} s"


def established(name: str) -> User:
    return User.objects.create_user(name, f"{name}@example.com", PASSWORD, date_joined=timezone.now() - timedelta(days=60))


@pytest.mark.parametrize("how", ["hang", "refuse"])
def test_a_mail_server_that_hangs_or_refuses_stops_nothing(tmp_path, make_article, how):
    """Ensure that with the mail server hanging (or refusing connections): sign-up answers and the
    account exists once; the site stays up; the mail waits in the queue with its failure recorded;
    and the worker goes on delivering notifications while its sender is stuck in the conversation."""
    article = make_article(title="Chaos article", published_at=timezone.now() - timedelta(hours=1))
    alice, bob = established("alice"), established("bob")
    first = post_comment(alice, article, "A first comment to reply to.")
    server = BadSmtp("hang") if how == "hang" else None
    port = server.port if server else refusing_port()
    try:
        with served(tmp_path, worker=True, PARLEY_EMAIL_URL=f"smtp://127.0.0.1:{port}",
                    PARLEY_EMAIL_TIMEOUT=str(HANG)) as base:
            browser = Browser(base)
            status, page, _, _ = browser.post("/accounts/signup/", {
                "username": "newbie", "email": "newbie@example.com", "password1": PASSWORD, "password2": PASSWORD})
            assert status == 200 and "confirmation link" in page, page[:2000]
            assert User.objects.filter(username="newbie").count() == 1
            if server:
                assert wait_for(lambda: server.connections >= 1, 30), "the sender never tried the server"
            assert_site_up(browser, article)
            # While the sender waits on the hanging server, the worker's other jobs go on.
            post_comment(bob, article, "A reply that must reach alice.", parent=first)
            assert wait_for(lambda: Notification.objects.filter(user=alice, kind="reply").exists(), 15), \
                "no reply notification while the mail server hung"
            mail = Mail.objects.get(to="newbie@example.com")
            if server:
                assert mail.attempts == 0 and mail.sent_at is None  # still inside the hung conversation
            assert wait_for(lambda: Mail.objects.filter(pk=mail.pk, attempts=1).exists(), HANG + 20)
            mail.refresh_from_db()
            assert mail.last_error and mail.sent_at is None and mail.gave_up_at is None  # kept for later
            assert_site_up(browser, article)
    finally:
        if server:
            server.close()


def test_redis_stopped_mid_run_degrades_and_recovers(tmp_path, make_article, redis_url):  # noqa: F811
    """Ensure that with Redis stopped mid-run: pages answer (uncached), sign-in and comment posts work
    (limits counted in the database), /readyz says the cache is down, and all is ok again when
    Redis is back."""
    article = make_article(title="Redis article", published_at=timezone.now() - timedelta(hours=1))
    established("carol")
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    with served(tmp_path, PARLEY_CACHE_URL=redis_url, PARLEY_SHARED_CACHE_URL=redis_url,
                PARLEY_PAGE_CACHE_SECONDS="30") as base:
        browser = Browser(base)
        assert_site_up(browser, article)
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False, timeout=10,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: _refused(port), 10), "redis did not stop"

        assert_site_up(browser, article)
        status, _, _, _ = browser.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
        assert status == 200 and "sessionid" in {c.name for c in browser.jar}, "sign-in failed without Redis"
        status, _, _, _ = browser.post(f"/a/{article.pk}/comments", {"text": "Posted while Redis was down."},
                                       form=article.get_absolute_url())
        assert status == 200 and Comment.objects.filter(body_markdown="Posted while Redis was down.").count() == 1
        status, body, _, _ = browser.get("/readyz")
        assert status == 200 and '"status": "degraded"' in body and '"down"' in body, body
        assert_site_up(browser, article)

        restarted = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(tmp_path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_for(lambda: not _refused(port), 20), "redis did not start again"
            assert wait_for(lambda: '"cache": {"default": {"state": "ok"' in browser.get("/readyz")[1], 20)
            assert_site_up(browser, article)
        finally:
            restarted.terminate()
            restarted.wait(timeout=10)


def api_post(url: str, token: str, data: dict) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def _refused(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


LOCK_HELD = 30  # seconds the other process holds the database at most


def hold(how: str, path: str) -> subprocess.Popen:
    """Another process holding SQLite's write lock (BEGIN IMMEDIATE, as a backup or a shell would),
    or Parley's own lock file; it prints "held" once it holds it and lets go on SIGTERM or after LOCK_HELD."""
    code = {
        "sqlite": (f"import sqlite3, time; c = sqlite3.connect({path!r}, isolation_level=None); "
                   f"c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep({LOCK_HELD})"),
        "lockfile": (f"import fcntl, os, time; fd = os.open({path + '.writelock'!r}, os.O_RDWR | os.O_CREAT); "
                     f"fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep({LOCK_HELD})"),
    }[how]
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.parametrize("how", ["sqlite", "lockfile"])
def test_a_sqlite_database_held_by_another_process(tmp_path, make_article, how):
    """Ensure that with SQLite's write lock (or Parley's lock file) held by another process: reads
    answer, /healthz answers within a second, a comment post answers 503 with Retry-After after
    PARLEY_DB_WAIT (not when the lock is let go) and saves nothing; once the lock is free the same
    post is saved once."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locks: this runs in the SQLite half of `make test`")
    article = make_article(title="Locked article", published_at=timezone.now() - timedelta(hours=1))
    token = ApiToken.issue(established("dave"))[1]
    path = connection.settings_dict["NAME"]
    with served(tmp_path, PARLEY_DB_WAIT="1") as base:
        browser = Browser(base)
        assert browser.post("/accounts/login/", {"username": "dave", "password": PASSWORD})[0] == 200
        assert "sessionid" in {c.name for c in browser.jar}
        browser.get(article.get_absolute_url())
        holder = hold(how, path)
        try:
            assert_site_up(browser, article)
            status, body, took, headers = browser.post(f"/a/{article.pk}/comments", {"text": "Written under a lock."},
                                                       form=article.get_absolute_url())
            assert status == 503 and headers.get("Retry-After") == "5", (status, body[:500])
            assert "busy" in body and took < LOCK_HELD / 2, f"waited {took:.1f} s"
            status, body, _, headers = browser.get("/readyz")
            assert status == 200, body  # reads still work: the node can serve
            status, body, headers = api_post(base + f"/api/v1/articles/{article.pk}/comments", token,
                                             {"text": "Written under a lock, by API."})
            assert status == 503 and headers.get("Retry-After") == "5" and "busy" in json.loads(body)["detail"]
        finally:
            holder.terminate()
            holder.wait(timeout=10)
        assert not Comment.objects.filter(body_markdown="Written under a lock.").exists()
        status, _, _, _ = browser.post(f"/a/{article.pk}/comments", {"text": "Written under a lock."},
                                       form=article.get_absolute_url())
        assert status == 200 and Comment.objects.filter(body_markdown="Written under a lock.").count() == 1
