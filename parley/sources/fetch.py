"""The one way Parley reaches the network: `fetch()`, an SSRF-guarded HTTP GET on httpcore.

- Only http and https. The host is resolved here and every address it resolves to must be public
  (not loopback, private, link-local, CGNAT, multicast, reserved or unspecified, in any encoding,
  IPv4-mapped IPv6 included); the request then goes to the address that was checked, with the
  name kept for the Host header and TLS (SNI and certificate), so DNS rebinding cannot slip in.
- Redirects are followed by hand, at most MAX_REDIRECTS, each hop checked again.
- One deadline covers the whole fetch: resolving, connecting, TLS, headers, body and every
  redirect hop. Each socket operation waits at most until that deadline, so a server trickling
  its headers a byte a second is cut off like one that never answers.
- Bodies are streamed and capped; content codings (gzip, deflate, at most two layers) are decoded
  here, layer by layer, a bounded piece at a time, so a bomb stops at the cap whatever its layering
  and memory stays near the cap. A body shorter than its Content-Length, or a compressed stream that
  ends early, is an error, never a short article.
- ETag / Last-Modified make conditional requests; 429 and 503 report their Retry-After (a value
  nobody can read is ignored, never fatal); at most two requests at a time to one host.
- PARLEY_FETCH_ALLOW_HOSTS names private hosts an operator trusts (tests use it for 127.0.0.1).
"""
import email.utils
import ipaddress
import socket
import threading
import time
import zlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
from django.conf import settings

from parley.sources.readers.decoding import charset_of

MAX_REDIRECTS = 5
MAX_CODINGS = 2  # content-coding layers decoded; more is refused
PIECE = 64 * 1024  # most bytes one decoding step may produce
MAX_RETRY_AFTER = 7 * 86400  # a longer Retry-After is read as this
USER_AGENT = "Parley/0.1 (self-hosted news reader)"
PER_HOST = 2
_host_slots = defaultdict(lambda: threading.BoundedSemaphore(PER_HOST))
_slots_lock = threading.Lock()
# Building an SSL context reads the CA bundle (~10 ms); one serves every fetch.
_ssl_context = httpx.create_ssl_context()
# Name lookups run here so a resolver that never answers cannot outlive the fetch's deadline.
_resolver = ThreadPoolExecutor(max_workers=8, thread_name_prefix="parley-dns")


class FetchError(Exception):
    """A fetch that did not produce a body, with the reason in plain words."""

    def __init__(self, reason: str, status: int | None = None, retry_after: int | None = None):
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes = b""
    headers: dict = field(default_factory=dict)
    not_modified: bool = False

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        """The charset the Content-Type header declares, or ''."""
        return charset_of(self.headers.get("content-type", ""))


# Every range of IANA's IPv4 and IPv6 Special-Purpose Address Registries (and multicast), refused
# from this list whatever Python's own table holds (3.11.7's misses most of 192.0.0.0/24, where
# cloud metadata services answer). Checked address by address in the tests.
SPECIAL_PURPOSE = [ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64",
    "2001::/23", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7",
    "fe80::/10", "fec0::/10", "ff00::/8",
)]


def is_public(address: str) -> bool:
    """Tell whether an IP address is a public unicast one (any embedded IPv4 is checked too)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public(str(embedded)):
            return False
    if any(ip.version == net.version and ip in net for net in SPECIAL_PURPOSE):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
                                 or ip.is_link_local or ip.is_private)


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in settings.PARLEY_FETCH_ALLOW_HOSTS}


def resolve_checked(host: str, port: int, timeout: float | None = None) -> str:
    """Return an address for host that may be contacted, or raise FetchError saying why not."""
    timeout = settings.PARLEY_FETCH_TIMEOUT if timeout is None else timeout
    try:
        infos = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM).result(timeout=max(timeout, 0))
    except FutureTimeout:
        raise FetchError(f"timed out resolving {host}") from None
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"{host} has no address")
    if host.lower().strip("[]") in _allowed_hosts():
        return addresses[0]
    refused = [a for a in addresses if not is_public(a)]
    if refused:
        raise FetchError(f"refused: {host} resolves to the non-public address {refused[0]}")
    return addresses[0]


def _target(url: str, deadline: float) -> tuple[str, str, dict]:
    """Return (url with the checked address as host, host header, request extensions)."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs are fetched, not {scheme or 'no scheme'}:")
    if not parts.hostname:
        raise FetchError("refused: the URL has no host")
    if parts.username or parts.password:
        raise FetchError("refused: URLs with credentials are not fetched")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError("refused: the URL's port is not a number from 1 to 65535") from None
    address = resolve_checked(parts.hostname, port, deadline - time.monotonic())
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    extensions = {"sni_hostname": parts.hostname} if scheme == "https" else {}
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")), host_header, extensions




