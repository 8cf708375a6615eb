"""`/api/v1/`: the NinjaAPI, its authentication and error mapping; routes live beside it."""
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from parley.accounts.models import ApiToken
from parley.accounts.ratelimit import RateLimited
from parley.discussion.services import DiscussionError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pt_…` with a token from `parley token USERNAME`."""

    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(title="Parley API", version="1", urls_namespace="api-v1",
               description="Financial news with community discussion. Lists are newest first, keyset-paginated. "
                           "Writes take a session (with CSRF token) or a bearer token.")
AUTH = [TokenAuth(), django_auth]


@api.exception_handler(DiscussionError)
def discussion_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


from parley.api import articles, discussion, sources  # noqa: E402  (routes register on `api`)

api.add_router("", articles.router)
api.add_router("", discussion.router)
api.add_router("", sources.router)
