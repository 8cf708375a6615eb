"""Accounts: password change, sign-up limits, API tokens, rate-limit slots."""
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from parley.accounts.models import ApiToken
from parley.accounts.ratelimit import Limit, RateLimited, hit, reset

pytestmark = pytest.mark.django_db
PASSWORD = "an-old-password-77"


def test_password_change(client):
    """Ensure a signed-in reader changes their password and can sign in with the new one."""
    User.objects.create_user("carol", password=PASSWORD)
    client.login(username="carol", password=PASSWORD)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "a-new-password-88", "new_password2": "a-new-password-88"})
    assert response.status_code == 302
    assert "Your password was changed." in client.get(response["Location"]).content.decode()
    client.logout()
    assert client.login(username="carol", password="a-new-password-88")


def test_signups_limited_per_address(client):
    """Ensure the sixth sign-up in an hour from one address gets a 429."""
    for n in range(5):
        client.post("/accounts/signup/", {"username": f"user{n}", "password1": "long-enough-pass-42",
                                          "password2": "long-enough-pass-42"})
        client.logout()
    response = client.post("/accounts/signup/", {"username": "user5", "password1": "long-enough-pass-42",
                                                 "password2": "long-enough-pass-42"})
    assert response.status_code == 429 and not User.objects.filter(username="user5").exists()


def test_token_command_prints_a_working_key(capsys):
    """Ensure `parley token` prints a key that authenticates its user, and stores only its hash."""
    user = User.objects.create_user("dora")
    call_command("token", "dora")
    key = capsys.readouterr().out.strip()
    assert ApiToken.user_for(key) == user
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_inactive_user_token_is_refused():
    """Ensure a deactivated reader's token no longer authenticates."""
    user = User.objects.create_user("gone")
    _, key = ApiToken.issue(user)
    user.is_active = False
    user.save()
    assert ApiToken.user_for(key) is None


def test_limit_slots_free_up_after_reset():
    """Ensure a limit refuses the hit past its count and allows again once reset."""
    limit = Limit(2, 60, "2 a minute")
    hit("test", "me", limit)
    hit("test", "me", limit)
    with pytest.raises(RateLimited) as caught:
        hit("test", "me", limit)
    assert 1 <= caught.value.retry_after <= 60
    hit("test", "someone else", limit)
    reset("test", "me", limit)
    hit("test", "me", limit)


def test_a_reader_sees_times_in_their_chosen_zone(client, make_article, django_user_model):
    """Ensure the settings page stores a time zone, every page (and the cached thread) then shows the
    reader's times in it, other readers keep the site's zone, and an unknown zone is refused."""
    from datetime import UTC, datetime, timedelta

    from django.test import Client

    from parley.discussion.services import post_comment

    article = make_article(title="Yen slides", published_at=datetime(2025, 11, 26, 14, 5, tzinfo=UTC))
    tokyo = django_user_model.objects.create_user("tokyo", password="pw-for-tokyo-42",
                                                  date_joined=datetime.now(UTC) - timedelta(days=30))
    post_comment(tokyo, article, "Intervention soon?")
    client.force_login(tokyo)
    assert client.post("/accounts/settings/", {"time_zone": "Mars/Olympus"}).status_code == 400  # refused, shown again with why
    for alias in ("Factory", "localtime"):  # system zone names that are no place ("Factory" shows "-00")
        assert client.post("/accounts/settings/", {"time_zone": alias}).status_code == 400
        assert f'value="{alias}"' not in client.get("/accounts/settings/").content.decode()
    assert client.post("/accounts/settings/", {"time_zone": "Asia/Tokyo"}).status_code == 302
    assert 'value="Asia/Tokyo" selected' in client.get("/accounts/settings/").content.decode()

    other = Client()
    other.get(article.get_absolute_url())  # the thread is cached in the site's zone first
    mine = client.get(article.get_absolute_url()).content.decode()
    assert "Nov 26, 2025, 23:05 JST" in mine and "14:05 UTC" not in mine
    comment_meta = mine[mine.index('class="comment depth-0'):]
    assert "JST" in comment_meta[:600]
    theirs = other.get(article.get_absolute_url()).content.decode()
    assert "Nov 26, 2025, 14:05 UTC" in theirs and "JST" not in theirs
