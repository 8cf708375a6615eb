"""Turn RateLimited into a 429 page with Retry-After."""
from django.shortcuts import render

from parley.accounts.ratelimit import RateLimited


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "429.html", {"error": exception}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
