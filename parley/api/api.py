"""`/api/v1/`: the NinjaAPI and its error mapping; who calls is `auth.py`, routes are the router modules."""
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from parley.accounts.ratelimit import RateLimited
from parley.api import articles, discussion, following, markets, sources, stories
from parley.discussion.services import Conflict, DiscussionError, NotAllowed

api = NinjaAPI(title="Parley API", version="1", urls_namespace="api-v1",
               description="Financial news with community discussion. Lists are newest first, keyset-paginated. "
                           "Writes take a session (with CSRF token) or a bearer token.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(request, {"detail": "Sign in, or send Authorization: Bearer <token>."}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="parley"'
    return response


@api.exception_handler(DiscussionError)
def discussion_error(request, exc):
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, Conflict) else 400
    return api.create_response(request, {"detail": str(exc)}, status=status)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    """Input outside the documented schema (a number past 64 bits, a wrong type) is a 400 like any
    other bad input, with every problem named in one sentence, as ErrorOut documents."""
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'input'}: {e.get('msg', 'invalid')}"
                         for e in exc.errors[:5])
    return api.create_response(request, {"detail": f"Invalid input: {problems}"[:1000]}, status=400)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


api.add_router("", articles.router)
api.add_router("", discussion.router)
api.add_router("", sources.router)
api.add_router("", following.router)
api.add_router("", stories.router)
api.add_router("", markets.router)


def not_found(request, rest=""):
    """Any other path under /api/: a JSON 404 a program can read (not the site's HTML page), naming
    the path it meant when only a trailing slash is wrong."""
    detail = f"No API endpoint at {request.path}; the endpoints are listed at /api/v1/docs."
    meant = request.path.rstrip("/")
    if meant != request.path:
        try:
            if resolve(meant).func is not not_found:
                detail = f"No API endpoint at {request.path}; did you mean {meant}?"
        except Resolver404:
            pass
    return JsonResponse({"detail": detail}, status=404)
