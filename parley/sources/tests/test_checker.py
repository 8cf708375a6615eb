"""The worker's checker with real reading processes: results match checking in one process, and a
reading process that dies or hangs costs only the time it took, never a source or the worker."""
import email.utils
import http.server
import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.articles.models import Article
from parley.sources.checker import Checker
from parley.sources.models import FetchLog, Source
from tests.test_serve_supervision import children

SLOW = 3.0  # seconds the slow feed takes to answer: time to find and kill the reading process


def feed(name: str, n: int = 3) -> bytes:
    now = timezone.now()
    items = "".join(
        f"<item><title>{name} story {i}</title><link>http://{name}.example/{i}</link><guid>{name}-{i}</guid>"
        f"<pubDate>{email.utils.format_datetime(now - timedelta(hours=i))}</pubDate>"
        f"<description>Shares of the lender rose after it beat forecasts, story {i}.</description></item>"
        for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode()


@pytest.fixture
def farm(settings):
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/slow/"):
                time.sleep(SLOW)
            body = feed(self.path.strip("/").replace("/", "-"))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.django_db(transaction=True)
def test_reading_processes_store_what_one_process_stores(farm):
    """Ensure three feeds checked through two reading processes are stored whole, each source recorded."""
    for name in ("a", "b", "c"):
        Source.objects.create(url=f"{farm}/{name}")
    with Checker(2) as checker:
        results = list(checker.check(Source.objects.order_by("id")))
    assert [entry.new for _, entry in results] == [3, 3, 3]
    assert Article.objects.count() == 9
    assert set(Source.objects.values_list("last_error", flat=True)) == {""}


@pytest.mark.django_db(transaction=True)
def test_a_killed_reading_process_costs_no_source(farm):
    """Ensure that when a reading process is killed mid-fetch, every source of the batch is still
    checked (each once more in a fresh process) and recorded, and the checker carries on."""
    Source.objects.create(url=f"{farm}/slow/one")
    Source.objects.create(url=f"{farm}/two")
    with Checker(1) as checker:
        list(checker.check([]))
        results = []

        def kill_soon():
            deadline = time.monotonic() + SLOW
            while time.monotonic() < deadline:
                readers = [pid for pid, (_, argv) in children(os.getpid()).items() if any("spawn" in a for a in argv)]
                if readers:
                    time.sleep(0.5)  # inside the slow fetch
                    for pid in readers:
                        os.kill(pid, signal.SIGKILL)
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_soon)
        killer.start()
        results = list(checker.check(Source.objects.order_by("id")))
        killer.join()
    assert [(entry.error, entry.new) for _, entry in results] == [("", 3), ("", 3)]
    assert FetchLog.objects.count() == 2 and Article.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_hung_reading_process_is_stopped_and_its_source_recorded(farm, settings):
    """Ensure a source whose reading outlasts the worker's lease is recorded as such, the stuck
    process is stopped, and the next source is checked in a fresh one."""
    settings.PARLEY_WORKER_LEASE_SECONDS = 1
    slow = Source.objects.create(url=f"{farm}/slow/hung")
    Source.objects.create(url=f"{farm}/after")
    with Checker(1) as checker:
        list(checker.check([]))
        results = list(checker.check(Source.objects.order_by("id")))
    slow.refresh_from_db()
    assert "took" in slow.last_error and slow.consecutive_failures == 1
    assert results[1][1].error == "" and results[1][1].new == 3
