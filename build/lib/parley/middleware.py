"""Response headers Django does not set by itself."""

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
