"""A hostile web server on 127.0.0.1 for the fetch tests: each path is one way a server misbehaves.

It speaks raw bytes over real sockets, so it can do what a polite HTTP library never would:
trickle its headers, lie about its length, stack compressions, hang. Every handler stops by
itself within HANDLER_LIMIT seconds, and the whole server with `close()`.
"""
import gzip
import socketserver
import threading
import time
import zlib

HANDLER_LIMIT = 8.0  # seconds any one connection may be held
MiB = 1024 * 1024
FEED = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Good Wire</title>'
        b"<item><title>Rates held steady</title><link>http://good.example/a</link><guid>a</guid>"
        b"<pubDate>Tue, 25 Nov 2025 10:00:00 GMT</pubDate><description>The central bank kept its rate "
        b"where it was, as most economists had expected.</description></item></channel></rss>")


def _zeros(size: int, wbits: int) -> bytes:
    """`size` zero bytes compressed (gzip for wbits 31, zlib deflate for 15), built without holding them."""
    packer, chunk = zlib.compressobj(9, zlib.DEFLATED, wbits), b"\0" * MiB
    return b"".join(packer.compress(chunk) for _ in range(size // MiB)) + packer.flush()


def _bomb(layers: int, size: int = 128 * MiB) -> bytes:
    """Zeros gzipped `layers` times: a few KB on the wire, `size` bytes once fully decoded."""
    body = _zeros(size, 31)
    for _ in range(layers - 1):
        body = gzip.compress(body, compresslevel=9)
    return body


class _Handler(socketserver.StreamRequestHandler):
    timeout = HANDLER_LIMIT

    def handle(self):
        try:
            request = self.rfile.readline(8192).decode("latin-1")
            while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                pass
            path = request.split(" ")[1] if request.count(" ") >= 2 else "/"
            self.server.route(self, path)
        except (OSError, ValueError):
            pass  # the client gave up first, as it should

    def reply(self, status: str, body: bytes = b"", headers=(), length: int | None = None):
        head = [f"HTTP/1.1 {status}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers]
        head.append(f"Content-Length: {len(body) if length is None else length}")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def trickle(self, data: bytes, every: float = 0.2):
        stop = time.monotonic() + HANDLER_LIMIT
        for byte in data:
            if time.monotonic() > stop:
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(every)


class FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bombs = {n: _bomb(n) for n in (1, 2, 3)}
        self.deflate_bomb = _zeros(128 * MiB, 15)
        self.hits: dict[str, int] = {}
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()

    def route(self, h: _Handler, path: str):  # noqa: C901 - one branch per fault, read top to bottom
        self.hits[path] = self.hits.get(path, 0) + 1
        rss = [("Content-Type", "application/rss+xml; charset=utf-8")]
        if path == "/good":
            return h.reply("200 OK", FEED, rss)
        if path.startswith("/retry-after/"):
            value = {"text": "soon", "negative": "-5", "past": "Wed, 21 Oct 2015 07:28:00 GMT",
                     "huge": "99999999999999999999", "garbage-date": "Mon, 99 Foo 20x5 99:99:99 GMT",
                     "empty": ""}[path.rsplit("/", 1)[1]]
            return h.reply("429 Too Many Requests", b"slow down", [("Retry-After", value)])
        if path == "/gzip2":
            return h.reply("200 OK", self.bombs[2], [*rss, ("Content-Encoding", "gzip, gzip")])
        if path == "/gzip3":
            return h.reply("200 OK", self.bombs[3], [*rss, ("Content-Encoding", "gzip, gzip, gzip")])
        if path == "/gzip1":
            return h.reply("200 OK", self.bombs[1], [*rss, ("Content-Encoding", "gzip")])
        if path == "/gzip-members":  # two gzip members back to back: one body, as RFC 1952 allows
            body = gzip.compress(FEED[:100]) + gzip.compress(FEED[100:])
            return h.reply("200 OK", body, [*rss, ("Content-Encoding", "gzip")])
        if path == "/deflate-bomb":
            return h.reply("200 OK", self.deflate_bomb, [*rss, ("Content-Encoding", "deflate")])
        if path == "/brotli":
            return h.reply("200 OK", b"\x0b\x02\x80hello\x03", [*rss, ("Content-Encoding", "br")])
        if path == "/trickle-headers":
            return h.trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"a" * 200)
        if path == "/trickle-body":
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n")
            return h.trickle(FEED)
        if path == "/silent":
            time.sleep(HANDLER_LIMIT)
            return None
        if path == "/truncated-gzip":
            whole = gzip.compress(FEED)
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n"
                          b"Connection: close\r\n\r\n" + whole[: len(whole) // 2])
            return None  # no Content-Length: the connection's close ends the body, half-way through the stream
        if path == "/short-length":
            return h.reply("200 OK", FEED[:100], rss, length=len(FEED))
        if path == "/corrupt-gzip":
            return h.reply("200 OK", b"\x1f\x8b\x08\x00" + b"\xff" * 200, [*rss, ("Content-Encoding", "gzip")])
        if path.startswith("/loop"):
            return h.reply("302 Found", headers=[("Location", "/loop" if path == "/loop2" else "/loop2")])
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return h.reply("301 Moved", headers=[("Location", f"/chain/{n + 1}" if n < 9 else "/good")])
        if path == "/html-as-rss":
            return h.reply("200 OK", b"<html><head><title>Home</title></head><body><p>Welcome.</p></body></html>", rss)
        if path == "/binary-as-rss":
            return h.reply("200 OK", bytes(range(256)) * 40, rss)
        if path == "/xxe":
            body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    b'<rss version="2.0"><channel><title>X</title><item><title>Leak &xxe;</title><guid>x</guid>'
                    b"<description>root: &xxe;</description></item></channel></rss>")
            return h.reply("200 OK", body, rss)
        if path == "/laughs":
            entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
            body = (f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>L</title>'
                    f"<item><title>Laughs</title><guid>l</guid><description>&a9;</description></item></channel></rss>")
            return h.reply("200 OK", body.encode(), rss)
        if path == "/not-xml":
            return h.reply("200 OK", b"<rss><channel><item><title>Broken<<</titl></rss", rss)
        if path == "/bad-status-line":
            h.wfile.write(b"HTTP/1.1 two hundred OK\r\n\r\n")
            return None
        if path == "/bad-header":
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n" + FEED)
            return None
        return h.reply("404 Not Found", b"no such fault")
