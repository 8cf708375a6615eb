"""A worker killed with SIGKILL half-way through a batch loses nothing and leaves nothing half-made.

The batch is six sources of twenty entries whose article pages answer slowly; each source's
entries are stored in one transaction, so after the kill only whole sources may be stored.
"""
import email.utils
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parley.articles.models import Article
from parley.sources.models import Source, SourceArticle

SOURCES, PER_SOURCE = 6, 20
# Claims lapse after this; reading one source (20 slow pages, each extracted and judged) must fit in
# it on a busy two-core machine, since a reading process is stopped when its claim would lapse.
LEASE = 8
ENTRIES = SOURCES * PER_SOURCE


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_batch_then_restart(tmp_path):
    """Ensure SIGKILL mid-batch keeps every committed article whole and a restart stores the rest once."""
    now = timezone.now()

    def items(feed):
        return "".join(
            f"<item><title>Story {feed}-{n}</title><link>http://127.0.0.1:{{port}}/story/{feed}/{n}</link>"
            f"<guid>g{feed}-{n}</guid><pubDate>{email.utils.format_datetime(now - timedelta(minutes=n))}</pubDate>"
            f"<description>Summary {n}.</description></item>" for n in range(PER_SOURCE))

    page = ("<html><head><title>Story</title></head><body><article><h1>Story</h1>"
            + "<p>" + "Markets moved as traders weighed the outlook for rates and earnings. " * 12 + "</p>" * 1
            + "</article></body></html>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/feed/"):
                feed = int(self.path.split("/")[2])
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow Wire</title>{items(feed)}</channel></rss>'
                body = body.replace("{port}", str(self.server.server_address[1])).encode()
            else:
                time.sleep(0.05)  # article pages are slow, so the batch takes seconds
                body = page
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    for feed in range(SOURCES):
        Source.objects.create(url=f"http://127.0.0.1:{port}/feed/{feed}", full_text=True, next_check_at=now)
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path),
           "PARLEY_FETCH_ALLOW_HOSTS": "127.0.0.1", "PARLEY_WORKER_LEASE_SECONDS": str(LEASE), "PARLEY_LOG_LEVEL": "WARNING"}
    worker = [sys.executable, "-m", "parley.cli", "worker", "--once"]
    try:
        proc = subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while Article.objects.count() < PER_SOURCE and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        stored = Article.objects.count()
        assert PER_SOURCE <= stored < ENTRIES, "the kill should land mid-batch"
        assert stored % PER_SOURCE == 0  # whole sources only
        for article in Article.objects.all():
            assert "Markets moved" in article.body_text  # whole: full text, not a half-written row
        assert SourceArticle.objects.count() == stored  # every stored article is recorded for its source

        time.sleep(LEASE + 0.5)  # the dead worker's lease lapses
        done = subprocess.run(worker, env=env, capture_output=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    finally:
        httpd.shutdown()
    assert Article.objects.count() == ENTRIES
    assert SourceArticle.objects.count() == ENTRIES
    assert not Source.objects.exclude(claimed_by="").exists()
    assert not Source.objects.filter(consecutive_failures__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_reading_processes_die_with_a_killed_worker(tmp_path):
    """Ensure the reading processes of a worker killed with SIGKILL do not linger as orphans."""
    from tests.test_serve_supervision import alive, children, stat_of, wait_for

    class Slow(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            time.sleep(5)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Source.objects.create(url=f"http://127.0.0.1:{httpd.server_address[1]}/feed", next_check_at=timezone.now())
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path),
           "PARLEY_FETCH_ALLOW_HOSTS": "127.0.0.1", "PARLEY_LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen([sys.executable, "-m", "parley.cli", "worker", "--processes", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids = {}
    try:
        kids = wait_for(lambda: {pid: stat_of(pid)[2] for pid, (_, argv) in children(worker.pid).items()
                                 if any("spawn_main" in part for part in argv)}, time.monotonic() + 60)
        assert kids, "the worker started no reading process"
        worker.kill()
        worker.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(pid, start) for pid, start in kids.items()):
            time.sleep(0.1)
        left = [pid for pid, start in kids.items() if alive(pid, start)]
        assert not left, f"reading processes outlived their worker: {left}"
    finally:
        if worker.poll() is None:
            worker.kill()
        for pid, start in kids.items():
            if alive(pid, start):
                os.kill(pid, signal.SIGKILL)
        httpd.shutdown()
        httpd.server_close()
