"""The one way Parley reaches the network: `fetch()`, an SSRF-guarded HTTP GET on httpx.

- Only http and https. The host is resolved here and every address it resolves to must be public
  (not loopback, private, link-local, CGNAT, multicast, reserved or unspecified, in any encoding,
  IPv4-mapped IPv6 included); the request then goes to the address that was checked, with the
  name kept for the Host header and TLS (SNI and certificate), so DNS rebinding cannot slip in.
- Redirects are followed by hand, at most MAX_REDIRECTS, each hop checked again.
- Connect timeout 10 s, whole fetch 20 s; bodies are streamed and capped, after decompression
  too (a gzip bomb stops at the cap); ETag / Last-Modified make conditional requests; 429 and 503
  report their Retry-After; at most two requests at a time to one host.
- PARLEY_FETCH_ALLOW_HOSTS names private hosts an operator trusts (tests use it for 127.0.0.1).
"""
import email.utils
import ipaddress
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 20.0
USER_AGENT = "Parley/0.1 (self-hosted news reader)"
PER_HOST = 2
_host_slots = defaultdict(lambda: threading.BoundedSemaphore(PER_HOST))
_slots_lock = threading.Lock()
# Building an SSL context reads the CA bundle (~10 ms); one serves every fetch.
_ssl_context = httpx.create_ssl_context()


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


def is_public(address: str) -> bool:
    """Tell whether an IP address is a public unicast one (any embedded IPv4 is checked too)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public(str(embedded)):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
                                 or ip.is_link_local or ip.is_private)


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in settings.PARLEY_FETCH_ALLOW_HOSTS}


def resolve_checked(host: str, port: int) -> str:
    """Return an address for host that may be contacted, or raise FetchError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
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


def _target(url: str) -> tuple[str, str, dict]:
    """Return (url with the checked address as host, host header, request extensions)."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs are fetched, not {scheme or 'no scheme'}:")
    if not parts.hostname:
        raise FetchError("refused: the URL has no host")
    if parts.username or parts.password:
        raise FetchError("refused: URLs with credentials are not fetched")
    port = parts.port or (443 if scheme == "https" else 80)
    address = resolve_checked(parts.hostname, port)
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    extensions = {"sni_hostname": parts.hostname} if scheme == "https" else {}
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")), host_header, extensions


def _retry_after(value: str | None) -> int | None:
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    when = email.utils.parsedate_to_datetime(value) if value else None
    return max(0, int(when.timestamp() - time.time())) if when else None


def _slot(host: str) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _host_slots[host]


def fetch(url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None,
          total_timeout: float = TOTAL_TIMEOUT) -> Fetched:
    """GET a URL through the guard; return the body, or not_modified for a 304; raise FetchError otherwise."""
    cap = max_bytes or settings.PARLEY_FETCH_MAX_BYTES
    deadline = time.monotonic() + total_timeout
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target, host_header, extensions = _target(current)
        host = urlsplit(current).hostname.lower()
        # A client per hop: its connection pool is keyed by address, and must never carry one
        # host's TLS session over to another name on the same address.
        with _slot(host), httpx.Client(timeout=httpx.Timeout(min(total_timeout, 60), connect=CONNECT_TIMEOUT),
                                       follow_redirects=False, trust_env=False, verify=_ssl_context) as client:
            try:
                request = client.build_request("GET", target, headers={**headers, "Host": host_header},
                                               extensions=extensions)
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(f"timed out connecting to {host}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot connect to {host}: {exc}") from None
            try:
                if response.status_code in (301, 302, 303, 307, 308):
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"redirect without a Location from {host}", response.status_code)
                    current = urljoin(current, location)
                    continue
                result = Fetched(current, response.status_code, headers={k.lower(): v for k, v in response.headers.items()})
                if response.status_code == 304:
                    result.not_modified = True
                    return result
                if response.status_code in (429, 503):
                    raise FetchError(f"{host} answered {response.status_code}; asked to wait",
                                     response.status_code, _retry_after(response.headers.get("retry-after")))
                if response.status_code >= 400:
                    raise FetchError(f"{host} answered HTTP {response.status_code}", response.status_code)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise FetchError(f"response is {int(declared):,} bytes, over the limit of {cap:,}", response.status_code)
                chunks, size = [], 0
                try:
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise FetchError(f"response is over the limit of {cap:,} bytes (after decompression)",
                                             response.status_code)
                        if time.monotonic() > deadline:
                            raise FetchError(f"{host} took longer than {total_timeout:g} s", response.status_code)
                        chunks.append(chunk)
                except httpx.TimeoutException:
                    raise FetchError(f"{host} stopped sending (timed out)", response.status_code) from None
                except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                    raise FetchError(f"the response from {host} was cut short: {exc}", response.status_code) from None
                except httpx.DecodingError as exc:
                    raise FetchError(f"the response from {host} could not be decompressed: {exc}",
                                     response.status_code) from None
                result.content = b"".join(chunks)
                return result
            finally:
                response.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects, starting at {url}")
