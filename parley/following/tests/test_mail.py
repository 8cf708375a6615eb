"""E-mail: address verification, digests (content, headers, once per period, failures retried),
and the signed one-click unsubscribe."""
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail as outbox
from django.core import signing
from django.utils import timezone

from parley.accounts import mail
from parley.accounts.models import Profile
from parley.discussion import services
from parley.following.digest import DIGEST_HOUR, send_due
from parley.following.models import Digest, Follow, Preferences

pytestmark = pytest.mark.django_db


def link_in(message, path):
    return re.search(rf"http://127\.0\.0\.1:8000({path}[^\s\"<]+)", message.body).group(1)


def test_sign_up_sends_a_verification_link_that_confirms_the_address(client):
    response = client.post("/accounts/signup/", {"username": "newbie", "email": "newbie@example.com",
                                                 "password1": "correct-horse-battery-42",
                                                 "password2": "correct-horse-battery-42"}, follow=True)
    assert "We sent a confirmation link to newbie@example.com" in response.content.decode()
    [message] = outbox.outbox
    assert message.to == ["newbie@example.com"] and "List-Unsubscribe" in message.extra_headers
    path = link_in(message, "/accounts/verify/")
    client.logout()  # the link works without a session
    shown = client.get(path).content.decode()  # a mail scanner following the link confirms nothing
    assert "Confirm this address" in shown and not Profile.objects.get(user__username="newbie").email_verified
    assert "is confirmed" in client.post(path).content.decode()
    assert Profile.objects.get(user__username="newbie").email_verified


def test_verification_link_refuses_tampering_expiry_and_a_changed_address(client, reader, monkeypatch):
    alice = reader("alice", email="alice@example.com")
    token = mail.verify_token(alice)
    assert client.get(f"/accounts/verify/{token[:-2]}xx/").status_code == 400
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - (mail.VERIFY_DAYS + 1) * 86400)
    old = mail.verify_token(alice)
    monkeypatch.setattr(signing.time, "time", real_time)
    expired = client.get(f"/accounts/verify/{old}/")
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    alice.email = "new@example.com"
    alice.save()
    changed = client.get(f"/accounts/verify/{token}/")
    assert changed.status_code == 410 and not Profile.objects.get(user=alice).email_verified


PASSWORD = "alice-long-password-42"


def test_settings_change_the_address_and_it_must_be_confirmed_again(client, reader):
    alice = reader("alice", email="alice@example.com", verified=True, password=PASSWORD)
    client.force_login(alice)
    form = {"time_zone": "", "email": "other@example.com", "digest": "daily", "reply": "email", "mention": "inbox",
            "discussion": "off", "articles": "inbox", "current_password": PASSWORD}
    client.post("/accounts/settings/", form)
    alice.refresh_from_db()
    assert alice.email == "other@example.com" and not alice.profile.email_verified
    assert outbox.outbox[-1].to == ["other@example.com"]
    prefs = Preferences.objects.get(user=alice)
    assert (prefs.digest, prefs.discussion, prefs.mention) == ("daily", "off", "inbox")
    assert "is not confirmed yet" in client.get("/accounts/settings/").content.decode()


def test_an_address_longer_than_the_database_holds_is_a_form_error(client, reader):
    """Ensure an address past 254 characters (the column's length) is refused by the form and saves
    nothing, on both databases (PostgreSQL answered 500 with DataError; SQLite stored it)."""
    alice = reader("alice", email="alice@example.com", verified=True, password=PASSWORD)
    client.force_login(alice)
    form = {"time_zone": "", "email": "a" * 300 + "@example.com", "digest": "daily", "reply": "email",
            "mention": "inbox", "discussion": "off", "articles": "inbox", "current_password": PASSWORD}
    response = client.post("/accounts/settings/", form)
    assert response.status_code == 400 and "at most 254 characters" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    client.logout()
    signup = client.post("/accounts/signup/", {"username": "longmail", "email": "b" * 300 + "@example.com",
                                               "password1": PASSWORD, "password2": PASSWORD})
    assert signup.status_code == 200 and not User.objects.filter(username="longmail").exists()


