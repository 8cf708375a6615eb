"""Attacks on sign-in, sign-up and password reset, each of which worked before its fix."""
import pytest
from django.conf import settings
from django.contrib.auth.models import User

from parley.accounts.models import Profile, RateSlot
from parley.accounts.ratelimit import Limit, RateLimited, hit, prune

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-long-password-31"


@pytest.fixture
def victim():
    return User.objects.create_user("victim", "victim@example.com", PASSWORD)


def sign_in(client, name, address, password="wrong"):
    return client.post("/accounts/login/", {"username": name, "password": password}, REMOTE_ADDR=address)


def test_one_account_is_limited_even_from_many_addresses(client, victim):
    """Ensure the per-account limit holds on its own: four guesses from four addresses, the fifth refused."""
    for n in range(4):
        assert sign_in(client, "victim", f"203.0.113.{n}").status_code == 200
    assert sign_in(client, "victim", "203.0.113.99").status_code == 429


@pytest.mark.parametrize("look_alike", ["ｖｉｃｔｉｍ", "𝐯𝐢𝐜𝐭𝐢𝐦", "VICTIM", " victim "])
def test_look_alike_names_share_the_account_budget(client, victim, look_alike):
    """Ensure names Django signs in as the same account (NFKC, case) count against one budget."""
    for n in range(4):
        sign_in(client, "victim", f"198.51.100.{n}")
    assert sign_in(client, look_alike, "198.51.100.200").status_code == 429


def test_a_flood_of_other_keys_never_frees_a_live_limit(client, victim):
    """Ensure 1,000 one-shot attempts under other names (past the old cache's 300-entry cull) leave
    a used-up account budget used up."""
    for n in range(4):
        sign_in(client, "victim", f"192.0.2.{n}")
    limit = Limit(1, 600, "one")
    for n in range(1000):
        hit("flood", f"someone-{n}", limit)
    assert sign_in(client, "victim", "192.0.2.250").status_code == 429


