"""A mail server that hangs or trickles costs a sender at most PARLEY_EMAIL_TIMEOUT, never minutes."""
import time

import pytest
from django.core.mail import send_mail
from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend

from parley.smtp import EmailBackend
from tests.smtpd import BOUND, BadSmtp

TIMEOUT = 2  # seconds for one SMTP conversation in these tests


@pytest.fixture(params=["hang", "trickle"])
def bad_smtp(request, settings):
    server = BadSmtp(request.param)
    settings.EMAIL_BACKEND = "parley.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.PARLEY_EMAIL_TIMEOUT = TIMEOUT
    yield server
    server.close()


def test_a_send_to_a_bad_server_gives_up_at_the_deadline(bad_smtp):
    """Ensure sending to a server that hangs, or trickles a byte a second, fails within the deadline
    (Django's own backend, with only a per-read timeout, would wait for the trickle for hours)."""
    started = time.monotonic()
    with pytest.raises(OSError):  # smtplib's errors are OSErrors: the caller records the failure
        send_mail("Subject", "Body", "parley@localhost", ["reader@example.com"])
    assert time.monotonic() - started < BOUND


def test_the_settings_use_the_deadline_backend_for_smtp():
    """Ensure PARLEY_EMAIL_URL=smtp://… selects the backend with the deadline, and it is Django's underneath."""
    from parley.conf import email_config

    assert email_config("smtp://mail.example.com:587?tls=1")[0] == "parley.smtp.EmailBackend"
    assert issubclass(EmailBackend, DjangoEmailBackend)
