"""Sign-up, sign-in with rate limits, and public profiles."""
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from parley.accounts.forms import SignUpForm
from parley.accounts.ratelimit import Limit, check_all, client_ip

# Guessing passwords must be slow for a script and invisible to a person who mistypes twice.
LOGIN_PER_IP = Limit(4, 60, "4 sign-in attempts a minute")
LOGIN_PER_ACCOUNT = Limit(4, 60, "4 sign-in attempts a minute for one account")
SIGNUPS_PER_IP = Limit(5, 3600, "5 sign-ups an hour from one address")
PROFILE_COMMENTS = 50


class LoginView(auth_views.LoginView):
    """Django's sign-in, counting every attempt per address and per account name."""

    def post(self, request, *args, **kwargs):
        username = (request.POST.get("username") or "").strip().lower()
        check_all([("login-ip", client_ip(request), LOGIN_PER_IP),
                   *([("login-user", username, LOGIN_PER_ACCOUNT)] if username else [])])
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account and sign it in."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        check_all([("signup-ip", client_ip(request), SIGNUPS_PER_IP)])
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(request.GET.get("next") or "home")
    return render(request, "registration/signup.html", {"form": form})


def profile(request, username):
    """Show a reader's profile and their latest visible comments."""
    from parley.discussion.models import Comment

    person = get_object_or_404(User, username=username)
    comments = Comment.objects.visible().filter(author=person).select_related("article").order_by("-created_at")
    return render(request, "accounts/profile.html", {
        "person": person, "comments": comments[:PROFILE_COMMENTS], "total": comments.count(),
    })
