"""How the API knows who calls: a bearer token or the site's session (with its CSRF check).
Routers import AUTH from here, and api.py imports the routers: dependencies point one way."""
from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from parley.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pt_…` with a token from `parley token USERNAME`."""

    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The site's session cookie. A request without one has no credentials (401, not a CSRF 403);
    a request with one must pass Django's CSRF check, as every form on the site does."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name) or not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]
