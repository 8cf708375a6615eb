"""The page cache anonymous readers get."""
from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def anonymous_page_cache(view):
    """Serve GETs without a session cookie from the cache for PAGE_CACHE_SECONDS.

    Signed-in readers (anyone with a session cookie) always get a fresh page, since theirs carries
    their own name and forms.
    """
    seconds = settings.PAGE_CACHE_SECONDS
    if seconds <= 0:
        return view
    cached = cache_page(seconds, key_prefix="page")(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return cached(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
