"""The mail queue: requests only write a row; the sender talks to the server with a deadline,
retries with growing waits, records every failure, gives up after about a day, and sends each
mail once however many senders run."""
import logging
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail as locmem
from django.core.mail import send_mail
from django.utils import timezone

from parley.outgoing import delivery
from parley.outgoing.models import Mail
from tests.smtpd import BOUND, BadSmtp, GoodSmtp, refusing_port

pytestmark = pytest.mark.django_db
DEADLINE = 2  # seconds one SMTP conversation may take here


@pytest.fixture
def queue(settings):
    """Mail queued as in production; the sender's transport is SMTP on 127.0.0.1 (set per test)."""
    settings.EMAIL_BACKEND = "parley.outgoing.backend.QueueBackend"
    settings.PARLEY_MAIL_TRANSPORT = "parley.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "127.0.0.1", False
    settings.PARLEY_EMAIL_TIMEOUT = DEADLINE
    return settings


@pytest.fixture
def hanging_smtp(queue):
    server = BadSmtp("hang")
    queue.EMAIL_PORT = server.port
    yield server
    server.close()


@pytest.fixture
def good_smtp(queue):
    server = GoodSmtp(refuse={"nobody@example.com"})
    queue.EMAIL_PORT = server.port
    yield server
    server.close()


def due_now():
    Mail.objects.update(next_try_at=timezone.now())


def test_sign_up_answers_at_once_while_the_mail_server_hangs_and_the_mail_goes_later(client, hanging_smtp, queue):
    """Ensure a sign-up neither waits on a hanging mail server nor fails: the mail is queued, the
    sender gives up on the server at its deadline and records why, and the mail goes when a
    server answers."""
    response = client.post("/accounts/signup/", {"username": "newbie", "email": "newbie@example.com",
                                                 "password1": "correct-horse-battery-42",
                                                 "password2": "correct-horse-battery-42"}, follow=True)
    assert response.status_code == 200 and "confirmation link" in response.content.decode()
    assert hanging_smtp.connections == 0  # the request never talked to the mail server
    [queued] = Mail.objects.all()
    assert queued.to == "newbie@example.com" and queued.state == "waiting"

    started = time.monotonic()
    assert delivery.deliver() == 0
    assert time.monotonic() - started < BOUND  # cut at the deadline, not when the server lets go
    assert hanging_smtp.connections == 1
    queued.refresh_from_db()
    assert queued.state == "retrying" and queued.attempts == 1 and queued.last_error
    assert queued.next_try_at > timezone.now() + timedelta(seconds=50)
    assert delivery.deliver() == 0  # not due yet: nothing is tried

    good = GoodSmtp()
    queue.EMAIL_PORT = good.port
    due_now()
    try:
        assert delivery.deliver() == 1
    finally:
        good.close()
    queued.refresh_from_db()
    assert queued.state == "sent" and queued.last_error == ""
    [received] = good.received
    assert received["To"] == "newbie@example.com" and "/accounts/verify/" in received.get_payload()[0].get_payload(decode=True).decode()


def test_password_reset_succeeds_when_nothing_listens(client, queue, django_user_model):
    """Ensure a reset request with the mail server down succeeds and keeps the mail for later."""
    queue.EMAIL_PORT = refusing_port()
    user = django_user_model.objects.create_user("alice", "alice@example.com", "correct-horse-battery-42")
    user.profile.verified_email = "alice@example.com"
    user.profile.save()
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert Mail.objects.count() == 1
    assert delivery.deliver() == 0
    mail = Mail.objects.get()
    assert mail.attempts == 1 and "refused" in mail.last_error.lower()


def test_a_refused_recipient_fails_alone_and_the_rest_are_sent(good_smtp):
    """Ensure a server's 550 for one recipient fails that mail (recorded, retried later) and the
    mails after it in the round still go."""
    send_mail("One", "body", None, ["a@example.com"])
    send_mail("Two", "body", None, ["nobody@example.com"])
    send_mail("Three", "body", None, ["c@example.com"])
    assert delivery.deliver() == 2
    assert sorted(m["Subject"] for m in good_smtp.received) == ["One", "Three"]
    refused = Mail.objects.get(subject="Two")
    assert refused.state == "retrying" and "550" in refused.last_error


def test_a_mail_is_given_up_after_the_last_wait_and_logged_as_an_error(queue, caplog):
    """Ensure the waits grow as BACKOFF says and the mail is given up on after its last attempt, as
    an error an operator sees."""
    queue.EMAIL_PORT = refusing_port()
    send_mail("Hello", "body", None, ["a@example.com"])
    waits = []
    with caplog.at_level(logging.WARNING, logger="parley.outgoing"):
        for _ in range(len(delivery.BACKOFF) + 1):
            before = timezone.now()
            delivery.deliver()
            mail = Mail.objects.get()
            waits.append(round((mail.next_try_at - before).total_seconds(), -1))
            due_now()
    mail = Mail.objects.get()
    assert mail.state == "failed" and mail.attempts == len(delivery.BACKOFF) + 1
    assert waits[:-1] == [float(round(w, -1)) for w in delivery.BACKOFF]
    assert any(r.levelname == "ERROR" and "given up" in r.getMessage() for r in caplog.records)
    assert delivery.deliver() == 0 and delivery.queue_state()["failed_last_day"] == 1


def test_a_taken_mail_is_sent_once_and_comes_back_after_its_lease(queue, settings):
    """Ensure a second sender cannot take a mail another holds, and a mail whose sender died is
    due again once the lease has passed."""
    settings.PARLEY_MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
    send_mail("Hello", "body", None, ["a@example.com"])
    [taken] = delivery.claim()
    assert delivery.claim() == []  # held by the first (who then died)
    assert Mail.objects.get().next_try_at > timezone.now() + timedelta(seconds=settings.PARLEY_EMAIL_TIMEOUT)
    Mail.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))  # the lease ran out
    assert delivery.deliver() == 1 and delivery.deliver() == 0
    assert [m.subject for m in locmem.outbox] == ["Hello"]


def test_queue_state_reports_what_waits_and_for_how_long(queue, settings):
    settings.PARLEY_MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
    send_mail("Hello", "body", None, ["a@example.com"])
    Mail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    state = delivery.queue_state()
    assert state["waiting"] == 1 and 290 <= state["oldest_seconds"] <= 310
    delivery.deliver()
    assert delivery.queue_state()["waiting"] == 0
    assert User.objects.count() == 0


def test_parley_mail_shows_failures_and_tries_them_again(queue, settings, capsys):
    """Ensure `parley mail` names a failed mail and why, `retry` makes it due again and `send` sends it."""
    from django.core.management import call_command

    queue.EMAIL_PORT = refusing_port()
    send_mail("Hello", "body", None, ["a@example.com"])
    Mail.objects.update(attempts=len(delivery.BACKOFF))
    delivery.deliver()
    call_command("mail")
    out = capsys.readouterr().out
    assert "1 given up" in out and "failed: Hello to a@example.com" in out and "refused" in out.lower()
    settings.PARLEY_MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
    call_command("mail", "retry")
    call_command("mail", "send")
    assert "1 sent" in capsys.readouterr().out and [m.subject for m in locmem.outbox] == ["Hello"]
