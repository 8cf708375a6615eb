"""Sign-up, sign-in with rate limits, public profiles, and the reader's own API tokens."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from parley.accounts import services, tokens
from parley.accounts.forms import PasswordResetForm, SignUpForm
from parley.accounts.ratelimit import Limit, account_key, budget_key, check_all, refund

# Guessing passwords must be slow for a script and invisible to a person who mistypes twice
# (only failed sign-ins count: a success gives its slots back).
LOGIN_PER_IP = Limit(4, 60, "4 sign-in attempts a minute")
LOGIN_PER_ACCOUNT = Limit(4, 60, "4 sign-in attempts a minute for one account")
SIGNUPS_PER_IP = Limit(5, 3600, "5 sign-ups an hour from one address")
RESETS_PER_IP = Limit(5, 3600, "5 password resets an hour from one address")


class LoginView(auth_views.LoginView):
    """Django's sign-in, counting failed attempts per address and per account name.

    Every attempt takes its slots first (so concurrent guesses cannot slip past the count); a sign-in
    that succeeds gives back exactly the slots it took, so a reader who signs in and out is never
    locked out, while each failure keeps its slot.
    """

    def post(self, request, *args, **kwargs):
        username = account_key(request.POST.get("username") or "")
        taken = check_all([("login-ip", budget_key(request), LOGIN_PER_IP),
                           *([("login-user", username, LOGIN_PER_ACCOUNT)] if username else [])])
        self.signed_in = False
        response = super().post(request, *args, **kwargs)
        if self.signed_in:  # this attempt's password was right (a session signed in before proves nothing)
            refund(taken)
        return response

    def form_valid(self, form):
        self.signed_in = True
        return super().form_valid(form)


def safe_next(request, default: str = "home") -> str:
    """Return the `next` parameter when it points into this site, else the default (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address (429), mailing only confirmed addresses,
    each at most RESETS_PER_EMAIL an hour (PasswordResetForm; silently: the answer is the same for
    every address, known or not, limited or not). The mail is signed with the site's name, never
    with the host name the request happened to use."""

    form_class = PasswordResetForm

    @property
    def extra_email_context(self):
        return {"site_name": settings.PARLEY_SITE_NAME}

    def post(self, request, *args, **kwargs):
        check_all([("reset-ip", budget_key(request), RESETS_PER_IP)])
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account and sign it in."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        check_all([("signup-ip", budget_key(request), SIGNUPS_PER_IP)])
        if form.is_valid():
            user = services.sign_up(form)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}: you are signed in.")
            if user.email:
                messages.info(request, f"We sent a confirmation link to {user.email}; open it to get digests.")
            return redirect(safe_next(request))
    return render(request, "registration/signup.html", {"form": form})


TOKENS_SECTION = "api-tokens"  # the Settings page's section that lists the reader's tokens (and their notes)


@login_required
@require_POST
def create_token(request):
    """Issue a named API token and show its key on this one answer (never stored, never shown
    again); a name or a count past the limits is a 400 that keeps what was typed."""
    name = request.POST.get("name", "")
    context = {"section": TOKENS_SECTION, "token_limits": tokens.LIMITS}
    try:
        token, key = tokens.issue_token(request.user, name)
    except tokens.TokenError as exc:
        return render(request, "accounts/token_new.html", {**context, "name": name, "error": str(exc)}, status=400)
    response = render(request, "accounts/token_new.html", {**context, "token": token, "key": key})
    add_never_cache_headers(response)  # the key must not be kept by a cache or the browser's history
    return response


@login_required
@require_POST
def revoke_token(request, pk):
    """Revoke one of the reader's tokens: requests with its key are refused from now on."""
    token = tokens.revoke_token(request.user, pk)
    if token is None:
        messages.info(request, "That token was already revoked.", extra_tags=TOKENS_SECTION)
    else:
        messages.success(request, f"Revoked “{token.name}”: programs using it are refused from now on.",
                         extra_tags=TOKENS_SECTION)
    return redirect(reverse("reader-settings") + "#" + TOKENS_SECTION)