def retry_after(value: str | None, now: float | None = None) -> int | None:
    """Return the seconds a Retry-After header asks for (0 for a past date), or None when it says nothing readable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return MAX_RETRY_AFTER if len(value) > 9 else min(int(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" dates; RFC 9110 dates are GMT
        return None
    wait = when.timestamp() - (time.time() if now is None else now)
    return int(min(max(wait, 0), MAX_RETRY_AFTER))


class _Slot:
    """One of the PER_HOST request slots of a host, waited for no longer than the fetch's deadline."""

    def __init__(self, host: str, deadline: float):
        with _slots_lock:
            self._semaphore = _host_slots[host]
        self._host, self._deadline = host, deadline

    def __enter__(self):
        if not self._semaphore.acquire(timeout=max(0.0, self._deadline - time.monotonic())):
            raise FetchError(f"timed out waiting for an earlier request to {self._host} to finish")

    def __exit__(self, *exc):
        self._semaphore.release()


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self._inner = inner
        self._deadline = deadline

    def _left(self, timeout: float | None, exc=httpcore.ReadTimeout) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise exc("the fetch's deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout)),
                               self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: float):
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch's deadline passed")
        timeout = left if timeout is None else min(timeout, left)
        return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address, socket_options), self._deadline)


class _Layer:
    """One content-coding layer, decoded incrementally and never more than PIECE bytes a step."""

    WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}

    def __init__(self, coding: str):
        self.coding = coding
        self._wbits = self.WBITS[coding]
        self._decoder = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes):
        """Yield the decoded bytes of data, piece by piece."""
        while data:
            if self._decoder.eof:
                if self.coding == "deflate" or not data.strip(b"\0"):
                    return  # zero padding after the end, as some servers send
                self._decoder = zlib.decompressobj(self._wbits)  # the next member of a multi-member gzip
            try:
                out = self._decoder.decompress(data, PIECE)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started and self._wbits > 0:
                    # Many servers send raw deflate under the name of zlib-wrapped deflate.
                    self._wbits = -zlib.MAX_WBITS
                    self._decoder = zlib.decompressobj(self._wbits)
                    continue
                raise FetchError(f"the {self.coding} body is corrupt ({exc})") from None
            self._started = True
            if out:
                yield out
            data = self._decoder.unconsumed_tail
            if not data and len(out) == PIECE:  # all input taken, but output may still be waiting
                yield from self._drain()
            if self._decoder.eof:
                data = self._decoder.unused_data

    def _drain(self):
        while True:
            out = self._decoder.decompress(b"", PIECE)
            if not out:
                return
            yield out

    def finish(self) -> None:
        if not self._decoder.eof:
            raise FetchError(f"the {self.coding} body ended before its compressed stream did (truncated)")


