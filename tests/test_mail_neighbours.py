"""A mail server that hangs or trickles costs a sender at most PARLEY_EMAIL_TIMEOUT, never minutes."""
import socket
import threading
import time

import pytest
from django.core.mail import send_mail
from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend

from parley.smtp import EmailBackend

TIMEOUT = 2  # seconds for one SMTP conversation in these tests
BOUND = 20  # a send must give up well before this; without a deadline it waits as long as the server


class BadSmtp:
    """An SMTP server on 127.0.0.1 that accepts connections and then never answers ("hang"), or
    sends its greeting one byte a second, forever ("trickle")."""

    def __init__(self, how: str):
        self.how, self.stop = how, threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        # Either way the server gives up after BOUND + 5 seconds, so a sender without a deadline
        # fails this test (too late) instead of hanging it.
        with conn:
            for byte in b"220 " + b"x" * (BOUND + 5) if self.how == "trickle" else []:
                if self.stop.wait(1):
                    return
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    return
            if self.how == "hang":
                self.stop.wait(BOUND + 5)

    def close(self):
        self.stop.set()
        self.server.close()


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
