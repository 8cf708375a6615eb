"""Turn RateLimited into a 429 page with Retry-After."""
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from parley.accounts.ratelimit import RateLimited


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        # What the reader typed is given back, never thrown away with the refusal.
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
        response = render(request, "429.html", {
            "error": exception,
            "kept_text": request.POST.get("text", "") if request.method == "POST" else "",
            "back": back if safe else "",
        }, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
