"""Two web nodes (`parley serve --no-worker` on two ports) on one database and one Redis, as a site
spread over several machines runs: comments posted to both land with exact counters, a rate limit
reached on one node holds on the other, and both answer the same Most Discussed.

Redis comes from Debian's redis-server, started here on a free loopback port for this test only.
Two workers on one database are `tests/test_two_workers.py`; a worker killed mid-check is
`tests/test_worker_kill.py`.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.accounts.models import ApiToken, RateSlot
from parley.discussion.models import Comment
from tests.test_worker_kill import database_url

pytestmark = pytest.mark.django_db(transaction=True)
READERS, EACH = 8, 5  # 40 comments, within the 10-a-minute limit of established readers
PASSWORD = "a-long-enough-password-77"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def redis_url(tmp_path):
    """Start a private redis-server on a free port; skip without one, but fail in CI, which installs it."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    # DEBUG SLEEP (a Redis that answers slowly, tests/test_readiness.py) from loopback only.
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--enable-debug-command", "local",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def two_nodes(tmp_path, redis_url):
    """Start two web nodes on one database and one Redis; return their base URLs and the Redis URL."""
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_CACHE_URL": redis_url, "PARLEY_SHARED_CACHE_URL": redis_url, "PARLEY_PAGE_CACHE_SECONDS": "0",
           "PARLEY_LOG_LEVEL": "WARNING", "SECRET_KEY": "one-key-for-every-node-" + "x" * 40}
    nodes, procs = [], []
    try:
        for n in range(2):
            port = free_port()
            with open(tmp_path / f"node{n}.log", "wb") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}", "--no-worker",
                     "--workers", "2", "--no-access-log"], env=env, stdout=log, stderr=subprocess.STDOUT))
            nodes.append(f"http://127.0.0.1:{port}")
        for base in nodes:
            wait_until_up(base + "/healthz")
        yield nodes, redis_url
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def call(url: str, data: dict | None = None, token: str | None = None) -> tuple[int, str]:
    """GET, or POST `data` as JSON, with a bearer token when given; return (status, body)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_two_web_nodes_share_one_database_and_one_redis(two_nodes, make_article):
    """Ensure comments posted alternately to two nodes all land once with exact counters, both nodes
    answer the same Most Discussed, and a rate limit reached on one node holds on the other (the counts
    live in Redis, not in either node)."""
    nodes, redis_url = two_nodes
    long_ago = timezone.now() - timedelta(days=30)
    busy = make_article(title="Rates decision splits the desk", published_at=timezone.now() - timedelta(hours=2))
    quiet = make_article(title="Copper steady", published_at=timezone.now() - timedelta(hours=3))
    tokens = []
    for n in range(READERS):
        user = User.objects.create_user(f"reader{n}", password=PASSWORD, date_joined=long_ago)
        tokens.append(ApiToken.issue(user)[1])
    newcomer = ApiToken.issue(User.objects.create_user("newcomer", password=PASSWORD))[1]  # joined just now

    jobs = [(nodes[i % 2], tokens[i % READERS], i) for i in range(READERS * EACH)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda job: call(f"{job[0]}/api/v1/articles/{busy.pk}/comments",
                                               {"text": f"Take number {job[2]} on the decision."}, job[1])[0], jobs))
    assert codes == [200] * len(jobs)
    call(f"{nodes[1]}/api/v1/articles/{quiet.pk}/comments", {"text": "One quiet remark."}, tokens[0])
    busy.refresh_from_db()
    assert Comment.objects.filter(article=busy).count() == busy.comment_count == READERS * EACH
    assert busy.participant_count == READERS

    answers = [[(e["article"]["id"], e["comments"], e["participants"]) for e in json.loads(call(f"{base}/api/v1/most-discussed")[1])]
               for base in nodes]  # scores decay by the second, so the two answers differ only there
    assert answers[0] == answers[1] == [(busy.pk, READERS * EACH, READERS), (quiet.pk, 1, 1)]

    # A new account may post 5 comments in 10 minutes: five on node A, and node B refuses the sixth.
    url = f"/api/v1/articles/{quiet.pk}/comments"
    assert [call(nodes[0] + url, {"text": f"First thoughts, part {n}."}, newcomer)[0] for n in range(5)] == [200] * 5
    assert call(nodes[1] + url, {"text": "One more."}, newcomer)[0] == 429
    assert not RateSlot.objects.exists()  # with Redis configured, the counts are in Redis only
    import redis

    assert redis.Redis.from_url(redis_url).keys("*rl:*"), "no rate-limit slot in Redis"
    assert Comment.objects.filter(article=quiet).count() == 6