def test_an_address_change_refused_by_the_mail_limit_saves_nothing(client, reader):
    """Ensure a fourth address change within the hour answers 429 and leaves the address (and the
    rest of the form) as it was: the change used to be saved before the limit refused its mail."""
    alice = reader("alice", email="alice@example.com", verified=True, password=PASSWORD)
    client.force_login(alice)
    form = {"time_zone": "", "digest": "daily", "reply": "email", "mention": "inbox", "discussion": "off",
            "articles": "inbox", "current_password": PASSWORD}
    for n in range(3):
        assert client.post("/accounts/settings/", {**form, "email": f"a{n}@example.com"}).status_code == 302
    refused = client.post("/accounts/settings/", {**form, "email": "last@example.com", "digest": "weekly"})
    assert refused.status_code == 429
    alice.refresh_from_db()
    assert alice.email == "a2@example.com" and Preferences.objects.get(user=alice).digest == "daily"


@pytest.mark.parametrize("given, says", [("", "Enter your current password to change your e-mail address."),
                                          ("a-wrong-guess", "That is not your current password.")])
def test_changing_the_address_needs_the_current_password(client, reader, given, says):
    """Ensure a stolen session cannot move the account's address: without the current password, or
    with a wrong one, the form says why and nothing of it is saved (the address was changed before)."""
    alice = reader("alice", email="alice@example.com", verified=True, password=PASSWORD)
    client.force_login(alice)
    refused = client.post("/accounts/settings/", {"email": "thief@example.com", "time_zone": "Asia/Tokyo",
                                                  "digest": "daily", "current_password": given})
    assert refused.status_code == 400 and says in refused.content.decode()
    alice.refresh_from_db()
    assert (alice.email, alice.profile.time_zone) == ("alice@example.com", "")
    assert not Preferences.objects.filter(user=alice, digest="daily").exists() and outbox.outbox == []


def test_the_previous_confirmed_address_is_told_of_a_change(client, reader):
    """Ensure a change mails the confirmed address it replaces a notice naming the new one masked and
    saying what to do if it was not its owner; an unconfirmed address replaced is told nothing."""
    alice = reader("alice", email="alice@example.com", verified=True, password=PASSWORD)
    client.force_login(alice)
    client.post("/accounts/settings/", {"email": "new.address@example.net", "current_password": PASSWORD})
    [notice] = [m for m in outbox.outbox if m.to == ["alice@example.com"]]
    assert "n***@example.net" in notice.body and "new.address" not in notice.body
    assert "If you did not" in notice.body and "/accounts/password/reset/" in notice.body
    outbox.outbox.clear()
    client.post("/accounts/settings/", {"email": "third@example.org", "current_password": PASSWORD})
    assert [m.to for m in outbox.outbox] == [["third@example.org"]]  # its confirmation link only


@pytest.fixture
def subscriber(reader, about, deliver):
    """A verified reader following $BA, with a reply waiting and two fresh articles about $BA."""
    alice = reader("alice", email="alice@example.com", verified=True)
    bob = reader("bob")
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    article = about("BA", title="Boeing deliveries rise")
    about("BA", title="Boeing wins an order")
    first = services.post_comment(alice, article, "Strong quarter.")
    services.post_comment(bob, article, "Not so sure.", parent=first)
    deliver()
    outbox.outbox.clear()
    return alice


def test_both_parts_of_a_digest_come_from_templates_and_only_html_is_escaped(subscriber, about):
    about("BA", title="AT&T <and> Boeing sign a deal")
    send_due()
    [message] = outbox.outbox
    html = message.alternatives[0][0]
    assert "* AT&T <and> Boeing sign a deal (you follow $BA)" in message.body  # plain text stays plain
    assert "AT&amp;T &lt;and&gt; Boeing sign a deal" in html and "<and>" not in html
    assert message.body.startswith("Hello alice, here is what is new for you")
    assert "\n--\nChange what Parley sends you: http://127.0.0.1:8000/accounts/settings/" in message.body


