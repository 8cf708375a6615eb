"""The guarded fetcher against a real HTTP server on 127.0.0.1 with scripted faults, and the SSRF guard."""
import gzip
import http.server
import threading
import time

import pytest

from parley.sources.fetch import SPECIAL_PURPOSE, FetchError, fetch, is_public

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MiB of zeros in ~64 KiB


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each path with one behaviour a real feed server might show."""

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        port = self.server.server_address[1]
        if path == "/feed":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.send(304, headers=[("ETag", '"v1"')])
            return self.send(200, FEED, [("Content-Type", "application/rss+xml"), ("ETag", '"v1"'),
                                         ("Last-Modified", "Tue, 25 Nov 2025 10:00:00 GMT")])
        if path == "/agent":
            return self.send(200, self.headers.get("User-Agent", "").encode())
        if path == "/hop":
            return self.send(302, headers=[("Location", "/feed")])
        if path.startswith("/loop"):
            return self.send(302, headers=[("Location", f"/loop{len(path)}")])
        if path == "/to-private":
            return self.send(302, headers=[("Location", "http://169.254.169.254/latest/meta-data/")])
        if path == "/to-loopback-name":
            return self.send(301, headers=[("Location", f"http://localhost:{port}/feed")])
        if path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(40 * 1024 * 1024))
            self.end_headers()
            return None
        if path == "/huge-chunked":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"y" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/bomb":
            return self.send(200, BOMB, [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")])
        if path == "/busy":
            return self.send(429, b"slow down", [("Retry-After", "120")])
        if path == "/down":
            return self.send(503, b"", [("Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT")])
        if path == "/error":
            return self.send(500, b"oops")
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<rss>only part")
            return None
        return self.send(404)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def allow_loopback(settings):
    settings.PARLEY_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.PARLEY_FETCH_MAX_BYTES = 1024 * 1024


def test_fetch_and_conditional_get(server, allow_loopback):
    """Ensure a feed is fetched with its validators, and a second conditional fetch is a 304."""
    first = fetch(f"{server}/feed")
    assert first.content == FEED and first.etag == '"v1"' and first.content_type == "application/rss+xml"
    second = fetch(f"{server}/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""


def test_clear_user_agent(server, allow_loopback):
    """Ensure requests say who is asking."""
    assert fetch(f"{server}/agent").content.startswith(b"Parley/")


def test_redirect_is_followed_and_checked(server, allow_loopback):
    """Ensure a redirect within allowed hosts is followed and the final URL reported."""
    assert fetch(f"{server}/hop").url == f"{server}/feed"


@pytest.mark.parametrize("path, reason", [
    ("/loop", "more than 5 redirects"),
    ("/to-private", "non-public address 169.254.169.254"),
    ("/to-loopback-name", "non-public address"),
    ("/huge", "over the limit"),
    ("/huge-chunked", "over the limit"),
    ("/bomb", "over the limit"),
    ("/error", "HTTP 500"),
    ("/truncated", "cut short"),
    ("/missing", "HTTP 404"),
])
def test_faults_end_as_clear_errors(server, allow_loopback, path, reason):
    """Ensure each scripted fault ends as a FetchError that says what happened."""
    with pytest.raises(FetchError, match=reason):
        fetch(f"{server}{path}")


def test_slow_response_is_cut_off(server, allow_loopback):
    """Ensure a body that trickles in is abandoned at the total time limit."""
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer|timed out"):
        fetch(f"{server}/slow", total_timeout=1.0)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path, status, wait", [("/busy", 429, 120), ("/down", 503, None)])
def test_retry_after_is_reported(server, allow_loopback, path, status, wait):
    """Ensure 429 and 503 carry their Retry-After, in seconds or as a date."""
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}{path}")
    assert caught.value.status == status
    if wait is not None:
        assert caught.value.retry_after == wait
    else:
        assert caught.value.retry_after > 86400


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://0.0.0.0/", "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/", "http://100.64.0.1/", "http://[::1]/", "http://[fc00::1]/",
    "http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://0177.0.0.1/", "http://localhost/",
    "http://224.0.0.1/", "http://[2002:7f00:1::]/",
])
def test_ssrf_guard_refuses_private_addresses(url, settings):
    """Ensure every non-public address, however written, is refused before any connection."""
    settings.PARLEY_FETCH_ALLOW_HOSTS = []
    with pytest.raises(FetchError, match="refused"):
        fetch(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed", "gopher://example.com/",
                                 "http://user:pass@example.com/"])
def test_only_plain_http_urls(url):
    """Ensure file:, ftp:, gopher: and credentials in URLs are refused."""
    with pytest.raises(FetchError, match="refused"):
        fetch(url)


def test_public_addresses_pass_the_check():
    """Ensure ordinary public addresses are not mistaken for private ones."""
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert not is_public("::ffff:10.0.0.1")


@pytest.mark.parametrize("network", [str(n) for n in SPECIAL_PURPOSE])
def test_every_special_purpose_range_is_refused_address_by_address(network):
    """Ensure the first, a middle and the last address of every IANA special-purpose range are refused,
    whatever Python's own table says (192.0.0.192 and 192.0.0.8 reached a metadata address before)."""
    import ipaddress

    net = ipaddress.ip_network(network)
    for address in (net.network_address, net.network_address + net.num_addresses // 2, net.broadcast_address):
        assert not is_public(str(address)), address


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450::1"])
def test_public_addresses_stay_reachable(address):
    """Ensure ordinary public addresses are still allowed by the special-purpose table."""
    assert is_public(address)
