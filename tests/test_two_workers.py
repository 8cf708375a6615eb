"""Two `parley worker --once` processes started together on eight feeds that share every story:
each story is stored once, each feed records every entry it carried, and no check fails."""
import email.utils
import http.server
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.articles.models import Article
from parley.sources.models import FetchLog, Source, SourceArticle
from tests.processes import run_together

FEEDS, PER_FEED = 8, 25
DEADLINE = 120  # seconds for both workers, start to finish
# Story pool k is shared by feed k and feed k+1 (mod 8); pools alternate 12 and 13 stories so that
# every feed carries 25: the first part of its entries it shares with the feed before, the rest with the next.
POOL_SIZES = [12 if k % 2 == 0 else 13 for k in range(FEEDS)]
POOLS = []
for size in POOL_SIZES:
    start = sum(len(p) for p in POOLS)
    POOLS.append(list(range(start, start + size)))
STORIES = sum(POOL_SIZES)  # 100: 8 feeds x 25 entries / 2 feeds each


def stories_of(feed: int) -> list[int]:
    return POOLS[(feed - 1) % FEEDS] + POOLS[feed]


def feeds_of(story: int) -> set[int]:
    return {feed for feed in range(FEEDS) if story in stories_of(feed)}


@pytest.mark.django_db(transaction=True)
def test_two_workers_store_shared_stories_once(tmp_path):
    """Ensure two concurrent workers store each story shared by two feeds as one article carried by both feeds,
    check every feed once and leave no error."""
    assert all(len(stories_of(f)) == PER_FEED for f in range(FEEDS))
    assert all(len(feeds_of(s)) == 2 for s in range(STORIES))
    now = timezone.now()
    body = "Traders weighed the outlook for rates and earnings as the session wore on. " * 4

    def feed_xml(feed: int, base: str) -> bytes:
        items = "".join(
            f"<item><title>Shared story {s}</title><link>{base}/story/{s}</link><guid>feed{feed}-story{s}</guid>"
            f"<pubDate>{email.utils.format_datetime(now - timedelta(minutes=3 * s))}</pubDate>"
            f"<description>{body}Story {s}.</description></item>" for s in stories_of(feed))
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire {feed}</title>'
                f"{items}</channel></rss>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "feed" and parts[1].isdigit() and int(parts[1]) < FEEDS:
                status, data = 200, feed_xml(int(parts[1]), f"http://127.0.0.1:{self.server.server_address[1]}")
            else:
                status, data = 404, b""
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sources = {feed: Source.objects.create(url=f"{base}/feed/{feed}", next_check_at=now) for feed in range(FEEDS)}
    try:
        run_together(tmp_path, [["worker", "--once", "--batch", "1"]] * 2, deadline=DEADLINE,
                     PARLEY_FETCH_ALLOW_HOSTS="127.0.0.1")
    finally:
        httpd.shutdown()

    urls = {f"{base}/story/{s}": s for s in range(STORIES)}
    stored = list(Article.objects.values_list("url", flat=True))
    assert sorted(stored) == sorted(urls), "each story stored exactly once"
    carried = {(row["source_id"], urls[row["article__url"]])
               for row in SourceArticle.objects.values("source_id", "article__url")}
    assert SourceArticle.objects.count() == FEEDS * PER_FEED
    assert carried == {(sources[feed].pk, s) for feed in range(FEEDS) for s in stories_of(feed)}
    assert list(Source.objects.exclude(last_error="").values_list("url", "last_error")) == []
    assert not Source.objects.filter(last_fetch_at__isnull=True).exists()
    assert not Source.objects.exclude(claimed_by="").exists()
    assert FetchLog.objects.count() == FEEDS, "each feed is checked exactly once"
