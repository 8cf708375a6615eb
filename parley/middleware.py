"""Response headers Django does not set by itself, and input no database can store refused at the edge."""
import re

from django.http import JsonResponse
from django.shortcuts import render

# Pages carry no inline script or style; anything injected past the sanitiser still cannot run.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page (django-ninja's bundled Swagger UI) starts itself with an inline script.
EXEMPT_PREFIXES = ("/api/v1/docs",)


class ContentSecurityPolicyMiddleware:
    """Add a Content-Security-Policy header to every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


# A NUL character (PostgreSQL refuses it in text: a 500 deep in a query) or a JSON escape for one.
NUL_IN_JSON = re.compile(rb"\x00|\\u0000", re.I)
UNSTORABLE_REASON = "It holds a NUL character (U+0000), which no text can hold here."


class UnstorableInputMiddleware:
    """Answer 400, before any view or query, to a request whose path, query, cookies, form or JSON
    body holds a NUL character: one place for every page and the API, on every database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._unstorable(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": UNSTORABLE_REASON}, status=400)
            request.parley_bare = True  # drawn without the database (parley.web.viewer asks nothing)
            return render(request, "errors/400.html", {"reason": UNSTORABLE_REASON, "bare": True}, status=400)
        return self.get_response(request)

    @staticmethod
    def _unstorable(request) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            return True
        if any("\x00" in v for key, values in request.GET.lists() for v in [key, *values]):
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and content_type == "application/json":
            return bool(NUL_IN_JSON.search(request.body))
        if request.method == "POST" and content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in v for key, vs in request.POST.lists() for v in [key, *vs])
        return False