def _layers(content_encoding: str) -> list[_Layer]:
    """Return the decoders for a Content-Encoding header, last applied first; refuse the unknown and the deep."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    unknown = [c for c in codings if c not in _Layer.WBITS]
    if unknown:
        raise FetchError(f"the response uses the content coding {unknown[0]!r}, which was not asked for")
    if len(codings) > MAX_CODINGS:
        raise FetchError(f"the response is compressed {len(codings)} times over; at most {MAX_CODINGS} layers are decoded")
    return [_Layer(c) for c in reversed(codings)]


def decode_coding(chunks, coding: str):
    """Yield bytes in one content coding ("gzip", "deflate") decoded, a bounded piece at a time, every
    gzip member included; raise FetchError for a corrupt or truncated stream. Saved .gz files too."""
    return _decoded(chunks, [_Layer(coding)])


def _decoded(chunks, layers: list[_Layer]):
    """Yield the body through every layer, a bounded piece at a time."""
    def through(pieces, layer):
        for piece in pieces:
            yield from layer.feed(piece)
        layer.finish()

    stream = chunks
    for layer in layers:
        stream = through(stream, layer)
    yield from stream


def fetch(url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None,
          total_timeout: float | None = None, user_agent: str = "") -> Fetched:
    """GET a URL through the guard; return the body, or not_modified for a 304; raise FetchError otherwise.
    `user_agent` replaces Parley's own where a site asks callers to declare who they are (the SEC)."""
    cap = max_bytes or settings.PARLEY_FETCH_MAX_BYTES
    total_timeout = total_timeout or settings.PARLEY_FETCH_TIMEOUT
    started = time.monotonic()
    deadline = started + total_timeout
    headers = {"User-Agent": user_agent or USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target, host_header, extensions = _target(current, deadline)
        host = urlsplit(current).hostname.lower()
        try:
            result = _get(target, host, {**headers, "Host": host_header}, extensions, current, cap, deadline)
        except (httpcore.TimeoutException, TimeoutError):
            raise FetchError(f"timed out: {host} did not finish answering within {total_timeout:g} s") from None
        except (httpcore.RemoteProtocolError, httpcore.ReadError) as exc:
            raise FetchError(f"the response from {host} was cut short or malformed: {exc or type(exc).__name__}") from None
        except (httpcore.NetworkError, httpcore.ProtocolError, OSError, ValueError) as exc:
            raise FetchError(f"cannot fetch from {host}: {exc or type(exc).__name__}") from None
        if isinstance(result, str):
            current = result
            continue
        return result
    raise FetchError(f"more than {MAX_REDIRECTS} redirects, starting at {url}")


def _get(target, host, headers, extensions, current, cap, deadline) -> Fetched | str:
    """One hop: return the fetched response, or the URL a redirect points to."""
    # A pool per hop: its connections are keyed by address and must never carry one host's TLS
    # session over to another name on the same address.
    with _Slot(host, deadline), httpcore.ConnectionPool(ssl_context=_ssl_context, network_backend=_DeadlineBackend(deadline),
                                              max_connections=1) as pool, \
            pool.stream("GET", target, headers=list(headers.items()), extensions=extensions) as response:
        status = response.status
        found = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers}
        if status in (301, 302, 303, 307, 308):
            location = found.get("location")
            if not location:
                raise FetchError(f"redirect without a Location from {host}", status)
            return urljoin(current, location.strip())
        result = Fetched(current, status, headers=found)
        if status == 304:
            result.not_modified = True
            return result
        if status in (429, 503):
            header = found.get("retry-after", "").strip()
            wait = retry_after(header)
            said = (f" {wait} s" if wait is not None else
                    f" (its Retry-After {header[:40]!r} is neither seconds nor a date, so the usual backoff applies)"
                    if header else "")
            raise FetchError(f"{host} answered {status}; asked to wait{said}", status, wait)
        if status >= 400:
            raise FetchError(f"{host} answered HTTP {status}", status)
        declared = found.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"response is {int(declared):,} bytes, over the limit of {cap:,}", status)
        try:
            layers = _layers(found.get("content-encoding", ""))
        except FetchError as exc:
            exc.status = status
            raise
        chunks, size = [], 0
        for chunk in _decoded(response.iter_stream(), layers):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"response is over the limit of {cap:,} bytes"
                                 + (" (after decompression)" if layers else ""), status)
            chunks.append(chunk)
        result.content = b"".join(chunks)
        return result
