"""A reader's browser over urllib, for tests and benchmarks that drive a served Parley over HTTP."""
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request


class Browser:
    """A reader's browser: cookies, and forms posted with their CSRF token."""

    def __init__(self, base: str, forwarded_for: str | None = None):
        self.base = base
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, timeout: float = 30) -> tuple[int, str, float, dict]:
        return self._open(urllib.request.Request(self.base + path), timeout)

    def post(self, path: str, data: dict, form: str | None = None, timeout: float = 30) -> tuple[int, str, float, dict]:
        """POST `data` to `path` with the CSRF token of the page `form` (default: the same path)."""
        _, page, _, _ = self.get(form or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise AssertionError(f"no form with a CSRF token at {form or path}: {page[:300]}")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST",
                                                 headers={"Referer": self.base + (form or path)}), timeout)

    def _open(self, request, timeout):
        started = time.monotonic()
        if "X-Forwarded-For" in self.headers:
            request.add_header("X-Forwarded-For", self.headers["X-Forwarded-For"])
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(), time.monotonic() - started, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started, dict(error.headers)
