"""Ingestion benchmark: Parley and the peer feed reader `reader` on the same loopback feed farm.

200 generated feeds of 50 entries each (../shared/bench/feedfarm.py) plus the four real feeds of
../shared/corpus/feeds, served over 127.0.0.1 with ETags. For each reader: entries/s on the first
poll, and the cost of a second poll where every feed answers 304, as a share of the first. Parley
also sanitises with nh3, deduplicates and indexes every entry for search. Then full-text
extraction: Parley's guarded fetch + extraction against trafilatura's own fetch + extract, on
the AEB article pages served from the same machine (plain httpx GET + trafilatura.extract as the
baseline, since trafilatura's own fetch_url refuses loopback servers).

    pip install reader sgmllib3k     # the peer (`make bench` installs it)
    python bench/ingest.py
"""
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path[:0] = [str(ROOT), str(SHARED / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-ingest-bench-")
os.environ["PARLEY_FETCH_ALLOW_HOSTS"] = "127.0.0.1"
os.environ["PARLEY_LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import trafilatura  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from feedfarm import make_feed, run_reader, serve  # noqa: E402

from parley.articles.models import Article  # noqa: E402
from parley.articles.services import ArticleDraft  # noqa: E402
from parley.sources.ingest import ingest_source, with_full_text  # noqa: E402
from parley.sources.models import Source  # noqa: E402

FEEDS, ENTRIES = 200, 50


def parley_polls(urls):
    for url in urls:
        Source.objects.create(url=url, next_check_at=timezone.now())
    sources = list(Source.objects.order_by("id"))
    started = time.perf_counter()
    for source in sources:
        ingest_source(source)
    first = time.perf_counter() - started
    stored = Article.objects.count()
    sources = list(Source.objects.order_by("id"))  # with their ETags
    started = time.perf_counter()
    for source in sources:
        entry = ingest_source(source)
        assert entry.status in (304, 200), entry.error
    second = time.perf_counter() - started
    return stored, first, second


def full_text(base, keys):
    notes = []
    drafts = [ArticleDraft(title=k, url=f"{base}/page/{k}", published_at=timezone.now(), paragraphs=["Summary."])
              for k in keys]
    started = time.perf_counter()
    extracted = [with_full_text(d, notes, None) for d in drafts]
    ours = time.perf_counter() - started
    started = time.perf_counter()
    theirs_texts = [trafilatura.extract(httpx.get(f"{base}/page/{k}").text) for k in keys]
    theirs = time.perf_counter() - started
    return len(keys), ours, theirs, sum(len(d.paragraphs) > 1 for d in extracted), sum(bool(t) for t in theirs_texts)


def main():
    call_command("migrate", verbosity=0)
    feeds = [make_feed(i, ENTRIES) for i in range(FEEDS)]
    real = sorted((SHARED / "corpus" / "feeds").glob("*.*"))
    feeds += [p.read_bytes() for p in real if not p.name.startswith("LICENSE")]
    srv = serve(feeds)
    urls = [f"http://127.0.0.1:{srv.server_port}/feed/{i}.xml" for i in range(len(feeds))]
    peer_n, peer_first, peer_second = run_reader(urls)
    ours_n, ours_first, ours_second = parley_polls(urls)
    srv.shutdown()

    truth = json.loads((SHARED / "corpus" / "aeb" / "ground-truth.json").read_text())
    pages = {k: gzip.decompress((SHARED / "corpus" / "aeb" / "html" / f"{k}.html.gz").read_bytes()) for k in truth}
    import http.server
    import threading

    class Pages(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages.get(self.path.rsplit("/", 1)[-1], b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    n, ours_ft, theirs_ft, ours_ok, theirs_ok = full_text(f"http://127.0.0.1:{httpd.server_address[1]}", list(pages))
    httpd.shutdown()

    print(f"\nIngestion, {FEEDS} generated feeds x {ENTRIES} entries + {len(real) - 1} real feeds over 127.0.0.1, "
          f"SQLite, one process, {os.cpu_count()} cores")
    print("| reader | entries stored | first poll s | entries/s | 304 re-poll s | re-poll / first |")
    print("|---|---|---|---|---|---|")
    print(f"| reader (peer) | {peer_n} | {peer_first:.2f} | {peer_n / peer_first:.0f} | {peer_second:.2f} | {peer_second / peer_first:.1%} |")
    print(f"| Parley | {ours_n} | {ours_first:.2f} | {ours_n / ours_first:.0f} | {ours_second:.2f} | {ours_second / ours_first:.1%} |")
    print(f"Parley / reader entries/s: {(ours_n / ours_first) / (peer_n / peer_first):.2f}x")
    print(f"\nFull text on {n} AEB pages over 127.0.0.1: Parley (guarded fetch + extraction) {n / ours_ft:.1f} pages/s "
          f"({ours_ok} extracted), httpx GET + trafilatura.extract {n / theirs_ft:.1f} pages/s ({theirs_ok} extracted): "
          f"Parley at {theirs_ft / ours_ft:.2f}x of the baseline")


if __name__ == "__main__":
    main()
