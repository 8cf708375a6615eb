"""Per-request account middleware: the reader's time zone, and RateLimited turned into a 429 page."""
import zoneinfo

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from parley.accounts.ratelimit import RateLimited


class ReaderTimeZoneMiddleware:
    """Show times in the signed-in reader's chosen zone; everyone else sees the site's (TIME_ZONE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if request.user.is_authenticated:
            profile = getattr(request.user, "profile", None)
            zone = zone_named(profile.time_zone) if profile else None
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


def zone_named(name: str):
    """Return the ZoneInfo of an IANA name, or None for an empty or unknown one."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


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