def test_digest_holds_what_is_followed_and_replies_and_can_be_left_in_one_click(client, subscriber):
    run = send_due()
    assert (run.sent, run.failed) == (1, 0)
    [message] = outbox.outbox
    assert message.to == ["alice@example.com"] and "Your digest" in message.subject
    assert "bob replied to your comment on" in message.body
    assert "Boeing wins an order (you follow $BA)" in message.body
    html = message.alternatives[0][0]
    assert "Boeing deliveries rise" in html and "Unsubscribe" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    path = unsubscribe.removeprefix("http://127.0.0.1:8000")
    # A link scanner's GET changes nothing; the one-click POST (no session, no CSRF token) does.
    assert "Stop e-mail from Parley?" in client.get(path).content.decode()
    assert Preferences.objects.get(user=subscriber).digest == "weekly"
    client.handler.enforce_csrf_checks = True
    assert "You are unsubscribed" in client.post(path).content.decode()
    assert Preferences.objects.get(user=subscriber).digest == "off"


def test_digest_is_sent_once_per_period_and_never_to_the_unverified(subscriber, reader, about):
    bob = reader("carol", email="carol@example.com", verified=False)
    Follow.objects.create(user=bob, kind="ticker", key="BA")
    send_due()
    assert send_due().sent == 0
    Preferences.objects.filter(user=subscriber).update(next_digest_at=None)  # as if a second machine raced
    assert send_due().taken_elsewhere == 1
    assert [m.to for m in outbox.outbox] == [["alice@example.com"]]
    assert Digest.objects.get().status == "sent"
    # Next week's digest is due again from its period's start (Monday 07:00 in the reader's zone: a
    # fixed "now + 7 days" fell short of it when this test ran on a Monday before 07:00), and holds
    # only what is new since this one.
    next_week = Preferences.objects.get(user=subscriber).next_digest_at
    assert timezone.now() < next_week <= timezone.now() + timedelta(days=7, hours=DIGEST_HOUR + 14)
    assert send_due(now=next_week - timedelta(seconds=1)).sent == 0
    run = send_due(now=next_week)
    assert run.sent + run.empty == 1


def test_an_empty_digest_is_not_sent(reader):
    reader("quiet", email="quiet@example.com", verified=True)
    run = send_due()
    assert (run.sent, run.empty) == (0, 1) and outbox.outbox == []


def test_a_failed_digest_is_recorded_and_retried(subscriber, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    run = send_due()
    assert run.failed == 1 and "mail server down" in Digest.objects.get().error
    monkeypatch.undo()
    assert send_due().sent == 1 and Digest.objects.get().status == "sent"
    assert len(outbox.outbox) == 1


def test_a_digest_whose_claimant_died_is_sent_after_the_lease(subscriber):
    """Ensure a digest claimed by a run that died before sending (its row left pending) is sent by a
    run after the claim's lease, once, and not by a run before it."""
    from parley.following.digest import CLAIM_LEASE, period_of

    prefs = Preferences.objects.get_or_create(user=subscriber)[0]
    key, _ = period_of(prefs.digest, timezone.now(), timezone.get_current_timezone())
    Digest.objects.create(user=subscriber, period=key)  # the claim a killed run left behind
    assert send_due().sent == 0 and outbox.outbox == []
    later = timezone.now() + CLAIM_LEASE + timedelta(minutes=1)
    assert send_due(now=later).sent == 1 and Digest.objects.get(period=key).status == "sent"
    assert send_due(now=later).sent == 0 and len(outbox.outbox) == 1


def test_unsubscribe_links_tampered_or_expired_get_clear_pages(client, reader, monkeypatch):
    alice = reader("alice", email="alice@example.com", verified=True)
    token = mail.unsubscribe_token(alice)
    bad = client.post(f"/unsubscribe/{token[:-3]}abc/")
    assert bad.status_code == 400 and "not valid" in bad.content.decode()
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - (mail.UNSUBSCRIBE_DAYS + 1) * 86400)
    old = mail.unsubscribe_token(alice)
    monkeypatch.setattr(signing.time, "time", real_time)
    expired = client.post(f"/unsubscribe/{old}/")
    assert expired.status_code == 410 and "sign in" in expired.content.decode().lower()
    assert not Preferences.objects.filter(user=alice, digest="off").exists()


