"""Mail over SMTP with a deadline: a mail server that accepts and never answers, or trickles a byte
a second, costs a sender at most PARLEY_EMAIL_TIMEOUT seconds, never the worker's whole run.

Django's SMTP backend gives the socket one timeout per operation, which bounds a silent server but
not a slow one. Here a timer shuts the connection's socket when the deadline of the whole
conversation (connect, TLS, login, every message) passes, so the read that waits fails at once.
"""
import smtplib
import socket
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.mail.backends import smtp


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, bounded in total time by PARLEY_EMAIL_TIMEOUT."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.PARLEY_EMAIL_TIMEOUT)
        super().__init__(*args, **kwargs)
        self._talking = None  # the smtplib connection being opened or used, whose socket the deadline shuts

    @property
    def connection_class(self):
        """smtplib's class, noting each connection as it connects: the greeting is read inside the
        constructor, before Django keeps the connection, and a trickled greeting must be cut too."""
        backend = self

        class Noted(smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP):
            def connect(self, *args, **kwargs):
                backend._talking = self
                return super().connect(*args, **kwargs)

        return Noted

    @contextmanager
    def _deadline(self):
        timer = threading.Timer(self.timeout, self._cut)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def open(self):
        """Connect (greeting, TLS, login) within the deadline; the queue's sender opens once per round."""
        with self._deadline():
            return super().open()

    def send_messages(self, email_messages):
        """Send within the deadline, whether this call connects or a connection is already open."""
        with self._deadline():
            return super().send_messages(email_messages)

    def _cut(self) -> None:
        """Shut the connection's socket: the read it waits in returns, and smtplib raises."""
        sock = getattr(self._talking, "sock", None) or getattr(self.connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