def test_expired_slots_are_reused_and_pruned():
    """Ensure an expired slot is taken again, and prune() deletes only expired slots."""
    import time
    limit = Limit(1, 1, "one a second")
    hit("prune", "me", limit)
    with pytest.raises(RateLimited):
        hit("prune", "me", limit)
    time.sleep(1.1)
    hit("prune", "me", limit)  # the expired slot is taken again
    hit("prune", "other", Limit(1, 600, "one"))
    assert prune(now=time.time() + 5) == 1 and RateSlot.objects.count() == 1


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(client, victim, settings):
    """Ensure X-Forwarded-For picks the reader behind a trusted proxy, and is ignored from anyone else."""
    settings.PARLEY_TRUSTED_PROXIES = [__import__("ipaddress").ip_network("10.0.0.0/8")]
    # Behind the proxy, readers at different addresses each get their own per-address budget.
    for n in range(6):
        response = client.post("/accounts/login/", {"username": f"nobody{n}", "password": "x"},
                               REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 200
    # One reader behind the proxy, writing a fresh forged address each time, still shares one budget.
    codes = [client.post("/accounts/login/", {"username": f"forger{n}", "password": "x"}, REMOTE_ADDR="10.0.0.5",
                         HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    # A client talking to Parley directly cannot pick its address with the header at all.
    codes = [client.post("/accounts/login/", {"username": f"direct{n}", "password": "x"}, REMOTE_ADDR="192.0.2.9",
                         HTTP_X_FORWARDED_FOR=f"203.0.113.{100 + n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_password_resets_are_limited_and_answer_alike(client, victim, mailoutbox):
    """Ensure reset mails to one address stop after three an hour while the page answers the same for
    known, unknown and limited addresses, and one client address is refused after five requests."""
    Profile.objects.filter(user=victim).update(verified_email=victim.email)
    answers = [client.post("/accounts/password/reset/", {"email": "victim@example.com"}, REMOTE_ADDR=f"203.0.113.{n}")
               for n in range(5)]
    assert len(mailoutbox) == 3
    # Signed with the site's name, never with the host name the request used.
    assert "testserver" not in mailoutbox[0].subject and "The testserver team" not in mailoutbox[0].body
    assert settings.PARLEY_SITE_NAME in mailoutbox[0].subject and f"The {settings.PARLEY_SITE_NAME} team" in mailoutbox[0].body
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, REMOTE_ADDR="203.0.113.50")
    assert {a.status_code for a in [*answers, unknown]} == {302}
    assert {a["Location"] for a in [*answers, unknown]} == {"/accounts/password/reset/sent/"}
    codes = [client.post("/accounts/password/reset/", {"email": f"x{n}@example.com"}, REMOTE_ADDR="192.0.2.77").status_code
             for n in range(6)]
    assert codes == [302] * 5 + [429]


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_sign_up_never_redirects_off_site(client, target):
    """Ensure a sign-up's `next` pointing anywhere but this site lands on the home page instead."""
    response = client.post(f"/accounts/signup/?next={target}", {"username": "newreader", "password1": PASSWORD,
                                                                 "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_sign_up_follows_a_local_next(client):
    """Ensure a local `next` is still honoured."""
    response = client.post("/accounts/signup/?next=/search/?q=oil", {"username": "newreader", "password1": PASSWORD,
                                                                     "password2": PASSWORD})
    assert response["Location"] == "/search/?q=oil"


def test_only_failed_sign_ins_count(client, victim):
    """Ensure signing in and out repeatedly never locks a reader out, while failures still do, and a
    success in between gives back only its own slot (it cannot free the failures' slots)."""
    from django.test import Client

    for _ in range(6):  # more successes than the limit allows attempts
        reader = Client(REMOTE_ADDR="198.51.100.20")
        assert reader.post("/accounts/login/", {"username": "victim", "password": PASSWORD}).status_code == 302
    guesser = Client(REMOTE_ADDR="198.51.100.21")
    codes = []
    for n in range(8):
        password = PASSWORD if n % 2 else "wrong-guess"  # failure, success, failure, ...
        codes.append(guesser.post("/accounts/login/", {"username": "victim", "password": password}).status_code)
    assert codes[:7] == [200, 302, 200, 302, 200, 302, 200] and codes[7] == 429  # the 4th failure fills the slots


def test_addresses_of_one_ipv6_network_share_one_budget(client):
    """Ensure eight IPv6 addresses from one /64 are one client: the per-address sign-in limit holds
    across them (each had its own budget), while another /64 keeps its own."""
    codes = [sign_in(client, f"guess{n}", f"2001:db8:1:2::{n + 1:x}").status_code for n in range(8)]
    assert 429 in codes and codes.index(429) <= 5, codes
    assert sign_in(client, "other", "2001:db8:1:3::1").status_code == 200
    assert sign_in(client, "mapped", "::ffff:198.51.100.7").status_code == 200  # an IPv4 address, as IPv4


def test_a_new_password_revokes_api_tokens_and_other_sessions(client, victim):
    """Ensure changing the password ends the API tokens (they survived it) and other signed-in sessions,
    while a save that leaves the password alone keeps them."""
    from django.test import Client

    from parley.accounts.models import ApiToken

    _, key = ApiToken.issue(victim)
    other = Client()
    other.force_login(victim)
    victim.email = "new-name@example.com"
    victim.save()
    assert Client().get("/api/v1/me/follows", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.force_login(victim)
    changed = client.post("/accounts/password/change/", {"old_password": PASSWORD, "new_password1": "another-long-pass-77",
                                                          "new_password2": "another-long-pass-77"})
    assert changed.status_code == 302
    assert Client().get("/api/v1/me/follows", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert not ApiToken.objects.filter(user=victim).exists()
    assert other.get("/api/v1/me/follows").status_code == 401  # the other session ended too
    assert other.get("/accounts/settings/").status_code == 302  # signed out: sent to sign in
    assert client.get("/accounts/settings/").status_code == 200  # the session that changed it stays


def test_a_reset_goes_only_to_a_confirmed_address(client, victim, mailoutbox):
    """Ensure a thief who moved the account to their own (unconfirmed) address gets no reset there:
    asking for either address sends the link to the one the owner confirmed (it went to the new
    address), an account with no confirmed address gets none, and the page says the same every time."""
    Profile.objects.filter(user=victim).update(verified_email="victim@example.com")
    victim.email = "thief@example.com"
    victim.save()
    User.objects.create_user("unconfirmed", "never@example.com", PASSWORD)
    answers = [client.post("/accounts/password/reset/", {"email": address})
               for address in ("thief@example.com", "VICTIM@example.com", "never@example.com")]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password/reset/sent/")}
    assert [m.to for m in mailoutbox] == [["victim@example.com"]] * 2
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_guesses_at_the_current_password_count_as_sign_in_guesses(client, victim):
    """Ensure a stolen session cannot guess the password without limit on the pages that ask for it:
    wrong current passwords take the account's sign-in budget (four a minute), then 429."""
    client.force_login(victim)
    guess = {"old_password": "wrong", "new_password1": "another-long-pass-77", "new_password2": "another-long-pass-77"}
    codes = [client.post("/accounts/password/change/", guess).status_code for _ in range(2)]
    codes += [client.post("/accounts/settings/", {"email": "thief@example.com", "current_password": "wrong"}).status_code
              for _ in range(3)]
    assert codes == [200, 200, 400, 400, 429]  # the settings page refuses a bad form with 400
    assert sign_in(client, "victim", "203.0.113.9", PASSWORD).status_code == 429  # the same budget
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and victim.email == "victim@example.com"


def test_a_wrong_current_password_changes_no_password(client, victim):
    """Ensure the password change page refuses a wrong current password with a clear error."""
    client.force_login(victim)
    refused = client.post("/accounts/password/change/", {"old_password": "not-it", "new_password1": "another-long-pass-77",
                                                         "new_password2": "another-long-pass-77"})
    assert refused.status_code == 200 and "Your old password was entered incorrectly" in refused.content.decode()
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


@pytest.mark.parametrize("existing, look_alike", [("alice", "аlice"), ("alice", "АLICE"), ("аlice", "alice"),
                                                   ("alice", "a1ice"), ("llya", "Ilya"), ("modern", "modem")])
def test_a_name_that_looks_like_another_readers_is_refused(client, existing, look_alike):
    """Ensure sign-up refuses a name whose Unicode TR39 skeleton (in any case) is an existing name's:
    "аlice" with a Cyrillic а was accepted beside "alice"."""
    User.objects.create_user(existing)
    refused = client.post("/accounts/signup/", {"username": look_alike, "password1": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 200
    assert f"looks too much like the reader “{existing}”" in refused.content.decode()
    assert not User.objects.filter(username=look_alike).exists()
    accepted = client.post("/accounts/signup/", {"username": "alicia", "password1": PASSWORD, "password2": PASSWORD})
    assert accepted.status_code == 302


def test_a_name_of_combining_marks_alone_is_refused(client):
    """Ensure a name made only of combining marks (it shows nothing) is refused with the reason."""
    refused = client.post("/accounts/signup/", {"username": "\u0301\u0302\u0303", "password1": PASSWORD,
                                                "password2": PASSWORD})
    assert refused.status_code == 200 and "combining marks alone" in refused.content.decode()
    assert not User.objects.exclude(username="").exists()