def test_an_address_confirmed_by_one_account_is_not_confirmed_for_another(client, reader):
    """Ensure a second account using a confirmed address gets no confirmation mail (the page says the
    same as always, so it learns nothing) and its link, if it had one, is refused."""
    reader("alice", email="alice@example.com", verified=True)
    bob = reader("bob", email="bob@example.com", password=PASSWORD)
    client.force_login(bob)
    said = client.post("/accounts/settings/", {"email": "ALICE@example.com", "current_password": PASSWORD},
                       follow=True).content.decode()
    assert "We sent a confirmation link" in said and outbox.outbox == []
    bob.refresh_from_db()
    for ask in (client.get, client.post):
        refused = ask(f"/accounts/verify/{mail.verify_token(bob)}/")
        assert refused.status_code == 409 and not Profile.objects.get(user=bob).email_verified


def test_settings_left_out_of_a_form_keep_their_values(client, reader):
    alice = reader("alice", email="alice@example.com", verified=True)
    Profile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    client.force_login(alice)
    client.post("/accounts/settings/", {"digest": "daily"})
    profile = Profile.objects.get(user=alice)
    assert (profile.time_zone, profile.email_verified) == ("Asia/Tokyo", True)
    assert Preferences.objects.get(user=alice).digest == "daily"


def test_unsubscribe_page_does_not_show_the_whole_address(client, reader):
    alice = reader("alice", email="alice.long.name@example.com", verified=True)
    page = client.get(f"/unsubscribe/{mail.unsubscribe_token(alice)}/").content.decode()
    assert "a***@example.com" in page and "alice.long.name" not in page


def test_one_address_gets_at_most_three_confirmation_mails_an_hour(client):
    """Ensure ten sign-ups naming one address (each from its own network) send it three confirmation
    mails, not ten, while every account is still created and told the same."""
    from django.contrib.auth.models import User

    for n in range(10):
        answer = client.post("/accounts/signup/", {"username": f"flood{n}", "email": "victim@example.com",
                                                    "password1": "a-good-long-password-31",
                                                    "password2": "a-good-long-password-31"},
                             REMOTE_ADDR=f"198.51.{n}.7")
        assert answer.status_code == 302
        client.logout()
    assert User.objects.filter(username__startswith="flood").count() == 10
    assert [m.to for m in outbox.outbox] == [["victim@example.com"]] * 3


def test_a_digest_holds_only_the_kinds_the_reader_chose_for_mail(reader):
    """Ensure a reader who wants replies by mail but mentions in the inbox only gets a digest with
    the reply and without the mention."""
    from django.utils import timezone

    from parley.following.digest import compose
    from parley.following.models import Notification, Preferences

    user = reader("picky", "picky@example.com", verified=True)
    prefs = Preferences.objects.create(user=user, reply=Preferences.EMAIL, mention=Preferences.INBOX)
    now = timezone.now()
    for kind in (Notification.REPLY, Notification.MENTION):
        Notification.objects.create(user=user, kind=kind, group_key=f"{kind}:1", created_at=now, updated_at=now)
    held = compose(user, prefs, since=now - timedelta(days=1))["notifications"]
    assert len(held) == 1 and "repl" in held[0].title.lower()


def test_the_next_digest_is_due_at_seven_in_the_readers_own_zone():
    """Ensure a daily digest is next due at 07:00 tomorrow in the reader's zone and a weekly one at
    07:00 next Monday there, whatever the server's zone."""
    import zoneinfo
    from datetime import datetime

    from parley.following.digest import period_of
    from parley.following.models import Preferences

    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 12, 2, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))  # Thursday 08:30 in Tokyo
    key, following = period_of(Preferences.DAILY, now, tokyo)
    assert (key, following) == ("d2026-12-03", datetime(2026, 12, 4, 7, 0, tzinfo=tokyo))
    key, following = period_of(Preferences.WEEKLY, now, tokyo)
    assert (key, following) == ("w2026-W49", datetime(2026, 12, 7, 7, 0, tzinfo=tokyo))
