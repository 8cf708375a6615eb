"""Ingestion benchmark: Parley and the peer feed reader `reader` on the same loopback feed farm.

200 generated feeds of 50 entries each (../shared/bench/feedfarm.py) plus the real feeds of
../shared/corpus/feeds, served over 127.0.0.1 with ETags. For each reader: entries/s on the first
poll, and the cost of a second poll where every feed answers 304, as a share of the first. Parley
also sanitises with nh3, deduplicates and indexes every entry for search. Parley runs as its worker
does (`parley worker`: batches of 25 claimed sources, reading processes fetching and parsing while
the worker stores; one per core but one) and, for comparison, all in one process. Then the hostile
side: a batch of four hostile sources and one good one through the worker's checker, and the
peak memory of one process fetching each decompression bomb. Then full-text
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
from parley.jobs.worker import DEFAULT_BATCH  # noqa: E402
from parley.sources.checker import Checker, default_processes  # noqa: E402
from parley.sources.ingest import with_full_text  # noqa: E402
from parley.sources.models import Source  # noqa: E402
from parley.sources.tests.faultserver import FaultServer  # noqa: E402

FEEDS, ENTRIES = 200, 50
BATCH = DEFAULT_BATCH  # what `parley worker` claims at a time


def checked_in_batches(checker, sources):
    for start in range(0, len(sources), BATCH):
        for _source, entry in checker.check(sources[start:start + BATCH]):
            assert entry.status in (304, 200), entry.error


def parley_polls(urls, processes):
    """First poll and 304 re-poll of every URL on an empty database, as the worker checks them."""
    Article.objects.all().delete()
    Source.objects.all().delete()
    for url in urls:
        Source.objects.create(url=url, next_check_at=timezone.now())
    with Checker(processes) as checker:
        list(checker.check([]))
        if processes:  # start the reading processes before the clock, as a running worker has them
            list(checker.check(list(Source.objects.order_by("id")[:1])))
            Article.objects.all().delete()
            Source.objects.update(etag="", last_modified="")
        sources = list(Source.objects.order_by("id"))
        started = time.perf_counter()
        checked_in_batches(checker, sources)
        first = time.perf_counter() - started
        stored = Article.objects.count()
        sources = list(Source.objects.order_by("id"))  # with their ETags
        started = time.perf_counter()
        checked_in_batches(checker, sources)
        second = time.perf_counter() - started
    return stored, first, second


HOSTILE = ["/gzip2", "/trickle-headers", "/truncated-gzip", "/retry-after/text"]
BOMBS = ["/gzip1", "/gzip2", "/gzip3", "/deflate-bomb"]
HOSTILE_DEADLINE = 5
# Resident memory now, and the peak since the peak was reset (Linux: "5" to clear_refs), in KiB.
PEAK_SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
import django; django.setup()
from parley.sources.fetch import FetchError, fetch
def status(field):
    return int(next(l for l in open("/proc/self/status") if l.startswith(field)).split()[1])
open("/proc/self/clear_refs", "w").write("5")
before = status("VmRSS:")
try:
    fetch(sys.argv[1]); outcome = "stored"
except FetchError as exc:
    outcome = str(exc)
print(before, status("VmHWM:"), outcome, sep="\t")
"""


def hostile_batch(processes):
    """Seconds for the worker's checker to finish four hostile sources and one good one."""
    from django.conf import settings

    settings.PARLEY_FETCH_TIMEOUT = HOSTILE_DEADLINE  # under the fault server's own 8 s hang-up
    server = FaultServer()
    try:
        Source.objects.all().delete()
        for path in [*HOSTILE, "/good"]:
            Source.objects.create(url=server.base + path, next_check_at=timezone.now())
        sources = list(Source.objects.order_by("id"))
        with Checker(processes) as checker:
            if processes:
                list(checker.check([]))
            started = time.perf_counter()
            outcomes = [(s.url.rsplit("/", 1)[-1], e.error or f"{e.new} new") for s, e in checker.check(sources)]
            return time.perf_counter() - started, outcomes
    finally:
        server.close()


def bomb_peaks():
    """Peak resident memory of a fresh process fetching each bomb, over its resident memory before."""
    import subprocess

    server = FaultServer()
    wire = {"/gzip1": server.bombs[1], "/gzip2": server.bombs[2], "/gzip3": server.bombs[3],
            "/deflate-bomb": server.deflate_bomb}
    rows = []
    try:
        for path in BOMBS:
            out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, server.base + path], capture_output=True,
                                 text=True, timeout=120, cwd=ROOT, env={**os.environ}).stdout.strip().split("\t")
            before, after, outcome = int(out[0]), int(out[1]), out[2]
            rows.append((path, len(wire[path]), (after - before) / 1024, outcome))
    finally:
        server.close()
    return rows


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
    processes = default_processes()
    peer_n, peer_first, peer_second = run_reader(urls)
    ours_n, ours_first, ours_second = parley_polls(urls, processes)
    solo_n, solo_first, solo_second = parley_polls(urls, 0)
    srv.shutdown()
    hostile_seconds, hostile_outcomes = hostile_batch(processes)
    peaks = bomb_peaks()

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
    print(f"| Parley (worker, {processes} reading process{'es' if processes > 1 else ''}) | {ours_n} | {ours_first:.2f} | "
          f"{ours_n / ours_first:.0f} | {ours_second:.2f} | {ours_second / ours_first:.1%} |")
    print(f"| Parley (one process) | {solo_n} | {solo_first:.2f} | {solo_n / solo_first:.0f} | {solo_second:.2f} | "
          f"{solo_second / solo_first:.1%} |")
    print(f"Parley worker / reader entries/s: {(ours_n / ours_first) / (peer_n / peer_first):.2f}x; "
          f"one process / reader: {(solo_n / solo_first) / (peer_n / peer_first):.2f}x")
    print(f"\nA batch of four hostile sources and one good one (fetch deadline {HOSTILE_DEADLINE} s, "
          f"worker with {processes} reading process{'es' if processes > 1 else ''}): {hostile_seconds:.1f} s")
    for name, outcome in hostile_outcomes:
        print(f"  {name}: {outcome}")
    print("\nPeak memory of a process fetching each bomb (cap PARLEY_FETCH_MAX_BYTES = 15 MiB after decoding)")
    print("| response | bytes on the wire | peak RSS over RSS before, MiB | outcome |")
    print("|---|---|---|---|")
    for path, wire, growth, outcome in peaks:
        print(f"| {path} | {wire:,} | {growth:.1f} | {outcome} |")
    print(f"\nFull text on {n} AEB pages over 127.0.0.1: Parley (guarded fetch + extraction) {n / ours_ft:.1f} pages/s "
          f"({ours_ok} extracted), httpx GET + trafilatura.extract {n / theirs_ft:.1f} pages/s ({theirs_ok} extracted): "
          f"Parley at {theirs_ft / ours_ft:.2f}x of the baseline")


if __name__ == "__main__":
    main()
